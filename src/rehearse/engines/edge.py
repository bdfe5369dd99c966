"""Online text to speech with Microsoft's edge-tts service; every failure is one exception."""

import asyncio
import math
import re
import threading
from concurrent.futures import ThreadPoolExecutor

DEFAULT_TIMEOUT_S = 10.0


class EdgeUnavailable(Exception):
    """edge-tts produced no audio (no network, HTTP 403, timeout, bad voice); `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _describe(exc: BaseException) -> str:
    """One short line for logs and results, e.g. `HTTP 403 WSServerHandshakeError: ...`."""
    status = getattr(exc, "status", None)  # aiohttp errors carry the HTTP status (403 and co.)
    prefix = f"HTTP {status} " if isinstance(status, int) else ""
    # aiohttp puts the SSLContext's repr (a memory address) in its message: noise for users.
    detail = re.sub(r"\s*ssl:<[^>]*>", "", " ".join(str(exc).split()))[:300]
    return f"{prefix}{type(exc).__name__}: {detail}".rstrip(": ")


async def _collect(text: str, voice: str, timeout_s: float) -> bytes:
    import edge_tts

    # edge-tts insists on int timeouts; they bound single socket waits, not the whole call.
    per_socket = max(1, math.ceil(timeout_s))
    communicate = edge_tts.Communicate(
        text, voice, connect_timeout=per_socket, receive_timeout=per_socket
    )
    audio = bytearray()
    async for chunk in communicate.stream():
        if chunk["type"] == "audio":
            audio.extend(chunk["data"])
    return bytes(audio)


async def synthesize_async(text: str, voice: str, timeout_s: float = DEFAULT_TIMEOUT_S) -> bytes:
    """Speak `text` with the edge `voice`; returns mp3 bytes or raises EdgeUnavailable."""
    try:
        # A stalled connection can outlive receive_timeout: only wait_for bounds the total.
        audio = await asyncio.wait_for(_collect(text, voice, timeout_s), timeout_s)
    except TimeoutError:
        raise EdgeUnavailable(f"timed out after {timeout_s:g} s") from None
    except ImportError as exc:
        raise EdgeUnavailable(f"edge-tts is not installed: {exc}") from exc
    except Exception as exc:
        raise EdgeUnavailable(_describe(exc)) from exc
    if not audio:
        raise EdgeUnavailable("edge-tts returned no audio")
    return audio


def _run_bounded(text: str, voice: str, timeout_s: float) -> bytes:
    """Run `synthesize_async` on a private event loop that never waits for stuck DNS lookups."""
    loop = asyncio.new_event_loop()
    # asyncio.run joins the default executor, where aiohttp runs getaddrinfo: a hung DNS
    # lookup would hold the call far past timeout_s. This executor is abandoned instead.
    executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="edge-tts-dns")
    loop.set_default_executor(executor)
    try:
        return loop.run_until_complete(synthesize_async(text, voice, timeout_s))
    finally:
        try:
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            executor.shutdown(wait=False, cancel_futures=True)
            loop.close()


def synthesize(text: str, voice: str, timeout_s: float = DEFAULT_TIMEOUT_S) -> bytes:
    """Blocking `synthesize_async` for the synchronous worker; returns mp3 bytes."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _run_bounded(text, voice, timeout_s)
    # Called from inside an event loop (an async caller or test): a second loop cannot run
    # on this thread, so run the private one on a helper thread.
    box: dict[str, bytes | BaseException] = {}

    def target() -> None:
        try:
            box["audio"] = _run_bounded(text, voice, timeout_s)
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=target, name="edge-tts", daemon=True)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["audio"]  # type: ignore[return-value]

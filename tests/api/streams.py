"""Clients of a job's event stream as a browser would be: SSE frames and WebSocket messages."""

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import websockets.exceptions
import websockets.sync.client as ws_client


@dataclass
class SseFrame:
    """One SSE frame: an event (`id`, `event`, `data`) or a comment line (a keep-alive)."""

    id: str | None = None
    event: str | None = None
    data: dict | None = None
    comment: str | None = None


def sse_frames(response: httpx.Response) -> Iterator[SseFrame]:
    """Frames as they arrive, until the server ends the response."""
    frame = SseFrame()
    for line in response.iter_lines():
        if line.startswith(":"):
            yield SseFrame(comment=line[1:].strip())
        elif line.startswith("id: "):
            frame.id = line[4:]
        elif line.startswith("event: "):
            frame.event = line[7:]
        elif line.startswith("data: "):
            frame.data = json.loads(line[6:])
        elif line == "" and frame.data is not None:
            yield frame
            frame = SseFrame()


def read_sse(response: httpx.Response) -> list[dict]:
    """Every event's data in one SSE response, keep-alives left out."""
    return [frame.data for frame in sse_frames(response) if frame.comment is None]


def sse_events(client: httpx.Client, job_id: str, timeout: float = 60, **options) -> list[dict]:
    """Every event of one SSE request (`headers=`, `params=` passed on), checking `id:` = seq."""
    with client.stream("GET", f"/v1/jobs/{job_id}/events", timeout=timeout, **options) as response:
        assert response.status_code == 200, response.read()
        frames = [f for f in sse_frames(response) if f.comment is None]
    for frame in frames:
        assert frame.id == str(frame.data["seq"]) and frame.event == frame.data["type"], frame
    return [f.data for f in frames]


def ws_url(client: httpx.Client, job_id: str, **params) -> str:
    url = client.base_url.copy_with(scheme="ws", path=f"/v1/jobs/{job_id}/events")
    return str(url.copy_merge_params(params) if params else url)


@dataclass
class WsResult:
    """What a WebSocket client saw: messages, the close code and reason, pings received."""

    events: list[dict] = field(default_factory=list)
    code: int | None = None
    reason: str = ""
    pings: int = 0


class _PingCounter(logging.Handler):
    """Counts the ping frames the server sends (websockets logs each frame at debug level)."""

    def __init__(self, result: WsResult) -> None:
        super().__init__(logging.DEBUG)
        self.result = result

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("< PING"):
            self.result.pings += 1


def ws_events(
    url: str, api_key: str | None = None, timeout: float = 60, result: WsResult | None = None
) -> WsResult:
    """Every message until the server closes, into `result` as they come (another thread may
    watch it); the client never pings (the server must)."""
    result = result if result is not None else WsResult()
    logger = logging.getLogger(f"tests.ws.{id(result)}")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    logger.addHandler(_PingCounter(result))
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else None
    with ws_client.connect(
        url, additional_headers=headers, ping_interval=None, logger=logger
    ) as ws:
        try:
            while True:
                result.events.append(json.loads(ws.recv(timeout=timeout)))
        except websockets.exceptions.ConnectionClosed as closed:
            if closed.rcvd is not None:  # None: the connection dropped without a close frame
                result.code, result.reason = closed.rcvd.code, closed.rcvd.reason
            else:
                result.code = 1006
    return result

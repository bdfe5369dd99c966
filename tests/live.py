"""A conversation-mode client as the browser's worklet is: PCM frames at real-time pace."""

import json
import queue
import threading
import time
from dataclasses import dataclass, field

import httpx
import numpy as np
import websockets.exceptions
import websockets.sync.client as ws_client

RATE = 16_000
FRAME_S = 0.1


def speech(text: str, language: str = "en") -> bytes:
    """`text` spoken by espeak-ng, as 16 kHz 16-bit mono PCM."""
    from rehearse.engines import espeak

    pcm, rate = espeak.synthesize(text, language)
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32)
    at = np.arange(0, samples.size, rate / RATE)
    resampled = np.interp(at, np.arange(samples.size), samples)
    return resampled.astype("<i2").tobytes()


def silence(seconds: float) -> bytes:
    return bytes(int(seconds * RATE) * 2)


def live_url(client: httpx.Client, interview_id: str, **params) -> str:
    url = client.base_url.copy_with(scheme="ws", path=f"/v1/interviews/{interview_id}/live")
    return str(url.copy_merge_params(params) if params else url)


@dataclass
class Live:
    """One socket: `events` collects what the server sent, on a reader thread."""

    socket: ws_client.ClientConnection
    events: "queue.Queue[dict]" = field(default_factory=queue.Queue)
    seen: list[dict] = field(default_factory=list)
    close_code: int | None = None

    def start(self) -> "Live":
        threading.Thread(target=self._read, daemon=True).start()
        return self

    def _read(self) -> None:
        try:
            for message in self.socket:
                self.events.put(json.loads(message))
        except websockets.exceptions.ConnectionClosed:
            pass
        self.close_code = self.socket.close_code
        self.events.put({"type": "_closed", "code": self.close_code})

    def send_audio(self, pcm: bytes, frame_s: float = FRAME_S, pace: float = 1.0) -> None:
        """Frames of `frame_s` at `pace` x real time (1.0: as a microphone)."""
        step = int(frame_s * RATE) * 2
        began = time.monotonic()
        for index, start in enumerate(range(0, len(pcm), step)):
            self.socket.send(pcm[start : start + step])
            wait = began + (index + 1) * frame_s / pace - time.monotonic()
            if wait > 0:
                time.sleep(wait)

    def control(self, **message) -> None:
        self.socket.send(json.dumps(message))

    def wait_for(self, type_: str, timeout: float = 60, **fields) -> dict:
        """The next event of `type_` (with `fields`), keeping every event seen."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                break
            self.seen.append(event)
            if event["type"] == type_ and all(event.get(k) == v for k, v in fields.items()):
                return event
            if event["type"] == "_closed" and type_ != "_closed":
                raise AssertionError(f"closed ({event['code']}) before {type_}: {self.seen}")
        raise AssertionError(f"no {type_} within {timeout} s: {[e['type'] for e in self.seen]}")


def connect(client: httpx.Client, interview_id: str, **params) -> Live:
    headers = {"Authorization": client.headers["Authorization"]}
    socket = ws_client.connect(live_url(client, interview_id, **params), additional_headers=headers)
    return Live(socket).start()

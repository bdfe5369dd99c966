"""Spoken answers for bench/voice_loop.py, and a live socket that timestamps what it hears.

An answer is espeak-ng speech at 16 kHz with silences placed inside it; its `end` is the last
speech sample, the moment the candidate stops talking. `LiveClock` sends frames as a
microphone delivers them (each once its last sample was spoken) and stamps each event on
arrival, so end of speech and the server's answers share one clock.
"""

import json
import threading
import time
from dataclasses import dataclass

import httpx
import numpy as np
import websockets.exceptions
import websockets.sync.client as ws_client

from bench.turn_latency import ANSWERS
from tests.live import RATE, live_url, silence, speech

FRAME = RATE // 10  # samples per frame: 100 ms, as tests/live.py sends
LOUD = 100  # |sample| above this is speech: espeak-ng pads with digital silence

EXTRA = [
    "When a launch slipped I told the product team early and we cut the scope together.",
    "I read the error budget every Monday and we stop feature work when it runs out.",
]


@dataclass
class Answer:
    group: str  # long, short, pauses, unfinished
    text: str
    pcm: bytes  # the whole answer, lead-in and inner pauses included, no closing silence
    end: int  # the last speech sample
    finished: bool

    @property
    def seconds(self) -> float:
        return self.end / RATE


def spoken(group: str, pieces: list[str | float], finished: bool = True) -> Answer:
    """Text pieces spoken in order, a float being a pause of that many seconds."""
    pcm = bytearray(silence(0.3))
    for piece in pieces:
        pcm += silence(piece) if isinstance(piece, float) else speech(piece)
    samples = np.frombuffer(bytes(pcm), dtype="<i2")
    end = int(np.flatnonzero(np.abs(samples) > LOUD)[-1]) + 1
    text = " ".join(p for p in pieces if isinstance(p, str))
    return Answer(group, text, bytes(pcm[: end * 2]), end, finished)


def answers(count: int) -> list[Answer]:
    """`count` each of long (>= 20 s), short, with thinking pauses; half as many unfinished."""
    lines = ANSWERS + EXTRA
    long = [spoken("long", [" ".join(lines[i:] + lines[:i])]) for i in range(count)]
    short = [spoken("short", [lines[i % len(lines)]]) for i in range(count)]
    pauses = [
        ["I led the migration and", 2.0, "we moved forty services to the new cluster."],
        ["We picked PostgreSQL because", 1.5, "the team knew it well and", 2.5, "it was fast."],
        ["The hardest part was the", 3.0, "data backfill, which took two weeks."],
        ["I would first measure the latency so", 2.0, "we know where the time goes."],
    ]
    thinking = [spoken("pauses", pauses[i % len(pauses)]) for i in range(count)]
    unfinished = [
        spoken("unfinished", ["I built the payment service in Python with a team and"], False),
        spoken("unfinished", ["Then I paired with every new engineer because"], False),
    ]
    return long + short + thinking + unfinished[: max(count // 2, 1)]


class LiveClock:
    """One live socket: events stamped with `time.monotonic()` on arrival."""

    def __init__(self, client: httpx.Client, interview_id: str) -> None:
        headers = {"Authorization": client.headers["Authorization"]}
        url = live_url(client, interview_id)
        self.socket = ws_client.connect(url, additional_headers=headers, max_size=None)
        self.events: list[tuple[float, dict]] = []
        self.arrived = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            for message in self.socket:
                with self.arrived:
                    self.events.append((time.monotonic(), json.loads(message)))
                    self.arrived.notify_all()
        except websockets.exceptions.ConnectionClosed:
            pass
        with self.arrived:
            self.events.append((time.monotonic(), {"type": "_closed"}))
            self.arrived.notify_all()

    def find(self, since: int, *types: str, **fields: object) -> tuple[float, dict] | None:
        """The first event from index `since` of one of `types`; `fields` must match where
        the event has them (an `error` ends a wait for a final `transcript`)."""
        for at, event in self.events[since:]:
            if event["type"] in types and all(event.get(k, v) == v for k, v in fields.items()):
                return at, event
        return None

    def wait(self, since: int, *types: str, timeout: float = 600, **fields: object) -> tuple:
        deadline = time.monotonic() + timeout
        with self.arrived:
            while (found := self.find(since, *types, "_closed", **fields)) is None:
                if not self.arrived.wait(deadline - time.monotonic()):
                    raise SystemExit(f"no {types} within {timeout} s: {self.events[since:]}")
        return found

    def speak(self, answer: Answer, since: int, tail_s: float = 15.0) -> float:
        """Send the answer, then silence until `turn_ended` (at most `tail_s`), frame by frame
        at a microphone's pace; returns the wall time of the answer's last speech sample."""
        pcm = answer.pcm + silence(tail_s)
        began, spoke_until = time.monotonic(), None
        for start in range(0, len(pcm) // 2, FRAME):
            time.sleep(max(began + (start + FRAME) / RATE - time.monotonic(), 0))
            if self.find(since, "turn_ended", "error", "_closed"):
                break
            self.socket.send(pcm[start * 2 : (start + FRAME) * 2])
            if spoke_until is None and start + FRAME >= answer.end:
                # The frame left once its last sample was spoken: back to the speech's end.
                spoke_until = time.monotonic() - (start + FRAME - answer.end) / RATE
        # Cut off before the last word was sent: it would have been spoken on schedule.
        return spoke_until if spoke_until is not None else began + answer.end / RATE

    def close(self) -> None:
        self.socket.close()

"""Conversation mode's contract: control messages in, what a live answer hands the turn job.

The socket itself (`WS /v1/interviews/{id}/live`) is documented in docs/conversation.md;
ARCHITECTURE.md fixes its message and event names.
"""

from typing import Any, Literal

from pydantic import BaseModel, Field

from rehearse.contracts.languages import WhisperLanguage
from rehearse.contracts.storable import Contract

SAMPLE_RATE = 16_000
BYTES_PER_SECOND = SAMPLE_RATE * 2
PROMPT_CHARS = 400
"""The answer's last words given to Whisper with the next stretch: the sentence goes on, in the
same case and punctuation, rather than starting afresh at every pause."""
"""PCM signed 16-bit little-endian mono at 16 kHz: what the browser's worklet sends."""
MAX_FRAME_BYTES = BYTES_PER_SECOND
"""One binary frame holds at most one second of audio."""


class LiveControl(BaseModel):
    """A text frame from the client."""

    type: Literal["done", "playback", "pause", "resume"]
    state: Literal["started", "ended"] | None = None


TurnEndReason = Literal["silence", "thinking_time", "done", "max_duration", "disconnected"]


class SegmentParams(Contract):
    """A closed stretch of a live answer to transcribe now (no job row; the api waits).

    The audio is not in the message: it is the byte range `[start, end)` of the answer's PCM,
    which the api keeps in Redis under `audio_key` while the answer lasts.
    """

    audio_key: str = Field(..., max_length=200)
    start: int = Field(..., ge=0)
    end: int = Field(..., gt=0)
    language: WhisperLanguage | None = None
    prompt: str | None = Field(
        None, max_length=2000, description="The answer's words before this stretch, for Whisper."
    )


def shifted(segment: dict[str, Any], offset_s: float) -> dict[str, Any]:
    """A Whisper segment (or an event of one) of audio that began `offset_s` into the answer,
    its times counted from the answer's start; anything without times is returned as is."""
    if "start" not in segment:
        return segment
    start, end = segment["start"] + offset_s, segment["end"] + offset_s
    return {**segment, "start": round(start, 3), "end": round(end, 3)}


class Heard(BaseModel):
    """What was transcribed while the candidate spoke: Whisper's segments over the first
    `until_s` seconds of the answer, times counted from the answer's start. The turn's stt
    step transcribes only the rest."""

    until_s: float = Field(..., ge=0)
    segments: list[dict[str, Any]] = Field(default_factory=list)

    def text(self) -> str:
        return "".join(segment["text"] for segment in self.segments).strip()

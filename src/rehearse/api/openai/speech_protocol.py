"""The request of `POST /v1/audio/speech`, as OpenAI names it; the answer is audio bytes."""

from typing import Literal

from pydantic import Field

from rehearse.contracts.storable import Contract

SpeechFormat = Literal["mp3", "opus", "aac", "flac", "wav", "pcm"]


class SpeechRequest(Contract):
    model: str
    input: str = Field(..., min_length=1, max_length=5000)
    voice: str = Field(
        ..., description="A configured voice (GET /v1/models), or an OpenAI voice name such as "
        "`alloy`, which speaks in the default voice of the text's language.",
    )  # fmt: skip
    response_format: SpeechFormat = Field(
        "mp3", description="`pcm`: raw 16-bit little-endian mono at 24 kHz, no header."
    )
    speed: float = Field(1.0, ge=0.25, le=4.0)
    instructions: str | None = Field(None, description="Accepted and ignored.")

"""A live answer's audio while it is spoken: raw PCM appended to one Redis string.

The api appends each frame; the gpu worker reads the byte range of a closed stretch of speech
to transcribe it; when the turn ends the api reads it all once (stored as the answer's
artifact) and deletes it. The key expires on its own if the api dies meanwhile.
"""

import io
import wave
from uuid import UUID

import redis
import redis.asyncio as aioredis

from rehearse.contracts.live_contract import SAMPLE_RATE

TTL_S = 900
"""A live answer lasts at most MAX_AUDIO_SECONDS; an abandoned one is gone after this."""


def audio_key(interview_id: UUID) -> str:
    return f"rehearse:live:{interview_id}:pcm"


def holder_key(interview_id: UUID) -> str:
    """Who holds the interview's live socket now: one at a time per interview."""
    return f"rehearse:live:{interview_id}:holder"


async def append(client: aioredis.Redis, key: str, pcm: bytes) -> int:
    """Add audio at the end; the answer's length in bytes after it."""
    async with client.pipeline(transaction=True) as pipe:
        pipe.append(key, pcm)
        pipe.expire(key, TTL_S)
        length, _ = await pipe.execute()
    return int(length)


async def take(client: aioredis.Redis, key: str) -> bytes:
    """The whole answer, removed."""
    async with client.pipeline(transaction=True) as pipe:
        pipe.get(key)
        pipe.delete(key)
        data, _ = await pipe.execute()
    return data or b""


def read_range(client: redis.Redis, key: str, start: int, end: int) -> bytes:
    """Bytes `[start, end)` of the answer (the worker's side); b"" once it is gone."""
    return client.getrange(key, start, end - 1) if end > start else b""


def as_wav(pcm: bytes) -> bytes:
    """The answer as a WAV file (its artifact): 16 kHz, 16-bit, mono."""
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(pcm[: len(pcm) - len(pcm) % 2])
    return out.getvalue()

"""Conversation mode's transcription while the candidate speaks: one closed stretch at a time.

No job row: the api sends the stretch when a pause closes it and waits for this result, with
an `expires` so a stretch nobody waits for any more is dropped. A lost or late stretch costs
nothing but time: the turn's stt step transcribes whatever was not heard here.
"""

import functools
from dataclasses import replace
from typing import Any

import numpy as np
import redis
from celery import shared_task

from rehearse.base.errors import JobError
from rehearse.base.redis_client import sync_client
from rehearse.base.settings import Settings
from rehearse.contracts.job_kinds import LIVE_TRANSCRIBE, WHISPER
from rehearse.contracts.jobs import TranscribeParams, WhisperOptions
from rehearse.contracts.live_contract import PROMPT_CHARS, Heard, SegmentParams, shifted
from rehearse.engines.base import SpeechToText
from rehearse.engines.whisper import SAMPLE_RATE, TranscribeRequest, decode
from rehearse.runtime.run_context import RunContext
from rehearse.runtime.worker_context import current
from rehearse.storage.live_audio import read_range


def pcm_samples(pcm: bytes) -> np.ndarray:
    """16-bit little-endian PCM as Whisper's float32 samples in [-1, 1)."""
    usable = len(pcm) - len(pcm) % 2
    return np.frombuffer(pcm[:usable], dtype="<i2").astype(np.float32) / 32768.0


@functools.cache
def _redis(url: str) -> redis.Redis:
    return sync_client(url)


@shared_task(name=LIVE_TRANSCRIBE, ignore_result=False, acks_late=False)
def transcribe_segment(payload: dict[str, Any]) -> dict[str, Any]:
    """Whisper's segments of one stretch, times counted from the stretch's start."""
    params = SegmentParams.model_validate(payload)
    context = current()
    pcm = read_range(_redis(context.settings.redis_url), params.audio_key, params.start, params.end)
    if not pcm:
        raise JobError("audio_gone", "the live answer's audio is gone")
    options = WhisperOptions(language=params.language, prompt=params.prompt)
    request = TranscribeRequest(pcm_samples(pcm), options)
    result, _ = context.engines.call(WHISPER, lambda engine: engine.run(request, RunContext()))
    return {"text": result["text"], "segments": result["segments"]}


def rest_of(
    engine: SpeechToText,
    data: bytes,
    options: TranscribeParams,
    heard: Heard,
    ctx: RunContext,
    settings: Settings,
) -> dict[str, Any]:
    """A live answer's transcript: what was heard while it was spoken, then the rest of it."""
    samples = decode(data, settings.max_audio_seconds)
    for segment in heard.segments:
        ctx.emit("segment", **segment)
    tail = samples[int(heard.until_s * SAMPLE_RATE) :]
    later: list[dict[str, Any]] = []
    language = options.language
    if tail.size >= SAMPLE_RATE // 4:  # under 250 ms holds no word
        options = options.model_copy(update={"prompt": heard.text()[-PROMPT_CHARS:] or None})
        later_ctx = replace(
            ctx, emit=lambda type_, **f: ctx.emit(type_, **shifted(f, heard.until_s))
        )
        rest = engine.run(TranscribeRequest(tail, options), later_ctx)
        later = [shifted(s, heard.until_s) for s in rest["segments"]]
        language = rest["language"]
    segments = [*heard.segments, *later]
    return {
        "text": "".join(s["text"] for s in segments).strip(),
        "language": language,
        "duration": round(samples.size / SAMPLE_RATE, 3),
        "segments": segments,
    }

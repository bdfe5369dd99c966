"""Transcriptions as `transcribe` jobs: the uploaded audio stored with the job, the answer."""

from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

from fastapi import Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from rehearse.api.enqueue import enqueue_upload
from rehearse.api.openai import job_wait
from rehearse.api.openai.sse import sse_data
from rehearse.api.openai.transcription_protocol import srt, verbose, vtt
from rehearse.base.settings import Settings
from rehearse.contracts.job_kinds import JobKind
from rehearse.contracts.jobs import TranscribeParams


async def start(
    request: Request, settings: Settings, owner: UUID, audio: bytes, content_type: str,
    fields: dict[str, Any],
) -> UUID:  # fmt: skip
    """Store the audio and record the job in one transaction, then send it; the job's id."""
    row = await enqueue_upload(
        request,
        settings,
        JobKind.transcribe,
        owner,
        (audio, content_type),
        lambda artifact_id: job_wait.job_params(
            TranscribeParams, {"audio_artifact_id": artifact_id, **fields}
        ),
    )
    return row["id"]


def answer(result: dict[str, Any], response_format: str, granularities: set[str]) -> Response:
    """The finished transcription in the requested format."""
    if response_format == "text":
        return PlainTextResponse(result["text"])
    if response_format == "srt":
        return PlainTextResponse(srt(result["segments"]))
    if response_format == "vtt":
        return PlainTextResponse(vtt(result["segments"]), media_type="text/vtt")
    if response_format == "verbose_json":
        return JSONResponse(verbose(result, granularities).model_dump(exclude_none=True))
    return JSONResponse({"text": result["text"]})


async def deltas(request: Request, job_id: UUID, owner: UUID) -> AsyncIterator[str]:
    """`transcript.text.delta` per segment as Whisper finds it, then `transcript.text.done`."""
    async for event in job_wait.events(request, job_id, owner):
        if event["type"] == "segment" and event["text"]:
            yield sse_data({"type": "transcript.text.delta", "delta": event["text"]})
    result = await job_wait.outcome(job_id, owner)
    yield sse_data({"type": "transcript.text.done", "text": result["text"]})

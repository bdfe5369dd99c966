"""Transcriptions as `transcribe` jobs: the uploaded audio stored with the job, the answer."""

from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from api.enqueue import enqueue_job
from api.openai import job_wait
from api.openai.sse import sse_data
from api.openai.transcription_protocol import srt, verbose, vtt
from common.artifact_store import put_artifact
from common.db import transaction
from common.jobs import JobKind, TranscribeParams
from common.settings import Settings


async def start(
    request: Request, settings: Settings, owner: UUID, audio: bytes, content_type: str,
    fields: dict[str, Any],
) -> UUID:  # fmt: skip
    """Store the audio and record the job in one transaction, then send it; the job's id."""

    def store_and_enqueue() -> UUID:
        with transaction() as conn:
            artifact_id = put_artifact(conn, owner, audio, content_type)
            params = job_wait.job_params(
                TranscribeParams, {"audio_artifact_id": artifact_id, **fields}
            )
            row = enqueue_job(
                request.app.state.celery,
                request.app.state.redis_sync,
                settings,
                JobKind.transcribe,
                owner,
                params.model_dump(mode="json"),
                conn=conn,
            )
        return row["id"]

    return await run_in_threadpool(store_and_enqueue)


def answer(result: dict[str, Any], response_format: str) -> Response:
    """The finished transcription in the requested format."""
    if response_format == "text":
        return PlainTextResponse(result["text"])
    if response_format == "srt":
        return PlainTextResponse(srt(result["segments"]))
    if response_format == "vtt":
        return PlainTextResponse(vtt(result["segments"]), media_type="text/vtt")
    if response_format == "verbose_json":
        return JSONResponse(verbose(result).model_dump())
    return JSONResponse({"text": result["text"]})


async def deltas(request: Request, job_id: UUID, owner: UUID) -> AsyncIterator[str]:
    """`transcript.text.delta` per segment as Whisper finds it, then `transcript.text.done`."""
    async for event in job_wait.events(request, job_id, owner):
        if event["type"] == "segment" and event["text"]:
            yield sse_data({"type": "transcript.text.delta", "delta": event["text"]})
    result = await job_wait.outcome(job_id, owner)
    yield sse_data({"type": "transcript.text.done", "text": result["text"]})

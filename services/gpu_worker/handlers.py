"""Job handlers of the gpu worker: load the job's inputs, run an engine under residency."""

from typing import Any

import psycopg

from common.artifact_store import get_artifact, put_artifact
from common.db import transaction
from common.errors import JobError
from common.job_runner import Finalize, Handler
from common.jobs import ChatParams, SpeakParams, TranscribeParams
from common.run_context import RunContext
from engines.catalog import LLM, SPEECH, WHISPER
from engines.residency import Residency
from engines.whisper import TranscribeRequest


def transcribe(residency: Residency) -> Handler:
    """Transcribe the job's audio artifact, emitting one `segment` event per segment."""

    def handle(job: dict[str, Any], ctx: RunContext, timings: dict[str, Any]) -> dict[str, Any]:
        params = TranscribeParams.model_validate(job["params"])
        with transaction() as conn:
            artifact = get_artifact(conn, params.audio_artifact_id, job["owner_id"])
        if artifact is None:
            raise JobError("artifact_missing", f"audio artifact {params.audio_artifact_id} is gone")
        request = TranscribeRequest(artifact.data, params)
        result, usage = residency.call(WHISPER, lambda engine: engine.run(request, ctx))
        timings.update(usage.timings())
        return result

    return handle


def chat(residency: Residency) -> Handler:
    """A chat completion, streaming `token` events."""

    def handle(job: dict[str, Any], ctx: RunContext, timings: dict[str, Any]) -> dict[str, Any]:
        params = ChatParams.model_validate(job["params"])
        result, usage = residency.call(LLM, lambda engine: engine.run(params, ctx))
        timings.update(usage.timings())
        return result

    return handle


def speak(residency: Residency) -> Handler:
    """Speech from text, stored as an audio artifact with the job's result."""

    def handle(job: dict[str, Any], ctx: RunContext, timings: dict[str, Any]) -> Finalize:
        params = SpeakParams.model_validate(job["params"])
        spoken, usage = residency.call(SPEECH, lambda engine: engine.run(params, ctx))
        timings.update(usage.timings())

        def finalize(conn: psycopg.Connection) -> dict[str, Any]:
            # Same transaction as the result: a crash leaves neither the audio nor the result.
            artifact_id = put_artifact(
                conn, job["owner_id"], spoken["audio"], spoken["content_type"]
            )
            return {
                "artifact_id": str(artifact_id),
                "engine": spoken["engine"],
                "format": spoken["format"],
                "duration": spoken["duration"],
                "voice": spoken["voice"],
                "language": spoken["language"],
                "fallback_reason": spoken["fallback_reason"],
            }

        return finalize

    return handle

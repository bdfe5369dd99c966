"""Step handlers of the single-step gpu jobs: transcribe, chat, speak (TTS's queue)."""

from typing import Any

import psycopg

from rehearse.base.errors import JobError
from rehearse.contracts.jobs import ChatParams, SpeakParams, TranscribeParams
from rehearse.engines.base import Chat, SpeechToText, TextToSpeech
from rehearse.engines.whisper import TranscribeRequest
from rehearse.runtime.job_runner import Finalize
from rehearse.runtime.worker_context import StepRun
from rehearse.storage.artifact_store import get_artifact, put_artifact
from rehearse.storage.db import transaction


def transcribe(engine: SpeechToText, run: StepRun) -> dict[str, Any]:
    """Transcribe the job's audio artifact, emitting one `segment` event per segment."""
    params = TranscribeParams.model_validate(run.job.params)
    with transaction() as conn:
        artifact = get_artifact(conn, params.audio_artifact_id, run.job.owner_id)
    if artifact is None:
        raise JobError("artifact_missing", f"audio artifact {params.audio_artifact_id} is gone")
    request = TranscribeRequest(artifact.data, params, word_timestamps=params.word_timestamps)
    return engine.run(request, run.ctx)


def chat(engine: Chat, run: StepRun) -> dict[str, Any]:
    """A chat completion, streaming `token` events."""
    return engine.run(ChatParams.model_validate(run.job.params), run.ctx)


def speak(engine: TextToSpeech, run: StepRun) -> Finalize:
    """Speech from text, stored as an audio artifact with the job's result."""
    job = run.job
    spoken = engine.run(SpeakParams.model_validate(job.params), run.ctx)

    def finalize(conn: psycopg.Connection) -> dict[str, Any]:
        # Same transaction as the result: a crash leaves neither the audio nor the result.
        artifact_id = put_artifact(conn, job.owner_id, spoken["audio"], spoken["content_type"])
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

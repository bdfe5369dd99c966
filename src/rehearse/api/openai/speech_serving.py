"""Speech as `speak` jobs: the voice and format mapped, the finished job's audio read back."""

from typing import Any
from uuid import UUID

from fastapi.concurrency import run_in_threadpool

from rehearse.api.openai import job_wait
from rehearse.api.openai.errors import OpenAIError
from rehearse.api.openai.model_catalog import ALIASES, resolve
from rehearse.api.openai.speech_protocol import SpeechRequest
from rehearse.base.settings import Settings
from rehearse.contracts.jobs import SpeakParams
from rehearse.storage.artifact_store import get_artifact
from rehearse.storage.db import transaction


def speak_params(settings: Settings, body: SpeechRequest) -> SpeakParams:
    """The `speak` job's params; an OpenAI voice name leaves the choice to the language."""
    voice = None
    if body.voice not in ALIASES["voice"]:
        voice = resolve(settings, "voice", body.voice, "voice")
    fields = {"text": body.input, "voice": voice, "format": body.response_format}
    return job_wait.job_params(SpeakParams, fields | {"speed": body.speed})


async def audio_of(result: dict[str, Any], owner: UUID) -> tuple[bytes, str]:
    """(bytes, content type) of the artifact the finished job stored."""

    def read() -> Any:
        with transaction() as conn:
            return get_artifact(conn, UUID(result["artifact_id"]), owner)

    artifact = await run_in_threadpool(read)
    if artifact is None:
        raise OpenAIError(500, "artifact_missing", "the spoken audio is gone")
    return artifact.data, artifact.content_type

"""`POST /v1/audio/speech` (HTTP only: the logic is in speech_serving)."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from rehearse.api.deps import OwnerDep, SettingsDep
from rehearse.api.errors import responses
from rehearse.api.openai import job_wait, speech_serving
from rehearse.api.openai.model_catalog import resolve
from rehearse.api.openai.speech_protocol import SpeechRequest
from rehearse.contracts.job_kinds import JobKind

router = APIRouter(prefix="/v1/audio", tags=["openai"])


@router.post(
    "/speech",
    response_class=Response,
    responses={
        200: {"content": {"audio/mpeg": {}, "audio/ogg": {}, "audio/wav": {}, "audio/pcm": {}}},
        **responses(400, 401, 404, 429, 500, 503),
    },
)
async def create_speech(
    body: SpeechRequest, request: Request, owner: OwnerDep, settings: SettingsDep
) -> Response:
    """Text to speech as a `speak` job; the audio is sent once the job is done."""
    resolve(settings, "speech", body.model)
    params = speech_serving.speak_params(settings, body)
    job_id = await job_wait.start(request, JobKind.speak, owner, params)
    result = await job_wait.run_to_end(request, settings, job_id, owner)
    audio, content_type = await speech_serving.audio_of(result, owner)
    return Response(audio, media_type=content_type, headers={"X-Job-Id": str(job_id)})

"""`POST /v1/audio/transcriptions`, multipart like OpenAI's (HTTP only)."""

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from rehearse.api.audio_probe import read_audio
from rehearse.api.deps import OwnerDep, SettingsDep
from rehearse.api.errors import responses
from rehearse.api.language_check import check_language
from rehearse.api.openai import job_wait, transcription_serving
from rehearse.api.openai.model_catalog import resolve
from rehearse.api.openai.sse import stream_job
from rehearse.api.openai.transcription_protocol import (
    Granularity,
    ResponseFormat,
    Transcription,
    TranscriptionVerbose,
)
from rehearse.contracts.languages import WhisperLanguage

router = APIRouter(prefix="/v1/audio", tags=["openai"])


@router.post(
    "/transcriptions",
    response_model=Transcription | TranscriptionVerbose,
    responses={
        # text, srt and vtt answer plain text; `stream` answers `transcript.text.*` SSE.
        200: {"content": {"text/plain": {}, "text/vtt": {}, "text/event-stream": {}}},
        **responses(400, 401, 404, 413, 415, 429, 500, 503),
    },
)
async def create_transcription(
    request: Request,
    owner: OwnerDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="Audio: wav, webm/opus, ogg, mp3, m4a, flac.")],
    model: Annotated[str, Form()],
    language: Annotated[WhisperLanguage | None, Form()] = None,
    prompt: Annotated[str | None, Form(max_length=2000)] = None,
    response_format: Annotated[ResponseFormat, Form()] = "json",
    temperature: Annotated[float, Form(ge=0.0, le=1.0)] = 0.0,
    timestamp_granularities: Annotated[
        list[Granularity] | None,
        Form(
            alias="timestamp_granularities[]",
            description="`segment` (the default) and/or `word`, shown by `verbose_json`.",
        ),
    ] = None,
    stream: Annotated[bool, Form()] = False,
) -> Response:
    """Speech to text as a `transcribe` job: json, text, srt, vtt or verbose_json."""
    resolve(settings, "transcription", model)
    granularities = set(timestamp_granularities or ["segment"])
    await check_language(request.app.state.redis, language)
    audio, content_type = await read_audio(
        file, settings.max_upload_bytes, settings.max_audio_seconds
    )
    fields = {"language": language, "prompt": prompt, "temperature": temperature}
    # Word timestamps cost decoding time, and only verbose_json shows them.
    fields["word_timestamps"] = "word" in granularities and response_format == "verbose_json"
    job_id = await transcription_serving.start(
        request, settings, owner, audio, content_type, fields
    )
    if stream:
        lines = transcription_serving.deltas(request, job_id, owner)
        return stream_job(request, settings, job_id, owner, lines)
    result = await job_wait.run_to_end(request, settings, job_id, owner)
    return transcription_serving.answer(result, response_format, granularities)

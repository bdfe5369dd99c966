"""Jobs: submit work, read its state, cancel it."""

from collections.abc import Callable
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from fastapi.types import DecoratedCallable

from rehearse.api.audio_probe import read_audio
from rehearse.api.cancellation import request_cancel
from rehearse.api.deps import OwnerDep, SettingsDep
from rehearse.api.enqueue import enqueue_upload
from rehearse.api.errors import ApiError, responses
from rehearse.api.grouped_submit import submit_async
from rehearse.api.language_check import check_language
from rehearse.api.pagination import Cursor, Limit, Page, decode, page
from rehearse.api.prefer_wait import OPENAPI, RESPONSES, answer
from rehearse.contracts.job_kinds import JobKind
from rehearse.contracts.jobs import (
    AskedClass,
    ChatSubmission,
    EmbedSubmission,
    JobPublic,
    JobStatus,
    JobSummary,
    Prioritized,
    SpeakSubmission,
    TranscribeParams,
)
from rehearse.contracts.languages import WhisperLanguage
from rehearse.storage import job_store
from rehearse.storage.db import transaction
from rehearse.storage.job_store import get_job, to_public

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])


def submission(path: str, *errors: int) -> Callable[[DecoratedCallable], DecoratedCallable]:
    """A route that records a job: 202 with it, or 200 once finished within `Prefer: wait`."""
    return router.post(
        path,
        status_code=202,
        response_model=JobPublic,
        responses={**RESPONSES, **responses(*errors)},
        openapi_extra=OPENAPI,
    )


@submission("/transcribe", 401, 413, 415, 422, 503)
async def transcribe(
    request: Request,
    response: Response,
    owner: OwnerDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="Audio: wav, webm/opus, ogg, mp3, m4a, flac.")],
    language: Annotated[
        WhisperLanguage | None,
        Form(description="Whisper's language code such as `ko`; detected if absent."),
    ] = None,
    vad: Annotated[
        bool | None, Form(description="Skip silence (server default if absent).")
    ] = None,
    priority_class: Annotated[
        AskedClass, Form(description="`interactive` (default) or `batch`: nobody waits for it.")
    ] = "interactive",
) -> JobPublic:
    """Transcribe an uploaded answer on the gpu worker."""
    await check_language(request.app.state.redis, language)
    data, content_type = await read_audio(
        file, settings.max_upload_bytes, settings.max_audio_seconds
    )
    row = await enqueue_upload(
        request,
        settings,
        JobKind.transcribe,
        owner,
        (data, content_type),
        lambda artifact_id: TranscribeParams(
            audio_artifact_id=artifact_id, language=language, vad=vad
        ),
        priority_class,
    )
    return await answer(request, response, owner, to_public(row))


async def submit_json(
    request: Request, response: Response, kind: JobKind, owner: UUID, params: Prioritized
) -> JobPublic:
    """A JSON job route's work: record and send the job in the class it asks for, then answer
    it (waiting if asked)."""
    job = await submit_async(request, kind, owner, params, params.priority_class)
    return await answer(request, response, owner, job)


@submission("/chat", 401, 422, 503)
async def chat(
    params: ChatSubmission, request: Request, response: Response, owner: OwnerDep
) -> JobPublic:
    """An LLM chat completion on the gpu worker; tokens stream as `token` events."""
    return await submit_json(request, response, JobKind.chat, owner, params)


@submission("/speak", 401, 422, 503)
async def speak(
    params: SpeakSubmission, request: Request, response: Response, owner: OwnerDep
) -> JobPublic:
    """Text to speech: edge-tts, or the offline engine when it fails; the result names which."""
    return await submit_json(request, response, JobKind.speak, owner, params)


@submission("/embed", 401, 422, 503)
async def embed(
    params: EmbedSubmission, request: Request, response: Response, owner: OwnerDep
) -> JobPublic:
    """Embed texts: `{"embeddings": [{"dense": [1024 floats], "sparse": {token id: weight}}]}`."""
    return await submit_json(request, response, JobKind.embed, owner, params)


@router.get("", response_model=Page[JobSummary], responses=responses(401, 422))
def list_jobs(
    owner: OwnerDep,
    limit: Limit = 20,
    cursor: Cursor = None,
    kind: Annotated[JobKind | None, Query(description="Only jobs of this kind.")] = None,
    status: Annotated[JobStatus | None, Query(description="Only jobs in this status.")] = None,
) -> dict:
    """The caller's jobs, newest first, a page at a time (results: `GET /v1/jobs/{id}`)."""
    with transaction() as conn:
        kind_, status_ = kind and kind.value, status and status.value
        rows = job_store.list_jobs(conn, owner, limit + 1, decode(cursor), kind_, status_)
    return page(rows, limit, lambda row: JobSummary.model_validate(row))


@router.get("/{job_id:uuid}", response_model=JobPublic, responses=responses(401, 404))
def read_job(job_id: UUID, owner: OwnerDep) -> JobPublic:
    """A job's status, result or error, and timings."""
    with transaction() as conn:
        row = get_job(conn, job_id, owner)
    if row is None:
        raise ApiError(404, "not_found", f"no job {job_id}")
    return to_public(row)


@router.delete(
    "/{job_id:uuid}", status_code=202, response_model=JobPublic, responses=responses(401, 404, 409)
)
def cancel_job(job_id: UUID, owner: OwnerDep, request: Request, settings: SettingsDep) -> JobPublic:
    """Cancel a job: a queued one at once, a running one at its next check (well under 1 s)."""
    client = request.app.state.redis_sync
    with transaction() as conn:
        row = get_job(conn, job_id, owner)
        if row is None:
            raise ApiError(404, "not_found", f"no job {job_id}")
        if JobStatus(row.status).finished:
            raise ApiError(409, "already_finished", f"job {job_id} is already {row.status}")
        request_cancel(conn, client, settings, job_id)
        row = get_job(conn, job_id, owner)
    return to_public(row)

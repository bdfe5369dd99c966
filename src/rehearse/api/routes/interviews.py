"""Interviews: start from a resume and a posting, answer by voice, read history, finish."""

import time
from dataclasses import asdict
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.datastructures import UploadFile as FormFile

from rehearse.api.audio_probe import read_audio
from rehearse.api.cancellation import request_cancel
from rehearse.api.deps import CeleryDep, OwnerDep, SettingsDep
from rehearse.api.enqueue import send_job
from rehearse.api.errors import ApiError, responses
from rehearse.api.invite_scope import claim_for_invite
from rehearse.api.language_check import check_language
from rehearse.api.pagination import Cursor, Limit, Page, decode, page
from rehearse.api.turn_submit import answerable, locked, submit_turn
from rehearse.api.uploads import read_document_upload
from rehearse.base import redis_keys
from rehearse.contracts.interview_contract import (
    AnswerAccepted,
    InterviewCreate,
    InterviewPublic,
    InterviewStarted,
    InterviewSummary,
    ReportParams,
    StartParams,
)
from rehearse.contracts.jobs import JobStatus
from rehearse.storage import erasure
from rehearse.storage import interview_store as store
from rehearse.storage.artifact_store import put_artifact
from rehearse.storage.db import transaction
from rehearse.storage.job_store import create_job

router = APIRouter(prefix="/v1/interviews", tags=["interviews"])

Uploads = dict[str, tuple[bytes, str]]
"""Uploaded `resume`/`job_posting` files: (bytes, content type)."""
_SOURCES = ("resume", "job_posting")
_UPLOADED = "(an uploaded file)"

_START_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": InterviewCreate.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["resume", "job_posting"],
                    "properties": {
                        "resume": {
                            "type": "string",
                            "format": "binary",
                            "description": "txt, md, pdf or docx (or plain text)",
                        },
                        "job_posting": {"type": "string", "format": "binary"},
                        "language": {"type": "string", "enum": ["ko", "en"]},
                        "role": {"type": "string"},
                        "persona": {"type": "string"},
                        "max_questions": {"type": "integer"},
                    },
                }
            },
        },
    }
}


async def _start_body(request: Request, limit: int) -> tuple[InterviewCreate, Uploads]:
    """The validated request, and the uploaded documents (sniffed; extracted by the job)."""
    try:
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            return InterviewCreate.model_validate_json(await request.body()), {}
        form: FormData = await request.form(max_files=2, max_fields=10)
        fields = dict(form.items())
        uploads: Uploads = {}
        for field in _SOURCES:
            value = fields.get(field)
            if isinstance(value, FormFile):  # request.form() gives Starlette's, not FastAPI's
                data, _, content_type = await read_document_upload(value, limit, field)
                uploads[field] = (data, content_type)
                fields[field] = _UPLOADED  # validated as text would be; its text comes later
        body = InterviewCreate.model_validate(fields)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from exc
    return body.model_copy(update=dict.fromkeys(uploads)), uploads


@router.post(
    "",
    status_code=202,
    response_model=InterviewStarted,
    responses=responses(401, 403, 413, 415, 422, 503),
    openapi_extra=_START_BODY,
)
async def start_interview(
    request: Request, owner: OwnerDep, settings: SettingsDep, celery: CeleryDep
) -> InterviewStarted:
    """Start an interview: ingest both documents, then ask and speak the opening question."""
    body, uploads = await _start_body(request, settings.max_upload_bytes)
    await check_language(request.app.state.redis, body.language)

    def record() -> dict[str, Any]:
        with transaction() as conn:
            interview = store.create_interview(conn, owner, body)
            claim_for_invite(conn, request, interview.id)
            artifacts = {f: put_artifact(conn, owner, *upload) for f, upload in uploads.items()}
            store.attach_uploads(conn, interview.id, artifacts)
            params = StartParams(interview_id=interview.id).model_dump(mode="json")
            job = create_job(conn, "interview_start", owner, params, interview.id)
            store.set_start_job(conn, interview.id, job["id"])
        send_job(celery, "interview_start", job["id"], job["priority"])
        return {"id": interview.id, "job_id": job["id"]}

    return InterviewStarted(**await run_in_threadpool(record))


@router.post(
    "/{interview_id:uuid}/answers",
    status_code=202,
    response_model=AnswerAccepted,
    responses=responses(401, 404, 409, 413, 415, 422, 503),
)
async def answer(
    interview_id: UUID,
    file: UploadFile,
    request: Request,
    owner: OwnerDep,
    settings: SettingsDep,
    celery: CeleryDep,
) -> AnswerAccepted:
    """Answer the current question by voice; the turn job streams stt, retrieve, llm, tts."""
    data, content_type = await read_audio(
        file, settings.max_upload_bytes, settings.max_audio_seconds
    )

    return await run_in_threadpool(submit_turn, celery, owner, interview_id, data, content_type)


@router.get("", response_model=Page[InterviewSummary], responses=responses(401, 422))
def list_interviews(
    owner: OwnerDep,
    limit: Limit = 20,
    cursor: Cursor = None,
    status: Annotated[
        Literal["starting", "active", "finished", "failed"] | None,
        Query(description="Only interviews in this status."),
    ] = None,
) -> dict:
    """The caller's interviews, newest first, a page at a time."""
    with transaction() as conn:
        rows = store.list_interviews(conn, owner, limit + 1, decode(cursor), status)
    return page(rows, limit, InterviewSummary.model_validate)


@router.delete("/{interview_id:uuid}", status_code=204, responses=responses(401, 404, 409, 503))
def delete_interview(
    interview_id: UUID, owner: OwnerDep, request: Request, settings: SettingsDep
) -> Response:
    """Erase an interview: turns, recordings, spoken questions, documents, its jobs' content."""
    client = request.app.state.redis_sync
    deadline = time.monotonic() + settings.erase_wait_s
    while True:
        with transaction() as conn:
            interview = store.get_interview(conn, interview_id, owner, lock=True)
            if interview is None:
                raise ApiError(404, "not_found", f"no interview {interview_id}")
            jobs = erasure.interview_jobs(conn, interview)
            unfinished = [j for j in jobs if not JobStatus(j["status"]).finished]
            if not unfinished:
                erasure.erase_interview(conn, interview, jobs)
                break
            for job in unfinished:  # each commits, releasing the lock while they stop
                request_cancel(conn, client, settings, job["id"])
        if time.monotonic() > deadline:
            raise ApiError(
                409,
                "interview_busy",
                "its running jobs have not stopped yet; try again",
                {"Retry-After": "2"},
            )
        time.sleep(0.1)
    # Their event streams carry the transcript and tokens too.
    if jobs:
        client.delete(*(redis_keys.events_stream(job["id"]) for job in jobs))
    return Response(status_code=204)


@router.get("/{interview_id:uuid}", response_model=InterviewPublic, responses=responses(401, 404))
def read_interview(interview_id: UUID, owner: OwnerDep) -> InterviewPublic:
    """An interview with its turns in order: transcript, feedback, question and audio."""
    with transaction() as conn:
        interview = store.get_interview(conn, interview_id, owner)
        if interview is None:
            raise ApiError(404, "not_found", f"no interview {interview_id}")
        history = store.turns(conn, interview_id)
        status = interview.status
        if status == "starting" and store.job_status(conn, interview.start_job_id) in (
            "failed",
            "canceled",
        ):
            status = "failed"
        active = store.active_job(conn, interview_id)
    return InterviewPublic.model_validate(
        {
            **asdict(interview),
            "status": status,
            "active_job": active,
            "turns": [asdict(turn) for turn in history],
        }
    )


_FINISH_RESPONSES = {
    200: {
        "model": InterviewStarted,
        "description": "Finished before, and its report is written: the job that wrote it.",
    },
    202: {
        "description": "The report job: a new one, or the one still queued or running. A "
        "finished interview whose report job failed or was canceled gets a new job.",
    },
    **responses(401, 404, 409, 503),
}


@router.post(
    "/{interview_id:uuid}/finish",
    status_code=202,
    response_model=InterviewStarted,
    responses=_FINISH_RESPONSES,
)
def finish(
    interview_id: UUID,
    request: Request,
    response: Response,
    owner: OwnerDep,
    settings: SettingsDep,
    celery: CeleryDep,
) -> InterviewStarted:
    """Finish the interview (or ask again for its report); the job writes the final report."""
    with transaction() as conn:
        # The row lock makes concurrent finishes of one interview queue here: one job.
        interview = locked(conn, interview_id, owner)
        if interview.status == "finished":
            report_job = interview.report_job_id
            if interview.report is not None:
                response.status_code = 200
                return InterviewStarted(id=interview_id, job_id=report_job)
            if store.job_status(conn, report_job) in ("queued", "running"):
                return InterviewStarted(id=interview_id, job_id=report_job)
            # Its report job failed or was canceled: the report is asked for again.
        else:
            answerable(conn, interview)
        params = ReportParams(interview_id=interview_id).model_dump(mode="json")
        job = create_job(conn, "interview_report", owner, params, interview_id)
        store.finish_interview(conn, interview_id, job["id"])
    send_job(celery, "interview_report", job["id"], job["priority"])
    return InterviewStarted(id=interview_id, job_id=job["id"])

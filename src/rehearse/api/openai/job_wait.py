"""Run one job for an OpenAI request: submit it, follow its events, read its end, cancel it."""

from collections.abc import AsyncIterator
from typing import Any, TypeVar
from uuid import UUID

import anyio
from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ValidationError

from rehearse.api.cancellation import request_cancel
from rehearse.api.errors import ApiError
from rehearse.api.event_feed import load_job
from rehearse.api.grouped_submit import submit_async
from rehearse.api.job_watch import ClientGone, watch
from rehearse.api.openai.errors import OpenAIError
from rehearse.base.settings import Settings
from rehearse.contracts.jobs import JobStatus
from rehearse.storage.db import transaction
from rehearse.storage.job_store import get_job

P = TypeVar("P", bound=BaseModel)

# A failed job's code that is the request's fault: 400, not 500 (which clients retry).
CLIENT_ERRORS = frozenset(
    {
        "context_length_exceeded",
        "invalid_schema",
        "invalid_audio",
        "audio_too_long",
        "unsupported_language",
        "invalid_text",
        "artifact_missing",
    }
)


async def start(request: Request, kind: str, owner: UUID, params: BaseModel) -> UUID:
    """Record and send the job through the grouped path the JSON job routes use; its id."""
    job = await submit_async(request, kind, owner, params)
    return job.id


async def events(request: Request, job_id: UUID, owner: UUID) -> AsyncIterator[dict[str, Any]]:
    """The job's events up to `done` (excluded); raises ClientGone when the client leaves."""
    row = await load_job(job_id, owner)
    if row is None:
        raise ApiError(404, "not_found", f"no job {job_id}")
    async for event in watch(request, job_id, owner, row):
        yield event


async def outcome(job_id: UUID, owner: UUID) -> dict[str, Any]:
    """The succeeded job's result; a failed or canceled job raises its error as an ApiError."""
    row = await load_job(job_id, owner)
    if row is None:
        raise ApiError(404, "not_found", f"no job {job_id}")
    status = JobStatus(row.status)
    if status == JobStatus.succeeded:
        return row.result
    if status == JobStatus.canceled:
        raise ApiError(400, "canceled", f"job {job_id} was canceled")
    error = row.error or {}
    code = error.get("code", "job_failed")
    message = error.get("message", f"job {job_id} failed")
    raise ApiError(400 if code in CLIENT_ERRORS else 500, code, message)


def cancel_now(request: Request, settings: Settings, job_id: UUID, owner: UUID) -> None:
    """Cancel the job as `DELETE /v1/jobs/{id}` does (blocking, milliseconds)."""
    with transaction() as conn:
        row = get_job(conn, job_id, owner)
        if row is not None and not JobStatus(row.status).finished:  # else it ended meanwhile
            request_cancel(conn, request.app.state.redis_sync, settings, job_id)


async def cancel(request: Request, settings: Settings, job_id: UUID, owner: UUID) -> None:
    """`cancel_now` in a thread, run to its end even inside a cancelled task."""
    with anyio.CancelScope(shield=True):
        await run_in_threadpool(cancel_now, request, settings, job_id, owner)


def job_params(model: type[P], fields: dict[str, Any]) -> P:
    """Job params from a request's fields; what the job contract refuses is a 400."""
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        error = exc.errors()[0]
        param = ".".join(str(p) for p in error["loc"]) or None
        raise OpenAIError(400, "invalid_request", f"{param}: {error['msg']}", param) from exc


async def run_to_end(
    request: Request, settings: Settings, job_id: UUID, owner: UUID
) -> dict[str, Any]:
    """Wait for the job (cancelling it if the client leaves); its result."""
    try:
        async for _ in events(request, job_id, owner):
            pass
    except (ClientGone, anyio.get_cancelled_exc_class()):
        await cancel(request, settings, job_id, owner)
        raise
    return await outcome(job_id, owner)

"""Record a job, then hand it to Celery by task name: the order that loses nothing."""

from typing import Any
from uuid import UUID

import psycopg
import redis
from celery import Celery
from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from kombu.exceptions import OperationalError
from pydantic import BaseModel

from api.errors import ApiError
from common import events
from common.db import async_connection, transaction
from common.dispatch import dispatch
from common.job_store import create_job, create_job_async, fail_queued, to_public
from common.jobs import JobPublic
from common.settings import Settings, get_settings


def send_job(
    celery: Celery, client: redis.Redis, settings: Settings, kind: str, job_id: UUID
) -> None:
    """Publish `queued` and send a committed job; a broker outage fails it and answers 503."""
    try:
        events.publish(client, job_id, "status", settings.event_ttl_s, status="queued")
        dispatch(celery, kind, job_id)
    except _BROKER_DOWN as exc:
        with transaction() as conn:
            fail_queued(conn, job_id, "queue_unavailable", f"the broker is unreachable: {exc}")
        raise _queue_unavailable() from exc


_BROKER_DOWN = (OperationalError, OSError, redis.RedisError)


def _queue_unavailable() -> ApiError:
    message = "the job queue is unreachable; try again"
    return ApiError(503, "queue_unavailable", message, {"Retry-After": "5"})


def enqueue_job(
    celery: Celery,
    client: redis.Redis,
    settings: Settings,
    kind: str,
    owner_id: UUID,
    params: dict[str, Any],
    conn: psycopg.Connection | None = None,
    interview_id: UUID | None = None,
) -> dict[str, Any]:
    """Commit the job row, then send it (a worker never receives a job it cannot find).

    `conn` lets a caller write related rows (an uploaded artifact) in the same transaction.
    """
    if conn is None:
        with transaction() as own:
            row = create_job(own, kind, owner_id, params, interview_id)
    else:
        row = create_job(conn, kind, owner_id, params, interview_id)
        conn.commit()
    send_job(celery, client, settings, kind, row["id"])
    return row


def submit(
    request: Request,
    settings: Settings,
    celery: Celery,
    kind: str,
    owner_id: UUID,
    params: BaseModel,
) -> JobPublic:
    """A JSON job route's whole work: record the validated params, send, answer the job."""
    client = request.app.state.redis_sync
    row = enqueue_job(celery, client, settings, kind, owner_id, params.model_dump(mode="json"))
    return to_public(row)


async def submit_async(request: Request, kind: str, owner_id: UUID, params: BaseModel) -> JobPublic:
    """`submit` on the event loop: one statement admits and commits the job, then one thread
    hop publishes `queued` and sends it (redis-py and kombu are synchronous)."""
    async with async_connection() as conn:
        row = await create_job_async(conn, kind, owner_id, params.model_dump(mode="json"))
    # The app's Celery client and settings, not dependencies: each one costs a hot route time.
    state = request.app.state
    await run_in_threadpool(
        send_job, state.celery, state.redis_sync, get_settings(), kind, row["id"]
    )
    return to_public(row)

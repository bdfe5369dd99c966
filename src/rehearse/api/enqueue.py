"""Record a job, then hand it to Celery by task name: the order that loses nothing."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

import psycopg
import redis
from celery import Celery
from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from kombu.exceptions import BatchPublishError, OperationalError
from pydantic import BaseModel

from rehearse.api.errors import ApiError
from rehearse.base import metrics
from rehearse.base.settings import Settings
from rehearse.runtime.dispatch import dispatch
from rehearse.storage.artifact_store import put_artifact
from rehearse.storage.db import transaction
from rehearse.storage.job_store import create_job, fail_queued


def send_job(celery: Celery, kind: str, job_id: UUID, priority: int | None = None) -> None:
    """Send a committed job at broker `priority`, the level its row came with (None: the top
    of its kind's class); a broker outage fails it and answers 503. (Its `queued` event needs
    no write: see `events.QUEUED`.)"""
    refusal = send_jobs(celery, [(kind, job_id, priority)])[0]
    if refusal is not None:
        raise refusal


Send = tuple[str, UUID, int | None]
"""A committed job to send: `(kind, id, broker priority or None)`."""


def send_jobs(celery: Celery, jobs: list[Send]) -> list[ApiError | None]:
    """`send_job` for many committed jobs in one round trip (their messages in one publish
    batch); per job None, or its 503 when the broker is down."""
    ids = [job_id for _, job_id, _ in jobs]
    try:
        with celery.producer_or_acquire() as producer, producer.batch():
            for kind, job_id, priority in jobs:
                dispatch(celery, kind, job_id, producer, priority)
    except _BROKER_DOWN as exc:
        message = f"the broker is unreachable: {exc}"
        with transaction() as conn:
            ended = [fail_queued(conn, job_id, "queue_unavailable", message) for job_id in ids]
        for row in filter(None, ended):
            metrics.job_finished(row)  # no worker will count it
        return [_queue_unavailable() for _ in jobs]
    return [None] * len(jobs)


# A failed publish batch may have delivered some messages: their jobs, failed, are skipped.
_BROKER_DOWN = (OperationalError, BatchPublishError, OSError, redis.RedisError)


def _queue_unavailable() -> ApiError:
    message = "the job queue is unreachable; try again"
    return ApiError(503, "queue_unavailable", message, {"Retry-After": "5"})


def enqueue_job(
    celery: Celery,
    kind: str,
    owner_id: UUID,
    params: dict[str, Any],
    conn: psycopg.Connection | None = None,
    interview_id: UUID | None = None,
    priority_class: str | None = None,
) -> dict[str, Any]:
    """Commit the job row, then send it (a worker never receives a job it cannot find).

    `conn` lets a caller write related rows (an uploaded artifact) in the same transaction;
    `priority_class` is the request's choice (None: its kind's class).
    """
    args = (kind, owner_id, params, interview_id, priority_class)
    if conn is None:
        with transaction() as own:
            row = create_job(own, *args)
    else:
        row = create_job(conn, *args)
        conn.commit()
    send_job(celery, kind, row["id"], row["priority"])
    return row


async def enqueue_upload(
    request: Request,
    settings: Settings,
    kind: str,
    owner_id: UUID,
    upload: tuple[bytes, str],
    params_for: Callable[[UUID], BaseModel],
    priority_class: str | None = None,
) -> dict[str, Any]:
    """Store an upload (bytes, content type) and record the job whose params name it, in one
    transaction; then send the job. `params_for` builds the params from the artifact's id."""
    celery = request.app.state.celery

    def record() -> dict[str, Any]:
        with transaction() as conn:
            artifact_id = put_artifact(conn, owner_id, *upload)
            params = params_for(artifact_id).model_dump(mode="json")
            return enqueue_job(
                celery, kind, owner_id, params, conn=conn, priority_class=priority_class
            )

    return await run_in_threadpool(record)

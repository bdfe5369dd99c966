"""Jobs in PostgreSQL: created by the api, claimed and finished once by a worker."""

from typing import Any
from uuid import UUID

import psycopg
from psycopg.types.json import Jsonb

from common.jobs import JobPublic, JobStatus

_PUBLIC = "id, kind, status, created_at, started_at, finished_at, attempts, result, error, timings"


def create_job(
    conn: psycopg.Connection,
    kind: str,
    owner_id: UUID,
    params: dict[str, Any],
    interview_id: UUID | None = None,
) -> dict[str, Any]:
    """Insert a queued job; returns its row."""
    return conn.execute(
        "INSERT INTO jobs (kind, owner_id, params, interview_id) VALUES (%s, %s, %s, %s)"
        f" RETURNING {_PUBLIC}",
        (kind, owner_id, Jsonb(params), interview_id),
    ).fetchone()


def _clean(value: Any) -> Any:
    """Drop NUL characters, which PostgreSQL text and jsonb refuse (a model may emit them)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def get_job(conn: psycopg.Connection, job_id: UUID, owner_id: UUID | None = None) -> dict | None:
    """A job row by id (all columns), limited to one owner when given."""
    return conn.execute(
        "SELECT * FROM jobs WHERE id = %s AND (%s::uuid IS NULL OR owner_id = %s::uuid)",
        (job_id, owner_id, owner_id),
    ).fetchone()


def to_public(row: dict[str, Any]) -> JobPublic:
    return JobPublic.model_validate({k: row.get(k) for k in JobPublic.model_fields})


def claim_job(conn: psycopg.Connection, job_id: UUID, worker: str) -> dict | None:
    """Mark a job running for this attempt; None when it already finished (or was canceled)."""
    return conn.execute(
        "UPDATE jobs SET status = 'running', attempts = attempts + 1, worker = %s,"
        " started_at = now(), timings = timings || jsonb_build_object('queued_ms',"
        "   round(extract(epoch FROM now() - created_at) * 1000))"
        " WHERE id = %s AND status IN ('queued', 'running') RETURNING *",
        (worker, job_id),
    ).fetchone()


def continue_job(conn: psycopg.Connection, job_id: UUID, worker: str) -> dict | None:
    """A running job taken up by the next pipeline step (recorded as this worker's)."""
    return conn.execute(
        "UPDATE jobs SET worker = %s WHERE id = %s AND status = 'running' RETURNING *",
        (worker, job_id),
    ).fetchone()


def add_timings(conn: psycopg.Connection, job_id: UUID, timings: dict[str, Any]) -> None:
    conn.execute("UPDATE jobs SET timings = timings || %s WHERE id = %s", (Jsonb(timings), job_id))


def finish_job(
    conn: psycopg.Connection,
    job_id: UUID,
    status: JobStatus,
    *,
    result: dict[str, Any] | None = None,
    error: dict[str, str] | None = None,
    timings: dict[str, Any] | None = None,
) -> bool:
    """Record the outcome once: False when another attempt already finished the job."""
    row = conn.execute(
        "UPDATE jobs SET status = %s, result = %s, error = %s, finished_at = now(),"
        " timings = timings || %s WHERE id = %s AND status = 'running' RETURNING id",
        (
            status.value,
            Jsonb(result) if result is not None else None,
            Jsonb(error) if error else None,
            Jsonb(timings or {}),
            job_id,
        ),
    ).fetchone()
    return row is not None


def end_queued(
    conn: psycopg.Connection, job_id: UUID, status: JobStatus, code: str, message: str
) -> bool:
    """Finish a job no worker has started; False if it is no longer queued."""
    row = conn.execute(
        "UPDATE jobs SET status = %s, finished_at = now(), error = %s"
        " WHERE id = %s AND status = 'queued' RETURNING id",
        (status.value, Jsonb({"code": code, "message": message}), job_id),
    ).fetchone()
    return row is not None


def cancel_queued(conn: psycopg.Connection, job_id: UUID) -> bool:
    """Cancel a job no worker has started; False if it is no longer queued."""
    return end_queued(conn, job_id, JobStatus.canceled, "canceled", "canceled before it started")


def fail_queued(conn: psycopg.Connection, job_id: UUID, code: str, message: str) -> bool:
    """Fail a job that could not be handed to the queue."""
    return end_queued(conn, job_id, JobStatus.failed, code, message)


def orphaned_jobs(conn: psycopg.Connection, worker: str) -> list[dict[str, Any]]:
    """Jobs left `running` under this worker's name: it died while running them."""
    return conn.execute(
        "SELECT id, kind, attempts FROM jobs WHERE status = 'running' AND worker = %s", (worker,)
    ).fetchall()

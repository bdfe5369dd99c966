"""Jobs in PostgreSQL: created by the api, claimed and finished once by a worker."""

from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import class_row
from psycopg.types.json import Jsonb

from rehearse.base.settings import get_settings
from rehearse.contracts.jobs import JobPublic, JobStatus
from rehearse.contracts.priority import class_of_kind
from rehearse.storage.admission import ADMIT_AND_INSERT, admit_args, admitted, limits
from rehearse.storage.rows import Job, columns, fetch_one

_SUMMARY = (
    "id, kind, status, priority_class, created_at, started_at, finished_at, attempts, error,"
    " timings"
)
_PUBLIC = f"{_SUMMARY}, result"
PUBLIC_COLUMNS = _PUBLIC
"""The columns of a job's public view (`to_public`)."""


def create_job(
    conn: psycopg.Connection,
    kind: str,
    owner_id: UUID,
    params: dict[str, Any],
    interview_id: UUID | None = None,
    priority_class: str | None = None,
) -> dict[str, Any]:
    """Insert a queued job of `priority_class` (its kind's when None); returns its row, with
    the broker `priority` to send it at. Raises QueueFull past the admission limits."""
    lim = limits(get_settings(), kind)
    cls = priority_class or class_of_kind(kind)
    args = admit_args(lim, kind, [(owner_id, params, interview_id, cls)])
    return admitted(conn.execute(ADMIT_AND_INSERT.format(columns=_PUBLIC), args).fetchone(), lim)


def _clean(value: Any) -> Any:
    """Drop NUL characters, which PostgreSQL text and jsonb refuse (a model may emit them)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


_JOB = columns(Job)
_GET = (
    f"SELECT {_JOB} FROM jobs WHERE id = %s"
    " AND (%s::uuid IS NULL OR (owner_id = %s::uuid AND erased_at IS NULL))"
)


def get_job(conn: psycopg.Connection, job_id: UUID, owner_id: UUID | None = None) -> Job | None:
    """A job row by id (all columns); given an owner, only theirs and never an erased one."""
    return fetch_one(conn, Job, _GET, (job_id, owner_id, owner_id))


async def get_job_async(
    conn: psycopg.AsyncConnection, job_id: UUID, owner_id: UUID | None = None
) -> Job | None:
    """`get_job` on an async connection."""
    async with conn.cursor(row_factory=class_row(Job)) as cur:
        return await (await cur.execute(_GET, (job_id, owner_id, owner_id))).fetchone()


def list_jobs(
    conn: psycopg.Connection,
    owner_id: UUID,
    limit: int,
    after: tuple[datetime, UUID] | None = None,
    kind: str | None = None,
    status: str | None = None,
) -> list[dict[str, Any]]:
    """The owner's jobs newest first, from just after `after`; `limit` rows at most."""
    created_at, job_id = after or (None, None)
    return conn.execute(
        f"SELECT {_SUMMARY} FROM jobs WHERE owner_id = %(owner)s AND erased_at IS NULL"
        " AND (%(kind)s::text IS NULL OR kind = %(kind)s)"
        " AND (%(status)s::text IS NULL OR status = %(status)s)"
        " AND (%(at)s::timestamptz IS NULL OR (created_at, id) < (%(at)s, %(id)s::uuid))"
        " ORDER BY created_at DESC, id DESC LIMIT %(limit)s",
        {
            "owner": owner_id,
            "kind": kind,
            "status": status,
            "at": created_at,
            "id": job_id,
            "limit": limit,
        },
    ).fetchall()


def to_public(row: Job | dict[str, Any]) -> JobPublic:
    """A job as clients see it, from its whole row or from a row of the public columns."""
    if isinstance(row, Job):
        return JobPublic.model_validate(row, from_attributes=True)
    return JobPublic.model_validate({k: row.get(k) for k in JobPublic.model_fields})


def claim_job(
    conn: psycopg.Connection, job_id: UUID, worker: str, stale_after_s: float
) -> Job | None:
    """Mark a job running for this attempt; None when there is nothing for this delivery to do.

    A queued job is claimed. A running one only by the worker it ran under (restarted after
    dying in it) or once it has run past `stale_after_s` (the visibility timeout, after which
    Redis redelivers): a duplicate message never runs a job another worker is running.
    """
    return fetch_one(conn, Job, _CLAIM, {"worker": worker, "id": job_id, "stale": stale_after_s})


_CLAIM = (
    "UPDATE jobs SET status = 'running', attempts = attempts + 1, worker = %(worker)s,"
    " started_at = now(), timings = timings || jsonb_build_object('queued_ms',"
    "   round(extract(epoch FROM now() - created_at) * 1000))"
    " WHERE id = %(id)s AND (status = 'queued' OR (status = 'running' AND (worker = %(worker)s"
    "   OR started_at < now() - make_interval(secs => %(stale)s))))"
    f" RETURNING {_JOB}"
)


def continue_job(
    conn: psycopg.Connection, job_id: UUID, worker: str, attempt: int | None, stage: str
) -> Job | None:
    """A running job taken up by the next pipeline step `stage` (recorded as this worker's),
    only while it is still on `attempt` when given. Adds `<stage>_started_ms` to its timings:
    milliseconds from the job's creation to this step's start (what it waited for is the rest)."""
    return fetch_one(
        conn,
        Job,
        "UPDATE jobs SET worker = %(worker)s, timings = timings || jsonb_build_object("
        "   %(key)s::text, round(extract(epoch FROM clock_timestamp() - created_at) * 1000))"
        " WHERE id = %(id)s AND status = 'running'"
        f" AND (%(attempt)s::int IS NULL OR attempts = %(attempt)s::int) RETURNING {_JOB}",
        {"worker": worker, "id": job_id, "attempt": attempt, "key": f"{stage}_started_ms"},
    )


def add_timings(conn: psycopg.Connection, job_id: UUID, timings: dict[str, Any]) -> None:
    conn.execute("UPDATE jobs SET timings = timings || %s WHERE id = %s", (Jsonb(timings), job_id))


def elapsed_ms(conn: psycopg.Connection, job_id: UUID) -> int:
    """Milliseconds since the job was created (queued), on the database's one clock."""
    row = conn.execute(
        "SELECT round(extract(epoch FROM clock_timestamp() - created_at) * 1000)::int AS ms"
        " FROM jobs WHERE id = %s",
        (job_id,),
    ).fetchone()
    return row["ms"] if row else 0


def finish_job(
    conn: psycopg.Connection,
    job_id: UUID,
    status: JobStatus,
    *,
    result: dict[str, Any] | None = None,
    error: dict[str, str] | None = None,
    timings: dict[str, Any] | None = None,
) -> dict[str, Any] | None:
    """Record the outcome once; the finished row's kind, status, times and timings, or None
    when another attempt already finished the job."""
    return conn.execute(
        "UPDATE jobs SET status = %s, result = %s, error = %s, finished_at = now(),"
        " timings = timings || %s WHERE id = %s AND status = 'running'"
        " RETURNING kind, status, priority_class, created_at, started_at, finished_at, timings",
        (
            status.value,
            Jsonb(result) if result is not None else None,
            Jsonb(error) if error else None,
            Jsonb(timings or {}),
            job_id,
        ),
    ).fetchone()


def end_queued(
    conn: psycopg.Connection, job_id: UUID, status: JobStatus, code: str, message: str
) -> dict[str, Any] | None:
    """Finish a job no worker has started: its kind, status, times and timings (for
    `metrics.job_finished` once committed), or None if it is no longer queued."""
    args = (status.value, Jsonb({"code": code, "message": message}), job_id)
    return conn.execute(_END_QUEUED, args).fetchone()


_END_QUEUED = (
    "UPDATE jobs SET status = %s, finished_at = now(), error = %s"
    " WHERE id = %s AND status = 'queued'"
    " RETURNING kind, status, priority_class, created_at, started_at, finished_at, timings"
)


def cancel_queued(conn: psycopg.Connection, job_id: UUID) -> dict[str, Any] | None:
    """Cancel a job no worker has started; None if it is no longer queued."""
    return end_queued(conn, job_id, JobStatus.canceled, "canceled", "canceled before it started")


def fail_queued(
    conn: psycopg.Connection, job_id: UUID, code: str, message: str
) -> dict[str, Any] | None:
    """Fail a job that could not be handed to the queue; None if it is no longer queued."""
    return end_queued(conn, job_id, JobStatus.failed, code, message)


def requeue_orphans(conn: psycopg.Connection, worker: str) -> list[dict[str, Any]]:
    """Put back to `queued` the jobs left running under this worker's name (it died in them)."""
    return conn.execute(
        "UPDATE jobs SET status = 'queued' WHERE status = 'running' AND worker = %s"
        " RETURNING id, kind, attempts, priority_class",
        (worker,),
    ).fetchall()


def unfinished_jobs(conn: psycopg.Connection, older_than_s: float) -> list[dict[str, Any]]:
    """Jobs queued or running whose current attempt began over `older_than_s` ago."""
    return conn.execute(
        "SELECT id, kind, status, attempts, priority_class FROM jobs"
        " WHERE status IN ('queued', 'running')"
        " AND coalesce(started_at, created_at) < now() - make_interval(secs => %s)"
        " ORDER BY created_at",
        (older_than_s,),
    ).fetchall()


def requeue_lost(conn: psycopg.Connection, job_id: UUID, attempts: int) -> bool:
    """Put a running job whose worker vanished back to `queued`, unless it moved on meanwhile."""
    row = conn.execute(
        "UPDATE jobs SET status = 'queued' WHERE id = %s AND status = 'running' AND attempts = %s"
        " RETURNING id",
        (job_id, attempts),
    ).fetchone()
    return row is not None

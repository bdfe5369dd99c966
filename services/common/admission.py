"""Admission control: refuse new jobs while a queue (or one key) already has too many waiting.

Accepting work faster than the workers drain it only grows the wait of every job behind it; a
429 with an honest Retry-After lets clients back off. Counts come from PostgreSQL (the record),
through partial indexes on queued jobs. The check and the insert are not serialised, so a burst
of concurrent submissions may overshoot a limit by a few jobs: the limits are soft on purpose.
"""

import math
from uuid import UUID

import psycopg

from common.job_kinds import TABLE, first_queue, kinds_waiting_on, pool_of
from common.settings import Settings

DRAIN_WINDOW_S = 60
RETRY_MIN_S, RETRY_MAX_S, RETRY_UNKNOWN_S = 1, 600, 30


class QueueFull(Exception):
    """Too many jobs wait already; `retry_after_s` estimates when there will be room."""

    code = "queue_full"

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.message, self.retry_after_s = message, retry_after_s


def _queued(conn: psycopg.Connection, kinds: list[str], owner_id: UUID | None = None) -> int:
    return conn.execute(
        "SELECT count(*) AS n FROM jobs WHERE status = 'queued' AND kind = ANY(%s)"
        " AND (%s::uuid IS NULL OR owner_id = %s::uuid)",
        (kinds, owner_id, owner_id),
    ).fetchone()["n"]


def retry_after_s(conn: psycopg.Connection, kinds: list[str], excess: int) -> int:
    """Seconds until `excess` more of these jobs have drained, at the last minute's rate."""
    done = conn.execute(
        "SELECT count(*) AS n FROM jobs WHERE kind = ANY(%s)"
        " AND finished_at > now() - make_interval(secs => %s)",
        (kinds, DRAIN_WINDOW_S),
    ).fetchone()["n"]
    if not done:
        return RETRY_UNKNOWN_S
    seconds = math.ceil(max(excess, 1) * DRAIN_WINDOW_S / done)
    return min(max(seconds, RETRY_MIN_S), RETRY_MAX_S)


def saturation(conn: psycopg.Connection, settings: Settings, pool: str) -> dict[str, int]:
    """`{"queued", "limit"}` for one pool of queues, `gpu` or `cpu` (limit 0: unlimited).

    The gpu pool counts as one: its one worker drains every model's queue, so the wait of a new
    job grows with all of them."""
    queued = _queued(conn, kinds_waiting_on(pool, settings.tts_queue))
    return {"queued": queued, "limit": settings.max_queued_jobs}


def admit(conn: psycopg.Connection, settings: Settings, kind: str, owner_id: UUID) -> None:
    """Raise QueueFull when a job of `kind` from `owner_id` would exceed a limit."""
    queue = pool_of(first_queue(kind, settings.tts_queue))
    kinds = kinds_waiting_on(queue, settings.tts_queue)
    limit = settings.max_queued_jobs
    if limit and (queued := _queued(conn, kinds)) >= limit:
        raise QueueFull(
            f"{queued} jobs are waiting on the {queue} queue (limit {limit}); try again later",
            retry_after_s(conn, kinds, queued - limit + 1),
        )
    per_key = settings.max_queued_jobs_per_key
    if per_key and (mine := _queued(conn, list(TABLE), owner_id)) >= per_key:
        raise QueueFull(
            f"this key has {mine} jobs waiting (limit {per_key}); try again when some finish",
            retry_after_s(conn, kinds, mine - per_key + 1),
        )

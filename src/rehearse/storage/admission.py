"""Admission control: refuse new jobs while a queue (or one key) already has too many waiting.

Accepting work faster than the workers drain it only grows the wait of every job behind it; a
429 with an honest Retry-After lets clients back off. Counts come from PostgreSQL (the record),
through partial indexes on queued jobs. The check and the insert are not serialised, so a burst
of concurrent submissions may overshoot a limit by a few jobs: the limits are soft on purpose.
"""

import math
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg
from psycopg.types.json import Jsonb

from rehearse.base import metrics
from rehearse.base.settings import Settings
from rehearse.contracts.job_kinds import TABLE, first_queue, kinds_waiting_on, pool_of
from rehearse.contracts.priority import level

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


def saturation(conn: psycopg.Connection, settings: Settings, pool: str) -> dict[str, int]:
    """`{"queued", "limit"}` for one pool of queues, `gpu` or `cpu` (limit 0: unlimited).

    The gpu pool counts as one: its one worker drains every model's queue, so the wait of a new
    job grows with all of them."""
    queued = _queued(conn, kinds_waiting_on(pool, settings.tts_queue))
    return {"queued": queued, "limit": settings.max_queued_jobs}


@dataclass(frozen=True)
class Limits:
    """What a job of one kind is admitted against (its pool's kinds and both limits), and the
    kinds that wait on its own queue, whose jobs its fair share counts (`priorities` on)."""

    queue: str
    kinds: list[str]
    limit: int
    per_key: int
    same_queue: list[str]
    priorities: bool


def limits(settings: Settings, kind: str) -> Limits:
    tts = settings.tts_queue
    queue = pool_of(first_queue(kind, tts))
    kinds = kinds_waiting_on(queue, tts)
    same_queue = sorted(k for k in TABLE if first_queue(k, tts) == first_queue(kind, tts))
    return Limits(
        queue,
        kinds,
        settings.max_queued_jobs,
        settings.max_queued_jobs_per_key,
        same_queue,
        settings.priorities,
    )


# The counts, the insert and (only when refused) the drain rate in one statement, for one
# submission or a batch of them: one round trip. Each job is counted after the batch's jobs
# before it (of its pool; of its key), so admission decides per job as if they had come one by
# one, and a job is inserted only while both its counts are under their limits. `ahead`, its
# owner's jobs already waiting in its class on its queue, picks its priority level (fair shares).
ADMIT_AND_INSERT = """
WITH batch AS (
  SELECT gen_random_uuid() AS id, (e->>'owner')::uuid AS owner_id, e->'params' AS params,
    (e->>'interview')::uuid AS interview_id, e->>'class' AS priority_class, ord
  FROM jsonb_array_elements(%(batch)s::jsonb) WITH ORDINALITY AS b(e, ord)
), waiting AS (
  SELECT count(*) AS queued FROM jobs WHERE %(limit)s > 0 AND status = 'queued'
    AND kind = ANY(%(kinds)s)
), mine AS (
  SELECT owner_id, count(*) AS n FROM jobs WHERE %(per_key)s > 0 AND status = 'queued'
    AND owner_id IN (SELECT owner_id FROM batch) GROUP BY owner_id
), same AS (
  SELECT owner_id, priority_class, count(*) AS n FROM jobs WHERE %(fair)s AND status = 'queued'
    AND kind = ANY(%(same_queue)s) AND owner_id IN (SELECT owner_id FROM batch)
  GROUP BY owner_id, priority_class
), ranked AS (
  SELECT batch.id, batch.owner_id, batch.params, batch.interview_id, batch.priority_class,
    batch.ord, waiting.queued + row_number() OVER (ORDER BY batch.ord) - 1 AS queued,
    coalesce(mine.n, 0) + row_number() OVER (PARTITION BY batch.owner_id ORDER BY batch.ord)
      - 1 AS mine,
    coalesce(same.n, 0) + row_number() OVER (PARTITION BY batch.owner_id, batch.priority_class
      ORDER BY batch.ord) - 1 AS ahead
  FROM batch CROSS JOIN waiting LEFT JOIN mine ON mine.owner_id = batch.owner_id
    LEFT JOIN same ON same.owner_id = batch.owner_id
      AND same.priority_class = batch.priority_class
), job AS (
  INSERT INTO jobs (id, kind, owner_id, params, interview_id, priority_class)
  SELECT id, %(kind)s::text, owner_id, params, interview_id, priority_class FROM ranked
  WHERE (%(limit)s = 0 OR queued < %(limit)s) AND (%(per_key)s = 0 OR mine < %(per_key)s)
  ORDER BY ord
  RETURNING {columns}
)
SELECT ranked.queued AS _queued, ranked.mine AS _mine, ranked.ahead AS _ahead, job.*,
  CASE WHEN job.id IS NULL THEN (SELECT count(*) FROM jobs WHERE kind = ANY(%(kinds)s)
    AND finished_at > now() - make_interval(secs => %(window)s)) END AS _drained
FROM ranked LEFT JOIN job ON job.id = ranked.id ORDER BY ranked.ord
"""

Submission = tuple[UUID, dict[str, Any], UUID | None, str]
"""One job to admit: `(owner, params, interview or None, priority class)`."""


def admit_args(lim: Limits, kind: str, submissions: list[Submission]) -> dict[str, Any]:
    """ADMIT_AND_INSERT's parameters for jobs of one kind."""
    # One JSON document for the whole batch: arrays of jsonb would be escaped element by
    # element in Python, a cost on every submission.
    batch = [
        {
            "owner": str(owner),
            "params": params,
            "interview": interview and str(interview),
            "class": cls,
        }
        for owner, params, interview, cls in submissions
    ]
    return {
        "batch": Jsonb(batch),
        "kind": kind,
        "kinds": lim.kinds,
        "limit": lim.limit,
        "per_key": lim.per_key,
        "window": DRAIN_WINDOW_S,
        "fair": lim.priorities,
        "same_queue": lim.same_queue,
    }


def retry_after_s(drained: int, excess: int) -> int:
    """Seconds until `excess` more jobs have drained, at the last minute's rate (`drained`)."""
    if not drained:
        return RETRY_UNKNOWN_S
    seconds = math.ceil(max(excess, 1) * DRAIN_WINDOW_S / drained)
    return min(max(seconds, RETRY_MIN_S), RETRY_MAX_S)


def admitted(row: dict[str, Any], lim: Limits) -> dict[str, Any]:
    """The inserted job from ADMIT_AND_INSERT's row, with the broker `priority` to send it at
    (0 for all with priorities off), or QueueFull saying which limit refused it."""
    queued, mine, drained = row.pop("_queued"), row.pop("_mine"), row.pop("_drained")
    ahead = row.pop("_ahead")
    if row.get("id") is not None:
        row["priority"] = level(row["priority_class"], ahead, lim.priorities)
        return row
    if lim.limit and queued >= lim.limit:
        metrics.admission_refused(lim.queue, "queue")
        raise QueueFull(
            f"{queued} jobs are waiting on the {lim.queue} queue (limit {lim.limit}); "
            "try again later",
            retry_after_s(drained, queued - lim.limit + 1),
        )
    metrics.admission_refused(lim.queue, "key")
    raise QueueFull(
        f"this key has {mine} jobs waiting (limit {lim.per_key}); try again when some finish",
        retry_after_s(drained, mine - lim.per_key + 1),
    )

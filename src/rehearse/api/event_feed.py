"""What `/v1/jobs/{id}/events` sends: the Redis stream, completed from the record.

Events come from the job's Redis stream from `seq > after` on and end with `done`. When the
stream expired, or lost its end (Redis down while the worker finished), the closing `status`
and `done` are rebuilt from PostgreSQL, numbered on from the last `seq` the client has.
Earlier attempts' events stay in a replay, before the `reset` that starts the next attempt.
"""

from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import psycopg
import redis
import redis.asyncio as aioredis

from rehearse.contracts.jobs import JobPublic, JobStatus
from rehearse.events import events
from rehearse.storage.db import async_connection
from rehearse.storage.job_store import get_job_async
from rehearse.storage.rows import Job

UNAVAILABLE = (redis.RedisError, psycopg.OperationalError)
"""What ends a stream early with `events_unavailable`: the client reconnects with its last seq."""

JobSeen = Job | JobPublic
"""The job as last read: its row, or the public view a submission answered with."""


async def load_job(job_id: UUID, owner: UUID) -> Job | None:
    """The job's row as its owner sees it."""
    async with async_connection() as conn:
        return await get_job_async(conn, job_id, owner)


def closing_events(row: JobSeen, last_seq: int) -> list[dict[str, Any]]:
    """The final `status` and `done` of a finished job, rebuilt from its row."""
    attempt = row.attempts or 0
    status = {"seq": last_seq + 1, "type": "status", "attempt": attempt, "status": row.status}
    error = row.error.model_dump() if isinstance(row, JobPublic) and row.error else row.error
    if error:
        status["error"] = error
    done = {
        "seq": last_seq + 2,
        "type": events.TERMINAL,
        "attempt": attempt,
        "status": row.status,
    }
    return [status, done]


def unavailable_body(exc: BaseException) -> dict[str, str]:
    """The `error` a stream ends with when Redis (or the record) stops answering."""
    store = "Redis" if isinstance(exc, redis.RedisError) else "the database"
    return {
        "code": "events_unavailable",
        "message": f"{store} is unreachable; reconnect with the last seq you received",
    }


async def job_events(
    client: aioredis.Redis,
    job_id: UUID,
    owner: UUID,
    row: JobSeen,
    after: int = 0,
    idle_s: float = 10.0,
) -> AsyncIterator[dict[str, Any] | None]:
    """The job's events with `seq > after` in order, ending with `done`; None after each
    `idle_s` without one. `row` is the job as read when the client connected.

    Raises one of UNAVAILABLE when Redis or PostgreSQL stops answering.
    """
    finished = JobStatus(row.status).finished
    if finished:
        tail = await events.last_event(client, job_id)
        if tail is None:  # expired: the record tells how it ended
            for event in closing_events(row, after):
                yield event
            return
        if tail["type"] == events.TERMINAL and tail["seq"] <= after:
            return  # the client already has `done`
    elif after == 0 and await events.last_event(client, job_id) is None:
        # Queued, and no event written yet: its first one is `queued` (events.QUEUED).
        yield dict(events.QUEUED)
        after = 1
    last_seq = after
    async for event in events.follow(client, job_id, after, idle_s):
        if event is not None:
            last_seq = event["seq"]
            yield event
            continue
        current = await load_job(job_id, owner)
        if current and JobStatus(current.status).finished:
            # Finished at the previous look too, and silent for a whole interval since:
            # its `done` is not coming (Redis lost it). Once is not enough: the worker
            # publishes `done` just after committing.
            if finished:
                for closing in closing_events(current, last_seq):
                    yield closing
                return
            finished = True
        yield None

"""Record a job, then hand it to Celery by task name: the order that loses nothing."""

from typing import Any
from uuid import UUID

import psycopg
import redis
from celery import Celery
from kombu.exceptions import OperationalError

from api.errors import ApiError
from common import events
from common.db import transaction
from common.job_store import create_job, fail_queued
from common.settings import Settings
from common.task_names import BY_KIND


def enqueue_job(
    celery: Celery,
    client: redis.Redis,
    settings: Settings,
    kind: str,
    owner_id: UUID,
    params: dict[str, Any],
    conn: psycopg.Connection | None = None,
) -> dict[str, Any]:
    """Commit the job row, publish `queued`, then send its task; a broker outage answers 503.

    Committing first means a worker never receives a job it cannot find; `conn` lets a caller
    write related rows (an uploaded artifact) in the same transaction.
    """
    if conn is None:
        with transaction() as own:
            row = create_job(own, kind, owner_id, params)
    else:
        row = create_job(conn, kind, owner_id, params)
        conn.commit()
    try:
        events.publish(client, row["id"], "status", settings.event_ttl_s, status="queued")
        celery.send_task(BY_KIND[kind], kwargs={"payload": {"job_id": str(row["id"])}})
    except (OperationalError, OSError, redis.RedisError) as exc:
        with transaction() as own:
            fail_queued(own, row["id"], "queue_unavailable", f"the broker is unreachable: {exc}")
        raise ApiError(
            503,
            "queue_unavailable",
            "the job queue is unreachable; try again",
            {"Retry-After": "5"},
        ) from exc
    return row

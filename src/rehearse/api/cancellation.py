"""Cancel a job: a queued one ends at once, a running one at its next check (well under 1 s)."""

from uuid import UUID

import psycopg
import redis

from rehearse.base import metrics, redis_keys
from rehearse.base.settings import Settings
from rehearse.events import events
from rehearse.storage.job_store import cancel_queued


def request_cancel(
    conn: psycopg.Connection, client: redis.Redis, settings: Settings, job_id: UUID
) -> bool:
    """Cancel an unfinished job; True when it ended now (it was queued), False when it was
    running and has been asked to stop. Commits `conn`."""
    if ended := cancel_queued(conn, job_id):
        conn.commit()
        metrics.job_finished(ended)  # no worker will count it
        ending = [("status", {"status": "canceled"}), (events.TERMINAL, {"status": "canceled"})]
        batch = [(job_id, type_, 0, fields) for type_, fields in ending]
        events.publish_all(client, batch, settings.event_ttl_s)
        return True
    client.set(redis_keys.cancel_flag(job_id), 1, ex=settings.job_time_limit_s * 2)
    return False

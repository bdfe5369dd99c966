"""Housekeeping: expired artifacts (`ARTIFACT_RETENTION_DAYS`) and idempotency keys.

Run from the reconciler's timer in every worker; a Redis key held for one
`HOUSEKEEPING_INTERVAL_S` lets a single worker do each pass. Deletions go in small batches so
a large backlog never holds long locks or one huge transaction.
"""

import logging
from datetime import datetime, timedelta

import psycopg
import redis

from rehearse.base import redis_keys
from rehearse.base.settings import Settings
from rehearse.storage.db import transaction

log = logging.getLogger(__name__)

BATCH = 200


def _delete_batched(sql: str, params: dict) -> int:
    total = 0
    while True:
        with transaction() as conn:
            deleted = conn.execute(sql, {**params, "batch": BATCH}).rowcount
        total += deleted
        if deleted < BATCH:
            return total


def purge_artifacts(days: float, now: datetime | None = None) -> int:
    """Delete artifacts created more than `days` ago (rows naming them keep a NULL)."""
    return _delete_batched(
        "DELETE FROM artifacts WHERE id IN (SELECT id FROM artifacts"
        " WHERE created_at < coalesce(%(now)s, now()) - %(age)s LIMIT %(batch)s)",
        {"now": now, "age": timedelta(days=days)},
    )


def purge_idempotency_keys(ttl_s: float, now: datetime | None = None) -> int:
    """Forget idempotency keys older than their window."""
    return _delete_batched(
        "DELETE FROM idempotency_keys WHERE (scope, key) IN (SELECT scope, key"
        " FROM idempotency_keys WHERE created_at < coalesce(%(now)s, now()) - %(age)s"
        " LIMIT %(batch)s)",
        {"now": now, "age": timedelta(seconds=ttl_s)},
    )


def run_once(settings: Settings, now: datetime | None = None) -> dict[str, int]:
    """One pass: what was deleted, by kind."""
    done = {"idempotency_keys": purge_idempotency_keys(settings.idempotency_ttl_s, now)}
    if settings.artifact_retention_days > 0:
        done["artifacts"] = purge_artifacts(settings.artifact_retention_days, now)
    return done


def maybe_run(client: redis.Redis, settings: Settings, worker: str) -> dict[str, int] | None:
    """A pass, when no worker has run one within the interval."""
    lock_ms = max(1, int(settings.housekeeping_interval_s * 1000))
    if not client.set(redis_keys.housekeeping_lock(), worker, nx=True, px=lock_ms):
        return None
    try:
        done = run_once(settings)
    except psycopg.Error:
        client.delete(redis_keys.housekeeping_lock())  # try again at the next tick
        raise
    if any(done.values()):
        log.info("housekeeping deleted %s", ", ".join(f"{n} {k}" for k, n in done.items()))
    return done

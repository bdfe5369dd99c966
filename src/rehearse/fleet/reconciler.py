"""The reconciler: every unfinished job is either held by the broker, leased, or sent again.

PostgreSQL is the record, Redis only transport. A job can lose its message in many ways: Redis
restarted empty, a worker SIGKILLed (its unacked message waits for the visibility timeout), a
task acked as a failure while PostgreSQL was down. Every `RECONCILE_INTERVAL_S` one worker
(whichever takes the lock) compares the unfinished jobs in PostgreSQL with what the broker holds
and what workers lease. A job found neither waiting in a queue nor leased, twice at least
`RECONCILE_CONFIRM_S` apart, is put back to `queued` and sent again from its first step. A
duplicate message is harmless: a job is claimed once per attempt and finished once, and a later
pipeline step runs only for the attempt that sent it. `MAX_ATTEMPTS` bounds the reruns. The same
pass ages waiting jobs past their class's bound to the front of their queue (fleet.aging).
"""

import logging
import threading
import time
from typing import Any

import psycopg
import redis
from celery import Celery

from rehearse.base import redis_keys
from rehearse.base.settings import Settings
from rehearse.contracts.job_kinds import QUEUES
from rehearse.fleet import aging, housekeeping
from rehearse.fleet.broker_holdings import held_job_ids
from rehearse.runtime.dispatch import dispatch, dispatchable, resend_level
from rehearse.runtime.leases import leased
from rehearse.storage.db import transaction
from rehearse.storage.job_store import requeue_lost, unfinished_jobs

log = logging.getLogger(__name__)


def _is_held(row: dict[str, Any], waiting: set[str], delivered: set[str], live: set[str]) -> bool:
    job_id = str(row["id"])
    if job_id in live or job_id in waiting:
        return True
    # A queued job's delivered message sits in a worker's prefetch; a running job's delivered
    # message with no lease belongs to a worker that is no longer executing it.
    return row["status"] == "queued" and job_id in delivered


def reconcile_once(app: Celery, client: redis.Redis, settings: Settings) -> list[str]:
    """One pass; returns the ids of the jobs sent again."""
    with transaction() as conn:
        rows = unfinished_jobs(conn, settings.reconcile_grace_s)
    suspects_key = redis_keys.suspects()
    if not rows:
        client.delete(suspects_key)
        return []
    waiting, delivered = held_job_ids(client, QUEUES)
    live = leased(client, [str(r["id"]) for r in rows])
    first_seen = {k.decode(): float(v) for k, v in client.hgetall(suspects_key).items()}
    now = time.time()
    resent, cleared, new = [], [], {}
    for row in rows:
        job_id = str(row["id"])
        if _is_held(row, waiting, delivered, live) or not dispatchable(row["kind"]):
            cleared.append(job_id)
        elif job_id not in first_seen:
            new[job_id] = now
        elif now - first_seen[job_id] >= settings.reconcile_confirm_s:
            with transaction() as conn:
                ok = row["status"] == "queued" or requeue_lost(conn, row["id"], row["attempts"])
            if ok:
                dispatch(app, row["kind"], row["id"], priority=resend_level(settings, row))
                log.warning("re-sent job %s (%s, was %s)", job_id, row["kind"], row["status"])
                resent.append(job_id)
            cleared.append(job_id)
    gone = set(first_seen) - {str(r["id"]) for r in rows}
    with client.pipeline(transaction=False) as pipe:
        if new:
            pipe.hset(suspects_key, mapping=new)
        if cleared or gone:
            pipe.hdel(suspects_key, *cleared, *gone)
        pipe.execute()
    return resent


class Reconciler:
    """Runs `reconcile_once` every interval in a daemon thread, one worker at a time."""

    def __init__(self, settings: Settings, worker: str) -> None:
        from rehearse.base.redis_client import sync_client
        from rehearse.runtime.celery_app import create_celery

        self.settings, self.worker = settings, worker
        # Its own app and connections: the worker's main thread publishes on its own.
        self.app = create_celery(settings)
        self.client = sync_client(settings.redis_url)
        self._failing = False
        self._stop = threading.Event()

    def start(self) -> "Reconciler":
        threading.Thread(target=self._loop, daemon=True, name="reconciler").start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        interval = self.settings.reconcile_interval_s
        while not self._stop.wait(interval):
            try:
                lock_ms = max(1, int(interval * 900))
                if self.client.set(redis_keys.reconcile_lock(), self.worker, nx=True, px=lock_ms):
                    aging.age_once(self.client, self.settings, QUEUES)  # needs Redis alone
                    reconcile_once(self.app, self.client, self.settings)
                housekeeping.maybe_run(self.client, self.settings, self.worker)
            except (redis.RedisError, psycopg.Error, OSError) as exc:
                if not self._failing:  # one line per outage
                    log.warning("reconciler paused: %s: %s", type(exc).__name__, exc)
                self._failing = True
                continue
            except Exception:
                log.exception("reconciler pass failed")
                continue
            if self._failing:
                log.info("reconciler running again")
            self._failing = False

"""Re-enqueue the jobs a worker of the same name left running when it died.

Celery redelivers an unacknowledged task only after the Redis visibility timeout, which must
exceed the job time limit (minutes). A restarted worker knows better: any job still `running`
under its own node name was interrupted, so it sends that job again at once. The original
message, redelivered later, finds the job finished and does nothing.
"""

import logging
from typing import Any

from celery import Celery
from celery.signals import worker_ready, worker_shutting_down

from common.db import transaction
from common.dispatch import dispatch, dispatchable
from common.job_store import orphaned_jobs

log = logging.getLogger(__name__)


def requeue_orphans(app: Celery, worker: str) -> list[str]:
    """Send again every job left running under `worker`; returns their ids."""
    with transaction() as conn:
        jobs = orphaned_jobs(conn, worker)
    sent = []
    for job in jobs:
        if not dispatchable(job["kind"]):
            continue
        # A pipeline starts again from its first step; its steps are safe to repeat.
        dispatch(app, job["kind"], job["id"])
        log.warning("re-enqueued job %s (%s) left running by %s", job["id"], job["kind"], worker)
        sent.append(str(job["id"]))
    return sent


def connect_recovery(app: Celery) -> None:
    """When this worker is ready: announce it, and requeue its orphans (connected once)."""

    def on_ready(sender: Any = None, **_: Any) -> None:
        from common.presence import start_presence

        queues = [q.name for q in sender.task_consumer.queues]
        withdraw = start_presence(app.conf.broker_url, sender.hostname, queues)
        worker_shutting_down.connect(
            lambda **_: withdraw(), weak=False, dispatch_uid="rehearse-withdraw-presence"
        )
        requeue_orphans(app, sender.hostname)

    worker_ready.connect(on_ready, weak=False, dispatch_uid="rehearse-requeue-orphans")

"""Re-enqueue the jobs a worker of the same name left running when it died.

Celery redelivers an unacknowledged task only after the Redis visibility timeout, which must
exceed the job time limit (minutes). A restarted worker knows better: any job still `running`
under its own node name was interrupted, so it sends that job again at once. The original
message, redelivered later, finds the job finished and does nothing.
"""

import logging
from typing import Any

from celery import Celery
from celery.signals import worker_ready

from common import task_names
from common.db import transaction
from common.job_store import orphaned_jobs

log = logging.getLogger(__name__)


def requeue_orphans(app: Celery, worker: str) -> list[str]:
    """Send again every job left running under `worker`; returns their ids."""
    with transaction() as conn:
        jobs = orphaned_jobs(conn, worker)
    sent = []
    for job in jobs:
        name = task_names.BY_KIND.get(job["kind"])
        if name is None:
            continue
        app.send_task(name, kwargs={"payload": {"job_id": str(job["id"])}})
        log.warning("re-enqueued job %s (%s) left running by %s", job["id"], job["kind"], worker)
        sent.append(str(job["id"]))
    return sent


def connect_recovery(app: Celery) -> None:
    """Requeue orphans when this worker is ready (connected once, whatever imports it)."""

    def on_ready(sender: Any = None, **_: Any) -> None:
        requeue_orphans(app, sender.hostname)

    worker_ready.connect(on_ready, weak=False, dispatch_uid="rehearse-requeue-orphans")

"""What a worker does when it becomes ready: announce itself, and rescue interrupted jobs.

Celery redelivers an unacknowledged task only after the Redis visibility timeout, which must
exceed the job time limit (minutes). A restarted worker knows better: any job still `running`
under its own node name was interrupted, so it puts it back to `queued` and sends it again at
once. The original message, redelivered later, finds the job claimed or finished and does
nothing. Jobs still `queued` long after they were sent may have lost their message in a Redis
crash; they are sent again too (a duplicate message is harmless: see `claim_job`).
"""

import logging
from typing import Any

from celery import Celery
from celery.signals import worker_ready

from common.db import transaction
from common.dispatch import dispatch, dispatchable
from common.job_store import requeue_orphans, stranded_jobs
from common.presence import connect_presence
from common.settings import get_settings

log = logging.getLogger(__name__)


def rescue(app: Celery, worker: str) -> list[str]:
    """Send again the jobs `worker` died in and the long-stranded queued ones; their ids."""
    with transaction() as conn:
        orphans = requeue_orphans(conn, worker)
        stranded = stranded_jobs(conn, get_settings().visibility_timeout_s)
    sent = []
    for job in [*orphans, *stranded]:
        if not dispatchable(job["kind"]):
            continue
        # A pipeline starts again from its first step; its steps are safe to repeat.
        dispatch(app, job["kind"], job["id"])
        log.warning("re-enqueued job %s (%s)", job["id"], job["kind"])
        sent.append(str(job["id"]))
    return sent


def connect_recovery(app: Celery) -> None:
    """When this worker is ready: announce it and rescue jobs (connected once)."""

    def on_ready(sender: Any = None, **_: Any) -> None:
        rescue(app, sender.hostname)

    connect_presence(app)
    worker_ready.connect(on_ready, weak=False, dispatch_uid="rehearse-requeue-orphans")

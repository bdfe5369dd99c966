"""What a worker does when it becomes ready: announce itself, rescue, start the reconciler.

Celery redelivers an unacknowledged task only after the Redis visibility timeout, which must
exceed the job time limit (minutes). A restarted worker knows better: any job still `running`
under its own node name was interrupted, so it puts it back to `queued` and sends it again at
once. The original message, redelivered later, finds the job claimed or finished and does
nothing. Every other lost message (a Redis restarted empty, a worker that never comes back) is
the reconciler's (see `rehearse.fleet.reconciler`).
"""

import logging
from typing import Any

from celery import Celery
from celery.signals import worker_ready, worker_shutting_down

from rehearse.base.settings import get_settings
from rehearse.fleet.presence import connect_presence
from rehearse.fleet.reconciler import Reconciler
from rehearse.runtime.dispatch import dispatch, dispatchable, resend_level
from rehearse.storage.db import transaction
from rehearse.storage.job_store import requeue_orphans

log = logging.getLogger(__name__)


def rescue(app: Celery, worker: str) -> list[str]:
    """Send again the jobs `worker` died in; their ids."""
    with transaction() as conn:
        orphans = requeue_orphans(conn, worker)
    sent = []
    for job in orphans:
        if not dispatchable(job["kind"]):
            continue
        # A pipeline starts again from its first step; its steps are safe to repeat.
        dispatch(app, job["kind"], job["id"], priority=resend_level(get_settings(), job))
        log.warning("re-enqueued job %s (%s)", job["id"], job["kind"])
        sent.append(str(job["id"]))
    return sent


def connect_recovery(app: Celery) -> None:
    """When this worker is ready: announce it and rescue jobs (connected once)."""

    def on_ready(sender: Any = None, **_: Any) -> None:
        rescue(app, sender.hostname)
        reconciler = Reconciler(get_settings(), sender.hostname).start()
        worker_shutting_down.connect(
            lambda **_: reconciler.stop(), weak=False, dispatch_uid="rehearse-stop-reconciler"
        )

    connect_presence(app)
    worker_ready.connect(on_ready, weak=False, dispatch_uid="rehearse-requeue-orphans")

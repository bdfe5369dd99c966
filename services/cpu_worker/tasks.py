"""Celery tasks of the cpu queue."""

from typing import Any

from celery.signals import worker_ready

from common.celery_app import celery_app
from common.recovery import requeue_orphans


@worker_ready.connect
def _recover(sender: Any = None, **_: Any) -> None:
    requeue_orphans(celery_app, sender.hostname)

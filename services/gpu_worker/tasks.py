"""Celery tasks of the gpu queue: thin wrappers from a job id to a handler."""

import logging
from functools import cache
from typing import Any

from celery import Task
from celery.signals import worker_ready

from common import task_names
from common.celery_app import celery_app
from common.job_runner import JobRunner
from common.jobs import TaskPayload
from common.recovery import requeue_orphans
from common.settings import get_settings
from gpu_worker import handlers
from gpu_worker.models import build_residency
from gpu_worker.residency import Residency

log = logging.getLogger(__name__)

_TASK_OPTIONS: dict[str, Any] = {"bind": True, "acks_late": True, "reject_on_worker_lost": True}


@cache
def residency() -> Residency:
    """Built once per worker process, on the first job (the process never forks after)."""
    return build_residency(get_settings())


@cache
def runner(worker: str) -> JobRunner:
    return JobRunner(get_settings(), worker)


@celery_app.task(name=task_names.TRANSCRIBE, **_TASK_OPTIONS)
def transcribe(self: Task, payload: dict[str, Any]) -> None:
    """Speech to text on the gpu worker."""
    job_id = TaskPayload.model_validate(payload).job_id
    runner(self.request.hostname).run(job_id, handlers.transcribe(residency()))


@worker_ready.connect
def _recover(sender: Any = None, **_: Any) -> None:
    requeue_orphans(celery_app, sender.hostname)

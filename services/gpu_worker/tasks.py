"""Celery tasks of the gpu queue: thin wrappers from a job id to a handler."""

import logging
from functools import cache
from typing import Any

from celery import Task

from common import task_names
from common.celery_app import TASK_OPTIONS, celery_app
from common.job_runner import Handler, JobRunner
from common.jobs import TaskPayload
from common.recovery import connect_recovery
from common.settings import get_settings
from engines.catalog import build_residency
from engines.residency import Residency
from gpu_worker import handlers, startup  # noqa: F401  startup: pinned models load at start
from gpu_worker.whisper_languages import announce

log = logging.getLogger(__name__)
announce(get_settings())  # the api then refuses languages this worker's Whisper cannot transcribe


@cache
def residency() -> Residency:
    """Built once per worker process, on the first job (the process never forks after)."""
    return build_residency(get_settings())


@cache
def runner(worker: str) -> JobRunner:
    return JobRunner(get_settings(), worker)


def _run(task: Task, payload: dict[str, Any], make: Any) -> None:
    handler: Handler = make(residency())
    runner(task.request.hostname).run(TaskPayload.model_validate(payload).job_id, handler)


@celery_app.task(name=task_names.TRANSCRIBE, **TASK_OPTIONS)
def transcribe(self: Task, payload: dict[str, Any]) -> None:
    """Speech to text."""
    _run(self, payload, handlers.transcribe)


@celery_app.task(name=task_names.CHAT, **TASK_OPTIONS)
def chat(self: Task, payload: dict[str, Any]) -> None:
    """An LLM chat completion."""
    _run(self, payload, handlers.chat)


@celery_app.task(name=task_names.SPEAK, **TASK_OPTIONS)
def speak(self: Task, payload: dict[str, Any]) -> None:
    """Text to speech (queue `gpu` or `cpu` by the TTS_QUEUE setting)."""
    _run(self, payload, handlers.speak)


connect_recovery(celery_app)

from gpu_worker import interview_tasks  # noqa: E402, F401  registers the pipeline steps

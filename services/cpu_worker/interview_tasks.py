"""Celery tasks of the interview pipelines that run on the cpu queue."""

from functools import cache
from typing import Any

from celery import Task

from common import task_names
from common.celery_app import TASK_OPTIONS, celery_app
from common.job_runner import JobRunner
from common.jobs import TaskPayload
from common.settings import get_settings
from cpu_worker import interview_handlers as steps


@cache
def runner(worker: str) -> JobRunner:
    return JobRunner(get_settings(), worker)


@celery_app.task(name=task_names.INTERVIEW_INGEST, **TASK_OPTIONS)
def interview_ingest(self: Task, payload: dict[str, Any]) -> dict[str, Any] | None:
    """Start step 1: index the resume and the posting."""
    job_id = TaskPayload.model_validate(payload).job_id
    handler = steps.index_documents(get_settings())
    return runner(self.request.hostname).run_step(job_id, "ingest", handler, first=True, last=False)


@celery_app.task(name=task_names.INTERVIEW_RETRIEVE, **TASK_OPTIONS)
def interview_retrieve(
    self: Task, state: dict[str, Any] | None, payload: dict[str, Any]
) -> dict[str, Any] | None:
    """Turn step 2: retrieve the passages that matter for this answer."""
    if state is None:
        return None
    job_id = TaskPayload.model_validate(payload).job_id
    handler = steps.retrieve_passages(get_settings(), state)
    return runner(self.request.hostname).run_step(
        job_id, "retrieve", handler, first=False, last=False, state=state
    )

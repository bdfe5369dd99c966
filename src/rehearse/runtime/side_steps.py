"""Steps beside a job's chain (JobKindSpec.beside): sent once the step they follow is done.

A step beside runs alongside the rest of the chain, on its own queue (delivery: a cpu worker
measures how the answer was said while the gpu worker writes the feedback). It never claims
the job, never changes its status, timings or error: the chain owns those. It runs only while
the job is still the attempt that sent it (and has not failed or been canceled); its handler
records what it made itself and may publish events on the job's stream under that attempt.

Faults: its message is acked late like every job task (a worker that dies mid-step has it
delivered again); a PostgreSQL outage sends it again with backoff; any other failure is logged
and dropped, because the job does not depend on it.
"""

import logging
from typing import Any
from uuid import UUID

import psycopg
from celery import Celery, Task, shared_task

from rehearse.base import metrics
from rehearse.base.errors import JobError
from rehearse.base.settings import Settings
from rehearse.contracts.job_kinds import TABLE, task_name
from rehearse.contracts.job_spec import JobKindSpec, Step
from rehearse.contracts.jobs import TaskPayload
from rehearse.runtime.celery_app import TASK_OPTIONS
from rehearse.runtime.job_runner import ATTEMPT_KEY
from rehearse.runtime.run_context import RunContext
from rehearse.runtime.worker_context import StepRun, current
from rehearse.storage.db import statement
from rehearse.storage.job_store import get_job

log = logging.getLogger(__name__)


def send_beside(
    app: Celery, settings: Settings, spec: JobKindSpec, done: str, job_id: UUID, state: Any
) -> None:
    """Send every step beside `spec`'s chain that follows step `done` (and whose switch is on),
    with the state that step handed on."""
    for step in spec.beside:
        switched_off = step.switch is not None and not getattr(settings, step.switch)
        if step.after == done and isinstance(state, dict) and not switched_off:
            kwargs = {"payload": {"job_id": str(job_id)}, "state": state}
            app.send_task(task_name(spec.kind, step), kwargs=kwargs, ignore_result=True)


def run_beside(
    task: Task, spec: JobKindSpec, step: Step, state: dict[str, Any], payload: Any
) -> None:
    """One delivery of a step beside the chain; nothing when its attempt was replaced."""
    context = current()
    job_id = TaskPayload.model_validate(payload).job_id
    attempt = state.get(ATTEMPT_KEY, 0)
    with statement() as conn:
        job = get_job(conn, job_id)
    if job is None or job.attempts != attempt or job.status not in ("running", "succeeded"):
        return  # a later attempt sends its own; a failed or canceled job needs none
    runner = context.runner(task.request.hostname)
    # Sent at once, not posted: a step beside may publish while it holds the job's row, so that
    # its event is in the stream before the chain can finish the job (and append `done`).
    ctx = RunContext(emit=lambda type_, **f: runner.publisher.publish(job_id, type_, attempt, **f))
    run = StepRun(job, state, ctx, {}, context.settings)
    outcome = "done"
    try:
        context.handler(step)(None, run)
    except JobError as exc:
        outcome = exc.code
        log.info("job %s: %s step ended without a result (%s)", job_id, step.name, exc.code)
    except psycopg.OperationalError:
        raise  # PostgreSQL unreachable: TASK_OPTIONS sends it again with backoff
    except Exception:
        outcome = "internal_error"
        log.exception("job %s: %s step failed", job_id, step.name)
    metrics.side_step_finished(spec.kind, step.name, outcome)


def _make_task(spec: JobKindSpec, step: Step) -> Task:
    def side_task(self: Task, payload: Any = None, state: Any = None) -> None:
        run_beside(self, spec, step, dict(state or {}), payload)

    side_task.__name__ = f"{spec.kind}_{step.name}"
    side_task.__doc__ = f"Beside {spec.kind}'s chain, after {step.after}: {step.name}."
    return shared_task(name=task_name(spec.kind, step), **TASK_OPTIONS)(side_task)


TASKS: dict[str, Task] = {
    task_name(spec.kind, step): _make_task(spec, step)
    for spec in TABLE.values()
    for step in spec.beside
}

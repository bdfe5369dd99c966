"""The Celery tasks, generated from the job-kind table: one per step, `rehearse.<kind>.<step>`.

Loaded through the app's `include`. Each task claims (first step) or resumes (later steps) its
job, has the runner acquire the step's model and runs the step's handler with it. A later step
receives the previous step's state first; None there means the job already ended (failed,
canceled, or taken over by a later attempt), so the rest of the chain falls through.
"""

from typing import Any

from celery import Task, shared_task

from rehearse.contracts.job_kinds import TABLE, task_name
from rehearse.contracts.job_spec import JobKindSpec, Step
from rehearse.contracts.jobs import TaskPayload
from rehearse.runtime.celery_app import TASK_OPTIONS
from rehearse.runtime.job_runner import Handler
from rehearse.runtime.side_steps import send_beside
from rehearse.runtime.worker_context import StepRun, WorkerContext, current
from rehearse.storage.rows import Job


def bind(context: WorkerContext, step: Step, state: dict[str, Any], engine: Any = None) -> Handler:
    """The runner's handler for one step: the step's model acquired around its handler."""

    def handle(job: Job, ctx: Any, timings: dict[str, Any]) -> Any:
        function = context.handler(step)  # inside: a worker without it fails the job, saying so
        run = StepRun(job, state, ctx, timings, context.settings)
        if engine is not None or step.model is None:
            return function(engine, run)
        result, usage = context.engines.call(step.model, lambda loaded: function(loaded, run))
        timings.update(usage.timings())
        return result

    return handle


def run_step(
    task: Task, spec: JobKindSpec, index: int, state: dict[str, Any] | None, payload: Any
) -> dict[str, Any] | None:
    """One delivery of step `index` of a job of `spec`'s kind."""
    context = current()
    step = spec.steps[index]
    job_id = TaskPayload.model_validate(payload).job_id
    runner = context.runner(task.request.hostname)
    if not spec.pipeline:
        runner.run(job_id, bind(context, step, {}))
        return None
    if index > 0 and state is None:
        return None
    last = index == len(spec.steps) - 1
    handler = bind(context, step, dict(state or {}))
    handed_on = runner.run_step(
        job_id, step.name, handler, first=index == 0, last=last, state=state
    )
    if handed_on is not None:
        send_beside(task.app, context.settings, spec, step.name, job_id, handed_on)
    return handed_on


def _make_task(spec: JobKindSpec, index: int) -> Task:
    def step_task(self: Task, state: dict[str, Any] | None = None, payload: Any = None) -> Any:
        return run_step(self, spec, index, state, payload)

    step = spec.steps[index]
    step_task.__name__ = f"{spec.kind}_{step.name}"
    step_task.__doc__ = f"Step {index + 1} of {spec.kind}: {step.name} on {step.model or '-'}."
    return shared_task(name=task_name(spec.kind, step), **TASK_OPTIONS)(step_task)


TASKS: dict[str, Task] = {
    task_name(spec.kind, step): _make_task(spec, index)
    for spec in TABLE.values()
    for index, step in enumerate(spec.steps)
    if not step.batched
}

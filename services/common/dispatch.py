"""Hand a recorded job to Celery: its one step's task by name, or a chain of its steps."""

from uuid import UUID

from celery import Celery, chain

from common.job_kinds import TABLE, task_name


def dispatch(app: Celery, kind: str, job_id: UUID | str) -> None:
    """Send the job's task (or the first step of its chain, carrying the rest) by name."""
    kwargs = {"payload": {"job_id": str(job_id)}}
    steps = [task_name(kind, step) for step in TABLE[kind].steps]
    if len(steps) > 1:
        # Each step receives the previous step's return value as its first argument.
        chain(*(app.signature(name, kwargs=kwargs) for name in steps)).apply_async()
    else:
        app.send_task(steps[0], kwargs=kwargs)


def dispatchable(kind: str) -> bool:
    return kind in TABLE

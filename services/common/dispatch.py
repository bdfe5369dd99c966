"""Hand a recorded job to Celery: one task by name, or a chain of steps for pipeline jobs."""

from uuid import UUID

from celery import Celery, chain

from common.task_names import BY_KIND, PIPELINES


def dispatch(app: Celery, kind: str, job_id: UUID | str) -> None:
    """Send the job's task (or the first step of its chain, carrying the rest) by name."""
    kwargs = {"payload": {"job_id": str(job_id)}}
    if kind in PIPELINES:
        # Each step receives the previous step's return value as its first argument.
        chain(*(app.signature(name, kwargs=kwargs) for name in PIPELINES[kind])).apply_async()
    else:
        app.send_task(BY_KIND[kind], kwargs=kwargs)


def dispatchable(kind: str) -> bool:
    return kind in PIPELINES or kind in BY_KIND

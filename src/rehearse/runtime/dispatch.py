"""Hand a recorded job to Celery: its one step's task by name, or a chain of its steps."""

from uuid import UUID

from celery import Celery, chain
from kombu import Producer

from rehearse.contracts.job_kinds import TABLE, task_name


def dispatch(app: Celery, kind: str, job_id: UUID | str, producer: Producer | None = None) -> None:
    """Send the job's task (or the first step of its chain, carrying the rest) by name;
    `producer` lets a caller send many through one (a publish batch)."""
    kwargs = {"payload": {"job_id": str(job_id)}}
    steps = [task_name(kind, step) for step in TABLE[kind].steps]
    if len(steps) > 1:
        # Each step receives the previous step's return value as its first argument.
        chain(*(app.signature(name, kwargs=kwargs) for name in steps)).apply_async()
    else:
        # No result is kept (task_ignore_result): saying so spares the result backend's
        # per-task subscription, a Redis round trip on every send. Nothing to declare either:
        # on Redis a message to the default exchange is a push onto its queue's list.
        # The reprs monitors show (Flower), given: Celery's own `saferepr` of these few bytes
        # costs a fifth of a send.
        reprs = {"argsrepr": "()", "kwargsrepr": repr(kwargs)}
        app.send_task(
            steps[0], kwargs=kwargs, producer=producer, ignore_result=True, declare=[], **reprs
        )


def dispatchable(kind: str) -> bool:
    return kind in TABLE

"""Hand a recorded job to Celery: its one step's task by name, or a chain of its steps, at
its priority level (contracts.priority): every step of a chain waits at the same level."""

from typing import Any
from uuid import UUID

from celery import Celery, chain
from kombu import Producer

from rehearse.base.settings import Settings, get_settings
from rehearse.contracts.job_kinds import TABLE, task_name
from rehearse.contracts.priority import class_of_kind, level


def dispatch(
    app: Celery,
    kind: str,
    job_id: UUID | str,
    producer: Producer | None = None,
    priority: int | None = None,
) -> None:
    """Send the job's task (or the first step of its chain, carrying the rest) by name at
    broker `priority` (None: the top of its kind's class); `producer` lets a caller send many
    through one (a publish batch)."""
    if priority is None:
        priority = level(class_of_kind(kind), 0, get_settings().priorities)
    kwargs = {"payload": {"job_id": str(job_id)}}
    steps = [task_name(kind, step) for step in TABLE[kind].steps]
    if len(steps) > 1:
        # Each step receives the previous step's return value as its first argument; each
        # carries its own priority (Celery sends the next one with the options it was given).
        signatures = (app.signature(name, kwargs=kwargs, priority=priority) for name in steps)
        chain(*signatures).apply_async()
    else:
        # No result is kept (task_ignore_result): saying so spares the result backend's
        # per-task subscription, a Redis round trip on every send. Nothing to declare either:
        # on Redis a message to the default exchange is a push onto its queue's list.
        # The reprs monitors show (Flower), given: Celery's own `saferepr` of these few bytes
        # costs a fifth of a send.
        reprs = {"argsrepr": "()", "kwargsrepr": repr(kwargs)}
        app.send_task(
            steps[0],
            kwargs=kwargs,
            producer=producer,
            ignore_result=True,
            declare=[],
            priority=priority,
            **reprs,
        )


def resend_level(settings: Settings, row: dict[str, Any]) -> int:
    """The level of a job sent again (reconciler, recovery): the top of its class, since it
    has waited once already."""
    return level(row["priority_class"], 0, settings.priorities)


def dispatchable(kind: str) -> bool:
    return kind in TABLE

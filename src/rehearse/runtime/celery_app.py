"""The one Celery app factory: JSON only, late acks, prefetch 1, routing by task name."""

import json
import time
from typing import Any

import psycopg
from celery import Celery
from celery.signals import before_task_publish
from kombu import Queue

from rehearse.base.settings import Settings, get_settings
from rehearse.contracts import job_kinds
from rehearse.contracts.priority import LEVELS, PriorityClass, level
from rehearse.runtime.redis_broker import transport_for

BASE_TASK_OPTIONS: dict[str, Any] = {"bind": True, "acks_late": True, "reject_on_worker_lost": True}
"""Late acks: a task whose worker dies is delivered again."""

TASK_OPTIONS: dict[str, Any] = {
    **BASE_TASK_OPTIONS,
    # PostgreSQL unreachable (outage, pool timeout): send the task again with backoff instead
    # of acking it as done; the job is claimed again by the same worker when it comes back.
    "autoretry_for": (psycopg.OperationalError,),
    "retry_backoff": 1,
    "retry_backoff_max": 30,
    "retry_jitter": True,
    "max_retries": None,
}
"""Options of every job task that runs one job per message."""


SENT_AT = "rehearse_sent_at"
"""A message header: when it was sent (epoch seconds); the gpu worker's swap rule and the
aging sweep read it."""


def sent_at(raw: bytes | None) -> float | None:
    """When a message as the broker holds it was sent (its header), None for one without it."""
    try:
        return float(json.loads(raw)["headers"][SENT_AT])
    except (TypeError, ValueError, KeyError):
        return None


def _stamp(headers: dict[str, Any] | None = None, **_: Any) -> None:
    # Each pipeline step is sent when the one before it ends: this is when its wait began.
    if headers is not None:
        headers[SENT_AT] = time.time()


before_task_publish.connect(_stamp, weak=False, dispatch_uid="rehearse-sent-at")


def create_celery(settings: Settings | None = None) -> Celery:
    """A Celery app configured from settings; its tasks come from the job-kind table (`include`)."""
    settings = settings or get_settings()
    app = Celery(
        "rehearse",
        broker=settings.redis_url,
        backend=settings.redis_url,
        include=["rehearse.runtime.step_tasks"],
    )

    # A message sent with no priority of its own (a conversation-mode stretch, a search query,
    # a step beside a turn) has a person waiting on it: it waits as `live`. A job's own
    # priority (runtime.dispatch) overrides this.
    unstated = level(PriorityClass.live, 0, settings.priorities)

    def route(name: str, args: Any, kwargs: Any, options: Any, task: Any = None, **kw: Any):
        return {"queue": job_kinds.queue_for(name, settings.tts_queue), "priority": unstated}

    app.conf.update(
        broker_transport=transport_for(settings.redis_url),
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_queues=[Queue(name) for name in job_kinds.QUEUES],
        task_default_queue=job_kinds.CPU_QUEUE,
        task_routes=(route,),
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        result_expires=3600,
        task_time_limit=settings.job_time_limit_s + 30,
        task_soft_time_limit=settings.job_time_limit_s,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            # Above the job time limit, or a slow job would be handed to a second worker.
            "visibility_timeout": settings.visibility_timeout_s,
            "unacked_restore_interval": settings.restore_interval_s,
            "unacked_restore_throttle": 1,
            # A list per level: a consumer takes level 0 first across all its queues, then 1...
            # (contracts.priority).
            "priority_steps": list(LEVELS),
        },
        worker_send_task_events=False,
        worker_hijack_root_logger=False,
        worker_cancel_long_running_tasks_on_connection_loss=False,
        # Pool children load their models in `worker_process_init`; Celery kills one that takes
        # longer than this (default 4 s) to come up, and would replace it forever.
        worker_proc_alive_timeout=settings.worker_start_timeout_s,
    )
    return app


celery_app = create_celery()

"""Model-aware consumption: after each job (and every half second while idle) the gpu worker
picks which model queues its Celery consumer listens on (see rehearse.workers.gpu.swap_policy).

Celery stays the engine: a consumer bootstep switches queues with the consumer's own
`add_task_queue`/`cancel_task_queue` (what the `add_consumer` control command does). With
prefetch 1, late acks and a solo pool, nothing is fetched while a job runs, so a choice made in
`task_postrun` (before the ack) decides the next fetch. A fetch already waiting (BRPOP, 1 s at
most) may still deliver from a queue just dropped; kombu hands such a message back to its queue.
"""

import logging
import time
from typing import Any

import redis
from celery import bootsteps
from celery.signals import task_postrun

from rehearse.base.redis_client import sync_client
from rehearse.contracts.job_kinds import GPU_QUEUES, LLM, SPEECH, WHISPER, gpu_queue
from rehearse.contracts.priority import LEVELS
from rehearse.runtime import worker_context
from rehearse.runtime.celery_app import celery_app, sent_at
from rehearse.runtime.redis_broker import level_keys
from rehearse.workers.gpu.swap_policy import Waiting, choose

log = logging.getLogger(__name__)

TICK_S = 0.5
MODEL_OF_QUEUE = {gpu_queue(model): model for model in (WHISPER, LLM, SPEECH)}


def broker_state(client: redis.Redis, queues: tuple[str, ...]) -> dict[str, Waiting]:
    """Each queue's length, its oldest message's wait and its most urgent level, over the
    lists of all its priority levels (kombu pushes left, pops right: the oldest is last)."""
    with client.pipeline(transaction=False) as pipe:
        for queue in queues:
            for key in level_keys(queue):
                pipe.llen(key)
                pipe.lindex(key, -1)
        replies = iter(pipe.execute())
    now = time.time()
    state = {}
    for queue in queues:
        length, oldest_wait, urgent = 0, 0.0, len(LEVELS)
        for at in LEVELS:
            count, oldest = next(replies), next(replies)
            if not count:
                continue
            sent = sent_at(oldest)
            length, urgent = length + count, min(urgent, at)
            oldest_wait = max(oldest_wait, now - sent if sent else 0.0)
        state[queue] = Waiting(length, oldest_wait, urgent if length else 0)
    return state


def runnable_queues() -> set[str]:
    """Queues whose model this worker can run now without evicting another."""
    engines = worker_context.current().engines
    return {q for q, model in MODEL_OF_QUEUE.items() if engines.fits(model)}


class ModelQueues(bootsteps.StartStopStep):
    """Consumer step: re-chooses the queues after every job and on a timer while idle."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self.consumer: Any = None
        self.client: redis.Redis | None = None
        self.timer: Any = None
        self.max_wait = 0.0

    def start(self, c: Any) -> None:
        settings = worker_context.current().settings
        self.consumer, self.max_wait = c, settings.max_swap_wait_s
        self.client = sync_client(settings.redis_url)
        _current[:] = [self]
        self.timer = c.timer.call_repeatedly(TICK_S, self.choose)

    def stop(self, c: Any) -> None:
        if self.timer is not None:
            self.timer.cancel()
        _current.clear()

    def choose(self) -> None:
        """Listen on the queues the swap policy picks now; Redis down: keep what we have."""
        try:
            state = broker_state(self.client, GPU_QUEUES)
        except redis.RedisError:
            return
        wanted = set(choose(state, runnable_queues(), self.max_wait))
        tasks = self.consumer.task_consumer
        if tasks is None:
            return
        for queue in GPU_QUEUES:
            if queue in wanted and not tasks.consuming_from(queue):
                self.consumer.add_task_queue(queue)
            elif queue not in wanted and tasks.consuming_from(queue):
                self.consumer.cancel_task_queue(queue)


_current: list[ModelQueues] = []


def _after_task(**_: Any) -> None:
    for step in _current:
        step.choose()


def connect_scheduling() -> None:
    """Add the step to the gpu worker's consumer (before the worker is built)."""
    celery_app.steps["consumer"].add(ModelQueues)
    task_postrun.connect(_after_task, weak=False, dispatch_uid="rehearse-model-queues")

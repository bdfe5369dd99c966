"""Aging: a job that has waited past its class's bound goes to the front of its queue.

Priority levels alone would let a steady stream of `live` and `interactive` work hold `batch`
back forever. On every reconciler pass (one worker, every RECONCILE_INTERVAL_S) the sweep reads
the oldest message of each level list of each queue (kombu pushes left and pops right: the
oldest is the rightmost) and moves, per queue, the one furthest past its class's bound
(INTERACTIVE_AGING_S, BATCH_AGING_S) to the aged level, which every consumer takes before any
class; aged jobs keep the order they aged in.

One per queue per pass, not all of them: a backlog past its bound then drains at least one job
per pass ahead of everything, while a candidate's turn is delayed by at most one such job per
pass instead of by the whole backlog. A moved message keeps its own priority, so a worker that
hands it back (a restart, a dropped queue) returns it to its class's level.
"""

import time

import redis

from rehearse.base import metrics
from rehearse.base.settings import Settings
from rehearse.contracts.priority import AGED_LEVEL, LEVELS, PriorityClass, class_of_level
from rehearse.runtime.celery_app import sent_at
from rehearse.runtime.redis_broker import level_key

# Atomic: the message is moved only if it is still the oldest of its list (a worker may have
# taken it between the read and the move); it joins the aged list where kombu pushes (left).
_MOVE_IF_OLDEST = """
if redis.call('LINDEX', KEYS[1], -1) == ARGV[1] then
  redis.call('LPUSH', KEYS[2], redis.call('RPOP', KEYS[1]))
  return 1
end
return 0
"""


def bounds(settings: Settings) -> dict[PriorityClass, float]:
    """Each class's aging bound in seconds (0: it never ages); `live` does not age: nothing
    but aged jobs comes before it."""
    return {
        PriorityClass.interactive: settings.interactive_aging_s,
        PriorityClass.batch: settings.batch_aging_s,
    }


def age_once(
    client: redis.Redis, settings: Settings, queues: tuple[str, ...]
) -> list[tuple[str, int]]:
    """One sweep; the (queue, level) of each message moved to the front."""
    limit = bounds(settings)
    levels = [at for at in LEVELS if at != AGED_LEVEL]
    with client.pipeline(transaction=False) as pipe:
        for queue in queues:
            for at in levels:
                pipe.lindex(level_key(queue, at), -1)
        oldest = iter(pipe.execute())
    now, moved = time.time(), []
    for queue in queues:
        due = []  # (waited past the bound, level, message)
        for at in levels:
            raw, cls = next(oldest), class_of_level(at)
            sent, bound = sent_at(raw), limit.get(cls, 0.0) if cls else 0.0
            if sent is not None and bound > 0 and now - sent > bound:
                due.append((now - sent - bound, at, raw))
        if not due:
            continue
        _, at, raw = max(due)
        keys = [level_key(queue, at), level_key(queue, AGED_LEVEL)]
        if client.eval(_MOVE_IF_OLDEST, 2, *keys, raw):
            moved.append((queue, at))
            metrics.job_aged(queue, str(class_of_level(at)))
    return moved

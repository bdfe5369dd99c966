"""Which model queues the gpu worker takes its next job from: stay on what is loaded, bounded.

A swap (unload one model, load another) costs seconds on a 6 GB card; taking jobs strictly in
turn across models (transcribe, chat, transcribe, chat) pays one per job. Like llama-swap's
collation (A B A B → A A B B) and Ray Serve's model multiplexing, the worker prefers jobs for
the models it can run without evicting anything. The bound: when the oldest job waiting for
another model has waited longer than MAX_SWAP_WAIT_S, that queue goes next; so a job at the head
of its queue starts within MAX_SWAP_WAIT_S plus the run of the job in progress (plus one job per
other model queue also past the bound: those are served oldest first).

Priority classes (contracts.priority) act inside that choice: the consumer takes the lowest
priority level waiting across the queues chosen (kombu's BRPOP order), and a swap with nothing
overdue goes to the queue holding the most urgent class, oldest first among equals.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Waiting:
    """One model queue as the broker holds it, over all its priority levels: how many jobs,
    the oldest one's wait, and the most urgent level holding one (0 is taken first)."""

    length: int
    oldest_wait_s: float
    level: int = 0


def choose(queues: dict[str, Waiting], runnable: set[str], max_swap_wait_s: float) -> list[str]:
    """The queues to consume next; `runnable`: those whose model runs with no eviction."""
    every = sorted(queues)
    waiting = {name: w for name, w in queues.items() if w.length}
    if max_swap_wait_s <= 0 or not waiting:
        return every  # idle (any arrival is welcome) or the policy is off: in turn
    # Only jobs for another model count: the held model's own backlog is being served.
    overdue = [
        n for n, w in waiting.items() if n not in runnable and w.oldest_wait_s > max_swap_wait_s
    ]
    if overdue:
        return [max(overdue, key=lambda n: waiting[n].oldest_wait_s)]
    free = sorted(n for n in waiting if n in runnable)
    if free:
        return free  # stay: no load needed
    # A swap: to the most urgent class, the oldest first among equals.
    return [min(waiting, key=lambda n: (waiting[n].level, -waiting[n].oldest_wait_s))]

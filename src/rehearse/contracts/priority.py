"""Priority classes: what a person is waiting for decides which job a worker takes first.

`live`: a candidate waits in an interview (its start, every turn step, conversation-mode
stretches). `interactive`: a client waits on a single job or an OpenAI request. `batch`: nobody
waits (reports, document ingestion, jobs that asked for it).

On the broker each class is a band of priority levels (kombu's Redis transport: level 0 is taken
first, then 1, ... 9, across every queue a worker consumes; FIFO within a level). Within a band
the level says how many jobs the same owner already had waiting in that class on that queue: an
owner's first waiting job lands at the band's top, a flood sinks to its bottom, so another
owner's next job passes the flood. Level 0 holds the jobs aged past their class's bound
(fleet.aging), ahead of every class. docs/operations.md, "Priority classes", states the bounds.
"""

from enum import StrEnum


class PriorityClass(StrEnum):
    live = "live"
    interactive = "interactive"
    batch = "batch"


LEVELS = tuple(range(10))
"""Every broker priority level (`priority_steps`), the first taken first."""

AGED_LEVEL = 0
"""Jobs past their class's aging bound, moved here in the order they aged; with priorities
off (PRIORITIES=false) every job is sent here: one level, arrival order."""

BANDS: dict[PriorityClass, tuple[int, int]] = {
    PriorityClass.live: (1, 1),
    PriorityClass.interactive: (2, 5),
    PriorityClass.batch: (6, 9),
}
"""Each class's first and last level: a lower level is taken first."""

_BY_KIND = {
    "interview_start": PriorityClass.live,
    "interview_turn": PriorityClass.live,
    "interview_report": PriorityClass.batch,
    "ingest": PriorityClass.batch,
}


def class_of_kind(kind: str) -> PriorityClass:
    """A job kind's class unless its request chose one: single jobs are `interactive`."""
    return _BY_KIND.get(kind, PriorityClass.interactive)


def level(priority_class: str, ahead: int = 0, enabled: bool = True) -> int:
    """The level of a job of `priority_class` whose owner has `ahead` jobs of that class
    waiting on its queue already: the band's first level, one lower per job, capped. With
    priorities off (`enabled` false, PRIORITIES=false) every job is sent at one level."""
    if not enabled:
        return AGED_LEVEL
    first, last = BANDS[PriorityClass(priority_class)]
    return min(first + max(ahead, 0), last)


def class_of_level(at: int) -> PriorityClass | None:
    """The class whose band holds level `at`; None for the aged level."""
    return next((cls for cls, (lo, hi) in BANDS.items() if lo <= at <= hi), None)

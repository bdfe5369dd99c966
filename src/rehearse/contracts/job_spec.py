"""How a job kind is declared: its params and result models, and its steps (queue, model, handler).

The declarations themselves, one per kind, are the job-kind table (contracts.job_kinds). A step
names its handler instead of importing it: the api reads the table too, and must never import
a worker or an engine. The worker that runs a step loads its handler once, when it starts.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel


class HandlerUnavailable(RuntimeError):
    """A step's handler cannot be imported, or is not a function: no worker can run the step."""


@dataclass(frozen=True)
class Handler:
    """A step handler by name: `function` of the module `module` (under rehearse.workers)."""

    module: str
    function: str

    def __str__(self) -> str:
        return f"{self.module}:{self.function}"

    def load(self) -> Callable[..., Any]:
        """The function itself, imported now; HandlerUnavailable, saying why, if it cannot be."""
        try:
            found = getattr(importlib.import_module(self.module), self.function)
        except Exception as exc:  # a missing module or name, or a module that fails to import
            reason = f"{type(exc).__name__}: {exc}"
            raise HandlerUnavailable(f"step handler {self} cannot be loaded: {reason}") from exc
        if not callable(found):
            raise HandlerUnavailable(f"step handler {self} is not callable")
        return found


@dataclass(frozen=True)
class Step:
    """One step of a job: its stage name, the queue it waits on, the model it needs, its handler."""

    name: str
    queue: str
    model: str | None
    handler: Handler
    batched: bool = False
    """Run by a worker's own batching task (embed), not by the generic step task."""
    after: str | None = None
    """A step beside the chain (JobKindSpec.beside): sent once the step named here is done."""
    switch: str | None = None
    """A step beside the chain is sent only while this boolean setting is on (e.g. DELIVERY)."""


@dataclass(frozen=True)
class JobKindSpec:
    """A job kind: its params and result models, its steps in order (several: a Celery chain)."""

    kind: str
    params: type[BaseModel]
    result: type[BaseModel]
    """What `GET /v1/jobs/{id}` carries in `result` (contracts.job_results)."""
    steps: tuple[Step, ...]
    beside: tuple[Step, ...] = ()
    """Steps beside the chain: each is sent, with the state its `after` step handed on, once
    that step is done, and runs alongside the rest. Its outcome never changes the job's: it
    records what it made itself (rehearse.runtime.side_steps)."""

    @property
    def pipeline(self) -> bool:
        return len(self.steps) > 1

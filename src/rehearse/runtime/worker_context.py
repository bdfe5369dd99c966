"""A worker process's resources, built once when it starts and handed to every step (arq's ctx).

The worker's start-up (workers.gpu.startup, workers.cpu.startup) installs the context in each
process after any fork; the generated step tasks (runtime.step_tasks) read it. A handler gets
the engine its step's model names, acquired by the runner, and a `StepRun` with the rest.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from rehearse.base import metrics
from rehearse.base.settings import Settings
from rehearse.contracts.job_kinds import Step
from rehearse.runtime.job_runner import JobRunner
from rehearse.runtime.run_context import RunContext
from rehearse.storage.rows import Job

T = TypeVar("T")


class Usage(Protocol):
    def timings(self) -> dict[str, Any]:
        """`load_ms`, `model_loaded`, `evicted` for the job's timings."""


class Engines(Protocol):
    """The residency manager's one entry point: run `fn(engine)` with the model loaded."""

    def call(self, name: str, fn: Callable[[Any], T]) -> tuple[T, Usage]: ...

    def fits(self, name: str) -> bool:
        """Whether `name` runs now without evicting another model."""


@dataclass
class StepRun:
    """What a step handler gets besides its engine: the job row, the chain's state, events."""

    job: Job
    state: dict[str, Any]
    ctx: RunContext
    timings: dict[str, Any]
    settings: Settings


StepHandler = Callable[[Any, StepRun], Any]
"""`handler(engine, run)` -> the step's result (or a Finalize); never names its model."""


@dataclass
class WorkerContext:
    """Settings, engines and one JobRunner per worker node name, for one process."""

    settings: Settings
    engines: Engines
    runners: dict[str, JobRunner] = field(default_factory=dict)
    handlers: dict[str, StepHandler] = field(default_factory=dict)

    def runner(self, hostname: str) -> JobRunner:
        if hostname not in self.runners:
            self.runners[hostname] = JobRunner(self.settings, hostname)
        return self.runners[hostname]

    def handler(self, step: Step) -> StepHandler:
        """The step's handler, from its `module:function` name in the table."""
        if step.handler not in self.handlers:
            module, _, function = step.handler.partition(":")
            self.handlers[step.handler] = getattr(importlib.import_module(module), function)
        return self.handlers[step.handler]


_current: WorkerContext | None = None


def install(context: WorkerContext) -> WorkerContext:
    """Make `context` this process's (at worker start, after the fork)."""
    global _current
    _current = context
    metrics.serve_worker(context.settings.metrics_port)
    return context


def current() -> WorkerContext:
    """This process's context; a worker started without its start-up module has none."""
    if _current is None:
        raise RuntimeError("no worker context: start workers with `rehearse worker gpu|cpu`")
    return _current

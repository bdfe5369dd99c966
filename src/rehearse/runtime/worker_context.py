"""A worker process's resources, built once when it starts and handed to every step (arq's ctx).

The worker's start-up (workers.gpu.startup, workers.cpu.startup) calls `start` in each process
after any fork: it loads the handler of every step the worker's pool runs (the job-kind table's
`steps_run_by`), so a missing one fails the start, named in the log and in /readyz, instead of
a job; then it installs the context, which the generated step tasks (runtime.step_tasks) read:
no handler is imported at job time. A handler gets the engine its step's model names, acquired
by the runner, and a `StepRun` with the rest.
"""

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from rehearse.base import metrics
from rehearse.base.errors import JobError
from rehearse.base.settings import Settings
from rehearse.contracts.job_spec import Handler, HandlerUnavailable, Step
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


def load_handlers(steps: Iterable[Step]) -> dict[Handler, StepHandler]:
    """Every step's handler, imported now; HandlerUnavailable naming each one that is missing,
    not callable, or not callable as `handler(engine, run)`."""
    loaded: dict[Handler, StepHandler] = {}
    problems = []
    for handler in dict.fromkeys(step.handler for step in steps):
        try:
            function = handler.load()
        except HandlerUnavailable as exc:
            problems.append(str(exc))
            continue
        if not _takes_engine_and_run(function):
            problems.append(f"step handler {handler} does not take (engine, run)")
            continue
        loaded[handler] = function
    if problems:
        raise HandlerUnavailable("; ".join(problems))
    return loaded


def _takes_engine_and_run(function: Callable[..., Any]) -> bool:
    try:
        inspect.signature(function).bind(None, None)
    except (TypeError, ValueError):  # ValueError: a callable with no signature to read
        return False
    return True


@dataclass
class WorkerContext:
    """Settings, engines, the loaded step handlers and one JobRunner per node name, for one
    process."""

    settings: Settings
    engines: Engines
    runners: dict[str, JobRunner] = field(default_factory=dict)
    handlers: dict[Handler, StepHandler] = field(default_factory=dict)
    """Loaded at start: the handler of every step this worker's pool runs."""

    def runner(self, hostname: str) -> JobRunner:
        if hostname not in self.runners:
            self.runners[hostname] = JobRunner(self.settings, hostname)
        return self.runners[hostname]

    def handler(self, step: Step) -> StepHandler:
        """The step's handler, loaded when the worker started."""
        try:
            return self.handlers[step.handler]
        except KeyError:
            message = f"this worker has no handler for the {step.name} step ({step.handler})"
            raise JobError("handler_unavailable", message) from None


def start(settings: Settings, engines: Engines, steps: Iterable[Step]) -> str | None:
    """Install this process's context with the handlers of `steps` (those its pool runs) loaded;
    returns why one could not be (the context then holds none: the start failed), or None."""
    try:
        handlers = load_handlers(steps)
    except HandlerUnavailable as exc:
        install(WorkerContext(settings, engines))  # its jobs then fail, saying so, not hang
        return str(exc)
    install(WorkerContext(settings, engines, handlers=handlers))
    return None


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

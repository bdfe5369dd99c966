"""Keeps models within the GPU memory budget: load on demand, evict least recently used.

Peers set the bar: evict idle models when memory is short, pin some, unload after an idle TTL,
and after an out-of-memory error evict everything and retry once.
"""

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from common import metrics
from common.errors import JobError
from engines.base import Engine
from engines.memory_meter import NvmlMeter

log = logging.getLogger(__name__)
T = TypeVar("T")

_OOM_MARKERS = ("out of memory", "cuda_error_out_of_memory", "failed to allocate", "cudamalloc")


def is_oom(exc: BaseException) -> bool:
    """True for the ways CUDA, CTranslate2 and llama.cpp report exhausted memory."""
    if isinstance(exc, MemoryError):
        return True
    text = f"{type(exc).__name__} {exc}".lower()
    return any(marker in text for marker in _OOM_MARKERS)


@dataclass
class ModelSpec:
    """A model the manager may load: how to build its engine and what it costs."""

    name: str
    factory: Callable[[], Engine]
    memory_mb: float
    pinned: bool = False


@dataclass
class Usage:
    """What one `call()` did, reported in the job's timings."""

    model: str
    model_loaded: bool = False
    evicted: list[str] = field(default_factory=list)
    load_ms: int = 0

    def timings(self) -> dict[str, Any]:
        return {"model_loaded": self.model_loaded, "evicted": self.evicted, "load_ms": self.load_ms}


@dataclass
class _Resident:
    engine: Engine
    memory_mb: float
    last_used: float


class Residency:
    """`residency.call("whisper", fn)` runs `fn(engine)` with the model loaded; one thread."""

    def __init__(
        self,
        specs: list[ModelSpec],
        budget_mb: float,
        idle_ttl_s: float = 0,
        meter: NvmlMeter | None = None,
    ) -> None:
        self.specs = {spec.name: spec for spec in specs}
        self.budget_mb = budget_mb
        self.idle_ttl_s = idle_ttl_s
        self.meter = meter
        self.resident: OrderedDict[str, _Resident] = OrderedDict()  # least recently used first
        self.measured_mb: dict[str, float] = {}
        metrics.watch_residency(self)

    def estimate_mb(self, name: str) -> float:
        """Measured use from an earlier load when we have it, else the configured estimate."""
        return self.measured_mb.get(name, self.specs[name].memory_mb)

    def used_mb(self) -> float:
        return sum(r.memory_mb for r in self.resident.values())

    def evict(self, name: str) -> None:
        """Unload one model and give its memory back."""
        # The engine's unload() collects and trims the heap itself (see Engine).
        self.resident.pop(name).engine.unload()
        metrics.model_evicted(name)
        log.info("evicted %s", name)

    def evict_all(self, keep_pinned: bool = False) -> list[str]:
        names = [n for n in self.resident if not (keep_pinned and self.specs[n].pinned)]
        for name in names:
            self.evict(name)
        return names

    def expire_idle(self) -> list[str]:
        """Unload models idle longer than the TTL (pinned ones stay)."""
        if self.idle_ttl_s <= 0:
            return []
        cutoff = time.monotonic() - self.idle_ttl_s
        stale = [n for n, r in self.resident.items() if r.last_used < cutoff]
        stale = [n for n in stale if not self.specs[n].pinned]
        for name in stale:
            self.evict(name)
        return stale

    def _make_room(self, name: str, usage: Usage) -> None:
        need = self.estimate_mb(name)
        if need > self.budget_mb:
            raise JobError(
                "model_exceeds_budget",
                f"model {name} needs ~{need:.0f} MiB, more than GPU_MEMORY_BUDGET_MB "
                f"({self.budget_mb:.0f})",
            )
        victims = [n for n, r in self.resident.items() if not self.specs[n].pinned and r.memory_mb]
        for victim in victims:
            if self.used_mb() + need <= self.budget_mb:
                break
            self.evict(victim)
            usage.evicted.append(victim)
        if self.used_mb() + need > self.budget_mb:
            pinned = ", ".join(self.resident)
            raise JobError(
                "model_exceeds_budget",
                f"model {name} (~{need:.0f} MiB) does not fit beside pinned models ({pinned})",
            )

    def _load(self, name: str, usage: Usage) -> Engine:
        self._make_room(name, usage)
        engine = self.specs[name].factory()
        before = self.meter.used_mb() if self.meter else None
        started = time.monotonic()
        engine.load()
        usage.load_ms = round((time.monotonic() - started) * 1000)
        usage.model_loaded = True
        metrics.model_loaded(name, usage.load_ms / 1000)
        memory = self.estimate_mb(name)
        if self.meter and before is not None:
            memory = max(self.meter.used_mb() - before, 0.0)
            self.measured_mb[name] = memory
            log.info("loaded %s: %.0f MiB measured", name, memory)
        self.resident[name] = _Resident(engine, memory, time.monotonic())
        return engine

    def acquire(self, name: str, usage: Usage) -> Engine:
        """The loaded engine for `name`, loading (and evicting) as needed; marks it most recent."""
        if name not in self.specs:
            raise JobError("unknown_model", f"no model named {name} is configured")
        self.expire_idle()
        if name in self.resident:
            self.resident.move_to_end(name)
            self.resident[name].last_used = time.monotonic()
            return self.resident[name].engine
        try:
            return self._load(name, usage)
        except JobError:
            raise
        except Exception as exc:
            if not is_oom(exc):
                raise
            log.warning("out of memory loading %s; evicting everything and retrying", name)
            usage.evicted.extend(self.evict_all())
            try:
                return self._load(name, usage)
            except Exception as again:
                if is_oom(again):
                    raise JobError("out_of_memory", f"{name} does not fit: {again}") from again
                raise

    def preload(self, names: list[str]) -> list[Usage]:
        """Load these models now (a worker's pinned ones, at start), in order."""
        usages = [Usage(name) for name in names]
        for usage in usages:
            self.acquire(usage.model, usage)
        return usages

    def call(self, name: str, fn: Callable[[Engine], T]) -> tuple[T, Usage]:
        """Run `fn(engine)`; on out-of-memory evict everything, reload, and retry once."""
        usage = Usage(name)
        engine = self.acquire(name, usage)
        try:
            return fn(engine), usage
        except Exception as exc:
            if not is_oom(exc):
                raise
            log.warning("out of memory running %s; evicting everything and retrying", name)
            usage.evicted.extend(self.evict_all())
            engine = self.acquire(name, usage)
            try:
                return fn(engine), usage
            except Exception as again:
                if is_oom(again):
                    self.evict_all()
                    raise JobError("out_of_memory", f"{name} ran out of memory: {again}") from again
                raise
        finally:
            if name in self.resident:
                self.resident[name].last_used = time.monotonic()

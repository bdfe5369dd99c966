"""Keeps models within the memory budget: load on demand, evict least recently used.

Peers set the bar: evict idle models when memory is short, pin some, unload after an idle TTL,
and after an out-of-memory error evict everything and retry once. Sizes are measured at each
load (NVML on CUDA, RSS growth on CPU) and remembered per model file (rehearse.engines.model_sizes):
models whose measured sizes fit the budget together stay resident together. Each device has its
budget: GPU_MEMORY_BUDGET_MB on cuda, CPU_MEMORY_BUDGET_MB on cpu.
"""

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from rehearse.base import metrics
from rehearse.base.errors import JobError
from rehearse.engines.base import Engine
from rehearse.engines.memory_meter import NvmlMeter, RssMeter
from rehearse.engines.model_sizes import SizeBook

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
    device: str = "cuda"
    key: str = ""
    """Identity for remembered sizes (model_sizes.model_key); empty: never measured,
    `memory_mb` is a fixed figure (set by an operator or a test, or 0 for CPU-only engines)."""


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
        cpu_budget_mb: float | None = None,
        sizes: SizeBook | None = None,
    ) -> None:
        self.specs = {spec.name: spec for spec in specs}
        self.budget_mb = budget_mb
        self.budgets = {"cuda": budget_mb, "cpu": cpu_budget_mb or budget_mb}
        self.idle_ttl_s = idle_ttl_s
        self.meter = meter
        self.meters: dict[str, NvmlMeter | RssMeter | None] = {"cuda": meter, "cpu": RssMeter()}
        self.sizes = sizes
        self.resident: OrderedDict[str, _Resident] = OrderedDict()  # least recently used first
        self.measured_mb: dict[str, float] = {}
        metrics.watch_residency(self)

    def estimate_mb(self, name: str) -> float:
        """Measured here earlier, else remembered from an earlier run, else the estimate."""
        spec = self.specs[name]
        if name in self.measured_mb:
            return self.measured_mb[name]
        remembered = self.sizes.get(spec.key) if self.sizes and spec.key else None
        return spec.memory_mb if remembered is None else remembered

    def size_source(self, name: str) -> str:
        """Where estimate_mb's figure comes from: measured, remembered, estimated or fixed."""
        spec = self.specs[name]
        if not spec.key:
            return "fixed"
        if name in self.measured_mb:
            return "measured"
        return "remembered" if self.sizes and self.sizes.get(spec.key) is not None else "estimated"

    def used_mb(self, device: str | None = None) -> float:
        return sum(
            r.memory_mb
            for n, r in self.resident.items()
            if device is None or self.specs[n].device == device
        )

    def fits(self, name: str) -> bool:
        """Whether `name` can run now without evicting another model (the scheduler asks)."""
        if name in self.resident:
            return True
        if name not in self.specs:
            return False
        device = self.specs[name].device
        return self.used_mb(device) + self.estimate_mb(name) <= self.budgets[device]

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
        need, device = self.estimate_mb(name), self.specs[name].device
        budget = self.budgets[device]
        if need > budget:
            setting = "GPU_MEMORY_BUDGET_MB" if device == "cuda" else "CPU_MEMORY_BUDGET_MB"
            raise JobError(
                "model_exceeds_budget",
                f"model {name} needs ~{need:.0f} MiB, more than {setting} ({budget:.0f})",
            )
        victims = [
            n
            for n, r in self.resident.items()
            if not self.specs[n].pinned and r.memory_mb and self.specs[n].device == device
        ]
        for victim in victims:
            if self.used_mb(device) + need <= budget:
                break
            self.evict(victim)
            usage.evicted.append(victim)
        if self.used_mb(device) + need > budget:
            pinned = ", ".join(self.resident)
            raise JobError(
                "model_exceeds_budget",
                f"model {name} (~{need:.0f} MiB) does not fit beside pinned models ({pinned})",
            )

    def _load(self, name: str, usage: Usage) -> Engine:
        self._make_room(name, usage)
        spec = self.specs[name]
        engine = spec.factory()
        meter = self.meters.get(spec.device) if spec.key else None
        before = meter.used_mb() if meter else None
        started = time.monotonic()
        engine.load()
        usage.load_ms = round((time.monotonic() - started) * 1000)
        usage.model_loaded = True
        metrics.model_loaded(name, usage.load_ms / 1000)
        memory = self.estimate_mb(name)
        if meter and before is not None:
            memory = max(meter.used_mb() - before, 0.0)
            self.measured_mb[name] = memory
            if self.sizes:
                self.sizes.put(spec.key, memory)
            log.info("loaded %s on %s: %.0f MiB measured", name, spec.device, memory)
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

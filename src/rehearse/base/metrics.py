"""Prometheus metrics: every definition in one place, and the one-line hooks that feed them.

Workers count what they do (jobs, stages, model loads) in their own process and serve it on
METRICS_PORT; the api times its requests and computes queue depth, oldest job age and worker
presence when scraped. docs/observability.md lists every metric.
"""

import logging
import os
import weakref
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from prometheus_client import (
    REGISTRY,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    start_http_server,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)
disable_created_metrics()  # no `_created` series beside every counter: nothing here reads them

MIB = 2**20
FAST = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
SLOW = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800)

HTTP_SECONDS = Histogram(
    "rehearse_http_request_duration_seconds",
    "API requests by route template, method and status (WebSockets: until closed).",
    ["route", "method", "status"],
    buckets=FAST,
)
ADMISSION_REFUSALS = Counter(
    "rehearse_admission_refusals_total",
    "Submissions refused with 429 queue_full, by queue and the limit hit (queue or key).",
    ["queue", "limit"],
)
JOBS = Counter(
    "rehearse_jobs_total", "Jobs finished, by kind and final status.", ["kind", "status"]
)
JOB_SECONDS = Histogram(
    "rehearse_job_duration_seconds", "Jobs from submit to finish, by kind.", ["kind"], buckets=SLOW
)
STAGE_SECONDS = Histogram(
    "rehearse_job_stage_seconds",
    "Time a finished job spent per stage: queued, load, run (a pipeline adds <step>_load, "
    "<step>_run).",
    ["kind", "stage"],
    buckets=SLOW,
)
MODEL_LOADS = Counter(
    "rehearse_model_loads_total", "Model loads by the residency manager.", ["model"]
)
MODEL_EVICTIONS = Counter("rehearse_model_evictions_total", "Models unloaded.", ["model"])
MODEL_LOAD_SECONDS = Histogram(
    "rehearse_model_load_seconds", "Time to load a model.", ["model"], buckets=SLOW
)
SIDE_STEPS = Counter(
    "rehearse_side_steps_total",
    "Steps beside a job's chain (delivery), by kind, step and outcome: done, or the error code.",
    ["kind", "step", "outcome"],
)
QUEUE_DEPTH = Gauge("rehearse_queue_depth", "Jobs queued (PostgreSQL), per queue.", ["queue"])
QUEUE_OLDEST = Gauge(
    "rehearse_queue_oldest_age_seconds", "Age of the oldest queued job, per queue.", ["queue"]
)
BROKER_MESSAGES = Gauge(
    "rehearse_broker_messages", "Messages waiting in the broker (Redis), per queue.", ["queue"]
)
QUEUE_CLASS_DEPTH = Gauge(
    "rehearse_queue_class_depth",
    "Jobs queued (PostgreSQL), per queue and priority class.",
    ["queue", "class"],
)
QUEUE_CLASS_OLDEST = Gauge(
    "rehearse_queue_class_oldest_age_seconds",
    "Age of the oldest queued job, per queue and priority class.",
    ["queue", "class"],
)
QUEUE_WAIT = Histogram(
    "rehearse_queue_wait_seconds",
    "Submit to start (its first step) of a finished job, by priority class.",
    ["class"],
    buckets=SLOW,
)
AGED = Counter(
    "rehearse_aged_jobs_total",
    "Jobs moved to the front of their queue after waiting past their class's aging bound.",
    ["queue", "class"],
)
WORKERS = Gauge(
    "rehearse_workers",
    "Live workers per queue and state (ready, starting, failed).",
    ["queue", "state"],
)
LIVE_SESSIONS = Gauge(
    "rehearse_live_sessions",
    "Conversation-mode sockets this api process holds (LIVE_SESSIONS caps it).",
)
LIVE_TURNS = Counter(
    "rehearse_live_turns_total",
    "Live answers handed to a turn job, by why they ended (silence, thinking_time, done, "
    "max_duration, disconnected).",
    ["reason"],
)


def job_finished(row: dict[str, Any]) -> None:
    """Count a job's final status and observe its latencies (`row`: kind, status, times)."""
    kind = row["kind"]
    JOBS.labels(kind, row["status"]).inc()
    created, finished = row.get("created_at"), row.get("finished_at")
    if isinstance(created, datetime) and isinstance(finished, datetime):
        JOB_SECONDS.labels(kind).observe((finished - created).total_seconds())
    for key, value in (row.get("timings") or {}).items():
        if key.endswith("_ms") and isinstance(value, int | float) and not isinstance(value, bool):
            STAGE_SECONDS.labels(kind, key[:-3]).observe(value / 1000)
    queued_ms = (row.get("timings") or {}).get("queued_ms")
    if row.get("priority_class") and isinstance(queued_ms, int | float):
        QUEUE_WAIT.labels(row["priority_class"]).observe(queued_ms / 1000)


def job_aged(queue: str, priority_class: str) -> None:
    AGED.labels(queue, priority_class).inc()


def side_step_finished(kind: str, step: str, outcome: str) -> None:
    SIDE_STEPS.labels(kind, step, outcome).inc()


def admission_refused(queue: str, limit: str) -> None:
    ADMISSION_REFUSALS.labels(queue, limit).inc()


def model_loaded(model: str, seconds: float) -> None:
    MODEL_LOADS.labels(model).inc()
    MODEL_LOAD_SECONDS.labels(model).observe(seconds)


def model_evicted(model: str) -> None:
    MODEL_EVICTIONS.labels(model).inc()


class ResidencyCollector(Collector):
    """Resident models and GPU memory, read from the process's residency manager when scraped."""

    def __init__(self) -> None:
        self.residency: Any = None

    def collect(self) -> Iterator[GaugeMetricFamily]:
        residency = self.residency() if self.residency else None
        resident = GaugeMetricFamily(
            "rehearse_model_resident", "1 for each model loaded now.", labels=["model"]
        )
        model_bytes = GaugeMetricFamily(
            "rehearse_model_memory_bytes", "Memory a resident model holds.", labels=["model"]
        )
        used = GaugeMetricFamily(
            "rehearse_gpu_memory_used_bytes", "Memory the resident models hold (the budget's use)."
        )
        budget = GaugeMetricFamily("rehearse_gpu_memory_budget_bytes", "GPU_MEMORY_BUDGET_MB.")
        device = GaugeMetricFamily(
            "rehearse_gpu_device_memory_used_bytes", "The GPU's own reading (NVML), when on CUDA."
        )
        if residency is not None:
            for name in list(residency.specs):
                entry = residency.resident.get(name)
                resident.add_metric([name], 1 if entry else 0)
                if entry:
                    model_bytes.add_metric([name], entry.memory_mb * MIB)
            used.add_metric([], residency.used_mb() * MIB)
            budget.add_metric([], residency.budget_mb * MIB)
            if residency.meter is not None:
                device.add_metric([], residency.meter.used_mb() * MIB)
        yield from (resident, model_bytes, used, budget, device)


_residency = ResidencyCollector()
REGISTRY.register(_residency)


def watch_residency(residency: Any) -> None:
    """Report this residency manager's models and memory (the process's latest one)."""
    _residency.residency = weakref.ref(residency)


_served: dict[int, int] = {}


def serve_worker(port: int) -> int | None:
    """Serve this process's metrics on `port` + its pool index (0 = off); the port used."""
    if not port or os.getpid() in _served:
        return _served.get(os.getpid())
    from billiard.process import current_process

    port += getattr(current_process(), "index", None) or 0
    try:
        start_http_server(port)
    except OSError as exc:  # a port in use must not stop a worker from serving jobs
        log.warning("metrics not served on port %d: %s", port, exc)
        return None
    _served[os.getpid()] = port
    log.info("metrics on port %d", port)
    return port

"""The cpu worker's one BGE-M3 engine per process, built after the prefork fork."""

import os
import time
from typing import Any

from common.settings import Settings, get_settings
from cpu_worker.engines.bge_m3 import BGEM3Engine

_engine: BGEM3Engine | None = None
_engine_pid: int | None = None


def build_engine(settings: Settings) -> BGEM3Engine:
    """An unloaded BGE-M3 engine for MODELS_DIR/EMBED_MODEL."""
    # Each prefork child gets an equal share of the cores: torch's default (every core in
    # every child) oversubscribes the CPU and makes latency swing.
    threads = max(1, (os.cpu_count() or 1) // max(1, settings.cpu_concurrency))
    return BGEM3Engine(
        settings.models_dir / settings.embed_model,
        batch_size=settings.embed_batch_size,
        max_length=settings.embed_max_length,
        num_threads=threads,
    )


def engine() -> BGEM3Engine:
    """This process's engine, made on first use: in a pool child, never in the parent."""
    global _engine, _engine_pid
    # Torch state does not survive a fork: a child that inherited an engine builds its own.
    if _engine is None or _engine_pid != os.getpid():
        _engine, _engine_pid = build_engine(get_settings()), os.getpid()
    return _engine


def loaded_engine(timings: dict[str, Any]) -> BGEM3Engine:
    """The engine, loaded; records `load_ms` and `model_loaded` when this call loaded it."""
    current = engine()
    if not current.loaded:
        started = time.perf_counter()
        current.load()
        timings["load_ms"] = round((time.perf_counter() - started) * 1000)
        timings["model_loaded"] = True
    return current

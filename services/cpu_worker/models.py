"""The cpu worker's one BGE-M3 engine per process, built after the prefork fork."""

import os
import time
from typing import Any

from common.errors import JobError
from common.settings import Settings, get_settings
from engines.bge_m3 import BGEM3Engine

# Without these FlagEmbedding silently puts random heads on the model: sparse weights would be
# noise. Checked at start so such a folder is refused with its reason.
REQUIRED_FILES = ("config.json", "colbert_linear.pt", "sparse_linear.pt")

_engine: BGEM3Engine | None = None
_engine_pid: int | None = None
_failure: str | None = None  # why this process's engine could not load at start


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


def preload() -> str | None:
    """Load this process's engine now; returns why it could not, or None once loaded."""
    global _failure
    current = engine()
    missing = [name for name in REQUIRED_FILES if not (current.path / name).is_file()]
    if not current.path.is_dir():
        _failure = f"no BGE-M3 model folder at {current.path} (MODELS_DIR/EMBED_MODEL)"
    elif missing:
        _failure = f"the BGE-M3 model at {current.path} lacks {', '.join(missing)}"
    else:
        try:
            current.load()
            # The first forward pass sets up torch's kernels: pay for it here, not in a job.
            current.encode(["warm-up"])
            _failure = None
        except Exception as exc:  # an import error as much as bad files: reported either way
            reason = f"{type(exc).__name__}: {exc}"[:500]
            _failure = f"the BGE-M3 model at {current.path} failed to load: {reason}"
    return _failure


def loaded_engine(timings: dict[str, Any]) -> BGEM3Engine:
    """The engine, loaded; records `load_ms` and `model_loaded` when this call loaded it."""
    if _failure is not None:  # fail at once: trying again per job would fail the same way
        raise JobError("embed_model_unavailable", _failure)
    current = engine()
    if not current.loaded:
        started = time.perf_counter()
        current.load()
        timings["load_ms"] = round((time.perf_counter() - started) * 1000)
        timings["model_loaded"] = True
    return current

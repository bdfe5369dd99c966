"""What each model took in memory when it was last loaded, remembered per model file.

A model's size is measured (NVML on CUDA, the process's RSS growth on CPU) each time it loads
and kept in a small JSON file keyed by device, path, the files' size and mtime, and the settings
that change its footprint (compute type, context, KV cache type). A changed file or setting is a
new key: measured again. Until a model was measured, its estimate comes from its files on disk.
"""

import contextlib
import json
import logging
import os
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

ESTIMATE_FACTOR, ESTIMATE_OVERHEAD_MB = 1.1, 64
"""Before any measurement: files on disk plus a tenth and a little (buffers, KV cache)."""


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file())
    return [path] if path.is_file() else []


def disk_mb(path: Path) -> float:
    """Size on disk of a model file or folder, MiB (0 when it is missing)."""
    return sum(p.stat().st_size for p in _files(path)) / 2**20


def estimate_mb(path: Path) -> float:
    """A first guess of a model's memory from its files, used until it is measured."""
    size = disk_mb(path)
    return size * ESTIMATE_FACTOR + ESTIMATE_OVERHEAD_MB if size else 0.0


def model_key(device: str, path: Path, variant: str) -> str:
    """The identity of what gets loaded: device, path, files' size and mtime, settings."""
    files = _files(path)
    size = sum(p.stat().st_size for p in files)
    mtime = max((int(p.stat().st_mtime) for p in files), default=0)
    return f"{device}|{path}|{size}|{mtime}|{variant}"


class SizeBook:
    """The JSON file of measured sizes (MiB by model key); unreadable or unwritable: forgets."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def read(self) -> dict[str, float]:
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return {}
        return {k: float(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def get(self, key: str) -> float | None:
        return self.read().get(key) if key else None

    def put(self, key: str, memory_mb: float) -> None:
        """Remember one measurement (atomically: a reader never sees half a file)."""
        if not key:
            return
        data = {**self.read(), key: round(memory_mb, 1)}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".sizes-")
            with os.fdopen(fd, "w") as out:
                json.dump(data, out, indent=1, sort_keys=True)
            os.replace(tmp, self.path)
        except OSError as exc:
            log.warning("could not remember model sizes in %s: %s", self.path, exc)
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(tmp)

"""The cpu worker's engines: BGE-M3 (and TTS when TTS_QUEUE=cpu) under a residency manager."""

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from rehearse.base.errors import JobError
from rehearse.base.settings import Settings
from rehearse.contracts.job_kinds import BGE_M3, CPU_QUEUE, SPEECH
from rehearse.engines.catalog import build_residency
from rehearse.engines.residency import Residency, Usage

T = TypeVar("T")

# Without these FlagEmbedding silently puts random heads on the model: sparse weights would be
# noise. Checked at start so such a folder is refused with its reason.
REQUIRED_FILES = ("config.json", "colbert_linear.pt", "sparse_linear.pt")


class CpuEngines:
    """Residency for one pool process, refusing BGE-M3 at once when it could not load at start."""

    def __init__(self, settings: Settings) -> None:
        names = [BGE_M3, *([SPEECH] if settings.tts_queue == CPU_QUEUE else [])]
        self.residency: Residency = build_residency(settings, names)
        self.path = Path(settings.models_dir) / settings.embed_model
        self.failure: str | None = None  # why BGE-M3 could not load at start

    def call(self, name: str, fn: Callable[[Any], T]) -> tuple[T, Usage]:
        """Run `fn(engine)` with the model loaded (see Residency.call)."""
        if name == BGE_M3 and self.failure is not None:
            # Fail at once: trying again per job would fail the same way.
            raise JobError("embed_model_unavailable", self.failure)
        return self.residency.call(name, fn)

    def preload(self) -> str | None:
        """Load BGE-M3 now; returns why it could not, or None once loaded."""
        missing = [name for name in REQUIRED_FILES if not (self.path / name).is_file()]
        if not self.path.is_dir():
            self.failure = f"no BGE-M3 model folder at {self.path} (MODELS_DIR/EMBED_MODEL)"
        elif missing:
            self.failure = f"the BGE-M3 model at {self.path} lacks {', '.join(missing)}"
        else:
            try:
                # The first forward pass sets up torch's kernels: pay for it here, not in a job.
                self.residency.call(BGE_M3, lambda engine: engine.encode(["warm-up"]))
                self.failure = None
            except Exception as exc:  # an import error as much as bad files: reported either way
                reason = f"{type(exc).__name__}: {exc}"[:500]
                self.failure = f"the BGE-M3 model at {self.path} failed to load: {reason}"
        return self.failure

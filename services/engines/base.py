"""The protocol every engine follows, and the context a run reports through."""

from typing import Any, Protocol

from common.run_context import RunContext

__all__ = ["Engine", "RunContext"]


class Engine(Protocol):
    """One model behind `load()`, `unload()` and `run()`; residency is not its business."""

    def load(self) -> None:
        """Load weights into memory (GPU or CPU)."""

    def unload(self) -> None:
        """Free every byte `load()` took; after it the engine may be loaded again."""

    def run(self, request: Any, ctx: RunContext) -> dict[str, Any]:
        """Run one request, reporting through `ctx`; returns the job's JSON result."""

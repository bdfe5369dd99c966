"""What a running job may do besides computing: emit events, notice cancellation and deadlines."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rehearse.base.errors import JobCanceled


@dataclass
class RunContext:
    """Handed to engines: `emit("segment", start=0.0, ...)` and `check_canceled()`."""

    emit: Callable[..., None] = lambda type_, **fields: None
    """Append an event `{"type": type_, **fields}` to the job's stream."""
    is_canceled: Callable[[], bool] = lambda: False
    """True once cancellation was requested (or the job's deadline passed)."""
    extra: dict[str, Any] = field(default_factory=dict)

    def check_canceled(self) -> None:
        if self.is_canceled():
            raise JobCanceled()

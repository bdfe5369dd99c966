"""What the ear reports, shaped as conversation mode's server-to-client messages."""

from dataclasses import dataclass
from typing import Literal

EventType = Literal["speech_started", "speech_stopped", "turn_ended"]
Reason = Literal["silence", "thinking_time", "done", "max_duration"]


@dataclass(frozen=True)
class VoiceEvent:
    """`speech_started`/`speech_stopped` at `at_ms` of audio, or `turn_ended` for `reason`."""

    type: EventType
    at_ms: int
    reason: Reason | None = None

    def message(self) -> dict[str, object]:
        """The socket's JSON for it; a `turn_ended` gets its `job_id` from the caller."""
        if self.type == "turn_ended":
            return {"type": self.type, "reason": self.reason}
        return {"type": self.type, "at_ms": self.at_ms}

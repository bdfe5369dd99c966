"""Where a character-by-character scan of streamed JSON stands with respect to strings."""

from dataclasses import dataclass


@dataclass
class JsonString:
    """Whether a scan is inside a JSON string, and whether its next character is escaped."""

    inside: bool = False
    escape: bool = False

    def step(self, char: str) -> bool:
        """Read one character inside the string; True when it closes it."""
        if self.escape:
            self.escape = False
        elif char == "\\":
            self.escape = True
        elif char == '"':
            self.inside = False
            return True
        return False

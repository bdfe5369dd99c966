"""Reads a generated tool-call array as it streams: OpenAI's `tool_calls` deltas per piece.

The grammar (engines.llama_tools) makes the model write `[{"name": "f", "arguments": {...}}]`;
this reader follows that JSON character by character, so each `token` event can say what it
added to which call, as OpenAI's chunks do: a call's id, type and name once its name is
complete, then its arguments text as it grows. Joined, the deltas are the result's calls.
"""

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from rehearse.engines.json_string import JsonString

_SPACE = " \t\r\n"


def _function(call: dict[str, Any]) -> dict[str, str]:
    return {"name": call["name"], "arguments": call["arguments"]}


@dataclass
class _Value:
    """The arguments value being read: nesting, string state, whether it began."""

    depth: int = 0
    quoted: JsonString = field(default_factory=JsonString)
    started: bool = False


@dataclass
class CallReader:
    """Fed the model's text in pieces; `auto`: the first character decides, `[` opens calls."""

    auto: bool = False
    mode: str | None = None  # "calls" or "text" once known
    calls: list[dict[str, Any]] = field(default_factory=list)  # {"id", "name", "arguments"}
    _held: str = ""
    _depth: int = 0
    _quoted: JsonString = field(default_factory=JsonString)
    _word: str = ""
    _key: str | None = None
    _expect: str = "key"
    _value: _Value | None = None

    def __post_init__(self) -> None:
        self.mode = None if self.auto else "calls"

    def feed(self, piece: str) -> tuple[str, list[dict[str, Any]] | None]:
        """The text to emit now, and the `tool_calls` deltas it adds (None: it is content)."""
        text = self._held + piece
        if self.mode is None:
            if not text.lstrip(_SPACE):
                self._held = text
                return "", None
            self.mode = "calls" if text.lstrip(_SPACE)[0] == "[" else "text"
        self._held = ""
        if self.mode == "text":
            return text, None
        before = [(call["name"] is not None, len(call["arguments"])) for call in self.calls]
        for char in text:
            self._step(char)
        return text, self._deltas(before)

    def rest(self) -> str:
        """What is still held back undecided (blanks only), at the end of the output."""
        held, self._held = self._held, ""
        return held

    def tool_calls(self) -> list[dict[str, Any]]:
        """The named calls so far, in OpenAI's shape."""
        return [
            {"id": c["id"], "type": "function", "function": _function(c)}
            for c in self.calls
            if c["name"] is not None
        ]

    def _deltas(self, before: list[tuple[bool, int]]) -> list[dict[str, Any]]:
        deltas = []
        for i, call in enumerate(self.calls):
            named, seen = before[i] if i < len(before) else (False, 0)
            if call["name"] is None:
                continue
            if not named:
                delta = {"index": i, "id": call["id"], "type": "function"}
                deltas.append({**delta, "function": _function(call)})
            elif len(call["arguments"]) > seen:
                deltas.append({"index": i, "function": {"arguments": call["arguments"][seen:]}})
        return deltas

    def _step(self, char: str) -> None:
        if self._value is not None and self._read_value(char):
            return
        if self._quoted.inside:
            if not self._quoted.step(char):
                self._word += char
            elif self._depth == 2:
                self._word_done()
        elif char in _SPACE:
            return
        elif self._depth == 2 and self._expect == "value" and self._key == "arguments":
            self._value = _Value()
            self._read_value(char)
        elif char == '"':
            self._quoted.inside, self._word = True, ""
        elif char in "[{":
            self._depth += 1
            if self._depth == 2:
                call_id = f"call_{uuid.uuid4().hex[:24]}"
                self.calls.append({"id": call_id, "name": None, "arguments": ""})
                self._key, self._expect = None, "key"
        elif char in "]}":
            self._depth -= 1
        elif char == ":":
            self._expect = "value"
        elif char == ",":
            self._expect = "key"

    def _word_done(self) -> None:
        word = json.loads(f'"{self._word}"', strict=False)
        if self._expect == "key":
            self._key = word
        elif self._key == "name":
            self.calls[-1]["name"] = word

    def _read_value(self, char: str) -> bool:
        """Add `char` to the arguments; False when it ends a bare value and is not part of it."""
        value = self._value
        assert value is not None
        quoted = value.quoted
        if not quoted.inside and value.depth == 0 and value.started and char in f",}}{_SPACE}":
            self._value, self._expect = None, "done"
            return False
        self.calls[-1]["arguments"] += char
        value.started = True
        if quoted.inside:
            ended = quoted.step(char) and value.depth == 0
        elif char == '"':
            quoted.inside, ended = True, False
        else:
            value.depth += (char in "[{") - (char in "]}")
            ended = value.depth == 0 and char in "]}"
        if ended:
            self._value, self._expect = None, "done"
        return True

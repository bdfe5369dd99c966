"""One top-level string field of a JSON object, read from a stream of pieces as soon as it closes.

The LLM streams its JSON answer token by token; a piece may end inside a key, a string or an
escape (`\\u` plus four hex digits, a surrogate pair across pieces). The scanner keeps only the
nesting depth, whether it is inside a string, and the raw text of the current string, and
decodes a string with `json.loads` once its closing quote arrives: escapes come out exact.
"""

import json

from rehearse.engines.json_string import JsonString


class JsonFieldScanner:
    """`feed(piece)` returns the field's value once its string has closed, then keeps it."""

    def __init__(self, field: str) -> None:
        self.field = field
        self.value: str | None = None
        self._depth = 0
        self._string = JsonString()
        self._raw: list[str] = []
        self._key: str | None = None  # the last key read at depth 1
        self._in_value = False  # after the key's colon, before the value ends

    def feed(self, piece: str) -> str | None:
        """Scan one more piece of the stream; the field's value once it is known."""
        for ch in piece:
            if self.value is not None:
                break
            if self._string.inside:
                self._raw.append(ch)
                if self._string.step(ch):
                    self._string_closed("".join(self._raw))
            elif ch == '"':
                self._string.inside, self._raw = True, ['"']
            elif ch in "{[":
                self._depth += 1
            elif ch in "}]":
                self._depth -= 1
            elif self._depth == 1 and ch == ":":
                self._in_value = True
            elif self._depth == 1 and ch == ",":
                self._key, self._in_value = None, False
        return self.value

    def _string_closed(self, raw: str) -> None:
        if self._depth != 1:
            return  # a string inside a nested list or object
        try:
            text = json.loads(raw, strict=False)  # as parse_output: raw newlines pass
        except ValueError:
            return  # not valid JSON (a model without a grammar): never a value to speak
        if not self._in_value:
            self._key = text
        elif self._key == self.field:
            self.value = text
        else:
            self._in_value = False

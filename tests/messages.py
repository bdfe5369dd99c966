"""What a client reads in an error: plain words, never a library's exception text."""

import re

# Texts PyAV, pypdf, zipfile and lxml put in their exceptions, and Python's own frames.
LIBRARY_TEXT = ("Errno", "Invalid data found", "<none>", "Traceback", "EOF marker", "xref")
_EXCEPTION_NAME = re.compile(r"\b[A-Z]\w*(Error|Exception)\b")


def assert_plain(message: str, *to_send: str) -> None:
    """`message` names no library internals and says what to send (each of `to_send`)."""
    assert message, "an error says what happened"
    for text in LIBRARY_TEXT:
        assert text not in message, message
    assert _EXCEPTION_NAME.search(message) is None, message
    for name in to_send:
        assert name in message, message

"""Text PostgreSQL can store: every request model and text parameter is checked here once.

PostgreSQL refuses NUL in `text` and `jsonb`, and a lone surrogate cannot be encoded as UTF-8;
either would fail an INSERT after the request was accepted, so both are refused at the edge.
"""

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, model_validator

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable_reason(text: str) -> str | None:
    """Why `text` cannot be stored, or None when it can."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "holds a NUL character (\\u0000)"
    return "holds a lone UTF-16 surrogate"


def without_unstorable(text: str) -> str:
    """`text` less what PostgreSQL cannot store (for text a worker extracted, not a request)."""
    return _UNSTORABLE.sub("", text)


def check_text(text: str, where: str = "text") -> str:
    """`text` unchanged, or ValueError naming `where` when PostgreSQL cannot store it."""
    reason = unstorable_reason(text)
    if reason:
        raise ValueError(f"{where} {reason}, which cannot be stored")
    return text


def check_tree(value: Any, where: str = "body") -> None:
    """Check every string (keys included) inside JSON-like data, naming the first bad one."""
    if isinstance(value, str):
        check_text(value, where)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_tree(key, f"{where} key")
            check_tree(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            check_tree(item, f"{where}.{i}")


StorableText = Annotated[str, AfterValidator(check_text)]
"""A single text parameter (query, form field) that PostgreSQL can store."""


class Contract(BaseModel):
    """Base of every request and job model: no field, however nested, holds unstorable text."""

    @model_validator(mode="before")
    @classmethod
    def _storable(cls, data: Any) -> Any:
        # Before validation, so free-form fields (a JSON schema, extra keys) are covered too.
        check_tree(data, cls.__name__)
        return data

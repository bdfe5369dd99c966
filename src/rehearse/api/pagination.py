"""Cursor pagination, newest first: a page ends at a (created_at, id) the next one starts after.

The cursor is opaque to clients (URL-safe base64 of the last row's position); rows inserted
while a client pages never shift a page, so paging finds every row once, without duplicates.
"""

import base64
import binascii
import json
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar
from uuid import UUID

from fastapi import Query
from pydantic import BaseModel, Field

from rehearse.api.errors import ApiError

Position = tuple[datetime, UUID]
T = TypeVar("T")

Limit = Annotated[int, Query(ge=1, le=100, description="Items per page (newest first).")]
Cursor = Annotated[
    str | None, Query(max_length=200, description="`next_cursor` of the previous page.")
]


class Page(BaseModel, Generic[T]):
    """One page of a listing; `next_cursor` is null on the last page."""

    data: list[T]
    has_more: bool
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page.")


def encode(position: Position) -> str:
    raw = json.dumps([position[0].isoformat(), str(position[1])]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str | None) -> Position | None:
    """The position a cursor names; 422 `invalid_cursor` for anything else."""
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created_at, row_id = json.loads(raw)
        return datetime.fromisoformat(created_at), UUID(row_id)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise ApiError(422, "invalid_cursor", "the cursor is not one this api returned") from exc


def page(rows: list[dict[str, Any]], limit: int, item: Any) -> dict[str, Any]:
    """A page from up to `limit + 1` rows (the extra one only says that more follow)."""
    more = len(rows) > limit
    rows = rows[:limit]
    last = encode((rows[-1]["created_at"], rows[-1]["id"])) if more else None
    return {"data": [item(r) for r in rows], "has_more": more, "next_cursor": last}

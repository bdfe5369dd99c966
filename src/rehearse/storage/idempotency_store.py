"""Idempotency keys in PostgreSQL: the first response to (caller, key), replayed to retries."""

from dataclasses import dataclass

import psycopg
from psycopg.types.json import Jsonb

STALE_IN_FLIGHT_S = 120
"""A first request still unanswered after this long died with its api process: a retry of
the same request takes the key over instead of waiting for the window to pass. Longer than
any answer takes, a submission held by `Prefer: wait` (at most 100 s) included."""


@dataclass(frozen=True)
class Stored:
    """What an earlier request with the same key left: its hash and, once answered, the answer."""

    request_hash: str
    status: int | None
    headers: list[list[str]] | None
    body: bytes | None


def claim(
    conn: psycopg.Connection, scope: str, key: str, request_hash: str, ttl_s: float
) -> Stored | None:
    """None when this request now owns the key (it answers, then `complete`s or `release`s);
    otherwise the earlier request's record."""
    row = conn.execute(
        "INSERT INTO idempotency_keys (scope, key, request_hash) VALUES (%(s)s, %(k)s, %(h)s)"
        " ON CONFLICT (scope, key) DO UPDATE SET request_hash = EXCLUDED.request_hash,"
        "  status = NULL, headers = NULL, body = NULL, created_at = now()"
        " WHERE idempotency_keys.created_at < now() - make_interval(secs => %(ttl)s)"
        "  OR (idempotency_keys.status IS NULL AND idempotency_keys.request_hash = %(h)s"
        "   AND idempotency_keys.created_at < now() - make_interval(secs => %(stale)s))"
        " RETURNING 1",
        {"s": scope, "k": key, "h": request_hash, "ttl": ttl_s, "stale": STALE_IN_FLIGHT_S},
    ).fetchone()
    if row is not None:
        return None
    found = conn.execute(
        "SELECT request_hash, status, headers, body FROM idempotency_keys"
        " WHERE scope = %s AND key = %s",
        (scope, key),
    ).fetchone()
    if found is None:  # released between the two statements: as good as still in flight
        return Stored(request_hash, None, None, None)
    body = found["body"]
    return Stored(
        found["request_hash"], found["status"], found["headers"], bytes(body) if body else None
    )


def complete(
    conn: psycopg.Connection,
    scope: str,
    key: str,
    status: int,
    headers: list[list[str]],
    body: bytes,
) -> None:
    conn.execute(
        "UPDATE idempotency_keys SET status = %s, headers = %s, body = %s"
        " WHERE scope = %s AND key = %s",
        (status, Jsonb(headers), body, scope, key),
    )


def release(conn: psycopg.Connection, scope: str, key: str) -> None:
    """Forget a key whose request got no answer worth replaying (a 5xx, a 429, a stream)."""
    conn.execute(
        "DELETE FROM idempotency_keys WHERE scope = %s AND key = %s AND status IS NULL",
        (scope, key),
    )

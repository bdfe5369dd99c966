"""API keys: created once, shown once, stored only as a sha256 hash."""

import hashlib
import secrets
from typing import Any
from uuid import UUID

import psycopg

KEY_PREFIX = "rh_"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(conn: psycopg.Connection, name: str) -> tuple[UUID, str]:
    """Store a new key for `name`; returns its id and the key, which is not recoverable later."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = conn.execute(
        "INSERT INTO api_keys (name, key_hash, prefix) VALUES (%s, %s, %s) RETURNING id",
        (name, hash_key(key), key[:10]),
    ).fetchone()
    return row["id"], key


LAST_USED_RESOLUTION_S = 60
"""`last_used_at` is written at most this often per key: no write on most requests."""


def owner_of(conn: psycopg.Connection, key: str) -> UUID | None:
    """The id of a live key, or None. Revocation takes effect at the next request."""
    row = conn.execute(
        "SELECT id, last_used_at < now() - make_interval(secs => %s) OR last_used_at IS NULL"
        " AS stale FROM api_keys WHERE key_hash = %s AND revoked_at IS NULL",
        (LAST_USED_RESOLUTION_S, hash_key(key)),
    ).fetchone()
    if row is None:
        return None
    if row["stale"]:
        conn.execute("UPDATE api_keys SET last_used_at = now() WHERE id = %s", (row["id"],))
    return row["id"]


def list_keys(conn: psycopg.Connection) -> list[dict[str, Any]]:
    """Every key, oldest first: name, prefix, created, last used, revoked (never the key)."""
    return conn.execute(
        "SELECT id, name, prefix, created_at, last_used_at, revoked_at FROM api_keys"
        " ORDER BY created_at"
    ).fetchall()


def revoke_keys(conn: psycopg.Connection, name: str, prefix: str | None = None) -> int:
    """Revoke the live keys named `name` (only the one starting with `prefix` when given)."""
    rows = conn.execute(
        "UPDATE api_keys SET revoked_at = now() WHERE name = %s AND revoked_at IS NULL"
        " AND (%s::text IS NULL OR prefix = left(%s::text, 10)) RETURNING id",
        (name, prefix, prefix),
    ).fetchall()
    return len(rows)

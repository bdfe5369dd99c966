"""API keys: created once, shown once, stored only as a sha256 hash."""

import hashlib
import secrets
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


def owner_of(conn: psycopg.Connection, key: str) -> UUID | None:
    """The id of a live key, or None."""
    row = conn.execute(
        "SELECT id FROM api_keys WHERE key_hash = %s AND revoked_at IS NULL", (hash_key(key),)
    ).fetchone()
    return row["id"] if row else None

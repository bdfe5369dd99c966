"""Artifacts (audio in, audio out) as rows in PostgreSQL: the record, not a cache."""

import hashlib
from uuid import UUID

import psycopg

from rehearse.storage.rows import Artifact, columns, fetch_one


def put_artifact(
    conn: psycopg.Connection,
    owner_id: UUID,
    data: bytes,
    content_type: str,
    job_id: UUID | None = None,
) -> UUID:
    """Store bytes (made by `job_id`, if given); the id, committed with the caller's transaction."""
    digest = hashlib.sha256(data).hexdigest()
    row = conn.execute(
        "INSERT INTO artifacts (owner_id, content_type, size, sha256, data, job_id)"
        " VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
        (owner_id, content_type, len(data), digest, data, job_id),
    ).fetchone()
    return row["id"]


def get_artifact(
    conn: psycopg.Connection, artifact_id: UUID, owner_id: UUID | None = None
) -> Artifact | None:
    """An artifact by id, limited to one owner when given."""
    return fetch_one(
        conn,
        Artifact,
        f"SELECT {columns(Artifact)} FROM artifacts"
        " WHERE id = %s AND (%s::uuid IS NULL OR owner_id = %s::uuid)",
        (artifact_id, owner_id, owner_id),
    )

"""Invites: browser credentials that reach only the interviews they create.

Stored like API keys, as a sha256 hash; the token is shown once, to the operator who mints it.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg

from rehearse.storage.api_keys import hash_key

TOKEN_PREFIX = "rhi_"
MAX_TTL_S = 30 * 24 * 3600
MAX_INTERVIEWS = 100


@dataclass(frozen=True)
class Invite:
    id: UUID
    owner_id: UUID
    language: str | None
    max_interviews: int
    expires_at: datetime
    expired: bool
    revoked_at: datetime | None = None


def client_url(base: str, token: str) -> str:
    """The web client's address with the token in the fragment, which never reaches a server."""
    return f"{base.rstrip('/')}/#invite={token}"


def is_invite_token(key: str | None) -> bool:
    return bool(key) and key.startswith(TOKEN_PREFIX)


def create_invite(
    conn: psycopg.Connection,
    owner_id: UUID,
    ttl_s: int,
    max_interviews: int,
    language: str | None,
) -> tuple[Invite, str]:
    """Store a new invite; returns it and its token, which is not recoverable later."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = conn.execute(
        "INSERT INTO invites (owner_id, token_hash, language, max_interviews, expires_at)"
        " VALUES (%s, %s, %s, %s, now() + make_interval(secs => %s))"
        " RETURNING id, owner_id, language, max_interviews, expires_at, false AS expired,"
        "  revoked_at",
        (owner_id, hash_key(token), language, max_interviews, ttl_s),
    ).fetchone()
    return Invite(**row), token


def find_invite(conn: psycopg.Connection, token: str) -> Invite | None:
    """The invite a token names (expired or revoked or not) while its operator key lives."""
    row = conn.execute(
        "SELECT i.id, i.owner_id, i.language, i.max_interviews, i.expires_at,"
        "  i.expires_at <= now() AS expired, i.revoked_at"
        " FROM invites i JOIN api_keys k ON k.id = i.owner_id"
        " WHERE i.token_hash = %s AND k.revoked_at IS NULL",
        (hash_key(token),),
    ).fetchone()
    return Invite(**row) if row else None


def invite_id_of(conn: psycopg.Connection, token: str) -> UUID | None:
    """The id of the invite a token names (for revoking a leaked link by the link itself)."""
    row = conn.execute(
        "SELECT id FROM invites WHERE token_hash = %s", (hash_key(token),)
    ).fetchone()
    return row["id"] if row else None


def revoke_invite(
    conn: psycopg.Connection, invite_id: UUID, owner_id: UUID | None = None
) -> datetime | None:
    """Withdraw an invite (of `owner_id` when given); returns when it was revoked, the first
    time for one already revoked, or None when there is no such invite."""
    row = conn.execute(
        "UPDATE invites SET revoked_at = coalesce(revoked_at, now())"
        " WHERE id = %s AND (%s::uuid IS NULL OR owner_id = %s::uuid) RETURNING revoked_at",
        (invite_id, owner_id, owner_id),
    ).fetchone()
    return row["revoked_at"] if row else None


def list_invites(
    conn: psycopg.Connection, owner_id: UUID, limit: int, after: tuple[datetime, UUID] | None
) -> list[dict[str, Any]]:
    """An operator's invites, newest first, from just after `after`."""
    created_at, invite_id = after or (None, None)
    return conn.execute(
        "SELECT id, language, max_interviews, created_at, expires_at, revoked_at FROM invites"
        " WHERE owner_id = %(owner)s"
        "  AND (%(at)s::timestamptz IS NULL OR (created_at, id) < (%(at)s, %(id)s::uuid))"
        " ORDER BY created_at DESC, id DESC LIMIT %(limit)s",
        {"owner": owner_id, "at": created_at, "id": invite_id, "limit": limit},
    ).fetchall()


def _used(conn: psycopg.Connection, invite_id: UUID) -> int:
    """Interviews counted against an invite: all but those whose start failed (a retry),
    erased ones included (deleting an interview gives no new one)."""
    row = conn.execute(
        "SELECT (SELECT erased_interviews FROM invites WHERE id = %(id)s) + count(*) AS n"
        " FROM interviews i LEFT JOIN jobs j ON j.id = i.start_job_id"
        " WHERE i.invite_id = %(id)s AND coalesce(j.status, '') NOT IN ('failed', 'canceled')",
        {"id": invite_id},
    ).fetchone()
    return row["n"]


def interviews_left(conn: psycopg.Connection, invite: Invite) -> int:
    return max(0, invite.max_interviews - _used(conn, invite.id))


def claim_interview(conn: psycopg.Connection, invite_id: UUID, interview_id: UUID) -> bool:
    """Tie a new interview to its invite if the invite has one left (the row lock serializes)."""
    invite = conn.execute(
        "SELECT max_interviews FROM invites WHERE id = %s FOR UPDATE", (invite_id,)
    ).fetchone()
    if invite is None or _used(conn, invite_id) >= invite["max_interviews"]:
        return False
    conn.execute("UPDATE interviews SET invite_id = %s WHERE id = %s", (invite_id, interview_id))
    return True


def _exists(conn: psycopg.Connection, query: str, params: dict) -> bool:
    return conn.execute(f"SELECT EXISTS ({query}) AS found", params).fetchone()["found"]


def holds_interview(conn: psycopg.Connection, invite_id: UUID, interview_id: UUID) -> bool:
    query = "SELECT 1 FROM interviews WHERE id = %(id)s AND invite_id = %(invite)s"
    return _exists(conn, query, {"id": interview_id, "invite": invite_id})


def holds_job(conn: psycopg.Connection, invite_id: UUID, job_id: UUID) -> bool:
    query = (
        "SELECT 1 FROM jobs j JOIN interviews i ON i.id = j.interview_id"
        " WHERE j.id = %(id)s AND i.invite_id = %(invite)s"
    )
    return _exists(conn, query, {"id": job_id, "invite": invite_id})


def holds_artifact(conn: psycopg.Connection, invite_id: UUID, artifact_id: UUID) -> bool:
    """Whether an artifact is a question, an answer or an upload of the invite's interviews, or
    was made by one of their jobs (a question spoken before its turn is recorded)."""
    query = (
        "SELECT 1 FROM interviews i WHERE i.invite_id = %(invite)s AND ("
        "  %(id)s IN (i.opening_audio_artifact_id, i.resume_artifact_id,"
        "             i.job_posting_artifact_id)"
        "  OR EXISTS (SELECT 1 FROM interview_turns t WHERE t.interview_id = i.id"
        "             AND %(id)s IN (t.answer_artifact_id, t.audio_artifact_id))"
        "  OR EXISTS (SELECT 1 FROM artifacts a JOIN jobs j ON j.id = a.job_id"
        "             WHERE a.id = %(id)s AND j.interview_id = i.id))"
    )
    return _exists(conn, query, {"id": artifact_id, "invite": invite_id})

"""Interviews and turns in PostgreSQL."""

from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import kwargs_row
from psycopg.types.json import Jsonb

from rehearse.base.errors import JobError
from rehearse.contracts.interview_contract import PROMPT_VERSION, InterviewCreate
from rehearse.storage.db import statement
from rehearse.storage.rows import (
    Interview,
    PastTurn,
    StepInterview,
    Turn,
    columns,
    fetch_all,
    fetch_one,
)

_INTERVIEW = columns(Interview)


def create_interview(conn: psycopg.Connection, owner_id: UUID, body: InterviewCreate) -> Interview:
    """Insert an interview (status `starting`); its documents get a collection of its own."""
    return fetch_one(
        conn,
        Interview,
        "INSERT INTO interviews (owner_id, language, role, persona, max_questions, collection,"
        " resume_text, job_posting_text, prompt_version)"
        " VALUES (%(owner)s, %(language)s, %(role)s, %(persona)s, %(max)s,"
        "  'interview:' || gen_random_uuid(), %(resume)s, %(posting)s, %(version)s)"
        f" RETURNING {_INTERVIEW}",
        {
            "owner": owner_id,
            "language": body.language,
            "role": body.role,
            "persona": body.persona,
            "max": body.max_questions,
            "resume": body.resume,
            "posting": body.job_posting,
            "version": PROMPT_VERSION,
        },
    )


def attach_uploads(
    conn: psycopg.Connection, interview_id: UUID, artifacts: dict[str, UUID]
) -> None:
    """Record uploaded `resume`/`job_posting` files whose text the start job extracts."""
    for field, artifact_id in artifacts.items():
        column = {"resume": "resume_artifact_id", "job_posting": "job_posting_artifact_id"}[field]
        conn.execute(
            f"UPDATE interviews SET {column} = %s WHERE id = %s", (artifact_id, interview_id)
        )


def set_texts(conn: psycopg.Connection, interview_id: UUID, resume: str, posting: str) -> None:
    """Store the cleaned (and, for uploads, extracted) texts the interview runs on."""
    conn.execute(
        "UPDATE interviews SET resume_text = %s, job_posting_text = %s WHERE id = %s",
        (resume, posting, interview_id),
    )


def get_interview(
    conn: psycopg.Connection, interview_id: UUID, owner_id: UUID | None = None, lock: bool = False
) -> Interview | None:
    """An interview by id (limited to an owner when given), optionally locked for update."""
    return fetch_one(
        conn,
        Interview,
        f"SELECT {_INTERVIEW} FROM interviews"
        " WHERE id = %s AND (%s::uuid IS NULL OR owner_id = %s::uuid)"
        + (" FOR UPDATE" if lock else ""),
        (interview_id, owner_id, owner_id),
    )


_FOR_STEP = (
    f"SELECT {_INTERVIEW}, (SELECT coalesce(jsonb_agg(jsonb_build_object('number', t.number,"
    "  'question', t.question, 'transcript', t.transcript, 'feedback', t.feedback)"
    "  ORDER BY t.number), '[]') FROM interview_turns t WHERE t.interview_id = i.id) AS history"
    " FROM interviews i WHERE i.id = %s"
)


def _step_interview(history: list[dict[str, Any]], **interview: Any) -> StepInterview:
    return StepInterview(**interview, history=tuple(PastTurn(**turn) for turn in history))


def load_for_step(interview_id: UUID | None) -> StepInterview:
    """The interview a step of an interview job runs on, with its turns so far: one query.

    Raises `interview_missing` when it is gone (erased while the job waited)."""
    with statement() as conn, conn.cursor(row_factory=kwargs_row(_step_interview)) as cur:
        interview = cur.execute(_FOR_STEP, (interview_id,)).fetchone()
    if interview is None:
        raise JobError("interview_missing", f"interview {interview_id} no longer exists")
    return interview


def set_start_job(conn: psycopg.Connection, interview_id: UUID, job_id: UUID) -> None:
    conn.execute("UPDATE interviews SET start_job_id = %s WHERE id = %s", (job_id, interview_id))


DELIVERY = frozenset({"delivery"})
"""The turn's field read from answer_delivery (storage.delivery_store), not interview_turns."""


def turns(conn: psycopg.Connection, interview_id: UUID) -> list[Turn]:
    """Every turn of an interview, in order."""
    return fetch_all(
        conn,
        Turn,
        f"SELECT {columns(Turn, 't', DELIVERY)}, d.delivery FROM interview_turns t"
        " LEFT JOIN answer_delivery d ON d.job_id = t.job_id"
        " WHERE t.interview_id = %s ORDER BY t.number",
        (interview_id,),
    )


def active_job(conn: psycopg.Connection, interview_id: UUID) -> dict[str, Any] | None:
    """A queued or running job of the interview (its start, a turn or its report), if any."""
    return conn.execute(
        "SELECT id, kind, status, (params->>'number')::int AS number FROM jobs"
        " WHERE interview_id = %s AND status IN ('queued', 'running') LIMIT 1",
        (interview_id,),
    ).fetchone()


def job_status(conn: psycopg.Connection, job_id: UUID | None) -> str | None:
    if job_id is None:
        return None
    row = conn.execute("SELECT status FROM jobs WHERE id = %s", (job_id,)).fetchone()
    return row["status"] if row else None


def current_question(interview: Interview, history: list[Turn]) -> str | None:
    """The question the candidate is answering now."""
    return history[-1].next_question if history else interview.opening_question


def open_interview(
    conn: psycopg.Connection, interview_id: UUID, question: str, audio_artifact_id: UUID
) -> None:
    """Record the opening question and make the interview answerable."""
    conn.execute(
        "UPDATE interviews SET opening_question = %s, opening_audio_artifact_id = %s,"
        " status = 'active' WHERE id = %s AND status = 'starting'",
        (question, audio_artifact_id, interview_id),
    )


def insert_turn(conn: psycopg.Connection, turn: dict[str, Any]) -> None:
    """Write a whole turn at once (the unique number guards against a repeated step)."""
    conn.execute(
        "INSERT INTO interview_turns (id, interview_id, number, job_id, question,"
        " answer_artifact_id, transcript, language, feedback, next_question, audio_artifact_id,"
        " retrieved) VALUES (%(id)s, %(interview_id)s, %(number)s, %(job_id)s, %(question)s,"
        " %(answer_artifact_id)s, %(transcript)s, %(language)s, %(feedback)s, %(next_question)s,"
        " %(audio_artifact_id)s, %(retrieved)s)",
        {**turn, "feedback": Jsonb(turn["feedback"]), "retrieved": Jsonb(turn["retrieved"])},
    )


def finish_interview(conn: psycopg.Connection, interview_id: UUID, report_job_id: UUID) -> None:
    """Mark the interview finished (once: a later report job keeps its time) with its report job."""
    conn.execute(
        "UPDATE interviews SET status = 'finished', finished_at = coalesce(finished_at, now()),"
        " report_job_id = %s"
        " WHERE id = %s",
        (report_job_id, interview_id),
    )


def save_report(conn: psycopg.Connection, interview_id: UUID, report: dict[str, Any]) -> None:
    conn.execute("UPDATE interviews SET report = %s WHERE id = %s", (Jsonb(report), interview_id))


def list_interviews(
    conn: psycopg.Connection,
    owner_id: UUID,
    limit: int,
    after: tuple[datetime, UUID] | None = None,
    status: str | None = None,
) -> list[dict[str, Any]]:
    """The owner's interviews newest first, with their turn count, from just after `after`."""
    created_at, interview_id = after or (None, None)
    return conn.execute(
        "SELECT * FROM (SELECT i.id, i.language, i.role, i.max_questions, i.created_at,"
        "  i.finished_at, (SELECT count(*) FROM interview_turns t WHERE t.interview_id = i.id)"
        "  AS turn_count, CASE WHEN i.status = 'starting' AND j.status IN ('failed', 'canceled')"
        "  THEN 'failed' ELSE i.status END AS status"
        " FROM interviews i LEFT JOIN jobs j ON j.id = i.start_job_id"
        " WHERE i.owner_id = %(owner)s"
        " AND (%(at)s::timestamptz IS NULL OR (i.created_at, i.id) < (%(at)s, %(id)s::uuid))) s"
        " WHERE %(status)s::text IS NULL OR s.status = %(status)s"
        " ORDER BY created_at DESC, id DESC LIMIT %(limit)s",
        {"owner": owner_id, "at": created_at, "id": interview_id, "status": status, "limit": limit},
    ).fetchall()

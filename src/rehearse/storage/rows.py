"""Rows read whole from PostgreSQL, typed: a job, an interview, a turn, an artifact.

Each is read with psycopg's `class_row` over the columns its fields name (`columns`), never
`SELECT *`: a column a later migration adds is not an argument the constructor refuses. Queries
that read a few columns (a listing, a count, a claim's scan) keep psycopg's dict rows.
"""

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

import psycopg
from psycopg.rows import class_row

R = TypeVar("R")


def columns(row_type: type, table: str = "", joined: frozenset[str] = frozenset()) -> str:
    """The select list of `row_type`'s fields, each as `table.name` when a table is given;
    fields in `joined` come from another table and are left out."""
    prefix = f"{table}." if table else ""
    return ", ".join(prefix + f.name for f in fields(row_type) if f.name not in joined)


def fetch_one(conn: psycopg.Connection, row_type: type[R], query: str, args: Any) -> R | None:
    """The first row `query` gives, as a `row_type`; None when there is none."""
    with conn.cursor(row_factory=class_row(row_type)) as cur:
        return cur.execute(query, args).fetchone()


def fetch_all(conn: psycopg.Connection, row_type: type[R], query: str, args: Any) -> list[R]:
    """Every row `query` gives, as `row_type`s."""
    with conn.cursor(row_factory=class_row(row_type)) as cur:
        return cur.execute(query, args).fetchall()


@dataclass(frozen=True)
class Job:
    id: UUID
    kind: str
    status: str
    owner_id: UUID
    params: dict[str, Any]
    result: dict[str, Any] | None
    error: dict[str, Any] | None
    attempts: int
    worker: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    timings: dict[str, Any]
    interview_id: UUID | None
    erased_at: datetime | None
    priority_class: str = "interactive"


@dataclass(frozen=True)
class Interview:
    id: UUID
    owner_id: UUID
    language: str
    role: str | None
    persona: str | None
    max_questions: int
    status: str
    collection: str
    resume_text: str | None
    """None until the start job extracted an uploaded file's text."""
    job_posting_text: str | None
    prompt_version: str
    start_job_id: UUID | None
    opening_question: str | None
    opening_audio_artifact_id: UUID | None
    report_job_id: UUID | None
    report: dict[str, Any] | None
    created_at: datetime
    finished_at: datetime | None
    resume_artifact_id: UUID | None
    job_posting_artifact_id: UUID | None
    invite_id: UUID | None


@dataclass(frozen=True)
class Turn:
    id: UUID
    interview_id: UUID
    number: int
    job_id: UUID
    question: str
    answer_artifact_id: UUID | None
    """None once the recording expired (retention)."""
    transcript: str
    language: str | None
    feedback: dict[str, Any]
    next_question: str | None
    audio_artifact_id: UUID | None
    retrieved: list[dict[str, Any]]
    created_at: datetime
    delivery: dict[str, Any] | None = None
    """How the answer was said, from answer_delivery by the turn's job (None until measured)."""


@dataclass(frozen=True)
class PastTurn:
    """A recorded turn as the later steps' prompts read it: asked, answered, assessed."""

    number: int
    question: str
    transcript: str
    feedback: dict[str, Any]


@dataclass(frozen=True)
class StepInterview(Interview):
    """The interview a pipeline step runs on, with its turns so far, in order (one query:
    `interview_store.load_for_step`)."""

    history: tuple[PastTurn, ...]


@dataclass(frozen=True)
class Artifact:
    id: UUID
    owner_id: UUID
    content_type: str
    size: int
    sha256: str
    data: bytes

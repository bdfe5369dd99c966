"""The interview contract: requests, public shapes, pipeline parameters, LLM output schemas."""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from rehearse.contracts.delivery_contract import Delivery
from rehearse.contracts.job_results import ReportResult
from rehearse.contracts.live_contract import Heard
from rehearse.contracts.storable import Contract

PROMPT_VERSION = "v2"

Language = Literal["ko", "en"]

# A resume or posting longer than this is refused: at submit as text, at extraction as a file.
SOURCE_MAX_CHARS = 200_000


class InterviewCreate(Contract):
    """Start an interview from a resume and a job posting (text)."""

    resume: str = Field(..., min_length=1, max_length=SOURCE_MAX_CHARS)
    job_posting: str = Field(..., min_length=1, max_length=SOURCE_MAX_CHARS)
    language: Language = "ko"
    role: str | None = Field(None, max_length=200, description="e.g. `backend engineer`")
    persona: str | None = Field(None, max_length=500, description="The interviewer's manner.")
    max_questions: int = Field(5, ge=1, le=50)


class InterviewStarted(BaseModel):
    id: UUID
    job_id: UUID


class AnswerAccepted(BaseModel):
    turn_id: UUID
    job_id: UUID
    number: int


class TurnPublic(BaseModel):
    id: UUID
    number: int
    question: str
    transcript: str
    feedback: dict[str, Any]
    next_question: str | None
    audio_artifact_id: UUID | None
    answer_artifact_id: UUID | None = Field(
        None, description="Null once the recording expired (`ARTIFACT_RETENTION_DAYS`)."
    )
    job_id: UUID
    created_at: datetime
    delivery: Delivery | None = Field(
        None,
        description="How the answer was said (docs/delivery.md); null until measured, or when "
        "it was not (DELIVERY off, the audio too short or expired).",
    )


class InterviewSummary(BaseModel):
    """An interview in a listing: enough to pick one; its turns come from `GET .../{id}`."""

    id: UUID
    status: str
    language: Language
    role: str | None
    max_questions: int
    turn_count: int
    created_at: datetime
    finished_at: datetime | None


class ActiveJob(BaseModel):
    """The interview's job now queued or running: a client that reloads follows its events."""

    id: UUID
    kind: Literal["interview_start", "interview_turn", "interview_report"]
    status: Literal["queued", "running"]
    number: int | None = Field(None, description="A turn's: the number of the question it answers.")


class InterviewPublic(BaseModel):
    id: UUID
    status: str
    language: Language
    role: str | None
    persona: str | None
    max_questions: int
    opening_question: str | None
    opening_audio_artifact_id: UUID | None
    start_job_id: UUID | None
    report_job_id: UUID | None
    report: ReportResult | None = Field(
        None, description="The final report, once its job succeeded (as the job's result)."
    )
    created_at: datetime
    finished_at: datetime | None
    active_job: ActiveJob | None = Field(
        None, description="The start, turn or report job still queued or running, if any."
    )
    turns: list[TurnPublic]


class StartParams(Contract):
    interview_id: UUID


class TurnParams(Contract):
    interview_id: UUID
    turn_id: UUID
    number: int
    question: str
    answer_artifact_id: UUID
    heard: Heard | None = Field(
        None, description="Conversation mode: the answer's start, transcribed while spoken."
    )


class ReportParams(Contract):
    interview_id: UUID


class StartState(BaseModel):
    """What interview_start's steps hand on through Celery (JSON): each adds its fields."""

    model_config = ConfigDict(extra="allow")

    resume_passages: list[str] = Field(default_factory=list)
    posting_passages: list[str] = Field(default_factory=list)
    question: str | None = None


class TurnState(BaseModel):
    """What interview_turn's steps hand on: stt's transcript, retrieve's passages, llm's rest."""

    model_config = ConfigDict(extra="allow")

    transcript: str
    language: str | None = None
    duration: float | None = None
    segments: list[dict[str, Any]] | None = None
    """Whisper's segments of the answer (start, end, text), for its delivery figures."""
    passages: list[dict[str, Any]] = Field(default_factory=list)
    feedback: dict[str, Any] | None = None
    next_question: str | None = None
    early_audio: dict[str, Any] | None = None
    """The question spoken during the llm step: `{"artifact_id", "text", "engine", "ms"}`."""


def _text(max_length: int, min_length: int = 1) -> dict[str, Any]:
    return {"type": "string", "minLength": min_length, "maxLength": max_length}


def _list(max_items: int, max_length: int) -> dict[str, Any]:
    return {"type": "array", "items": _text(max_length), "minItems": 1, "maxItems": max_items}


# A question is a sentence: shorter output is a broken generation, not something to speak.
QUESTION_MIN_CHARS = 10

QUESTION_KINDS = ("behavioural", "technical")
STAR_PARTS = ("situation", "task", "action", "result")
# A quote points at the candidate's words, a short phrase: every character is an output token.
QUOTE_MAX_CHARS = 60


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _or_null(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


# Every string and array bounded, scores as enums: the grammar can then always close.
FEEDBACK_SCHEMA: dict[str, Any] = _object(
    {
        # First: the grammar keeps this order, so the question closes early in the stream
        # and is spoken while the feedback still generates (rehearse.workers.gpu.early_question).
        "next_question": _text(200, QUESTION_MIN_CHARS),
        "score": {"type": "integer", "enum": [1, 2, 3, 4, 5]},
        "strengths": _list(3, 160),
        "improvements": _list(3, 160),
        # Last, after everything spoken or scored: the STAR check. The model writes per part
        # only a quote ("" for a part not told), a third fewer tokens than {"covered", "quote"}
        # objects; the worker derives those (workers/gpu/star_check.py) and nulls `star`
        # whenever the question (the model's call) is not behavioural.
        "question_kind": {"type": "string", "enum": list(QUESTION_KINDS)},
        "star": _or_null(_object({part: _text(QUOTE_MAX_CHARS, 0) for part in STAR_PARTS})),
    }
)

# The STAR check as a turn stores and shows it: a part is covered only with a quote, the
# transcript's own words (which may run a little past QUOTE_MAX_CHARS to end a word).
STAR_SCHEMA: dict[str, Any] = _object(
    {
        part: _object({"covered": {"type": "boolean"}, "quote": {"type": ["string", "null"]}})
        for part in STAR_PARTS
    }
)

# A turn's `feedback` as stored (the question goes to the turn's `next_question`). Turns stored
# before the STAR check have no `question_kind` and no `star`.
STORED_FEEDBACK_SCHEMA: dict[str, Any] = {
    **FEEDBACK_SCHEMA,
    "properties": {
        **{k: v for k, v in FEEDBACK_SCHEMA["properties"].items() if k != "next_question"},
        "star": _or_null(STAR_SCHEMA),
    },
    "required": ["score", "strengths", "improvements"],
}

OPENING_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"question": _text(200, QUESTION_MIN_CHARS)},
    "required": ["question"],
    "additionalProperties": False,
}

REPORT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "overall_score": {"type": "integer", "enum": [1, 2, 3, 4, 5]},
        "summary": _text(400),
        "top_improvements": _list(3, 150),
    },
    "required": ["overall_score", "summary", "top_improvements"],
    "additionalProperties": False,
}

"""Each job kind's result, as models: what `GET /v1/jobs/{id}` carries in `result`.

Handlers return plain JSON (stored as JSONB); these models name its shape for clients and the
OpenAPI schema, and tests check real results against them. Fields may be added, never renamed.
The job-kind table (contracts.job_kinds) names each kind's: `TABLE[kind].result`.
"""

from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from rehearse.contracts.chat_tools import ToolCall
from rehearse.contracts.delivery_contract import Delivery


class _Result(BaseModel):
    model_config = ConfigDict(extra="allow")


class Segment(_Result):
    start: float
    end: float
    text: str


class Word(_Result):
    word: str
    start: float
    end: float


class TranscribeResult(_Result):
    text: str
    language: str
    duration: float
    segments: list[Segment]
    words: list[Word] | None = Field(None, description="With `word_timestamps` only.")


class TokenUsage(_Result):
    prompt_tokens: int
    completion_tokens: int
    prefill_tokens: int | None = Field(
        None, description="Prompt tokens evaluated: fewer when a prefix was cached."
    )


class ChatResult(_Result):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    text: str
    json_value: Any = Field(None, alias="json")  # `json` is BaseModel's
    finish_reason: str = Field(..., description="`stop`, `length`, or `tool_calls`.")
    usage: TokenUsage
    tool_calls: list[ToolCall] | None = Field(
        None,
        description="The calls the model made, with tools: `text` is then their JSON as generated "
        "(an array of `{name, arguments}`).",
    )


class Embedding(_Result):
    dense: list[float]
    sparse: dict[str, float]


class EmbedUsage(_Result):
    prompt_tokens: int


class EmbedResult(_Result):
    embeddings: list[Embedding]
    usage: EmbedUsage | None = None  # tokens the model read (absent in older results)


class SpeakResult(_Result):
    artifact_id: UUID
    engine: str
    format: str
    duration: float


class IngestResult(_Result):
    document_id: UUID
    chunks: int
    tokens: int


class InterviewStartResult(_Result):
    interview_id: UUID
    question: str
    audio_artifact_id: str | None


class TurnResult(_Result):
    turn_id: UUID
    number: int
    transcript: str
    feedback: dict[str, Any]
    next_question: str | None
    audio_artifact_id: str | None
    retrieved: list[dict[str, Any]]
    delivery: Delivery | None = Field(
        None,
        description="How the answer was said (docs/delivery.md), measured on the cpu worker "
        "while the feedback generates; null when it was not measured (DELIVERY off, or the "
        "audio too short or gone).",
    )


class ReportResult(_Result):
    """The report schema's fields (interview_contract.REPORT_SCHEMA), `turns`, `source`."""

    overall_score: int | None = Field(
        None, description="1 to 5; null when no question was answered."
    )
    summary: str
    top_improvements: list[str]
    turns: int = Field(..., description="Answered questions the report covers.")
    source: Literal["model", "turns"] = Field(
        "model",
        description="`model`: written by the LLM. `turns`: assembled from the turns' own "
        "feedback (mean score, their strengths and improvements) because no generation passed "
        "the output gates, or no question was answered.",
    )

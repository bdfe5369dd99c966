"""The job contract shared by api and workers: statuses, parameters and public shapes.

The kinds themselves, each with its params, result and steps, are in contracts.job_kinds.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from rehearse.contracts.chat_tools import NamedToolChoice, ToolCall, ToolChoice, ToolSpec
from rehearse.contracts.languages import WhisperLanguage
from rehearse.contracts.priority import PriorityClass
from rehearse.contracts.storable import Contract


class JobStatus(StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    canceled = "canceled"

    @property
    def finished(self) -> bool:
        return self in FINISHED


FINISHED = frozenset({JobStatus.succeeded, JobStatus.failed, JobStatus.canceled})


class WhisperOptions(Contract):
    """How Whisper transcribes: language, VAD, beam, temperature, prompt."""

    language: WhisperLanguage | None = Field(
        None, description="Whisper's language code such as `ko`; detected if absent."
    )
    vad: bool | None = Field(
        None, description="Skip silence with the VAD; server default if absent."
    )
    beam_size: int | None = Field(None, ge=1, le=10)
    temperature: float = Field(0.0, ge=0.0, le=1.0)
    prompt: str | None = Field(
        None, max_length=2000, description="Text that primes Whisper (its initial prompt)."
    )


class TranscribeParams(WhisperOptions):
    """Parameters of a transcription; the audio itself is an artifact."""

    audio_artifact_id: UUID
    word_timestamps: bool = Field(
        False, description="Each word's start and end too (`words` in the result)."
    )


class ChatMessage(Contract):
    role: Literal["system", "user", "assistant", "tool"]
    content: str
    tool_calls: list[ToolCall] | None = Field(None, description="Calls an assistant made.")
    tool_call_id: str | None = Field(None, description="The call a `tool` message answers.")


class ChatParams(Contract):
    """An LLM chat completion, optionally constrained to a JSON schema."""

    messages: list[ChatMessage] = Field(..., min_length=1)
    max_tokens: int = Field(256, ge=1, le=8192)
    temperature: float = Field(0.7, ge=0.0, le=2.0)
    top_p: float = Field(0.95, gt=0.0, le=1.0)
    stop: list[str] = Field(default_factory=list, max_length=8)
    seed: int | None = None
    json_schema: dict[str, Any] | None = Field(
        None, description="A JSON schema the output must validate against."
    )
    json_object: bool = Field(
        False, description="Constrain the output to any JSON object (without a schema)."
    )
    bounded_output: bool = Field(
        True,
        description="Refuse a json_schema whose output has no length bound (every string with "
        "maxLength, every array with maxItems) and raise max_tokens to the bound. False accepts "
        "any schema the grammar can express; output cut at max_tokens ends `length`.",
    )
    tools: list[ToolSpec] = Field(default_factory=list, max_length=128)
    tool_choice: ToolChoice | None = Field(
        None, description="`auto` (the default with tools), `none`, `required`, or one function."
    )
    parallel_tool_calls: bool = Field(True, description="False: at most one call per answer.")

    @field_validator("tool_choice")
    @classmethod
    def _choice_among_tools(cls, choice: ToolChoice | None, info: ValidationInfo) -> Any:
        names = {tool.function.name for tool in info.data.get("tools", [])}
        if isinstance(choice, NamedToolChoice) and choice.function.name not in names:
            raise ValueError(f"names {choice.function.name!r}, which is not among the tools")
        if choice in ("auto", "required") and not names:
            raise ValueError(f"{choice!r} needs tools")
        return choice

    @field_validator("tools")
    @classmethod
    def _unique_names(cls, tools: list[ToolSpec]) -> list[ToolSpec]:
        names = [tool.function.name for tool in tools]
        if len(set(names)) != len(names):
            raise ValueError("tool names must be unique")
        return tools

    @property
    def calling(self) -> ToolChoice:
        """The tool choice in force: `none` without tools, `auto` with them unless chosen."""
        if not self.tools:
            return "none"
        return self.tool_choice or "auto"


class EmbedParams(Contract):
    """Texts to embed with BGE-M3: dense 1024-d plus sparse lexical weights."""

    texts: list[str] = Field(..., min_length=1, max_length=256)


class SpeakParams(Contract):
    """Text to speech; `voice` is an edge-tts voice name such as `ko-KR-SunHiNeural`."""

    text: str = Field(..., min_length=1, max_length=5000)
    voice: str | None = None
    format: Literal["mp3", "wav", "opus", "aac", "flac", "pcm"] = Field(
        "mp3", description="`pcm`: raw 16-bit little-endian mono at 24 kHz, no header."
    )
    speed: float = Field(1.0, ge=0.25, le=4.0, description="Tempo; the pitch is kept.")


class IngestParams(Contract):
    """Extract (an uploaded file), chunk, embed and store a document the api recorded."""

    document_id: UUID


class EmbedQueryParams(Contract):
    """One search query to embed synchronously (no job row: the caller waits on the result)."""

    text: str = Field(..., min_length=1, max_length=4000)


class ErrorBody(BaseModel):
    """`{"code", "message"}`; a pipeline job adds the `stage` that failed."""

    model_config = ConfigDict(extra="allow")

    code: str
    message: str


class JobSummary(BaseModel):
    """A job in a listing: everything but its result (`GET /v1/jobs/{id}` has it)."""

    id: UUID
    kind: str
    status: JobStatus
    priority_class: PriorityClass = Field(
        ...,
        description="What is waiting on it, which decides when a worker takes it: `live` (an "
        "interview step), `interactive` (a client waiting), `batch` (nobody waiting).",
    )
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    attempts: int = 0
    error: ErrorBody | None = None
    timings: dict[str, Any] = Field(default_factory=dict)


class JobPublic(JobSummary):
    """A job as clients see it."""

    result: dict[str, Any] | None = None


AskedClass = Literal["interactive", "batch"]
"""The classes a client may ask for: `live` is for interview steps alone."""


PRIORITY_FIELD = "priority_class"


class Prioritized(BaseModel):
    """A job submission's own choice of class, beside the job's params (not stored in them)."""

    priority_class: AskedClass = Field(
        "interactive",
        description="`interactive` (default: a client waits for it) or `batch` (nobody waits: "
        "taken after interactive jobs, yet within BATCH_AGING_S of waiting).",
    )


class ChatSubmission(ChatParams, Prioritized):
    """`POST /v1/jobs/chat`: a chat job's params and its class."""


class SpeakSubmission(SpeakParams, Prioritized):
    """`POST /v1/jobs/speak`: a speech job's params and its class."""


class EmbedSubmission(EmbedParams, Prioritized):
    """`POST /v1/jobs/embed`: an embedding job's params and its class."""


class TaskPayload(Contract):
    """The whole body of a Celery message: ids, never blobs."""

    job_id: UUID

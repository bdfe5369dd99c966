"""The job events a client receives, as models: one per `type`, published in the OpenAPI schema.

Workers and the api publish these shapes (events.events, runtime.job_runner, the engines); a
client generator reads them from `/openapi.json` as `JobEvent`, discriminated by `type`.
Fields may be added, never renamed (ARCHITECTURE.md, "Shapes").
"""

from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from rehearse.contracts.delivery_contract import Delivery
from rehearse.contracts.jobs import ErrorBody, JobStatus


class _Event(BaseModel):
    model_config = ConfigDict(extra="allow")

    seq: int = Field(..., description="Counts from 1 per job; SSE's `id:`.")
    attempt: int = Field(0, description="The run that published it; 0 for the api's own.")


class StatusEvent(_Event):
    type: Literal["status"]
    status: JobStatus
    error: ErrorBody | None = None


class StageEvent(_Event):
    """A pipeline step started, finished, failed, or its LLM output is regenerated."""

    type: Literal["stage"]
    stage: str = Field(..., description="`stt`, `retrieve`, `llm`, `tts`, `ingest`, ...")
    state: str = Field(..., description="`started`, `done`, `regenerating`, or a final status.")
    generation: int | None = None


class SegmentEvent(_Event):
    type: Literal["segment"]
    start: float
    end: float
    text: str


class TokenEvent(_Event):
    type: Literal["token"]
    text: str


class ProgressEvent(_Event):
    type: Literal["progress"]
    done: int
    total: int


class AudioEvent(_Event):
    """The next question spoken while feedback still generates."""

    type: Literal["audio"]
    artifact_id: UUID
    text: str
    role: str


class DeliveryEvent(_Event):
    """How the answer was said (an interview turn), as soon as it is measured: before the
    feedback is done, from the cpu worker, while the llm step runs."""

    type: Literal["delivery"]
    delivery: Delivery


class ResetEvent(_Event):
    """A new attempt starts over: drop what earlier attempts streamed."""

    type: Literal["reset"]


class DoneEvent(_Event):
    """The last event of every job, with its final status."""

    type: Literal["done"]
    status: JobStatus


JobEvent = Annotated[
    StatusEvent
    | StageEvent
    | SegmentEvent
    | TokenEvent
    | ProgressEvent
    | AudioEvent
    | DeliveryEvent
    | ResetEvent
    | DoneEvent,
    Field(discriminator="type"),
]
"""Any event of a job's stream."""

EVENTS: TypeAdapter[Any] = TypeAdapter(JobEvent)
"""`EVENTS.validate_python(event)` checks one event against its type's model."""

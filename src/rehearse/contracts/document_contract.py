"""The documents and search contract: requests and public shapes of both resources."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from rehearse.contracts.jobs import ErrorBody
from rehearse.contracts.storable import Contract

Collection = Annotated[str, Field(min_length=1, max_length=200)]


class DocumentFields(Contract):
    """Where a document goes and what it is called (multipart form fields of an upload)."""

    collection: Collection = "default"
    title: str | None = Field(None, max_length=500)


class DocumentCreate(DocumentFields):
    """A plain-text document; files go as multipart `file` (+ `collection`, `title` fields)."""

    text: str = Field(..., min_length=1)


class DocumentAccepted(BaseModel):
    id: UUID
    job_id: UUID
    status: str
    collection: str


class DocumentPublic(BaseModel):
    """A document as its owner sees it; `status` is queued, processing, ready or failed."""

    id: UUID
    collection: str
    title: str | None
    filename: str | None
    content_type: str
    status: str
    job_id: UUID | None
    chunk_count: int
    char_count: int
    created_at: datetime
    ready_at: datetime | None = None
    error: ErrorBody | None = None


class SearchRequest(Contract):
    """A query over one collection (or several) of the caller's documents."""

    collection: Collection | Annotated[list[Collection], Field(min_length=1, max_length=20)]
    query: str = Field(..., min_length=1, max_length=4000)
    k: int = Field(5, ge=1, le=50)
    mode: Literal["dense", "hybrid"] = Field(
        "hybrid", description="`dense` cosine only, or BGE-M3's dense + sparse lexical score."
    )


class SearchHit(BaseModel):
    document_id: str
    chunk_id: str
    text: str
    score: float
    position: int
    collection: str
    title: str | None = None
    dense_score: float
    sparse_score: float | None = None


class SearchResponse(BaseModel):
    results: list[SearchHit]

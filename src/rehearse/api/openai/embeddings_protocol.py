"""Requests and responses of `POST /v1/embeddings`, as OpenAI names them."""

from typing import Literal

from pydantic import BaseModel, Field

from rehearse.contracts.storable import Contract


class EmbeddingRequest(Contract):
    model: str
    input: str | list[str] | list[int] | list[list[int]] = Field(
        ..., description="A string or a list of strings (token arrays are refused)."
    )
    encoding_format: Literal["float", "base64"] = "float"
    dimensions: int | None = Field(None, ge=1)
    user: str | None = None


class EmbeddingData(BaseModel):
    object: Literal["embedding"] = "embedding"
    index: int
    embedding: list[float] | str = Field(
        ..., description="Floats, or base64 of little-endian float32 (`encoding_format`)."
    )


class EmbeddingUsage(BaseModel):
    prompt_tokens: int
    total_tokens: int


class EmbeddingResponse(BaseModel):
    object: Literal["list"] = "list"
    data: list[EmbeddingData]
    model: str
    usage: EmbeddingUsage

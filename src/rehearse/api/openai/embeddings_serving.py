"""Embeddings as `embed` jobs (batched with every other embed job): checks and the answer."""

import base64
from typing import Any

import numpy as np

from rehearse.api.openai import job_wait
from rehearse.api.openai.embeddings_protocol import (
    EmbeddingData,
    EmbeddingRequest,
    EmbeddingResponse,
    EmbeddingUsage,
)
from rehearse.api.openai.errors import OpenAIError
from rehearse.contracts.jobs import EmbedParams

DIMENSIONS = 1024  # BGE-M3's dense vectors


def embed_params(body: EmbeddingRequest) -> EmbedParams:
    """The `embed` job's params; token arrays and other dimensions are refused (400)."""
    texts = [body.input] if isinstance(body.input, str) else body.input
    if not all(isinstance(t, str) for t in texts):
        raise OpenAIError(
            400, "unsupported_parameter", "input must be text: token arrays are not supported",
            "input",
        )  # fmt: skip
    if body.dimensions is not None and body.dimensions != DIMENSIONS:
        raise OpenAIError(
            400,
            "unsupported_parameter",
            f"dimensions must be {DIMENSIONS}, the model's (got {body.dimensions})",
            "dimensions",
        )
    return job_wait.job_params(EmbedParams, {"texts": texts})


def encode(vector: list[float], encoding_format: str) -> list[float] | str:
    if encoding_format == "base64":
        return base64.b64encode(np.asarray(vector, dtype="<f4").tobytes()).decode("ascii")
    return vector


def response(body: EmbeddingRequest, model: str, result: dict[str, Any]) -> EmbeddingResponse:
    """The finished job's dense vectors as an OpenAI embedding list."""
    data = [
        EmbeddingData(index=i, embedding=encode(e["dense"], body.encoding_format))
        for i, e in enumerate(result["embeddings"])
    ]
    tokens = (result.get("usage") or {}).get("prompt_tokens", 0)
    usage = EmbeddingUsage(prompt_tokens=tokens, total_tokens=tokens)
    return EmbeddingResponse(data=data, model=model, usage=usage)

"""`POST /v1/embeddings` (HTTP only: the logic is in embeddings_serving)."""

from fastapi import APIRouter, Request

from rehearse.api.deps import OwnerDep, SettingsDep
from rehearse.api.errors import responses
from rehearse.api.openai import embeddings_serving, job_wait
from rehearse.api.openai.embeddings_protocol import EmbeddingRequest, EmbeddingResponse
from rehearse.api.openai.model_catalog import resolve
from rehearse.contracts.job_kinds import JobKind

router = APIRouter(prefix="/v1", tags=["openai"])


@router.post(
    "/embeddings",
    response_model=EmbeddingResponse,
    responses=responses(400, 401, 404, 429, 500, 503),
)
async def create_embeddings(
    body: EmbeddingRequest, request: Request, owner: OwnerDep, settings: SettingsDep
) -> EmbeddingResponse:
    """Dense BGE-M3 vectors (1024-d, unit length) from an `embed` job."""
    model = resolve(settings, "embedding", body.model)
    params = embeddings_serving.embed_params(body)
    job_id = await job_wait.start(request, JobKind.embed, owner, params)
    result = await job_wait.run_to_end(request, settings, job_id, owner)
    return embeddings_serving.response(body, model, result)

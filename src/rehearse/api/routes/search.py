"""Search: the query is embedded on the cpu queue, then the caller's chunks are ranked here."""

import redis
from celery.exceptions import TimeoutError as CeleryTimeout
from fastapi import APIRouter
from kombu.exceptions import OperationalError

from rehearse.api.deps import CeleryDep, OwnerDep, SettingsDep
from rehearse.api.errors import ApiError, responses
from rehearse.contracts import job_kinds
from rehearse.contracts.document_contract import SearchHit, SearchRequest, SearchResponse
from rehearse.contracts.jobs import EmbedQueryParams
from rehearse.storage import retrieval
from rehearse.storage.db import transaction

router = APIRouter(prefix="/v1", tags=["search"])


@router.post("/search", response_model=SearchResponse, responses=responses(401, 422, 503))
def search(
    body: SearchRequest, owner: OwnerDep, settings: SettingsDep, celery: CeleryDep
) -> SearchResponse:
    """The caller's chunks most relevant to the query, best first."""
    timeout = settings.search_timeout_s
    retry = {"Retry-After": str(max(1, round(timeout)))}
    payload = EmbedQueryParams(text=body.query).model_dump()
    try:
        # `expires`: a worker that comes back later drops the query nobody waits for.
        pending = celery.send_task(
            job_kinds.EMBED_QUERY, kwargs={"payload": payload}, expires=timeout
        )
    except (OperationalError, OSError, redis.RedisError) as exc:
        raise ApiError(503, "queue_unavailable", "the job queue is unreachable", retry) from exc
    try:
        # Sync route: this runs on a threadpool thread, and Celery gives each thread its own
        # Redis result backend (its pubsub client is not thread-safe).
        embedding = pending.get(timeout=timeout)
    except CeleryTimeout as exc:
        pending.forget()
        message = f"no cpu worker embedded the query within {timeout:g} s; try again"
        raise ApiError(503, "embedding_unavailable", message, retry) from exc
    except Exception as exc:  # the task raised: Celery re-raises its exception here
        raise ApiError(500, "embedding_failed", f"{type(exc).__name__}: {exc}") from exc
    collections = [body.collection] if isinstance(body.collection, str) else body.collection
    with transaction() as conn:
        rows = retrieval.search(
            conn,
            owner,
            collections,
            embedding["dense"],
            embedding["sparse"],
            k=body.k,
            mode=body.mode,
            ef_search=settings.hnsw_ef_search,
        )
    return SearchResponse(results=[SearchHit.model_validate(r) for r in rows])

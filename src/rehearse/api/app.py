"""The api application factory."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from rehearse.api import errors
from rehearse.api.idempotency import Idempotency
from rehearse.api.invite_scope import InviteScope
from rehearse.api.live import router as live
from rehearse.api.openai import errors as openai_errors
from rehearse.api.openai.routers import ROUTERS as OPENAI_ROUTERS
from rehearse.api.request_metrics import RequestMetrics
from rehearse.api.routes import (
    artifacts,
    client,
    docs,
    documents,
    events,
    health,
    interviews,
    invites,
    jobs,
    metrics,
    search,
)
from rehearse.base.redis_client import async_client, sync_client
from rehearse.base.settings import Settings, get_settings
from rehearse.runtime.celery_app import create_celery
from rehearse.storage.db import close_async_pool, close_pool, get_pool, open_async_pool


class UploadLimit:
    """Answer 413 from the Content-Length alone, before a large body is read at all."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            length = dict(scope["headers"]).get(b"content-length")
            if length and length.isdigit() and int(length) > self.limit:
                message = f"the request body exceeds {self.limit} bytes"
                await errors.error_json(413, "payload_too_large", message)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the api with its routes, error handlers and connections."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.redis = async_client(settings.redis_url)
        app.state.redis_sync = sync_client(settings.redis_url)
        app.state.celery = create_celery(settings)
        get_pool()
        await open_async_pool()
        yield
        await app.state.redis.aclose()
        app.state.redis_sync.close()
        await close_async_pool()
        close_pool()

    app = FastAPI(
        title="rehearse",
        summary="Voice mock interviews on one small GPU: speech to text, LLM feedback, speech.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served from shipped assets instead of a CDN: routes/docs.py
        redoc_url=None,
    )
    errors.install(app)
    openai_errors.install(app)  # after: it reshapes those handlers' answers on OpenAI paths
    # Multipart framing adds a little to the file itself.
    body_limit = settings.max_upload_bytes + 64 * 1024
    app.add_middleware(Idempotency, limit=body_limit, ttl_s=settings.idempotency_ttl_s)
    app.add_middleware(UploadLimit, limit=body_limit)
    app.add_middleware(InviteScope)  # inside CORS: a refusal still carries CORS headers
    if settings.cors_origin_list:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origin_list,
            allow_methods=["*"],
            allow_headers=["*"],
        )
    app.add_middleware(RequestMetrics)  # outermost: times refusals by the others too
    for router in (
        health.router,
        metrics.router,
        jobs.router,
        events.router,
        artifacts.router,
        interviews.router,
        live.router,
        documents.router,
        search.router,
        invites.router,
        *OPENAI_ROUTERS,
    ):
        app.include_router(router)
    docs.install(app)
    client.install(app)
    return app

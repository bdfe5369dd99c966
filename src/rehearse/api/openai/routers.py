"""The OpenAI-compatible routers, mounted by the app factory beside the job routes."""

from rehearse.api.openai import (
    chat_router,
    embeddings_router,
    models_router,
    speech_router,
    transcription_router,
)

ROUTERS = (
    models_router.router,
    chat_router.router,
    embeddings_router.router,
    transcription_router.router,
    speech_router.router,
)

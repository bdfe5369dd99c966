"""Refuse at submit a language no live gpu worker can transcribe (422 `unsupported_language`)."""

import logging

import redis.asyncio as aioredis

from rehearse.api.errors import ApiError
from rehearse.contracts.capabilities import unsupported_language
from rehearse.fleet.presence import presences

log = logging.getLogger(__name__)


async def check_language(client: aioredis.Redis, language: str | None) -> None:
    """Raise 422 when every live gpu worker says it cannot; pass when it can or none can tell."""
    if language is None:
        return
    try:
        workers = await presences(client)
    except aioredis.RedisError:
        # Without presences the api cannot know: the worker checks again and fails the job.
        log.warning("worker presences unavailable; language checked by the worker")
        return
    if why := unsupported_language(workers, language):
        raise ApiError(422, "unsupported_language", why)

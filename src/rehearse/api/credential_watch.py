"""Long-lived connections learn that their credential was withdrawn, and end.

A stream is authenticated once, when it opens; without this a revoked invite (or key) would
keep it open until its job ends. Each connection asks again whenever this process's cached
check of its credential runs out (AUTH_CACHE_S), so a stream closes within the same bound as
a request is refused, at one PostgreSQL lookup per credential per process per AUTH_CACHE_S
however many connections hold it (the first to ask refreshes the cache for the others).

Why a re-check rather than a Redis pub/sub message: PostgreSQL is the record of revocation,
and `rehearse invite revoke` reaches only PostgreSQL. Every api process reads the same record,
so nothing has to be announced; a message would need a subscriber in each process and, since
a message sent while Redis was away or a process was restarting is lost, this re-check anyway.
"""

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncGenerator, AsyncIterator
from typing import TypeVar

import psycopg

from rehearse.api.deps import authenticate_async, key_cache
from rehearse.api.errors import ApiError

log = logging.getLogger(__name__)
T = TypeVar("T")

FLOOR_S = 0.5
"""The shortest wait between checks (with AUTH_CACHE_S=0 nothing is cached: every wait)."""
JITTER_S = 0.05
"""Spread over the wake-ups of connections sharing a credential: the first refreshes the cache."""


async def refused(key: str | None) -> ApiError:
    """Wait until `key` is refused; returns the refusal: 401 `invite_revoked`, `token_expired`
    or `unauthorized`. An unreachable database is no news: the connection goes on."""
    while True:
        wait = max(key_cache().fresh_for(key) if key else 0.0, FLOOR_S)
        await asyncio.sleep(wait + random.uniform(0, JITTER_S))
        try:
            await authenticate_async(key)
        except ApiError as exc:
            if exc.status == 401:
                return exc
            raise
        except psycopg.OperationalError as exc:
            # No news: ask again a window later, quietly (the api's requests say it already).
            log.debug("credential check skipped: database unavailable (%s)", type(exc).__name__)
            await asyncio.sleep(max(key_cache().ttl_s, FLOOR_S))


async def until_refused(feed: AsyncGenerator[T, None], key: str | None) -> AsyncIterator[T]:
    """`feed`'s items until `key` is refused; then raises the refusal (an ApiError)."""
    watch = asyncio.create_task(refused(key))
    step: asyncio.Future[T] | None = None
    try:
        while True:
            step = asyncio.ensure_future(anext(feed))
            await asyncio.wait({step, watch}, return_when=asyncio.FIRST_COMPLETED)
            if not step.done():
                raise watch.result()
            try:
                item = step.result()
            except StopAsyncIteration:
                return
            yield item
    finally:
        pending = {task for task in (watch, step) if task is not None and not task.done()}
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)
        with contextlib.suppress(RuntimeError):  # already closed, by a cancelled step
            await feed.aclose()

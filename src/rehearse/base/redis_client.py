"""Every Redis client of the project, with timeouts chosen on purpose.

redis-py 8 defaults `socket_timeout` to 5 s: a blocking read (`XREAD BLOCK`) that waits that
long raises `TimeoutError`. Each client here gets a socket timeout above the longest blocking
call it makes (`BLOCK_MS`), and a short connect timeout so an outage is noticed in seconds.
"""

import redis
import redis.asyncio as aioredis
import redis.asyncio.retry
import redis.retry
from redis.backoff import ExponentialWithJitterBackoff

BLOCK_MS = 5_000
"""The longest blocking read any client makes (event streams wait this long per call)."""

SOCKET_TIMEOUT_S = BLOCK_MS / 1000 + 10.0
CONNECT_TIMEOUT_S = 3.0
HEALTH_CHECK_S = 30
RETRIES = 3
"""Retries of a command whose connection broke: the first use of a pooled connection after a
Redis restart fails once ("Connection closed by server") and succeeds on a fresh one."""


def _options() -> dict[str, float | int | bool]:
    return {
        "socket_timeout": SOCKET_TIMEOUT_S,
        "socket_connect_timeout": CONNECT_TIMEOUT_S,
        "health_check_interval": HEALTH_CHECK_S,
        "socket_keepalive": True,
    }


def _backoff() -> ExponentialWithJitterBackoff:
    return ExponentialWithJitterBackoff(base=0.05, cap=1.0)


def sync_client(url: str) -> redis.Redis:
    """A blocking client (workers, the api's thread-pool code)."""
    retry = redis.retry.Retry(_backoff(), RETRIES)
    return redis.Redis.from_url(url, retry=retry, **_options())


def async_client(url: str) -> aioredis.Redis:
    """An asyncio client (the api's streams and health checks)."""
    retry = redis.asyncio.retry.Retry(_backoff(), RETRIES)
    return aioredis.Redis.from_url(url, retry=retry, **_options())

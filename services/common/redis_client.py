"""Every Redis client of the project, with timeouts chosen on purpose.

redis-py 8 defaults `socket_timeout` to 5 s: a blocking read (`XREAD BLOCK`) that waits that
long raises `TimeoutError`. Each client here gets a socket timeout above the longest blocking
call it makes (`BLOCK_MS`), and a short connect timeout so an outage is noticed in seconds.
"""

import redis
import redis.asyncio as aioredis

BLOCK_MS = 5_000
"""The longest blocking read any client makes (event streams wait this long per call)."""

SOCKET_TIMEOUT_S = BLOCK_MS / 1000 + 10.0
CONNECT_TIMEOUT_S = 3.0
HEALTH_CHECK_S = 30


def _options() -> dict[str, float | int | bool]:
    return {
        "socket_timeout": SOCKET_TIMEOUT_S,
        "socket_connect_timeout": CONNECT_TIMEOUT_S,
        "health_check_interval": HEALTH_CHECK_S,
        "socket_keepalive": True,
    }


def sync_client(url: str) -> redis.Redis:
    """A blocking client (workers, the api's thread-pool code)."""
    return redis.Redis.from_url(url, **_options())


def async_client(url: str) -> aioredis.Redis:
    """An asyncio client (the api's streams and health checks)."""
    return aioredis.Redis.from_url(url, **_options())

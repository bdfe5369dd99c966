"""Kombu's Redis transport with one redis-py client per channel for its plain commands, and
the layout of its queues: one list per queue and priority level.

Kombu builds a new `redis.Redis` for every publish (and every publish batch); building one
fills redis-py's table of ~170 response callbacks, about 0.15 ms of CPU, more than the LPUSH it
sends. A client over the channel's connection pool is thread-safe, so the channel keeps one.
Consuming (BRPOP through the worker's event loop) uses kombu's asynchronous clients, unchanged.
"""

from urllib.parse import urlparse

from kombu.transport import redis as kombu_redis

from rehearse.contracts.priority import LEVELS

TRANSPORT = "rehearse.runtime.redis_broker:Transport"
SCHEMES = frozenset({"redis", "rediss"})
"""The URLs this transport serves; any other (a sentinel) keeps kombu's own."""


class Channel(kombu_redis.Channel):
    _sync_client = None

    def _create_client(self, asynchronous: bool = False):
        if asynchronous:
            return super()._create_client(asynchronous=True)
        if self._sync_client is None:
            self._sync_client = super()._create_client()
        return self._sync_client


class Transport(kombu_redis.Transport):
    Channel = Channel


def transport_for(url: str) -> str | None:
    """The `broker_transport` for a Redis URL: this module's, or None (kombu's choice)."""
    return TRANSPORT if urlparse(url).scheme in SCHEMES else None


PRIORITY_SEP = kombu_redis.Channel.sep
"""Kombu's separator between a queue's name and its priority level in a list's key."""


def level_key(queue: str, level: int) -> str:
    """The list holding `queue`'s messages of priority `level` (level 0: the queue's name)."""
    return f"{queue}{PRIORITY_SEP}{level}" if level else queue


def level_keys(queue: str) -> list[str]:
    """Every list of `queue`, one per level, highest priority (taken first) first."""
    return [level_key(queue, level) for level in LEVELS]

"""Checked bearer keys remembered for AUTH_CACHE_S, so a submission does not wait on a lookup.

Only keys PostgreSQL accepted are remembered (an unknown key is asked about every time), by
their sha256, never the key itself. A key revoked with `rehearse keys revoke`, or an invite that
expires or is revoked, is refused at most AUTH_CACHE_S later by each api process (an invite's
requests at once: rehearse.api.invite_scope reads it every time), and a stream held with it
closes as soon (rehearse.api.credential_watch).
"""

import time
from uuid import UUID

from rehearse.storage.api_keys import hash_key

MAX_ENTRIES = 10_000
"""Past this many live keys the cache starts over: a bound, not an eviction policy."""


class KeyCache:
    """`owner_of(key)` answers from memory while the last check is younger than `ttl_s`."""

    def __init__(self, ttl_s: float) -> None:
        self.ttl_s = ttl_s
        self._owners: dict[str, tuple[UUID, float]] = {}

    def owner_of(self, key: str) -> UUID | None:
        if self.ttl_s <= 0:
            return None
        entry = self._owners.get(hash_key(key))
        if entry is None or entry[1] < time.monotonic():
            return None
        return entry[0]

    def fresh_for(self, key: str) -> float:
        """Seconds until the remembered check of `key` runs out (0: none is remembered)."""
        entry = self._owners.get(hash_key(key))
        return max(0.0, entry[1] - time.monotonic()) if entry else 0.0

    def remember(self, key: str, owner: UUID) -> None:
        if self.ttl_s <= 0:
            return
        if len(self._owners) >= MAX_ENTRIES:
            self._owners.clear()
        self._owners[hash_key(key)] = (owner, time.monotonic() + self.ttl_s)

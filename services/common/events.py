"""Job events on Redis Streams: workers append, the api replays from the first event."""

import json
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import redis
import redis.asyncio as aioredis

from common import redis_client, redis_keys

# INCR and XADD in one script so `seq` follows stream order even with several writers.
_APPEND = """
local seq = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('XADD', KEYS[2], '*', 'seq', seq, 'event', ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return seq
"""

TERMINAL = "done"


def publish(client: redis.Redis, job_id: UUID | str, type_: str, ttl_s: int, **fields: Any) -> int:
    """Append `{"type": type_, **fields}` to the job's stream; returns its `seq`."""
    body = json.dumps({"type": type_, **fields}, ensure_ascii=False, default=str)
    keys = [redis_keys.events_seq(job_id), redis_keys.events_stream(job_id)]
    return int(client.eval(_APPEND, 2, *keys, body, ttl_s))


def decode(fields: dict[bytes | str, bytes | str]) -> dict[str, Any]:
    """One stream entry as the event clients see: `{"seq", "type", ...}`."""
    norm = {(k.decode() if isinstance(k, bytes) else k): v for k, v in fields.items()}
    raw = norm["event"]
    return {"seq": int(norm["seq"]), **json.loads(raw.decode() if isinstance(raw, bytes) else raw)}


async def follow(
    client: aioredis.Redis, job_id: UUID | str, block_ms: int = redis_client.BLOCK_MS
) -> AsyncIterator[dict[str, Any] | None]:
    """Every event of a job from the first, ending after `done`; yields None on each idle wait."""
    stream = redis_keys.events_stream(job_id)
    last_id = "0-0"
    while True:
        reply = await client.xread({stream: last_id}, block=block_ms, count=100)
        if not reply:
            yield None
            continue
        for entry_id, fields in reply[0][1]:
            last_id = entry_id
            event = decode(fields)
            yield event
            if event["type"] == TERMINAL:
                return

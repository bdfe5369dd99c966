"""Job events on Redis Streams: workers append, the api replays them from any `seq` on.

Each event is one stream entry whose id is `<seq>-0`, so a reader resumes after the last `seq`
it saw with a plain `XREAD` from that id. Every event carries the `attempt` that published it
(0 for the api's own `queued` and `canceled`); a worker starting attempt N ≥ 2 first appends
`{"type": "reset", "attempt": N}`, and a replay keeps earlier attempts' events before it.
"""

import json
import time
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import redis
import redis.asyncio as aioredis

from rehearse.base import redis_client, redis_keys

# The next seq follows the stream's last entry, in one script, so `seq` follows stream order
# with several writers and cannot drift from the entry ids (there is no second key to lose).
# A stream's first append writes its `queued` status (ARGV[3]) first, as seq 1.
_APPEND = """
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local seq = 1
if #last > 0 then
  seq = tonumber(string.match(last[1][1], '^(%d+)')) + 1
else
  redis.call('XADD', KEYS[1], '1-0', 'seq', 1, 'event', ARGV[3])
  seq = 2
end
redis.call('XADD', KEYS[1], seq .. '-0', 'seq', seq, 'event', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return seq
"""

TERMINAL = "done"
RESET = "reset"

QUEUED = {"seq": 1, "type": "status", "attempt": 0, "status": "queued"}
"""Every job's first event. Nobody publishes it: the first append to a job's stream writes it
before its own event (a job is queued until a worker's first event, or a cancel's), and a
reader finding no stream yet gets it as it is. Submitting a job costs no Redis write."""

_QUEUED = json.dumps({k: v for k, v in QUEUED.items() if k != "seq"})


Event = tuple[UUID | str, str, int, dict[str, Any]]
"""One event to append: `(job_id, type, attempt, fields)`."""


def publish_all(client: redis.Redis, events: list[Event], ttl_s: int) -> list[int]:
    """Append `{"type": type_, "attempt": attempt, **fields}` for each event (of one job or
    many) to its job's stream, in order, in one round trip; their `seq`s."""
    with client.pipeline(transaction=False) as pipe:
        for job_id, type_, attempt, fields in events:
            body = _body(type_, attempt, fields)
            pipe.eval(_APPEND, 1, redis_keys.events_stream(job_id), body, ttl_s, _QUEUED)
        return [int(seq) for seq in pipe.execute()]


def _body(type_: str, attempt: int, fields: dict[str, Any]) -> str:
    event = {"type": type_, "attempt": attempt, **fields}
    return json.dumps(event, ensure_ascii=False, default=str)


def decode(fields: dict[bytes | str, bytes | str]) -> dict[str, Any]:
    """One stream entry as the event clients see: `{"seq", "type", "attempt", ...}`."""
    norm = {(k.decode() if isinstance(k, bytes) else k): v for k, v in fields.items()}
    raw = norm["event"]
    return {"seq": int(norm["seq"]), **json.loads(raw.decode() if isinstance(raw, bytes) else raw)}


async def last_event(client: aioredis.Redis, job_id: UUID | str) -> dict[str, Any] | None:
    """The newest event of the job's stream; None when there is no stream (never or expired)."""
    entries = await client.xrevrange(redis_keys.events_stream(job_id), count=1)
    return decode(entries[0][1]) if entries else None


async def follow(
    client: aioredis.Redis, job_id: UUID | str, after: int = 0, idle_s: float = 10.0
) -> AsyncIterator[dict[str, Any] | None]:
    """The job's events with `seq > after`, ending after `done`; None after each `idle_s`
    without one (the caller's moment for a keep-alive)."""
    stream = redis_keys.events_stream(job_id)
    last_id = f"{after}-0"
    quiet_since = time.monotonic()
    while True:
        left_s = idle_s - (time.monotonic() - quiet_since)
        # Never past BLOCK_MS (the client's socket timeout allows that much); never 0 (forever).
        block_ms = max(1, min(redis_client.BLOCK_MS, int(left_s * 1000)))
        reply = await client.xread({stream: last_id}, block=block_ms, count=100)
        if not reply:
            if time.monotonic() - quiet_since >= idle_s:
                quiet_since = time.monotonic()
                yield None
            continue
        for entry_id, fields in reply[0][1]:
            last_id = entry_id
            event = decode(fields)
            yield event
            if event["type"] == TERMINAL:
                return
        quiet_since = time.monotonic()

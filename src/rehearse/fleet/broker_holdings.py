"""Which jobs the broker still holds a message for: queued in a list, or delivered unacked.

Reads the layout kombu's Redis transport writes (a list per queue and priority step, and the
`unacked` hash of delivered messages awaiting their ack) so the reconciler can tell a job whose
message was lost (a Redis restarted empty, a task acked by a failure) from one still waiting.
"""

import base64
import json
from collections.abc import Iterable
from typing import Any

import redis

from rehearse.runtime.redis_broker import level_keys

_UNACKED = "unacked"
_SCAN_CHUNK = 500


def _message(raw: bytes | str) -> Any:
    message: Any = json.loads(raw)
    if isinstance(message, list):  # unacked entries are [message, exchange, routing_key]
        message = message[0]
    return message


def task_name_of(raw: bytes | str) -> str | None:
    """The task a Celery message runs (its `headers.task`), or None for anything else."""
    try:
        return _message(raw)["headers"]["task"]
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def job_id_of(raw: bytes | str) -> str | None:
    """The `payload.job_id` a Celery message carries, or None for anything else."""
    try:
        message = _message(raw)
        body = message["body"]
        if message.get("properties", {}).get("body_encoding") == "base64":
            body = base64.b64decode(body)
        _args, kwargs, _embed = json.loads(body)
        payload = kwargs.get("payload") or {}
        job_id = payload.get("job_id")
        return str(job_id) if job_id else None
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def _list_items(client: redis.Redis, key: str) -> Iterable[bytes]:
    start = 0
    while True:
        chunk = client.lrange(key, start, start + _SCAN_CHUNK - 1)
        yield from chunk
        if len(chunk) < _SCAN_CHUNK:
            return
        start += _SCAN_CHUNK


def held_job_ids(client: redis.Redis, queues: Iterable[str]) -> tuple[set[str], set[str]]:
    """(job ids waiting in a queue list, job ids delivered to a worker and not yet acked)."""
    waiting = {
        job_id
        for key in (key for queue in queues for key in level_keys(queue))
        for raw in _list_items(client, key)
        if (job_id := job_id_of(raw))
    }
    delivered = {
        job_id
        for _tag, raw in client.hscan_iter(_UNACKED, count=_SCAN_CHUNK)
        if (job_id := job_id_of(raw))
    }
    return waiting, delivered

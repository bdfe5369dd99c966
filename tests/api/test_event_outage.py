"""Redis stopped under open event streams: a clear end for clients, no job lost, quiet logs."""

import threading
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from rehearse.cli.embedded import EmbeddedRedis
from tests import stack
from tests.api.streams import WsResult, sse_events, sse_frames, ws_events, ws_url
from tests.conftest import make_key, wait_job


@pytest.fixture
def outage_stack(stack_env, service_urls, tmp_path) -> Iterator[tuple]:
    """An api and a gpu worker on a Redis and a database of their own, the Redis appendonly and
    the test's to stop; the session's Redis, api and workers are left alone."""
    with stack.own_database(service_urls[1], "outage") as database:
        yield from _outage_stack(stack_env, database, tmp_path)


def _outage_stack(stack_env, database: str, tmp_path) -> Iterator[tuple]:
    server = EmbeddedRedis(tmp_path / "redis", appendonly=True)
    key = make_key(database, "outage")
    env = {
        **stack_env,
        "DATABASE_URL": database,
        "REDIS_URL": server.start(),
        "STREAM_KEEPALIVE_S": "1",
        "WORKER_NAME": f"gpu-outage-{uuid.uuid4().hex[:8]}@test",
    }
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    worker = stack.worker("gpu", env, log_dir)
    api, base = stack.api(env, log_dir)
    headers = {"Authorization": f"Bearer {key}"}
    try:
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            yield server, client, api, worker, key
    finally:
        api.stop()
        worker.stop()
        server.stop()


def tokens(events: list[dict]) -> int:
    return sum(e["type"] == "token" for e in events)


def test_a_redis_outage_ends_streams_clearly_and_loses_no_job(outage_stack):
    server, client, api, worker, api_key = outage_stack
    body = {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 2000, "seed": 9}
    job = client.post("/v1/jobs/chat", json=body).json()
    frames: list = []
    ws = WsResult()

    def sse() -> None:
        with client.stream("GET", f"/v1/jobs/{job['id']}/events", timeout=30) as response:
            frames.extend(sse_frames(response))

    readers = [
        threading.Thread(target=sse),
        threading.Thread(target=ws_events, args=(ws_url(client, job["id"]), api_key, 30, ws)),
    ]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + 30
    while tokens([f.data for f in frames if f.data]) < 20 or tokens(ws.events) < 20:
        assert time.monotonic() < deadline, "no tokens streamed"
        time.sleep(0.01)
    server.stop()
    for reader in readers:
        reader.join(30)
    server.start()  # same port and data: the streams are still there

    assert frames[-1].event == "error", frames[-3:]
    assert frames[-1].data["code"] == "events_unavailable" and frames[-1].id is None
    assert all(f.data["type"] != "done" for f in frames if f.data and f.event != "error")
    assert ws.code == 1013 and ws.reason.startswith("events_unavailable"), ws

    done = wait_job(client, job["id"])
    assert done["status"] == "succeeded", done["error"]
    last_seen = max(f.data["seq"] for f in frames if f.id is not None)
    rest = sse_events(client, job["id"], headers={"Last-Event-ID": str(last_seen)})
    assert rest and all(e["seq"] > last_seen for e in rest)
    assert rest[-1]["type"] == "done" and rest[-1]["status"] == "succeeded"

    assert "Traceback" not in api.output() and "Exception in ASGI" not in api.output()
    # One warning when publishing fails, one line when it works again; no traceback of ours.
    # (Celery's consumer logs its own broker reconnection after the task: not ours to word.)
    publishing = [line for line in worker.output().splitlines() if "job events" in line]
    # None at all when the Redis client's retries bridged the outage (no event dropped).
    assert len(publishing) <= 2, publishing
    assert not publishing or "cannot publish job events" in publishing[0], publishing
    assert "common/event" not in worker.output()

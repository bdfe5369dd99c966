"""Events completed from PostgreSQL when Redis no longer has them (expired, or lost the end)."""

import redis

from rehearse.base import redis_keys
from tests.api.streams import sse_events, ws_events, ws_url
from tests.conftest import wait_job
from tests.jobs import submit_chat


def finished_chat(client) -> dict:
    job = submit_chat(client)
    assert wait_job(client, job["id"])["status"] == "succeeded"
    return job


def test_an_expired_stream_is_rebuilt_from_the_record(client, gpu_worker, api_key, service_urls):
    job = finished_chat(client)
    redis.Redis.from_url(service_urls[0]).delete(redis_keys.events_stream(job["id"]))

    events = sse_events(client, job["id"])
    resumed = sse_events(client, job["id"], headers={"Last-Event-ID": "7"})
    by_ws = ws_events(ws_url(client, job["id"]), api_key)

    assert [(e["seq"], e["type"], e["status"]) for e in events] == [
        (1, "status", "succeeded"),
        (2, "done", "succeeded"),
    ]
    assert [e["seq"] for e in resumed] == [8, 9]
    assert by_ws.events == events and by_ws.code == 1000


def test_a_stream_that_lost_its_end_closes_from_the_record(client, gpu_worker, service_urls):
    job = finished_chat(client)
    store = redis.Redis.from_url(service_urls[0])
    stream = redis_keys.events_stream(job["id"])
    full = sse_events(client, job["id"])
    # Redis down as the worker finished: the final `status` and `done` never arrived.
    store.xdel(stream, *[f"{e['seq']}-0" for e in full[-2:]])

    events = sse_events(client, job["id"])  # waits one keep-alive interval for `done`

    assert events[:-2] == full[:-2]
    assert [(e["type"], e["status"]) for e in events[-2:]] == [
        ("status", "succeeded"),
        ("done", "succeeded"),
    ]
    assert [e["seq"] for e in events[-2:]] == [full[-3]["seq"] + 1, full[-3]["seq"] + 2]

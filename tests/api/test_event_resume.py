"""Resuming a job's events after the last `seq` seen: Last-Event-ID and ?after= for both."""

import time

from tests.api.streams import sse_events, sse_frames, ws_events, ws_url
from tests.conftest import wait_job
from tests.jobs import submit_chat, submit_transcription


def test_reconnecting_after_seq_n_gets_exactly_the_later_events(client, gpu_worker, api_key):
    job = submit_chat(client)
    wait_job(client, job["id"])
    full = sse_events(client, job["id"])
    seqs = [e["seq"] for e in full]
    assert seqs == list(range(1, len(full) + 1)), seqs
    assert full[-1]["type"] == "done"
    n = len(full) // 2
    later = [e for e in full if e["seq"] > n]

    by_header = sse_events(client, job["id"], headers={"Last-Event-ID": str(n)})
    by_query = sse_events(client, job["id"], params={"after": n})
    by_ws = ws_events(ws_url(client, job["id"], after=n), api_key)

    assert by_header == later
    assert by_query == later
    assert by_ws.events == later and by_ws.code == 1000


def test_a_client_that_has_done_gets_nothing_more_at_once(client, gpu_worker, api_key):
    job = submit_chat(client)
    wait_job(client, job["id"])
    last = sse_events(client, job["id"])[-1]["seq"]
    started = time.monotonic()
    assert sse_events(client, job["id"], headers={"Last-Event-ID": str(last)}) == []
    assert ws_events(ws_url(client, job["id"], after=last), api_key).events == []
    assert time.monotonic() - started < 3


def test_a_client_disconnected_while_queued_resumes_live(client, gpu_worker):
    gpu_worker.stop()  # the job waits in the queue with only its `queued` event
    job = submit_transcription(client)
    with client.stream("GET", f"/v1/jobs/{job['id']}/events", timeout=30) as response:
        first = next(f for f in sse_frames(response) if f.comment is None)
    assert first.data["type"] == "status" and first.data["status"] == "queued"

    gpu_worker.restart()
    rest = sse_events(client, job["id"], headers={"Last-Event-ID": first.id})

    assert rest[0]["seq"] == first.data["seq"] + 1
    assert rest[-1]["type"] == "done" and rest[-1]["status"] == "succeeded"
    assert [first.data, *rest] == sse_events(client, job["id"])


def test_last_event_id_that_is_not_a_seq_is_422(client, gpu_worker):
    job = submit_chat(client)
    response = client.get(f"/v1/jobs/{job['id']}/events", headers={"Last-Event-ID": "abc"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"
    wait_job(client, job["id"])

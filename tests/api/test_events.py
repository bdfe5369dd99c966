"""Job events over SSE and WebSocket, replayed from the first event."""

import json

import websockets.exceptions
import websockets.sync.client as ws_client

from tests.api.streams import read_sse
from tests.conftest import wait_job
from tests.jobs import assert_transcription_events, submit_transcription


def test_sse_streams_status_segments_done_in_order(client, gpu_worker):
    job = submit_transcription(client)
    with client.stream("GET", f"/v1/jobs/{job['id']}/events", timeout=60) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = read_sse(response)
    assert_transcription_events(events)


def test_websocket_after_the_job_finished_replays_everything(client, gpu_worker, api_key):
    job = submit_transcription(client)
    assert wait_job(client, job["id"])["status"] == "succeeded"
    url = client.base_url.copy_with(scheme="ws", path=f"/v1/jobs/{job['id']}/events")
    events = []
    with ws_client.connect(
        str(url), additional_headers={"Authorization": f"Bearer {api_key}"}
    ) as ws:
        for message in ws:  # ends when the server closes after `done`
            events.append(json.loads(message))
    assert_transcription_events(events)


def test_websocket_takes_the_key_as_a_query_parameter(client, gpu_worker, api_key):
    job = submit_transcription(client)
    url = client.base_url.copy_with(
        scheme="ws", path=f"/v1/jobs/{job['id']}/events", params={"access_token": api_key}
    )
    with ws_client.connect(str(url)) as ws:
        events = [json.loads(m) for m in ws]
    assert_transcription_events(events)


def test_websocket_without_a_key_is_refused(client):
    job = submit_transcription(client)
    url = client.base_url.copy_with(scheme="ws", path=f"/v1/jobs/{job['id']}/events")
    try:
        with ws_client.connect(str(url)) as ws:
            ws.recv(timeout=5)
    except websockets.exceptions.ConnectionClosed as closed:
        assert closed.rcvd.code == 4401
    else:
        raise AssertionError("connection was not refused")
    wait_job(client, job["id"])

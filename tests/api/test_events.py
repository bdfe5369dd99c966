"""Job events over SSE and WebSocket, replayed from the first event."""

import json

import httpx
import websockets.exceptions
import websockets.sync.client as ws_client

from tests import audio
from tests.conftest import wait_job


def submit(client) -> dict:
    response = client.post(
        "/v1/jobs/transcribe",
        files={"file": ("a.wav", audio.tone_wav(), "audio/wav")},
        data={"language": "ko"},
    )
    assert response.status_code == 202
    return response.json()


def read_sse(response: httpx.Response) -> list[dict]:
    events, data = [], None
    for line in response.iter_lines():
        if line.startswith("data: "):
            data = json.loads(line[6:])
        elif line == "" and data is not None:
            events.append(data)
            data = None
    return events


def assert_transcription_events(events: list[dict]) -> None:
    types = [e["type"] for e in events]
    assert types[0] == "status" and events[0]["status"] == "queued"
    assert types[-1] == "done" and events[-1]["status"] == "succeeded"
    running = types.index("status", 1)
    assert events[running]["status"] == "running"
    segments = [i for i, t in enumerate(types) if t == "segment"]
    assert segments, types
    assert running < min(segments)
    final_status = max(i for i, t in enumerate(types) if t == "status")
    assert events[final_status]["status"] == "succeeded"
    assert max(segments) < final_status < len(types) - 1
    seqs = [e["seq"] for e in events]
    assert seqs == list(range(1, len(events) + 1))
    assert events[0]["attempt"] == 0 and {e["attempt"] for e in events[1:]} == {1}
    for e in events:
        if e["type"] == "segment":
            assert {"start", "end", "text"} <= e.keys()


def test_sse_streams_status_segments_done_in_order(client, gpu_worker):
    job = submit(client)
    with client.stream("GET", f"/v1/jobs/{job['id']}/events", timeout=60) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = read_sse(response)
    assert_transcription_events(events)


def test_websocket_after_the_job_finished_replays_everything(client, gpu_worker, api_key):
    job = submit(client)
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
    job = submit(client)
    url = client.base_url.copy_with(
        scheme="ws", path=f"/v1/jobs/{job['id']}/events", params={"access_token": api_key}
    )
    with ws_client.connect(str(url)) as ws:
        events = [json.loads(m) for m in ws]
    assert_transcription_events(events)


def test_websocket_without_a_key_is_refused(client):
    job = submit(client)
    url = client.base_url.copy_with(scheme="ws", path=f"/v1/jobs/{job['id']}/events")
    try:
        with ws_client.connect(str(url)) as ws:
            ws.recv(timeout=5)
    except websockets.exceptions.ConnectionClosed as closed:
        assert closed.rcvd.code == 4401
    else:
        raise AssertionError("connection was not refused")
    wait_job(client, job["id"])

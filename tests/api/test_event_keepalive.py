"""A job silent for 20 s keeps its SSE and WebSocket clients connected, by keep-alives."""

import threading
import time

import httpx

from tests.api.streams import sse_frames, ws_events, ws_url
from tests.jobs import assert_transcription_events, submit_transcription

SILENCE_S = 20
KEEPALIVE_S = 10  # the api's default STREAM_KEEPALIVE_S


def test_a_job_silent_for_20_s_keeps_both_streams_open(client, gpu_worker, api_key):
    gpu_worker.stop()  # queued with no worker: nothing is published for SILENCE_S
    job = submit_transcription(client)
    seen: dict = {}

    def sse() -> None:
        # A read timeout above the keep-alive interval but below the silence: only the
        # keep-alives keep this request alive.
        timeout = httpx.Timeout(30, read=KEEPALIVE_S + 5)
        with client.stream("GET", f"/v1/jobs/{job['id']}/events", timeout=timeout) as response:
            seen["sse"] = list(sse_frames(response))

    def ws() -> None:
        # Messages wait out the silence; the server's ping frames are what it proves.
        seen["ws"] = ws_events(ws_url(client, job["id"]), api_key, timeout=SILENCE_S + 30)

    clients = [threading.Thread(target=sse), threading.Thread(target=ws)]
    for thread in clients:
        thread.start()
    time.sleep(SILENCE_S)
    gpu_worker.restart()
    for thread in clients:
        thread.join(60)

    frames = seen["sse"]
    keepalives = [f for f in frames if f.comment is not None]
    assert len(keepalives) >= SILENCE_S // KEEPALIVE_S, frames
    assert_transcription_events([f.data for f in frames if f.comment is None])
    assert seen["ws"].code == 1000, seen["ws"]
    assert seen["ws"].pings >= SILENCE_S // KEEPALIVE_S, seen["ws"]
    assert_transcription_events(seen["ws"].events)
    assert seen["ws"].events == [f.data for f in frames if f.comment is None]

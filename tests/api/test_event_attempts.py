"""Events of a job rerun after its worker died: every event names its attempt, `reset` between."""

from tests.api.streams import sse_events, sse_frames, ws_events, ws_url
from tests.conftest import wait_job


def assert_reset_separates_attempts(events: list[dict], text: str) -> None:
    """One `reset` (attempt 2); attempt 1's tokens before it, only attempt 2's after."""
    resets = [i for i, e in enumerate(events) if e["type"] == "reset"]
    assert len(resets) == 1, [e["type"] for e in events]
    before, after = events[: resets[0]], events[resets[0] :]
    assert after[0]["attempt"] == 2
    assert {e["attempt"] for e in before} == {0, 1}  # the api's `queued`, then attempt 1
    assert any(e["type"] == "token" for e in before)
    assert {e["attempt"] for e in after} == {2}
    assert "".join(e["text"] for e in after if e["type"] == "token") == text
    assert after[-1]["type"] == "done" and after[-1]["status"] == "succeeded"


def test_sigkill_mid_chat_streams_a_reset_then_the_rerun(client, gpu_worker, api_key):
    body = {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 2000, "seed": 5}
    job = client.post("/v1/jobs/chat", json=body).json()
    live = []
    with client.stream("GET", f"/v1/jobs/{job['id']}/events", timeout=120) as response:
        for frame in sse_frames(response):
            if frame.comment is not None:
                continue
            live.append(frame.data)
            if frame.event == "token" and sum(e["type"] == "token" for e in live) == 20:
                gpu_worker.kill()  # mid-generation (2000 tokens take seconds)
                gpu_worker.restart()  # same node name: it reruns the job it died in at once
    done = wait_job(client, job["id"])
    assert done["status"] == "succeeded" and done["attempts"] == 2, (
        done["error"],
        done["attempts"],
    )

    assert_reset_separates_attempts(live, done["result"]["text"])
    assert sse_events(client, job["id"]) == live
    assert ws_events(ws_url(client, job["id"]), api_key).events == live

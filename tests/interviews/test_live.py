"""Conversation mode on the real stack (tiny models): a spoken answer becomes a turn with no
click, bad frames get errors and the socket stays, a dropped socket keeps the answer once."""

import time

import httpx
import pytest

from tests import live
from tests.conftest import wait_job

ANSWER = "I built the payment service in Go. It handled two thousand requests a second."


@pytest.fixture
def answer_pcm() -> bytes:
    return live.speech(ANSWER)


def turns(client, interview_id: str) -> list[dict]:
    return client.get(f"/v1/interviews/{interview_id}").json()["turns"]


def test_a_spoken_answer_ends_by_itself_and_the_next_question_comes(
    client, interview, answer_pcm, db
):
    socket = live.connect(client, interview["id"], thinking_ms=1500)
    socket.wait_for("ready", timeout=10)
    socket.send_audio(answer_pcm + live.silence(4.0))
    started = socket.wait_for("speech_started", timeout=1)
    stopped = socket.wait_for("speech_stopped", timeout=1)
    assert 0 <= started["at_ms"] < stopped["at_ms"] <= len(answer_pcm) / 32 + 1000
    ended = socket.wait_for("turn_ended", timeout=5)
    assert ended["reason"] in ("silence", "thinking_time")
    audio = socket.wait_for("audio", timeout=90)
    assert audio["role"] == "next_question" and audio["artifact_id"]
    # The turn's transcript is final once its stt step is done: before the next question.
    finals = [e for e in socket.seen if e["type"] == "transcript" and e["final"]]
    assert len(finals) == 1 and finals[0]["text"]
    socket.wait_for("ready", timeout=90)  # listening for the next answer
    job = wait_job(client, ended["job_id"], timeout=90)
    assert job["status"] == "succeeded", job["error"]
    (turn,) = turns(client, interview["id"])
    assert turn["job_id"] == ended["job_id"]
    assert turn["transcript"] == finals[0]["text"]
    exposed = client.get("/metrics").text
    assert f'rehearse_live_turns_total{{reason="{ended["reason"]}"}}' in exposed
    assert "rehearse_live_sessions 1.0" in exposed  # this socket, still open
    assert not [
        e for e in socket.seen[socket.seen.index(finals[0]) + 1 :] if e["type"] == "transcript"
    ]
    # Transcribed while spoken: the turn job took the heard stretches and did only the rest.
    params = db.execute("SELECT params FROM jobs WHERE id = %s", (ended["job_id"],)).fetchone()
    heard = params["params"]["heard"]
    assert heard and heard["until_s"] >= len(answer_pcm) / 32000 - 1.0
    stored = client.get(f"/v1/artifacts/{turn['answer_artifact_id']}")
    assert stored.headers["content-type"].startswith("audio/wav")
    # The whole answer is kept, up to where the turn ended (no more than what was sent).
    seconds = (len(stored.content) - 44) / 32000
    assert len(answer_pcm) / 32000 < seconds <= len(answer_pcm) / 32000 + 4.0
    socket.socket.close()


def test_done_ends_the_answer_at_once(client, interview, answer_pcm):
    socket = live.connect(client, interview["id"])
    socket.wait_for("ready", timeout=10)
    socket.send_audio(answer_pcm[: len(answer_pcm) // 2])
    socket.control(type="done")
    ended = socket.wait_for("turn_ended", timeout=5)
    assert ended["reason"] == "done"
    assert wait_job(client, ended["job_id"], timeout=90)["status"] == "succeeded"
    socket.socket.close()


def test_bad_frames_get_errors_and_the_socket_stays(client, interview, answer_pcm):
    socket = live.connect(client, interview["id"])
    socket.wait_for("ready", timeout=10)
    socket.socket.send("not json")
    assert socket.wait_for("error", timeout=5)["code"] == "invalid_message"
    socket.control(type="shout")
    assert socket.wait_for("error", timeout=5)["code"] == "invalid_message"
    socket.socket.send(bytes(40000))  # more than one second in one frame
    assert socket.wait_for("error", timeout=5)["code"] == "invalid_frame"
    socket.send_audio(live.silence(10.0), pace=50)  # a file replayed, not a microphone
    assert socket.wait_for("error", timeout=5)["code"] == "too_fast"
    # Still open and listening: an answer at real pace goes through.
    time.sleep(8)  # the clock catches up with what was accepted
    socket.send_audio(answer_pcm)
    socket.control(type="done")
    assert socket.wait_for("turn_ended", timeout=5)["reason"] == "done"
    socket.socket.close()


def test_float32_frames_get_wrong_format_and_nothing_is_kept(client, interview, answer_pcm):
    import numpy as np

    as_float = (np.frombuffer(answer_pcm, "<i2").astype(np.float32) / 32768).astype("<f4")
    socket = live.connect(client, interview["id"])
    socket.wait_for("ready", timeout=10)
    socket.send_audio(as_float.tobytes()[: 2 * 32000], pace=0.5)  # 2 s of bytes, 4 s of floats
    assert socket.wait_for("error", timeout=5)["code"] == "wrong_format"
    socket.control(type="done")
    assert socket.wait_for("error", timeout=5)["code"] == "no_speech"  # nothing was taken
    socket.send_audio(answer_pcm)  # the right format is heard at once
    socket.wait_for("speech_started", timeout=2)
    socket.socket.close()


def test_speech_while_the_question_plays_is_a_barge_in(client, interview, answer_pcm):
    socket = live.connect(client, interview["id"])
    socket.wait_for("ready", timeout=10)
    socket.control(type="playback", state="started")
    socket.send_audio(answer_pcm[: len(answer_pcm) // 2])
    socket.wait_for("speech_started", timeout=2)
    socket.wait_for("barge_in", timeout=2)
    socket.socket.close()


def test_a_dropped_socket_keeps_the_answer_once(client, interview, answer_pcm):
    socket = live.connect(client, interview["id"])
    socket.wait_for("ready", timeout=10)
    socket.send_audio(answer_pcm)
    socket.socket.close()  # the network went away mid-answer
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        active = client.get(f"/v1/interviews/{interview['id']}").json()["active_job"]
        if active:
            break
        time.sleep(0.2)
    assert active and active["kind"] == "interview_turn" and active["number"] == 1
    # Reconnecting relays that turn instead of starting another.
    again = live.connect(client, interview["id"])
    again.wait_for("audio", timeout=90)
    assert wait_job(client, active["id"], timeout=90)["status"] == "succeeded"
    assert len(turns(client, interview["id"])) == 1
    again.socket.close()


def test_an_unknown_key_and_another_owners_interview_are_refused(client, interview):
    import websockets.exceptions
    import websockets.sync.client as ws_client

    url = live.live_url(client, interview["id"], access_token="nope")
    with ws_client.connect(url) as socket:
        with pytest.raises(websockets.exceptions.ConnectionClosed):
            socket.recv(timeout=5)
        assert socket.close_code == 4401


def test_an_answer_ends_at_the_longest_audio_allowed(stack_env, tmp_path, api_key, interview):
    from tests import stack

    api, base = stack.api({**stack_env, "MAX_AUDIO_SECONDS": "3"}, tmp_path)
    try:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {api_key}"}) as c:
            socket = live.connect(c, interview["id"])
            socket.wait_for("ready", timeout=10)
            socket.send_audio(live.speech(ANSWER * 2)[: 5 * 32000])
            ended = socket.wait_for("turn_ended", timeout=5)
            assert ended["reason"] == "max_duration"
            socket.socket.close()
            job = wait_job(c, ended["job_id"], timeout=90)
            assert job["status"] == "succeeded", job["error"]
    finally:
        api.stop()


def test_a_gpu_worker_down_during_the_answer_loses_nothing(
    client, interview, answer_pcm, gpu_worker, db
):
    socket = live.connect(client, interview["id"])
    socket.wait_for("ready", timeout=10)
    gpu_worker.kill()  # the stretches sent while it is down are not transcribed live
    socket.send_audio(answer_pcm + live.silence(0.5))
    socket.control(type="done")
    ended = socket.wait_for("turn_ended", timeout=10)
    gpu_worker.restart()
    job = wait_job(client, ended["job_id"], timeout=120)
    assert job["status"] == "succeeded", job["error"]
    params = db.execute("SELECT params FROM jobs WHERE id = %s", (ended["job_id"],)).fetchone()
    assert params["params"]["heard"] is None  # the turn job transcribed the whole answer
    (turn,) = turns(client, interview["id"])
    assert turn["transcript"] == job["result"]["transcript"]
    seconds = (len(client.get(f"/v1/artifacts/{turn['answer_artifact_id']}").content) - 44) / 32000
    assert seconds >= len(answer_pcm) / 32000
    socket.socket.close()


def test_a_revoked_invite_closes_its_live_socket(client, api_base, gpu_worker, cpu_worker):
    import websockets.sync.client as ws_client

    from tests.api.invites import INTERVIEW, as_invite, mint

    invite = mint(client)
    with as_invite(api_base, invite["token"]) as browser:
        started = browser.post("/v1/interviews", json=INTERVIEW).json()
        assert wait_job(client, started["job_id"], timeout=120)["status"] == "succeeded"
        url = live.live_url(browser, started["id"], access_token=invite["token"])
    socket = live.Live(ws_client.connect(url)).start()
    socket.wait_for("ready", timeout=10)
    assert client.delete(f"/v1/invites/{invite['id']}").status_code == 204
    closed = socket.wait_for("_closed", timeout=5)
    assert closed["code"] == 4401
    assert "invite_revoked" in (socket.socket.close_reason or "")

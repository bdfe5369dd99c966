"""An answer whose transcript is not speech is asked again: the turn fails `unclear_audio`."""

from tests import audio
from tests.api.streams import read_sse
from tests.conftest import wait_job
from tests.interviews.answers import answer
from tests.messages import assert_plain

# The synthetic Whisper says "synthetic speech" for every 30 s window: 120 s of answer read as
# that phrase four times in a row, the loop Whisper falls into on audio it cannot follow.
LOOPING_SECONDS = 120.0


def test_a_looping_transcript_is_not_fed_on_and_the_question_is_asked_again(client, interview):
    sent = answer(client, interview["id"], audio.tone_mp3(seconds=LOOPING_SECONDS))
    assert sent.status_code == 202, sent.text
    assert sent.json()["number"] == 1
    job = wait_job(client, sent.json()["job_id"], timeout=120)

    assert job["status"] == "failed" and job["result"] is None
    error = job["error"]
    assert (error["code"], error["stage"]) == ("unclear_audio", "stt")
    assert_plain(error["message"], "answer the question again")
    assert job["timings"]["stt_unclear_audio"] == "repeated_phrase"
    with client.stream("GET", f"/v1/jobs/{job['id']}/events", timeout=30) as response:
        events = read_sse(response)
    started = [e["stage"] for e in events if e["type"] == "stage" and e["state"] == "started"]
    assert started == ["stt"], "neither retrieval nor the LLM ran"
    assert not [e for e in events if e["type"] in ("segment", "token", "audio")]
    assert client.get(f"/v1/interviews/{interview['id']}").json()["turns"] == []

    again = answer(client, interview["id"])
    assert again.status_code == 202, again.text
    assert again.json()["number"] == 1
    second = wait_job(client, again.json()["job_id"], timeout=120)
    assert second["status"] == "succeeded", second["error"]
    turns = client.get(f"/v1/interviews/{interview['id']}").json()["turns"]
    assert [t["number"] for t in turns] == [1]
    assert turns[0]["question"] == interview["job"]["result"]["question"]
    assert turns[0]["transcript"] == second["result"]["transcript"] == "synthetic speech"


def test_with_the_check_off_every_transcript_goes_through(client, interview, gpu_worker):
    gpu_worker.restart(TRANSCRIPT_CHECK="false")
    sent = answer(client, interview["id"], audio.tone_mp3(seconds=LOOPING_SECONDS))
    job = wait_job(client, sent.json()["job_id"], timeout=120)
    assert job["status"] == "succeeded", job["error"]
    assert job["result"]["transcript"] == " ".join(["synthetic speech"] * 4)

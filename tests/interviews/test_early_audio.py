"""A turn's next question is heard before its feedback is done; later turns reuse the prompt."""

from tests.api.invites import INTERVIEW, as_invite, mint
from tests.api.streams import read_sse
from tests.audio import artifact_seconds
from tests.conftest import wait_job
from tests.interviews.answers import answer


def _answered(client, interview_id: str) -> tuple[list[dict], dict, int]:
    """One answer's events, its finished job, and where its (one) audio event is."""
    accepted = answer(client, interview_id).json()
    with client.stream("GET", f"/v1/jobs/{accepted['job_id']}/events", timeout=120) as response:
        events = read_sse(response)
    audio = [i for i, e in enumerate(events) if e["type"] == "audio"]
    assert len(audio) == 1, "one question, spoken once"
    return events, wait_job(client, accepted["job_id"]), audio[0]


def test_the_next_question_is_spoken_before_the_llm_stage_is_done(client, interview):
    # A random-weight model's feedback after the question may be a few tokens, generated before
    # the question's audio is stored: the overlap shows on one of up to three answers.
    for _ in range(3):
        events, job, at = _answered(client, interview["id"])
        llm_done = next(
            i
            for i, e in enumerate(events)
            if e["type"] == "stage" and e["stage"] == "llm" and e["state"] == "done"
        )
        early = events[at]
        assert early["role"] == "next_question"
        assert at < llm_done
        assert artifact_seconds(client, early["artifact_id"]) > 0
        assert job["status"] == "succeeded", job["error"]
        assert job["result"]["audio_artifact_id"] == early["artifact_id"]  # not spoken twice
        assert job["result"]["next_question"] == early["text"]
        timings = job["timings"]
        assert timings["first_audio_ms"] > 0
        assert timings["tts_early_audio"] is True
        # Each later step's start, on the job's clock: after the steps before it ran, and the
        # llm step's own start before its question was heard.
        starts = [timings[f"{s}_started_ms"] for s in ("retrieve", "llm", "tts")]
        assert timings["queued_ms"] + timings["stt_run_ms"] <= starts[0] <= starts[1]
        assert starts[0] + timings["retrieve_run_ms"] <= starts[1] < timings["first_audio_ms"]
        assert starts[1] + timings["llm_run_ms"] <= starts[2]
        if any(e["type"] == "token" for e in events[at:]):
            return  # the feedback was still generating when the question was heard
    raise AssertionError("in three answers the question was never heard while feedback generated")


def test_the_early_question_plays_for_its_invite_and_no_other(
    client, api_base, gpu_worker, cpu_worker
):
    with as_invite(api_base, mint(client)["token"]) as browser:
        started = browser.post("/v1/interviews", json=INTERVIEW).json()
        assert wait_job(client, started["job_id"], timeout=120)["status"] == "succeeded"
        accepted = answer(browser, started["id"]).json()
        with browser.stream("GET", f"/v1/jobs/{accepted['job_id']}/events", timeout=120) as r:
            early = next(e for e in read_sse(r) if e["type"] == "audio")
        # Heard before the turn is recorded: the artifact is the job's, so the invite's.
        assert artifact_seconds(browser, early["artifact_id"]) > 0
    with as_invite(api_base, mint(client)["token"]) as stranger:
        response = stranger.get(f"/v1/artifacts/{early['artifact_id']}")
        assert response.status_code in (403, 404)
    wait_job(client, accepted["job_id"])


def test_turn_three_evaluates_fewer_prompt_tokens_than_turn_one_had(client, interview):
    jobs = []
    for _ in range(3):
        job = wait_job(client, answer(client, interview["id"]).json()["job_id"], timeout=120)
        assert job["status"] == "succeeded", job["error"]
        jobs.append(job["timings"])
    first, third = jobs[0], jobs[2]
    assert third["llm_prompt_tokens"] > first["llm_prompt_tokens"]  # the history grew
    assert third["llm_prefill_tokens"] < first["llm_prompt_tokens"]
    assert first["llm_prefill_tokens"] <= first["llm_prompt_tokens"]


def test_a_question_failing_the_gates_is_never_spoken_early(client, interview, gpu_worker):
    # Random weights write gibberish: with the gates on, no question of theirs may be heard.
    gpu_worker.restart(OUTPUT_GATES="on", OUTPUT_GATE_ATTEMPTS="2")
    accepted = answer(client, interview["id"]).json()
    with client.stream("GET", f"/v1/jobs/{accepted['job_id']}/events", timeout=120) as response:
        events = read_sse(response)
    job = wait_job(client, accepted["job_id"])
    assert job["status"] == "failed"
    assert job["error"]["code"] == "low_quality_output"
    assert [e["type"] for e in events if e["type"] == "token"], "the LLM did write"
    assert not [e for e in events if e["type"] == "audio"]

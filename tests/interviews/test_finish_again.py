"""The report always comes: finish may be asked again, and gated-out generations still give one."""

from concurrent.futures import ThreadPoolExecutor

import httpx

from tests import audio
from tests.conftest import wait_job
from tests.interviews.conftest import POSTING, RESUME, start


def answer_once(client, interview_id: str) -> dict:
    files = {"file": ("a.mp3", audio.tone_mp3(seconds=3.0), "audio/mpeg")}
    sent = client.post(f"/v1/interviews/{interview_id}/answers", files=files)
    assert sent.status_code == 202, sent.text
    turn = wait_job(client, sent.json()["job_id"])
    assert turn["status"] == "succeeded", turn["error"]
    return turn


def finish(client, interview_id: str) -> httpx.Response:
    return client.post(f"/v1/interviews/{interview_id}/finish")


def test_finishing_a_reported_interview_again_is_200_with_the_same_job(client, interview):
    answer_once(client, interview["id"])
    first = finish(client, interview["id"])
    assert first.status_code == 202, first.text
    report = wait_job(client, first.json()["job_id"])
    assert report["status"] == "succeeded", report["error"]
    assert report["result"]["source"] == "model"

    again = finish(client, interview["id"])
    assert again.status_code == 200, again.text
    assert again.json() == {"id": interview["id"], "job_id": first.json()["job_id"]}
    got = client.get(f"/v1/interviews/{interview['id']}").json()
    assert got["report"] == report["result"] and got["report_job_id"] == first.json()["job_id"]


def test_a_canceled_report_job_is_replaced_by_a_new_one_on_finish(client, interview, db):
    answer_once(client, interview["id"])
    # The solo gpu worker is busy for seconds, so the report job waits in its queue.
    busy = client.post(
        "/v1/jobs/transcribe", files={"file": ("b.mp3", audio.tone_mp3(300.0), "audio/mpeg")}
    ).json()
    first = finish(client, interview["id"]).json()["job_id"]
    assert finish(client, interview["id"]).json()["job_id"] == first  # still queued: the same
    assert client.delete(f"/v1/jobs/{first}").status_code == 202
    assert wait_job(client, first)["status"] == "canceled"
    stuck = client.get(f"/v1/interviews/{interview['id']}").json()
    assert stuck["status"] == "finished" and stuck["report"] is None

    again = finish(client, interview["id"])
    assert again.status_code == 202, again.text
    second = again.json()["job_id"]
    assert second != first
    report = wait_job(client, second, timeout=120)
    assert report["status"] == "succeeded", report["error"]
    got = client.get(f"/v1/interviews/{interview['id']}").json()
    assert got["report_job_id"] == second and got["report"]["summary"]
    assert got["finished_at"] == stuck["finished_at"]  # finished once, reported later
    wait_job(client, busy["id"], timeout=120)


def test_no_generation_passing_the_gates_gives_the_report_from_the_turns(
    client, interview, gpu_worker
):
    feedback = answer_once(client, interview["id"])["result"]["feedback"]
    # Random weights never pass the gates (see test_output_gates_on): every generation fails.
    gpu_worker.restart(OUTPUT_GATES="on", OUTPUT_GATE_ATTEMPTS="2")
    report = wait_job(client, finish(client, interview["id"]).json()["job_id"], timeout=120)
    assert report["status"] == "succeeded", report["error"]
    assert report["timings"]["regenerations"] == 1  # both generations were tried first
    result = report["result"]
    assert result["source"] == "turns" and result["turns"] == 1
    assert result["overall_score"] == feedback["score"]
    assert result["summary"].startswith("지원자는 질문 1개에 답했고")  # the interview is Korean
    assert result["top_improvements"]
    assert set(result["top_improvements"]) <= set(feedback["improvements"])
    assert client.get(f"/v1/interviews/{interview['id']}").json()["report"] == result


def test_an_interview_with_no_answer_gets_a_report_saying_so(client, gpu_worker, cpu_worker):
    started = start(client, language="en", resume=RESUME, job_posting=POSTING)
    report = wait_job(client, finish(client, started["id"]).json()["job_id"])
    assert report["status"] == "succeeded", report["error"]
    result = report["result"]
    assert result["overall_score"] is None and result["turns"] == 0
    assert result["source"] == "turns"
    assert result["summary"].startswith("No answers were given")


def test_concurrent_finishes_make_one_report_job(client, interview, db):
    answer_once(client, interview["id"])
    with ThreadPoolExecutor(4) as pool:
        responses = list(pool.map(lambda _: finish(client, interview["id"]), range(4)))
    assert all(r.status_code in (200, 202) for r in responses), [r.text for r in responses]
    assert len({r.json()["job_id"] for r in responses}) == 1
    jobs = db.execute(
        "SELECT count(*) AS n FROM jobs WHERE interview_id = %s AND kind = 'interview_report'",
        (interview["id"],),
    ).fetchone()
    assert jobs["n"] == 1
    assert wait_job(client, responses[0].json()["job_id"])["status"] == "succeeded"


def test_an_invite_finishes_its_interview_again(client, api_base, gpu_worker, cpu_worker):
    minted = client.post("/v1/invites", json={"ttl_s": 600, "max_interviews": 1})
    assert minted.status_code == 201, minted.text
    headers = {"Authorization": f"Bearer {minted.json()['token']}"}
    with httpx.Client(base_url=api_base, headers=headers, timeout=30) as browser:
        body = {"resume": RESUME, "job_posting": POSTING, "language": "ko"}
        created = browser.post("/v1/interviews", json=body).json()
        assert wait_job(client, created["job_id"], timeout=120)["status"] == "succeeded"
        first = finish(browser, created["id"])
        assert first.status_code == 202, first.text
        assert wait_job(client, first.json()["job_id"])["status"] == "succeeded"
        again = finish(browser, created["id"])
        assert again.status_code == 200 and again.json()["job_id"] == first.json()["job_id"]

"""Erasing an interview: nothing of it is served or stored afterwards; job tombstones remain."""

import time
import uuid

import redis

from rehearse.base import redis_keys
from tests import audio
from tests.conftest import wait_job
from tests.interviews.answers import answer
from tests.interviews.conftest import RESUME, start

TABLES = ("jobs", "interviews", "interview_turns", "documents", "chunks", "idempotency_keys")


def holds(db, text: str) -> list[str]:
    """The tables any of whose rows still contain `text`."""
    found = [
        table
        for table in TABLES
        if db.execute(
            f"SELECT count(*) AS n FROM {table} t WHERE position(%s in t::text) > 0", (text,)
        ).fetchone()["n"]
    ]
    stored = db.execute(
        "SELECT count(*) AS n FROM artifacts WHERE position(convert_to(%s, 'UTF8') in data) > 0",
        (text,),
    ).fetchone()["n"]
    return found + (["artifacts"] if stored else [])


def test_delete_removes_turns_artifacts_documents_and_job_content(
    client, gpu_worker, cpu_worker, db, stack_env
):
    marker = f"Zebrafish{uuid.uuid4().hex[:10]}"
    resume = f"{RESUME}\n특이사항: {marker} 프로젝트를 이끌었습니다."
    started = start(client, resume=resume, language="ko")
    assert started["job"]["status"] == "succeeded", started["job"]["error"]
    turn_job = wait_job(client, answer(client, started["id"]).json()["job_id"])
    assert turn_job["status"] == "succeeded", turn_job["error"]
    interview = client.get(f"/v1/interviews/{started['id']}").json()
    artifacts = [interview["opening_audio_artifact_id"]] + [
        t[c] for t in interview["turns"] for c in ("answer_artifact_id", "audio_artifact_id")
    ]
    jobs = [started["job_id"], turn_job["id"]]
    assert holds(db, marker)  # the check can see it before

    deleted = client.delete(f"/v1/interviews/{started['id']}")
    assert deleted.status_code == 204, deleted.text

    assert client.get(f"/v1/interviews/{started['id']}").status_code == 404
    for artifact_id in artifacts:
        assert client.get(f"/v1/artifacts/{artifact_id}").status_code == 404
    for job_id in jobs:
        assert client.get(f"/v1/jobs/{job_id}").status_code == 404
        assert client.get(f"/v1/jobs/{job_id}/events").status_code == 404
    listed = client.get("/v1/interviews", params={"limit": 100}).json()["data"]
    assert started["id"] not in {i["id"] for i in listed}
    assert holds(db, marker) == []
    events = redis.Redis.from_url(stack_env["REDIS_URL"])
    assert not events.exists(*(redis_keys.events_stream(job_id) for job_id in jobs))
    tombstones = db.execute(
        "SELECT kind, status, params, result, timings FROM jobs WHERE id = ANY(%s::uuid[])",
        (jobs,),
    ).fetchall()
    assert {t["status"] for t in tombstones} == {"succeeded"}
    assert all(t["params"] == {} and t["result"] is None and t["timings"] for t in tombstones)
    assert client.delete(f"/v1/interviews/{started['id']}").status_code == 404


def test_delete_during_an_answer_cancels_it_first(client, interview, db):
    accepted = answer(client, interview["id"], audio.tone_mp3(seconds=120.0)).json()
    time.sleep(0.3)
    deleted = client.delete(f"/v1/interviews/{interview['id']}")
    assert deleted.status_code == 204, deleted.text
    row = db.execute("SELECT status, erased_at FROM jobs WHERE id = %s", (accepted["job_id"],))
    job = row.fetchone()
    assert job["status"] in ("canceled", "succeeded", "failed") and job["erased_at"]
    assert client.get(f"/v1/interviews/{interview['id']}").status_code == 404


def test_another_key_cannot_delete(client, other_client, interview):
    assert other_client.delete(f"/v1/interviews/{interview['id']}").status_code == 404
    assert client.get(f"/v1/interviews/{interview['id']}").status_code == 200

"""Logs of every process: no key, no candidate content, and one JSON object per line on demand."""

import json
from pathlib import Path

import httpx
import websockets.sync.client as ws_client

from rehearse.contracts.job_kinds import TRANSCRIBE
from tests import audio, stack
from tests.api.streams import read_sse
from tests.conftest import make_key, wait_job
from tests.interviews.conftest import POSTING, RESUME

# Words no model, library or log would produce by itself; on every line, so that whichever
# chunks retrieval picks carry them through the pipeline.
RESUME_MARK = "Zorblaxquent"
POSTING_MARK = "Fjordwhistle"


def marked(text: str, mark: str) -> str:
    return "\n".join(f"{line} {mark}" if line.strip() else line for line in text.splitlines())


def logs(log_dir: Path) -> dict[str, str]:
    return {p.name: p.read_text(errors="replace") for p in sorted(log_dir.glob("*.log"))}


def follow_with_query_token(base: str, job_id: str, key: str) -> None:
    """Read a job's events over SSE and WebSocket, authenticated by `?access_token=` only."""
    path = f"/v1/jobs/{job_id}/events"
    with httpx.stream("GET", base + path, params={"access_token": key}, timeout=120) as response:
        assert response.status_code == 200, response.read()
        assert read_sse(response)[-1]["type"] == "done"
    url = httpx.URL(base + path, params={"access_token": key}).copy_with(scheme="ws")
    with ws_client.connect(str(url)) as ws:
        assert json.loads(list(ws)[-1])["type"] == "done"


def test_a_turn_logs_neither_the_key_nor_the_candidates_words(
    api_base, service_urls, gpu_worker, cpu_worker, log_dir, db
):
    key = make_key(service_urls[1], "log-check")
    with httpx.Client(
        base_url=api_base, headers={"Authorization": f"Bearer {key}"}, timeout=30
    ) as client:
        body = {
            "resume": marked(RESUME, RESUME_MARK),
            "job_posting": marked(POSTING, POSTING_MARK),
            "language": "ko",
        }
        started = client.post("/v1/interviews", json=body).json()
        follow_with_query_token(api_base, started["job_id"], key)
        assert wait_job(client, started["job_id"], 120)["status"] == "succeeded"
        files = {"file": ("a.mp3", audio.tone_mp3(seconds=3.0), "audio/mpeg")}
        turn = client.post(f"/v1/interviews/{started['id']}/answers", files=files).json()
        follow_with_query_token(api_base, turn["job_id"], key)
        assert wait_job(client, turn["job_id"], 120)["status"] == "succeeded"
    # The marked words did travel: they are in the chunks retrieval hands to the LLM step.
    chunks = db.execute(
        "SELECT c.text FROM chunks c JOIN interviews i ON i.collection = c.collection"
        " WHERE i.id = %s",
        (started["id"],),
    ).fetchall()
    assert all(RESUME_MARK in c["text"] or POSTING_MARK in c["text"] for c in chunks)

    found = logs(log_dir)
    assert {"api.log", "worker-gpu.log", "worker-cpu.log"} <= found.keys()
    for name, text in found.items():
        for secret in (key, RESUME_MARK, POSTING_MARK):
            assert secret not in text, f"{secret!r} in {name}"
    # The lines are there, without what they used to carry.
    assert f"/v1/jobs/{turn['job_id']}/events?access_token=***" in found["api.log"]
    assert "WebSocket /v1/jobs/" in found["api.log"]
    assert " succeeded in " in found["worker-gpu.log"]
    assert " succeeded in " in found["worker-cpu.log"]


def parse_lines(output: str, name: str) -> list[dict]:
    lines = output.splitlines()
    assert lines, f"{name} logged nothing"
    records = []
    for line in lines:
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            raise AssertionError(f"{name}: not one JSON object: {line!r}") from None
        assert {"ts", "level", "logger", "message"} <= records[-1].keys(), line
    return records


def test_json_logs_are_one_object_per_line_tracebacks_included(
    stack_env, api_key, gpu_worker, cpu_worker, tmp_path
):
    # A corrupt Whisper fails its job with a logged traceback.
    broken = tmp_path / "broken-whisper"
    broken.mkdir()
    (broken / "model.bin").write_bytes(b"not a model")
    gpu_worker.restart(LOG_FORMAT="json", WHISPER_MODEL=str(broken))
    cpu_worker.restart(LOG_FORMAT="json")
    api, base = stack.api({**stack_env, "LOG_FORMAT": "json"}, tmp_path)
    try:
        with httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {api_key}"}, timeout=30
        ) as client:
            files = {"file": ("a.wav", audio.tone_wav(), "audio/wav")}
            failed = client.post("/v1/jobs/transcribe", files=files).json()
            embedded = client.post("/v1/jobs/embed", json={"texts": ["안녕하세요"]}).json()
            assert wait_job(client, failed["id"])["error"]["code"] == "internal_error"
            assert wait_job(client, embedded["id"])["status"] == "succeeded"
            follow_with_query_token(base, failed["id"], api_key)
            assert client.get("/v1/jobs/not-a-job").status_code in (404, 422)
    finally:
        api.stop()
    # Stopped too, so that shutdown notes are checked (the fixtures start them again).
    gpu_worker.proc.stop()
    cpu_worker.proc.stop()

    api_records = parse_lines(api.output(), "api")
    gpu_records = parse_lines(gpu_worker.output(), "gpu worker")
    cpu_records = parse_lines(cpu_worker.output(), "cpu worker")
    access = [r for r in api_records if r["logger"] == "uvicorn.access"]
    assert any("access_token=***" in r["message"] for r in access)
    assert any(r["logger"].startswith("uvicorn.error") for r in api_records)
    [traceback] = [r for r in gpu_records if "exc" in r and r.get("job_id") == failed["id"]]
    assert traceback["level"] == "ERROR" and "Traceback" in traceback["exc"]
    for records in (gpu_records, cpu_records):
        assert any(r["logger"].startswith("celery") and " ready." in r["message"] for r in records)
    # Celery's lines name the task and the job, never what the task returned.
    [done] = [r for r in gpu_records if " succeeded in " in r["message"]]
    assert done["job_id"] == failed["id"] and done["task"] == TRANSCRIBE
    assert any(r["logger"] == "rehearse.workers.cpu.tasks" for r in cpu_records)  # the embed batch
    assert any(r["message"] == "worker: Warm shutdown (MainProcess)" for r in cpu_records)

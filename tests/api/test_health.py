"""Liveness and readiness."""

import time

import httpx

from tests import audio


def test_healthz(api_base):
    assert httpx.get(f"{api_base}/healthz").json() == {"status": "ok"}


def test_readyz_lists_a_worker_per_queue_even_while_the_gpu_worker_is_busy(
    api_base, client, gpu_worker, cpu_worker, db
):
    ready = httpx.get(f"{api_base}/readyz")
    assert ready.status_code == 200, ready.text
    body = ready.json()
    assert body["redis"] and body["postgres"]
    assert body["workers"]["gpu"] and body["workers"]["cpu"]

    job = client.post(
        "/v1/jobs/transcribe",
        files={"file": ("long.mp3", audio.tone_mp3(seconds=300.0), "audio/mpeg")},
    ).json()
    while (
        db.execute("SELECT status FROM jobs WHERE id = %s", (job["id"],)).fetchone()["status"]
        == "queued"
    ):
        time.sleep(0.01)
    busy = httpx.get(f"{api_base}/readyz", timeout=10)
    assert busy.status_code == 200, busy.text


def test_readyz_is_503_without_a_gpu_worker(api_base, gpu_worker):
    gpu_worker.stop()
    # A stopped worker withdraws its presence; a killed one expires within the TTL.
    from common.presence import TTL_S

    deadline = time.monotonic() + TTL_S + 5
    while time.monotonic() < deadline:
        response = httpx.get(f"{api_base}/readyz")
        if response.status_code == 503:
            assert response.json()["workers"].get("gpu", []) == []
            return
        time.sleep(1)
    raise AssertionError("readyz stayed 200 after the gpu worker stopped")

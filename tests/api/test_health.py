"""Liveness and readiness: per queue, a worker whose models are loaded."""

import time

import httpx
import redis

from tests import audio
from tests.readiness import wait_ready, wait_readyz


def test_healthz(api_base):
    assert httpx.get(f"{api_base}/healthz").json() == {"status": "ok"}


def test_readyz_reports_every_queue_ready_with_its_workers(api_base, gpu_worker, cpu_worker):
    body = wait_ready(api_base)

    assert body["redis"] and body["postgres"] and body["missing"] == []
    for queue in ("gpu", "cpu"):
        state = body["queues"][queue]
        assert state["ready"] and state["workers"] and state["errors"] == {}, body
        assert body["workers"][queue] == state["workers"]
    assert body["queues"]["gpu"]["queues"] == ["gpu.whisper", "gpu.llm", "gpu.speech"]
    assert body["queues"]["cpu"]["queues"] == ["cpu"]


def test_readyz_stays_ready_while_the_gpu_worker_is_busy(
    api_base, client, gpu_worker, cpu_worker, db
):
    wait_ready(api_base)
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


def test_readyz_is_503_with_the_gpu_queue_missing_without_a_gpu_worker(api_base, gpu_worker):
    wait_ready(api_base)
    gpu_worker.stop()
    # A stopped worker withdraws its presence; a killed one expires within the TTL.
    from rehearse.fleet.presence import TTL_S

    status, body = wait_readyz(api_base, lambda body: not body["ready"], TTL_S + 5)

    assert status == 503 and body["missing"] == ["gpu"]
    assert body["workers"].get("gpu", []) == [] and body["queues"]["gpu"]["workers"] == []


def test_a_killed_worker_leaves_readyz_within_the_presence_ttl(api_base, gpu_worker):
    from rehearse.fleet.presence import TTL_S

    wait_ready(api_base)
    gpu_worker.kill()  # no withdrawal: only the key's expiry tells
    killed = time.monotonic()

    status, body = wait_readyz(api_base, lambda body: not body["ready"], TTL_S + 5)

    assert status == 503 and "gpu" in body["missing"]
    assert time.monotonic() - killed <= TTL_S + 1


def test_workers_are_ready_again_after_redis_loses_everything(
    api_base, gpu_worker, cpu_worker, service_urls
):
    """Redis restarted empty: the processes' load reports are gone and nobody reports again;
    each worker's beat writes back what it saw, so /readyz is 200 again within a beat."""
    from rehearse.fleet.presence import INTERVAL_S, TTL_S

    wait_ready(api_base)
    store = redis.Redis.from_url(service_urls[0])
    assert list(store.scan_iter(match="*:boot:*"))  # the processes' reports this is about
    store.flushdb()  # a Redis that came back empty

    status, body = wait_readyz(api_base, lambda body: body["ready"], TTL_S + INTERVAL_S)

    assert status == 200 and body["missing"] == [], body

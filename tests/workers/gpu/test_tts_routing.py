"""TTS_QUEUE=cpu: speech jobs run on a cpu worker (TTS needs no GPU)."""

from rehearse.base.settings import Settings
from rehearse.contracts.job_kinds import CPU_QUEUE, SPEAK, queue_for
from rehearse.runtime.celery_app import create_celery
from rehearse.runtime.dispatch import dispatch
from tests.conftest import wait_job


def test_routing_follows_the_setting():
    assert queue_for(SPEAK) == "gpu.speech"
    assert queue_for(SPEAK, tts_queue=CPU_QUEUE) == CPU_QUEUE
    app = create_celery(Settings(tts_queue=CPU_QUEUE))
    route = app.amqp.router.route({}, SPEAK)
    assert route["queue"].name == CPU_QUEUE


def test_a_cpu_worker_speaks_when_tts_runs_on_the_cpu_queue(
    client, gpu_worker, cpu_worker, db, service_urls
):
    cpu_worker.restart(TTS_QUEUE=CPU_QUEUE)
    gpu_worker.stop()  # nothing on the gpu queue could take it
    key_owner = db.execute(
        "SELECT id FROM api_keys WHERE name = 'tests' ORDER BY created_at LIMIT 1"
    ).fetchone()["id"]
    job = db.execute(
        "INSERT INTO jobs (kind, owner_id, params) VALUES ('speak', %s, %s) RETURNING id",
        (key_owner, '{"text": "안녕하세요. 반갑습니다.", "format": "wav"}'),
    ).fetchone()
    redis_url = service_urls[0]
    dispatch(create_celery(Settings(redis_url=redis_url, tts_queue=CPU_QUEUE)), "speak", job["id"])

    done = wait_job(client, str(job["id"]))

    assert done["status"] == "succeeded", done["error"]
    assert done["result"]["engine"] == "espeak-ng"
    worker = db.execute("SELECT worker FROM jobs WHERE id = %s", (job["id"],)).fetchone()
    assert worker["worker"].startswith("cpu@")

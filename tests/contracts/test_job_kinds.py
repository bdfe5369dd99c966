"""The job-kind table: every step resolves to a handler, and a queued message names its model."""

import ast
import uuid
from pathlib import Path

import redis

from rehearse.base.settings import Settings
from rehearse.contracts.job_kinds import (
    CPU_QUEUE,
    GPU_QUEUE,
    POOLS,
    TABLE,
    TTS,
    model_for,
    queue_for,
    task_name,
)
from rehearse.contracts.jobs import JobKind
from rehearse.engines.catalog import specs
from rehearse.fleet.broker_holdings import task_name_of
from rehearse.runtime.celery_app import create_celery

SRC = Path(__file__).resolve().parents[2] / "src"

GPU_STEPS = {
    "rehearse.transcribe.stt": "whisper",
    "rehearse.chat.llm": "llm",
    "rehearse.speak.tts": "speech",
    "rehearse.interview_start.llm": "llm",
    "rehearse.interview_start.tts": "speech",
    "rehearse.interview_turn.stt": "whisper",
    "rehearse.interview_turn.llm": "llm",
    "rehearse.interview_turn.tts": "speech",
    "rehearse.interview_report.llm": "llm",
}
"""Every step that can wait on the gpu queue (TTS does by default), and the model it needs."""


def test_every_gpu_step_is_listed():
    on_gpu = {
        task_name(kind, step)
        for kind, spec in TABLE.items()
        for step in spec.steps
        if step.queue in (GPU_QUEUE, TTS)
    }
    assert on_gpu == set(GPU_STEPS)


def test_a_queued_message_says_which_model_it_needs(service_urls):
    """Read back from Redis as the broker holds it: the task name alone gives the model."""
    app = create_celery(Settings(redis_url=service_urls[0]))
    probe = f"probe-{uuid.uuid4().hex[:8]}"  # no worker consumes it
    for name in GPU_STEPS:
        app.send_task(name, kwargs={"payload": {"job_id": str(uuid.uuid4())}}, queue=probe)
    client = redis.Redis.from_url(service_urls[0])
    try:
        held = [task_name_of(raw) for raw in client.lrange(probe, 0, -1)]
    finally:
        client.delete(probe)
    assert sorted(held) == sorted(GPU_STEPS)
    assert {name: model_for(name) for name in held} == GPU_STEPS


def test_every_step_names_a_handler_that_exists_in_a_worker():
    for spec in TABLE.values():
        for step in spec.steps:
            module, _, function = step.handler.partition(":")
            assert module.split(".")[:3] in (
                ["rehearse", "workers", "gpu"],
                ["rehearse", "workers", "cpu"],
            ), step
            path = SRC / (module.replace(".", "/") + ".py")
            tree = ast.parse(path.read_text(encoding="utf-8"))
            defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
            assert function in defined, step


def test_the_table_has_every_job_kind():
    assert set(TABLE) == {kind.value for kind in JobKind}


def test_every_step_waits_on_a_known_queue():
    queues = {step.queue for spec in TABLE.values() for step in spec.steps}
    assert queues <= {GPU_QUEUE, CPU_QUEUE, TTS}


def test_gpu_steps_wait_on_their_models_queue():
    routed = {queue_for(name) for name in GPU_STEPS}
    assert routed == {"gpu.whisper", "gpu.llm", "gpu.speech"} == set(POOLS[GPU_QUEUE])
    assert all(queue_for(name) == f"gpu.{model}" for name, model in GPU_STEPS.items())


def test_every_model_a_step_needs_is_in_the_catalog():
    known = {spec.name for spec in specs(Settings(), "cpu")}
    needed = {step.model for spec in TABLE.values() for step in spec.steps}
    assert needed <= known

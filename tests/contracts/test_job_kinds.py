"""The job-kind table: every kind declared with its models, every step a handler and a pool, and
a queued message names its model."""

import inspect
import uuid

import pytest
import redis
from pydantic import BaseModel

from rehearse.base.settings import Settings
from rehearse.contracts.job_kinds import (
    CPU_QUEUE,
    GPU_QUEUE,
    POOLS,
    TABLE,
    TTS,
    JobKind,
    model_for,
    queue_for,
    steps_run_by,
    task_name,
)
from rehearse.engines.catalog import specs
from rehearse.fleet.broker_holdings import task_name_of
from rehearse.runtime.celery_app import create_celery
from rehearse.runtime.redis_broker import level_keys

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
    lists = level_keys(probe)  # one list per priority level
    try:
        held = [task_name_of(raw) for key in lists for raw in client.lrange(key, 0, -1)]
    finally:
        client.delete(*lists)
    assert sorted(held) == sorted(GPU_STEPS)
    assert {name: model_for(name) for name in held} == GPU_STEPS


def test_every_step_names_a_handler_in_a_worker_that_takes_engine_and_run():
    for spec in TABLE.values():
        for step in spec.steps:
            assert step.handler.module.split(".")[:3] in (
                ["rehearse", "workers", "gpu"],
                ["rehearse", "workers", "cpu"],
            ), step
            function = step.handler.load()
            assert callable(function), step
            assert list(inspect.signature(function).parameters) == ["engine", "run"], step


def test_the_kinds_clients_name_are_declared_with_their_models():
    assert (
        [kind.value for kind in JobKind]
        == list(TABLE)
        == [
            "transcribe",
            "chat",
            "embed",
            "speak",
            "ingest",
            "interview_start",
            "interview_turn",
            "interview_report",
        ]
    )
    assert JobKind.interview_turn == "interview_turn"
    for spec in TABLE.values():
        assert issubclass(spec.params, BaseModel) and issubclass(spec.result, BaseModel), spec
        assert spec.steps, spec


@pytest.mark.parametrize("tts_queue", [GPU_QUEUE, CPU_QUEUE])
def test_every_step_is_run_by_exactly_one_pool(tts_queue):
    everywhere = [step for spec in TABLE.values() for step in (*spec.steps, *spec.beside)]
    gpu, cpu = steps_run_by(GPU_QUEUE, tts_queue), steps_run_by(CPU_QUEUE, tts_queue)
    assert len(gpu) + len(cpu) == len(everywhere)
    assert {id(step) for step in gpu + cpu} == {id(step) for step in everywhere}
    speaking = [step for step in everywhere if step.queue == TTS]
    assert all(step in (cpu if tts_queue == CPU_QUEUE else gpu) for step in speaking)


def test_every_step_waits_on_a_known_queue():
    queues = {step.queue for spec in TABLE.values() for step in (*spec.steps, *spec.beside)}
    assert queues <= {GPU_QUEUE, CPU_QUEUE, TTS}


def test_gpu_steps_wait_on_their_models_queue():
    routed = {queue_for(name) for name in GPU_STEPS}
    assert routed == {"gpu.whisper", "gpu.llm", "gpu.speech"} == set(POOLS[GPU_QUEUE])
    assert all(queue_for(name) == f"gpu.{model}" for name, model in GPU_STEPS.items())


def test_every_model_a_step_needs_is_in_the_catalog():
    known = {spec.name for spec in specs(Settings(), "cpu")}
    needed = {step.model for spec in TABLE.values() for step in spec.steps}
    assert needed <= known


def test_a_step_beside_a_chain_follows_one_of_its_steps_and_is_routed_by_name():
    for spec in TABLE.values():
        names = [step.name for step in spec.steps]
        for step in spec.beside:
            assert step.after in names[:-1], (spec.kind, step)  # sent while the chain runs
            assert step.name not in names
            assert queue_for(task_name(spec.kind, step)) == step.queue
    delivery = TABLE["interview_turn"].beside[0]
    assert (delivery.name, delivery.after, delivery.switch) == ("delivery", "retrieve", "delivery")

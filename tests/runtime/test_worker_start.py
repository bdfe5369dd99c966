"""A worker's start loads the handler of every step its pool runs: a wrong one fails the start,
named, and the jobs that worker takes fail saying so instead of importing anything."""

from collections.abc import Iterator

import pytest

from rehearse.base.errors import JobError
from rehearse.base.settings import Settings
from rehearse.contracts.job_kinds import CPU_QUEUE, GPU_QUEUE, LLM, WHISPER, steps_run_by
from rehearse.contracts.job_spec import Handler, HandlerUnavailable, Step
from rehearse.runtime import worker_context
from rehearse.runtime.run_context import RunContext
from rehearse.runtime.step_tasks import bind
from rehearse.runtime.worker_context import load_handlers

MISSING_MODULE = Step("stt", GPU_QUEUE, WHISPER, Handler("rehearse.workers.gpu.handler", "chat"))
MISSING_FUNCTION = Step("llm", GPU_QUEUE, LLM, Handler("rehearse.workers.gpu.handlers", "chatt"))


@pytest.fixture
def keeps_the_context() -> Iterator[None]:
    """`start` installs a process-wide context: give this process back the one it had."""
    before = worker_context._current
    yield
    worker_context._current = before


@pytest.mark.parametrize("pool", [GPU_QUEUE, CPU_QUEUE])
@pytest.mark.parametrize("tts_queue", [GPU_QUEUE, CPU_QUEUE])
def test_a_pool_loads_every_handler_it_runs_as_functions(pool, tts_queue):
    steps = steps_run_by(pool, tts_queue)

    loaded = load_handlers(steps)

    assert set(loaded) == {step.handler for step in steps}
    assert all(loaded[step.handler] is step.handler.load() for step in steps)
    speaks = Handler("rehearse.workers.gpu.interview_speech", "speak_question") in loaded
    assert speaks == (pool == tts_queue)


def test_a_wrong_handler_path_fails_the_start_naming_each_one():
    with pytest.raises(HandlerUnavailable) as raised:
        load_handlers([*steps_run_by(GPU_QUEUE), MISSING_MODULE, MISSING_FUNCTION])

    message = str(raised.value)
    assert "step handler rehearse.workers.gpu.handler:chat cannot be loaded" in message
    assert "ModuleNotFoundError" in message
    assert "step handler rehearse.workers.gpu.handlers:chatt cannot be loaded" in message
    assert "AttributeError" in message


@pytest.mark.parametrize(
    ("function", "why"),
    [("FIELD", "is not callable"), ("publish_audio", "does not take (engine, run)")],
)
def test_a_name_that_is_no_step_handler_fails_the_start(function, why):
    wrong = Step("tts", GPU_QUEUE, None, Handler("rehearse.workers.gpu.early_question", function))

    with pytest.raises(HandlerUnavailable) as raised:
        load_handlers([wrong])

    assert str(raised.value) == f"step handler {wrong.handler} {why}"


def test_a_worker_whose_start_failed_fails_its_jobs_saying_so(keeps_the_context):
    failure = worker_context.start(Settings(), engines=None, steps=[MISSING_MODULE])

    assert failure and "rehearse.workers.gpu.handler:chat cannot be loaded" in failure
    handle = bind(worker_context.current(), MISSING_MODULE, {}, engine=object())
    with pytest.raises(JobError) as raised:
        handle({"id": "job"}, RunContext(), {})
    assert raised.value.code == "handler_unavailable"
    assert "stt step (rehearse.workers.gpu.handler:chat)" in raised.value.message


def test_a_started_worker_holds_its_handlers_as_functions(keeps_the_context):
    steps = steps_run_by(CPU_QUEUE)

    assert worker_context.start(Settings(), engines=None, steps=steps) is None

    context = worker_context.current()
    assert all(context.handler(step) is step.handler.load() for step in steps)

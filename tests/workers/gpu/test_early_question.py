"""The early question's speech engine is used only inside residency's call for it, and that call
never handles what the LLM's generation raises (its own call does)."""

import uuid
from datetime import UTC, datetime

import pytest

from rehearse.base.settings import Settings
from rehearse.contracts.interview_contract import FEEDBACK_SCHEMA
from rehearse.contracts.job_kinds import SPEECH
from rehearse.engines.residency import ModelSpec, Residency
from rehearse.engines.speech import SpeechEngine
from rehearse.runtime import worker_context
from rehearse.runtime.run_context import RunContext
from rehearse.runtime.worker_context import StepRun, WorkerContext
from rehearse.storage.rows import Job
from rehearse.workers.gpu.early_question import speaking


class Scopes(Residency):
    """The real residency manager, counting the calls open per model."""

    def __init__(self, specs: list[ModelSpec]) -> None:
        super().__init__(specs, budget_mb=1000)
        self.open: dict[str, int] = {}
        self.calls: dict[str, int] = {}

    def call(self, name, fn):
        self.open[name] = self.open.get(name, 0) + 1
        self.calls[name] = self.calls.get(name, 0) + 1
        try:
            return super().call(name, fn)
        finally:
            self.open[name] -= 1


def speech_spec() -> ModelSpec:
    return ModelSpec(SPEECH, lambda: SpeechEngine(edge_enabled=False), 0, True, "cpu")


@pytest.fixture
def run(monkeypatch):
    def make(residency: Residency) -> StepRun:
        settings = Settings(early_question_audio=True)
        monkeypatch.setattr(worker_context, "_current", WorkerContext(settings, residency))
        now = datetime.now(UTC)
        job = Job(
            id=uuid.uuid4(),
            kind="interview_turn",
            status="running",
            owner_id=uuid.uuid4(),
            params={},
            result=None,
            error=None,
            attempts=1,
            worker="gpu@test",
            created_at=now,
            started_at=now,
            finished_at=None,
            timings={},
            interview_id=uuid.uuid4(),
            erased_at=None,
        )
        return StepRun(job, {}, RunContext(), {}, settings)

    return make


def test_the_generation_runs_inside_the_speech_models_call(run):
    residency = Scopes([speech_spec()])
    seen = []

    def generate(ctx: RunContext) -> dict:
        seen.append(residency.open.get(SPEECH, 0))
        return {"json": {}}

    result, spoken = speaking(run(residency), FEEDBACK_SCHEMA, "en", "", generate)
    assert result == {"json": {}} and spoken is None  # no question streamed: none spoken early
    assert seen == [1] and residency.open[SPEECH] == 0


def test_out_of_memory_in_the_generation_is_not_retried_by_the_speech_call(run):
    residency = Scopes([speech_spec()])
    tries = []

    def generate(ctx: RunContext) -> dict:
        tries.append(ctx)
        raise MemoryError("out of memory")

    with pytest.raises(MemoryError):
        speaking(run(residency), FEEDBACK_SCHEMA, "en", "", generate)
    # Raised through the speech call, it would have evicted every model and run again.
    assert len(tries) == 1 and SPEECH in residency.resident


def test_without_a_speech_engine_the_generation_runs_as_it_is(run):
    residency = Scopes([])
    step = run(residency)
    contexts = []

    def generate(ctx: RunContext) -> dict:
        contexts.append(ctx)
        return {"json": {}}

    assert speaking(step, FEEDBACK_SCHEMA, "en", "", generate) == ({"json": {}}, None)
    assert contexts == [step.ctx]

"""The STAR check on the stack: a turn stores it in the feedback's shape, settled by the worker."""

import json
import uuid
from datetime import UTC, datetime

import jsonschema

from rehearse.base.settings import Settings
from rehearse.contracts.interview_contract import (
    STAR_PARTS,
    STORED_FEEDBACK_SCHEMA,
    TurnParams,
    TurnState,
)
from rehearse.runtime.run_context import RunContext
from rehearse.runtime.worker_context import StepRun
from rehearse.storage.rows import Job
from rehearse.workers.gpu.interview_llm import assess_answer
from tests.conftest import wait_job
from tests.interviews.answers import answer
from tests.workers.gpu.star_feedback import NEXT_QUESTION, written

NEW_TURN = {
    **STORED_FEEDBACK_SCHEMA,
    "required": [*STORED_FEEDBACK_SCHEMA["required"], "question_kind", "star"],
}
ANSWER = (
    "Last year our payment service became slow during a sales event. I added a cache, and "
    "the response time dropped to 400 milliseconds."
)


def test_each_turn_stores_the_question_kind_and_a_star_only_for_a_behavioural_one(
    client, interview
):
    kinds = []
    for _ in range(3):
        job = wait_job(client, answer(client, interview["id"]).json()["job_id"])
        assert job["status"] == "succeeded", job["error"]
        result = job["result"]
        feedback = result["feedback"]
        jsonschema.validate(feedback, NEW_TURN)
        kinds.append(feedback["question_kind"])
        assert isinstance(job["timings"]["llm_star_quotes_dropped"], int)
        if feedback["question_kind"] == "technical":
            assert feedback["star"] is None
        elif feedback["star"] is not None:
            assert set(feedback["star"]) == set(STAR_PARTS)  # jsonb keeps no key order
            for part in feedback["star"].values():
                assert part["covered"] == (part["quote"] is not None)
                assert part["quote"] is None or part["quote"] in result["transcript"]
    turns = client.get(f"/v1/interviews/{interview['id']}").json()["turns"]
    assert [t["feedback"] for t in turns] == [
        wait_job(client, t["job_id"])["result"]["feedback"] for t in turns
    ]
    print("question kinds written by the random-weight model:", kinds)


class Scripted:
    """An LLM that writes the given feedback: which kind a random-weight model picks is its own
    (always "behavioural" here), so the worker's side of a technical question is seen with this."""

    n_ctx = 4096

    def __init__(self, written: dict) -> None:
        self.written, self.prompts = written, []

    def count_tokens(self, messages) -> int:
        return sum(len(m.content) for m in messages) // 3

    def run(self, params, ctx: RunContext) -> dict:
        self.prompts.append(params.messages[0].content)
        usage = {"prompt_tokens": 100, "completion_tokens": 100}
        return {"text": json.dumps(self.written), "json": self.written, "finish_reason": "stop",
                "usage": usage}  # fmt: skip


def assess(interview_id: str, written: dict) -> tuple[dict, dict, Scripted]:
    """The turn's llm step on `written` for the interview's first answer: state, timings, LLM."""
    now = datetime.now(UTC)
    params = TurnParams(
        interview_id=interview_id,
        turn_id=uuid.uuid4(),
        number=1,
        question="Tell me about a time a service you owned became slow.",
        answer_artifact_id=uuid.uuid4(),
    )
    job = Job(
        id=uuid.uuid4(), kind="interview_turn", status="running", owner_id=uuid.uuid4(),
        params=params.model_dump(mode="json"), result=None, error=None, attempts=1,
        worker="gpu@test", created_at=now, started_at=now, finished_at=None, timings={},
        interview_id=uuid.UUID(interview_id), erased_at=None,
    )  # fmt: skip
    timings: dict = {}
    engine = Scripted(written)
    state = TurnState(transcript=ANSWER).model_dump()
    run = StepRun(job, state, RunContext(), timings, Settings(early_question_audio=False))
    return assess_answer(engine, run), timings, engine


STAR = {
    "situation": "our payment service became slow",
    "task": "I had to fix it before the next sale",  # never said
    "action": "I added a cache",
    "result": "",
}


def test_a_technical_question_stores_no_star_whatever_the_model_wrote(interview):
    state, timings, engine = assess(interview["id"], written("technical", STAR))
    assert state["feedback"]["question_kind"] == "technical"
    assert state["feedback"]["star"] is None
    assert timings["star_quotes_dropped"] == 0
    jsonschema.validate(state["feedback"], NEW_TURN)
    assert '"star"' in engine.prompts[0]  # the model is told what to write


def test_a_behavioural_answer_keeps_only_the_candidates_words(interview):
    state, timings, _ = assess(interview["id"], written("behavioural", STAR))
    assert state["feedback"]["star"] == {
        "situation": {"covered": True, "quote": "our payment service became slow"},
        "task": {"covered": False, "quote": None},
        "action": {"covered": True, "quote": "I added a cache"},
        "result": {"covered": False, "quote": None},
    }
    assert timings["star_quotes_dropped"] == 1
    assert state["next_question"] == NEXT_QUESTION
    jsonschema.validate(state["feedback"], NEW_TURN)

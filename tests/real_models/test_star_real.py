"""The STAR check on a real small model: its shape and the gate's guarantees, whatever it judges.

SmolLM2-135M is too weak to judge a question's kind or pick out a situation reliably, so this
asserts what the worker guarantees (the fields, a technical question's null star, quotes that
are the transcript's words) and prints what the model answered.
"""

import pytest

from rehearse.contracts.interview_contract import QUESTION_KINDS, STAR_PARTS
from tests.interviews.conftest import start
from tests.real_models.conftest import answer_aloud
from tests.real_models.samples import POSTING, RESUME

pytestmark = pytest.mark.real_models

BEHAVIOURAL = "Tell me about a time a service you owned became too slow. What did you do?"
STAR_ANSWER = (
    "Last year our payment service became slow during a big sale. "
    "My task was to make it fast again before the next sale. "
    "I found the slow queries and I added a cache for the product data. "
    "As a result the pages loaded in under one second."
)
TECHNICAL = "How would you find a slow query in PostgreSQL?"
TECHNICAL_ANSWER = "I would turn on the slow query log and run explain analyze on the query."


def assert_settled(turn: dict) -> dict:
    """The guarantees of a stored STAR check, whatever the model judged."""
    result, feedback = turn["result"], turn["result"]["feedback"]
    assert feedback["question_kind"] in QUESTION_KINDS
    star = feedback["star"]
    if feedback["question_kind"] == "technical":
        assert star is None
    if star is not None:
        assert set(star) == set(STAR_PARTS)
        for part in star.values():
            assert part["covered"] == (part["quote"] is not None)
            assert part["quote"] is None or part["quote"] in result["transcript"]
    print(
        f"\ntranscript: {result['transcript']}\nquestion_kind: {feedback['question_kind']}, "
        f"star: {star}, quotes dropped: {turn['timings']['llm_star_quotes_dropped']}, "
        f"regenerations: {turn['timings']['llm_regenerations']}, "
        f"llm_run_ms: {turn['timings']['llm_run_ms']}"
    )
    return feedback


def test_the_star_check_on_a_behavioural_then_a_technical_question(
    client, real_gpu, cpu_worker, db
):
    started = start(client, resume=RESUME, job_posting=POSTING, language="en", max_questions=2)
    assert started["job"]["status"] == "succeeded", started["job"]["error"]
    # The questions are set, not generated: a 135M model rarely asks for a story.
    db.execute(
        "UPDATE interviews SET opening_question = %s WHERE id = %s", (BEHAVIOURAL, started["id"])
    )
    first = answer_aloud(client, started["id"], STAR_ANSWER)
    assert_settled(first)
    db.execute(
        "UPDATE interview_turns SET next_question = %s WHERE interview_id = %s AND number = 1",
        (TECHNICAL, started["id"]),
    )
    second = answer_aloud(client, started["id"], TECHNICAL_ANSWER)
    assert second["result"]["next_question"] is None  # the last answer
    assert_settled(second)
    turns = client.get(f"/v1/interviews/{started['id']}").json()["turns"]
    assert [t["question"] for t in turns] == [BEHAVIOURAL, TECHNICAL]

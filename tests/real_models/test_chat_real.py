"""A real LLM (SmolLM2-135M-Instruct) behind the chat job: facts, schemas, integer ranges."""

import pytest

from tests.conftest import wait_job

pytestmark = pytest.mark.real_models

QUESTION = [{"role": "user", "content": "What is the capital of France? Answer with the city."}]
RANGE = {"type": "integer", "minimum": 1, "maximum": 5}


def chat(client, **body) -> dict:
    response = client.post("/v1/jobs/chat", json={"max_tokens": 24, **body})
    assert response.status_code == 202, response.text
    return response.json()


def test_a_plain_chat_answers_a_simple_fact(client, real_gpu):
    job = wait_job(client, chat(client, messages=QUESTION, temperature=0)["id"], 120)
    assert job["status"] == "succeeded", job["error"]
    assert "Paris" in job["result"]["text"]  # random weights never write this


def test_a_schema_chat_answers_in_valid_json_with_the_fact(client, real_gpu):
    schema = {
        "type": "object",
        "properties": {"city": {"type": "string", "maxLength": 20}},
        "required": ["city"],
        "additionalProperties": False,
    }
    job = chat(client, messages=QUESTION, temperature=0, json_schema=schema)
    job = wait_job(client, job["id"], 120)
    assert job["status"] == "succeeded", job["error"]
    assert job["result"]["json"]["city"].strip() == "Paris"


def test_an_integer_range_holds_in_every_run_even_when_asked_for_more(client, real_gpu):
    # The prompt asks for numbers outside the range: only the grammar keeps them in.
    ask = [{"role": "user", "content": "Pick a number between 10 and 99. Only the number."}]
    schema = {
        "type": "object",
        "properties": {"n": RANGE},
        "required": ["n"],
        "additionalProperties": False,
    }
    jobs = [
        chat(client, messages=ask, temperature=1.0, seed=seed, json_schema=schema)
        for seed in range(20)
    ]
    done = [wait_job(client, job["id"], 180) for job in jobs]
    assert [job["status"] for job in done] == ["succeeded"] * 20, [j["error"] for j in done]
    assert all(1 <= job["result"]["json"]["n"] <= 5 for job in done)


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "number", "minimum": 0, "maximum": 1},
        {"type": "integer", "minimum": 0},
        {"type": "array", "items": RANGE, "maxItems": 3, "uniqueItems": True},
    ],
)
def test_a_keyword_generation_cannot_enforce_fails_invalid_schema(client, real_gpu, schema):
    job = wait_job(client, chat(client, messages=QUESTION, json_schema=schema)["id"], 60)
    assert job["status"] == "failed"
    assert job["error"]["code"] == "invalid_schema"
    assert job["result"] is None

"""instructor unchanged against the OpenAI routes: its default tools mode, JSON mode and JSON
schema mode, each parsing on the first try (no re-asking)."""

from collections.abc import Iterator

import instructor
import pytest
from openai import OpenAI
from pydantic import BaseModel

from tests.openai.shapes import USER, Candidate


class Notes(BaseModel):
    """JSON mode holds the output to a JSON object, not to fields: here they are optional."""

    topic: str | None = None
    points: list[str] = []


@pytest.fixture
def oai_client(base_url: str, api_key: str) -> Iterator[OpenAI]:
    with OpenAI(base_url=base_url, api_key=api_key, max_retries=0, timeout=60) as client:
        yield client


def extract(client: instructor.Instructor, model: type[BaseModel], seed: int) -> BaseModel:
    return client.chat.completions.create(
        model="gpt-4o-mini", messages=USER, response_model=model, max_retries=0,
        max_tokens=1024, temperature=0.8, seed=seed,
    )  # fmt: skip


@pytest.mark.parametrize("seed", [0, 1])
def test_the_default_tools_mode_extracts_an_unbounded_model(oai_client, gpu_worker, seed):
    client = instructor.from_openai(oai_client)
    assert client.mode == instructor.Mode.TOOLS
    found = extract(client, Candidate, seed)
    assert isinstance(found, Candidate) and found.years >= 0


def test_json_mode_returns_an_object_it_parses(oai_client, gpu_worker):
    client = instructor.from_openai(oai_client, mode=instructor.Mode.JSON)
    assert isinstance(extract(client, Notes, 2), Notes)


def test_json_schema_mode_extracts_an_unbounded_model(oai_client, gpu_worker):
    client = instructor.from_openai(oai_client, mode=instructor.Mode.JSON_SCHEMA)
    assert isinstance(extract(client, Candidate, 3), Candidate)


def test_the_completion_behind_the_model_is_the_routes(oai_client, client, gpu_worker):
    found, completion = instructor.from_openai(
        oai_client
    ).chat.completions.create_with_completion(
        model="gpt-4o-mini", messages=USER, response_model=Candidate, max_retries=0,
        max_tokens=1024, seed=4,
    )  # fmt: skip
    assert completion.id.startswith("chatcmpl-")
    assert completion.choices[0].finish_reason == "tool_calls"
    call = completion.choices[0].message.tool_calls[0]
    assert Candidate.model_validate_json(call.function.arguments).model_dump() == found.model_dump()

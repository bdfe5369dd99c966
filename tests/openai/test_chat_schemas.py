"""Schemas as clients send them: unbounded strings and lists, ranges, patterns; a valid object
within max_tokens, `finish_reason: length` with the partial text when max_tokens is too small."""

import json

import jsonschema
import openai
import pytest

from tests.conftest import wait_job
from tests.openai.shapes import USER, Candidate


def schema_format(schema: dict, strict: bool | None = True) -> dict:
    return {"type": "json_schema", "json_schema": {"name": "x", "schema": schema, "strict": strict}}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_an_unbounded_pydantic_schema_gives_a_valid_object_within_max_tokens(oai, gpu_worker, seed):
    reply = oai.chat.completions.parse(
        model="gpt-4o-mini", messages=USER, response_format=Candidate, max_tokens=1024, seed=seed
    )
    assert reply.choices[0].finish_reason == "stop"
    assert isinstance(reply.choices[0].message.parsed, Candidate)
    assert reply.choices[0].message.parsed.years >= 0


def test_too_few_tokens_end_length_with_the_partial_text(oai, client, gpu_worker):
    schema = Candidate.model_json_schema()
    reply = oai.chat.completions.create(
        model="gpt-4o-mini", messages=USER, max_tokens=6, seed=1,
        response_format=schema_format(schema),
    )  # fmt: skip
    choice = reply.choices[0]
    assert choice.finish_reason == "length"
    assert choice.message.content.lstrip().startswith("{")
    with pytest.raises(ValueError):
        json.loads(choice.message.content)
    job = wait_job(client, reply.id.removeprefix("chatcmpl-"))
    assert job["status"] == "succeeded" and job["result"]["json"] is None
    assert job["result"]["usage"]["completion_tokens"] == 6
    # The SDK's parse() says so in its own way.
    with pytest.raises(openai.LengthFinishReasonError):
        oai.chat.completions.parse(
            model="gpt-4o-mini", messages=USER, response_format=Candidate, max_tokens=6, seed=1
        )


@pytest.mark.parametrize("strict", [True, False, None])
def test_strict_or_not_the_schema_holds(oai, gpu_worker, strict):
    schema = Candidate.model_json_schema()
    reply = oai.chat.completions.create(
        model="gpt-4o-mini", messages=USER, max_tokens=1024, seed=3,
        response_format=schema_format(schema, strict),
    )  # fmt: skip
    jsonschema.validate(json.loads(reply.choices[0].message.content), schema)


def test_ranges_and_patterns_hold(oai, gpu_worker):
    schema = {
        "type": "object",
        "properties": {
            "count": {"type": "integer", "minimum": 3},
            "below": {"type": "integer", "exclusiveMaximum": -20},
            "wide": {"type": "integer", "minimum": -50, "maximum": 5000},
            "share": {"type": "number", "minimum": 0, "maximum": 1},
            "code": {"type": "string", "pattern": "^[A-Z]{2}-[0-9]{3}$"},
            "tag": {"type": ["string", "null"], "maxLength": 8},
        },
        "required": ["count", "below", "wide", "share", "code", "tag"],
        "additionalProperties": False,
    }
    for seed in range(5):
        reply = oai.chat.completions.create(
            model="gpt-4o-mini", messages=USER, max_tokens=400, seed=seed,
            response_format=schema_format(schema),
        )  # fmt: skip
        assert reply.choices[0].finish_reason == "stop"
        jsonschema.validate(json.loads(reply.choices[0].message.content), schema)


def test_a_schema_with_its_own_definitions_and_recursion(oai, gpu_worker):
    schema = {
        "$defs": {
            "node": {
                "type": "object",
                "properties": {
                    "label": {"type": "string", "maxLength": 6},
                    "children": {"type": "array", "items": {"$ref": "#/$defs/node"}, "maxItems": 2},
                },
                "required": ["label", "children"],
                "additionalProperties": False,
            }
        },
        "$ref": "#/$defs/node",
    }
    reply = oai.chat.completions.create(
        model="gpt-4o-mini", messages=USER, max_tokens=2000, seed=4,
        response_format=schema_format(schema),
    )  # fmt: skip
    if reply.choices[0].finish_reason == "stop":  # a random tree may outgrow any budget
        jsonschema.validate(json.loads(reply.choices[0].message.content), schema)
    else:
        assert reply.choices[0].finish_reason == "length"

"""Schema checks for constrained chat: what is bounded, what is rejected, how output is judged."""

import pytest

pytest.importorskip("llama_cpp")

from rehearse.base.errors import JobError
from rehearse.engines.llama_schema import json_budget, parse_output

TEXT = {"type": "string", "maxLength": 40}


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "properties": {"a": {"type": "string"}}},
        {"type": "array", "items": TEXT},
        {"type": "object"},
        {},
        {"type": "object", "properties": {"a": TEXT}, "additionalProperties": True},
        {"type": "string", "pattern": "^[a-z]+$", "maxLength": 5},
        {"type": ["string", "null"], "maxLength": 5},  # the converter drops maxLength here
        {"$ref": "https://example.com/schema.json"},
        {"$defs": {"n": {"type": "array", "items": {"$ref": "#/$defs/n"}}}, "$ref": "#/$defs/n"},
        {"type": "nonsense"},
    ],
)
def test_unbounded_or_bad_schema_is_rejected(schema: dict) -> None:
    with pytest.raises(JobError) as info:
        json_budget(schema)
    assert info.value.code == "invalid_schema"


def test_budget_covers_every_bounded_string_and_item() -> None:
    schema = {
        "type": "object",
        "properties": {
            "score": {"enum": [1, 2, 3, 4, 5]},
            "tags": {"type": "array", "items": TEXT, "maxItems": 3},
            "when": {"type": "string", "format": "date"},
            "ok": {"type": "boolean"},
            "ref": {"$ref": "#/$defs/short"},
        },
        "$defs": {"short": {"type": "string", "maxLength": 10}},
    }
    budget = json_budget(schema)
    assert budget >= 3 * 40 + 10 + 10 + 5
    assert budget < 400


def test_parse_output_accepts_raw_newlines_and_checks_the_schema() -> None:
    schema = {"type": "object", "properties": {"s": {"enum": [1, 2]}}, "required": ["s"]}
    assert parse_output('{"s": 1}', schema) == {"s": 1}
    assert parse_output('{"s": 2, "x": "a\nb"}', schema)["x"] == "a\nb"
    for bad in ('{"s": 3}', '{"s": 1', ""):
        with pytest.raises(JobError) as info:
            parse_output(bad, schema)
        assert info.value.code == "invalid_output"

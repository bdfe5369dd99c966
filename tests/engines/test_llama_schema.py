"""Schema checks for constrained chat: what is bounded, what is rejected, how output is judged."""

import pytest

pytest.importorskip("llama_cpp")

from rehearse.base.errors import JobError
from rehearse.engines.llama_grammar import STRICT_CHAR, anchored, schema_gbnf
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


def test_unanchored_patterns_match_anywhere_inside_a_json_string() -> None:
    assert anchored("^[A-Z]{2}$") == "^[A-Z]{2}$"
    inner = r'[^"\\\x00-\x1F]*'
    assert anchored("ab|cd") == f"^{inner}(ab|cd){inner}$"
    assert anchored("^ab") == f"^(ab){inner}$"


def test_open_strings_are_strict_json_and_bounded_ones_stay_as_they_were() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "string", "maxLength": 3}}}
    assert STRICT_CHAR in schema_gbnf(schema)
    assert STRICT_CHAR not in schema_gbnf(schema, strict_strings=False)


@pytest.mark.parametrize(
    "schema",
    [
        {"$ref": "https://example.com/schema.json"},
        {"type": "nonsense"},
        {"type": "string", "pattern": "^(?:a)$"},
    ],
)
def test_a_schema_the_grammar_cannot_express_is_invalid_schema(schema: dict) -> None:
    with pytest.raises(JobError) as info:
        schema_gbnf(schema)
    assert info.value.code == "invalid_schema"


def test_a_root_reference_with_recursion_converts() -> None:
    node = {
        "type": "object",
        "properties": {"kids": {"type": "array", "items": {"$ref": "#/$defs/n"}}},
    }
    assert "kids" in schema_gbnf({"$defs": {"n": node}, "$ref": "#/$defs/n"})

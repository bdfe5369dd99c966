"""Which schema keywords generation enforces: integer ranges become enums, the rest refused."""

import pytest

from rehearse.base.errors import JobError
from rehearse.contracts.schema_keywords import MAX_RANGE, for_grammar


def test_an_integer_range_becomes_the_enum_of_its_values():
    schema = {"type": "integer", "minimum": 1, "maximum": 5}
    assert for_grammar(schema) == {"type": "integer", "enum": [1, 2, 3, 4, 5]}


def test_exclusive_bounds_and_an_enum_narrow_the_range():
    schema = {"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10, "enum": [0, 3, 9]}
    assert for_grammar(schema)["enum"] == [3, 9]


def test_ranges_inside_objects_arrays_and_definitions_are_rewritten():
    score = {"type": "integer", "minimum": 0, "maximum": 2}
    schema = {
        "type": "object",
        "properties": {"a": score, "b": {"type": "array", "items": score, "maxItems": 2}},
        "$defs": {"s": score},
        "anyOf": [score],
    }
    out = for_grammar(schema)
    assert out["properties"]["a"]["enum"] == [0, 1, 2]
    assert out["properties"]["b"]["items"]["enum"] == [0, 1, 2]
    assert out["$defs"]["s"]["enum"] == out["anyOf"][0]["enum"] == [0, 1, 2]
    assert schema["properties"]["a"] == score  # the caller's schema is left as it was


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "number", "minimum": 0.5, "maximum": 2},
        {"type": "integer", "minimum": 0},  # one-sided: unbounded
        {"type": "integer", "minimum": 0, "maximum": MAX_RANGE},  # MAX_RANGE + 1 values
        {"type": "integer", "minimum": 5, "maximum": 1},
        {"type": "integer", "minimum": 1, "maximum": 3, "enum": [7]},
        {"type": "array", "items": {"type": "string", "maxLength": 3}, "uniqueItems": True},
        {"type": "integer", "multipleOf": 2, "minimum": 0, "maximum": 10},
        {"type": "object", "properties": {"a": {"type": "string", "maxLength": 3}}, "x-y": 1},
    ],
)
def test_what_generation_cannot_enforce_is_invalid_schema(schema):
    with pytest.raises(JobError) as info:
        for_grammar(schema)
    assert info.value.code == "invalid_schema"


def test_annotations_are_allowed_and_kept():
    schema = {"type": "string", "maxLength": 4, "title": "t", "description": "d"}
    assert for_grammar(schema) == schema


def test_a_list_of_types_becomes_one_branch_per_type_keeping_its_keywords():
    schema = {"type": ["string", "null"], "maxLength": 5, "description": "d"}
    assert for_grammar(schema) == {
        "anyOf": [
            {"type": "string", "maxLength": 5, "description": "d"},
            {"type": "null", "maxLength": 5, "description": "d"},
        ]
    }


BOUNDS = {"minimum": 0, "maximum": 1}


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "integer", "minimum": 0}, {"type": "integer", "minimum": 0}),
        ({"type": "integer", "exclusiveMaximum": 0}, {"type": "integer", "maximum": -1}),
        ({"type": "integer", "minimum": 0.5, "maximum": 2.5}, {"type": "integer", "enum": [1, 2]}),
        ({"type": "integer", "maximum": 10**6}, {"type": "integer", "maximum": 10**6}),
        ({"type": "number", "minimum": 0.0, "maximum": 1.0}, {"type": "number", **BOUNDS}),
        ({"type": "string", "pattern": "^[a-z]+$"}, {"type": "string", "pattern": "^[a-z]+$"}),
        ({"type": "integer", "minimum": 5, "enum": [1, 7, 9]}, {"type": "integer", "enum": [7, 9]}),
    ],
)  # fmt: skip
def test_open_schemas_keep_what_the_engines_grammar_expresses(schema, expected):
    assert for_grammar(schema, bounded=False) == expected


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "number", "minimum": 0.5},
        {"type": "number", "exclusiveMinimum": 0},
        {"type": "integer", "minimum": 5, "maximum": 1},
        {"type": "string", "pattern": "^a+$", "maxLength": 4},
        {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
        {"type": "object", "minProperties": 1},
        {"type": "object", "properties": {"a": {"not": {"type": "null"}}}},
    ],
)
def test_open_schemas_still_refuse_what_no_grammar_here_holds(schema):
    with pytest.raises(JobError) as info:
        for_grammar(schema, bounded=False)
    assert info.value.code == "invalid_schema"


def test_pattern_and_open_ranges_stay_refused_for_bounded_schemas():
    for schema in ({"type": "string", "pattern": "^a$"}, {"type": "integer", "minimum": 0}):
        with pytest.raises(JobError):
            for_grammar(schema)


@pytest.mark.parametrize("bound", [float("inf"), float("nan"), "3", True])
def test_a_bound_that_is_no_finite_number_is_invalid_schema(bound):
    for kind in ("integer", "number"):
        with pytest.raises(JobError):
            for_grammar({"type": kind, "minimum": bound}, bounded=False)

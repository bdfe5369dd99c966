"""Which JSON-schema keywords generation enforces; integer ranges become enums it can enforce.

llama-cpp-python's grammar converter silently ignores keywords it does not know (`minimum`,
`uniqueItems`, `multipleOf`...), so output would break them at random and fail
`invalid_output`. A schema using any keyword outside ENFORCED or ANNOTATIONS is refused up
front with `invalid_schema` instead; an integer range of at most MAX_RANGE values is rewritten
as the equivalent `enum`, which the grammar does enforce.
"""

from typing import Any

from rehearse.base.errors import JobError

ENFORCED = frozenset(
    {
        "type", "properties", "required", "additionalProperties", "items", "prefixItems",
        "minItems", "maxItems", "minLength", "maxLength", "enum", "const", "anyOf", "oneOf",
        "allOf", "$ref", "$defs", "definitions", "format",
        # integers only, through the enum rewrite below
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    }
)  # fmt: skip
ANNOTATIONS = frozenset(
    {"title", "description", "default", "examples", "$schema", "$id", "$comment", "deprecated"}
)
MAX_RANGE = 1000  # values an integer range may span (the enum grows with it)
_RANGE = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
_SCHEMA_MAPS = ("properties", "$defs", "definitions")
_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")


def for_grammar(schema: Any, path: str = "") -> Any:
    """`schema` with integer ranges as enums; JobError("invalid_schema") for what cannot hold."""
    if not isinstance(schema, dict):
        return schema
    unknown = set(schema) - ENFORCED - ANNOTATIONS
    if unknown:
        raise JobError(
            "invalid_schema",
            f"{path or '/'}: {', '.join(sorted(unknown))} cannot be enforced during generation "
            f"(supported: {', '.join(sorted(ENFORCED))})",
        )
    out = dict(schema)
    for key in _SCHEMA_MAPS:
        if isinstance(schema.get(key), dict):
            out[key] = {k: for_grammar(v, f"{path}/{k}") for k, v in schema[key].items()}
    for key in _SCHEMA_LISTS:
        if isinstance(schema.get(key), list):
            out[key] = [for_grammar(v, f"{path}/{key}/{i}") for i, v in enumerate(schema[key])]
    if isinstance(schema.get("items"), dict):
        out["items"] = for_grammar(schema["items"], f"{path}/items")
    if any(k in schema for k in _RANGE):
        out = _range_as_enum(out, path)
    return out


def _range_as_enum(node: dict[str, Any], path: str) -> dict[str, Any]:
    if node.get("type") != "integer":
        raise JobError(
            "invalid_schema",
            f"{path or '/'}: minimum and maximum are enforced on integers only, "
            f"not on {node.get('type')}",
        )
    low, high = node.get("minimum"), node.get("maximum")
    if "exclusiveMinimum" in node:
        low = (
            node["exclusiveMinimum"] + 1 if low is None else max(low, node["exclusiveMinimum"] + 1)
        )
    if "exclusiveMaximum" in node:
        high = (
            node["exclusiveMaximum"] - 1
            if high is None
            else min(high, node["exclusiveMaximum"] - 1)
        )
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (low, high)):
        raise JobError(
            "invalid_schema",
            f"{path or '/'}: an integer range needs integer lower and upper bounds",
        )
    if not 0 < high - low + 1 <= MAX_RANGE:
        raise JobError(
            "invalid_schema",
            f"{path or '/'}: an integer range must hold 1 to {MAX_RANGE} values, not {low}..{high}",
        )
    allowed = [v for v in range(low, high + 1) if "enum" not in node or v in node["enum"]]
    if not allowed:
        raise JobError("invalid_schema", f"{path or '/'}: no value of the enum is in range")
    rest = {k: v for k, v in node.items() if k not in _RANGE}
    return {**rest, "enum": allowed}

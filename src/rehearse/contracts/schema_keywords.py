"""Which JSON-schema keywords generation enforces; integer ranges become enums it can enforce.

llama-cpp-python's grammar converter silently ignores keywords it does not know (`minimum`,
`uniqueItems`, `multipleOf`...), so output would break them at random and fail
`invalid_output`. A schema using any keyword outside ENFORCED or ANNOTATIONS is refused up
front with `invalid_schema` instead; an integer range of at most MAX_RANGE values is rewritten
as the equivalent `enum`, which the grammar does enforce. A list of types becomes an `anyOf`
of one type each, so keywords such as `maxLength` still hold on their type.

Open schemas (`bounded=False`, the OpenAI routes) may also use what the engine's own grammar
rules express (engines.llama_grammar): `pattern`, integer ranges of any size or one-sided, and
number ranges with whole, inclusive bounds.
"""

import math
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
OPEN_ONLY = frozenset({"pattern"})
ANNOTATIONS = frozenset(
    {
        "title", "description", "default", "examples", "$schema", "$id", "$comment",
        "deprecated", "readOnly", "writeOnly", "discriminator",
    }
)  # fmt: skip
MAX_RANGE = 1000  # values an integer range may span (the enum grows with it)
_RANGE = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
_SCHEMA_MAPS = ("properties", "$defs", "definitions")
_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")


def for_grammar(schema: Any, path: str = "", *, bounded: bool = True) -> Any:
    """`schema` with integer ranges as enums; JobError("invalid_schema") for what cannot hold."""
    if not isinstance(schema, dict):
        return schema
    allowed = ENFORCED | ANNOTATIONS | (frozenset() if bounded else OPEN_ONLY)
    unknown = set(schema) - allowed
    if unknown:
        raise _invalid(
            path,
            f"{', '.join(sorted(unknown))} cannot be enforced during generation "
            f"(supported: {', '.join(sorted(allowed - ANNOTATIONS))})",
        )
    if isinstance(schema.get("type"), list):
        rest = {k: v for k, v in schema.items() if k != "type"}
        split = {"anyOf": [{**rest, "type": kind} for kind in schema["type"]]}
        return for_grammar(split, path, bounded=bounded)
    out = dict(schema)
    for key in _SCHEMA_MAPS:
        if isinstance(schema.get(key), dict):
            out[key] = {
                k: for_grammar(v, f"{path}/{k}", bounded=bounded) for k, v in schema[key].items()
            }
    for key in _SCHEMA_LISTS:
        if isinstance(schema.get(key), list):
            out[key] = [
                for_grammar(v, f"{path}/{key}/{i}", bounded=bounded)
                for i, v in enumerate(schema[key])
            ]
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            out[key] = for_grammar(schema[key], f"{path}/{key}", bounded=bounded)
    if "pattern" in schema and ({"minLength", "maxLength"} & set(schema)):
        raise _invalid(path, "pattern cannot be enforced together with minLength or maxLength")
    if any(k in schema for k in _RANGE):
        out = _range(out, path, bounded)
    return out


def _invalid(path: str, why: str) -> JobError:
    return JobError("invalid_schema", f"{path or '/'}: {why}")


def _range(node: dict[str, Any], path: str, bounded: bool) -> dict[str, Any]:
    kind = node.get("type")
    if kind == "number" and not bounded:
        return _number_range(node, path)
    if kind != "integer":
        raise _invalid(path, f"minimum and maximum are enforced on integers only, not on {kind}")
    low, high = _integer_bounds(node, path)
    rest = {k: v for k, v in node.items() if k not in _RANGE}
    if low is not None and high is not None and high < low:
        raise _invalid(path, f"no integer lies in {low}..{high}")
    if low is not None and high is not None and high - low + 1 <= MAX_RANGE:
        allowed = [v for v in range(low, high + 1) if "enum" not in node or v in node["enum"]]
        if not allowed:
            raise _invalid(path, "no value of the enum is in range")
        return {**rest, "enum": allowed}
    if bounded:
        if low is None or high is None:
            raise _invalid(path, "an integer range needs integer lower and upper bounds")
        raise _invalid(
            path, f"an integer range must hold 1 to {MAX_RANGE} values, not {low}..{high}"
        )
    if "enum" in node:
        if not (allowed := [v for v in node["enum"] if _within(v, low, high)]):
            raise _invalid(path, "no value of the enum is in range")
        return {**rest, "enum": allowed}
    bounds = {"minimum": low, "maximum": high}
    return {**rest, **{k: v for k, v in bounds.items() if v is not None}}


def _integer_bounds(node: dict[str, Any], path: str) -> tuple[int | None, int | None]:
    """Inclusive integer bounds; a non-number bound is refused."""
    lows, highs = [], []
    for key, shift, into, rounding in (
        ("minimum", 0, lows, math.ceil),
        ("exclusiveMinimum", 1, lows, math.floor),
        ("maximum", 0, highs, math.floor),
        ("exclusiveMaximum", -1, highs, math.ceil),
    ):
        if key in node:
            value = node[key]
            if not _finite(value):
                raise _invalid(path, f"{key} must be a finite number")
            into.append(rounding(value) + shift)
    return (max(lows) if lows else None), (min(highs) if highs else None)


def _finite(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return isinstance(value, int) or math.isfinite(value)


def _within(value: Any, low: int | None, high: int | None) -> bool:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    return (low is None or value >= low) and (high is None or value <= high)


def _number_range(node: dict[str, Any], path: str) -> dict[str, Any]:
    """Number bounds the grammar can hold: whole and inclusive (digits then any fraction)."""
    for key in ("exclusiveMinimum", "exclusiveMaximum"):
        if key in node:
            raise _invalid(path, f"{key} cannot be enforced on numbers (use minimum, maximum)")
    for key in ("minimum", "maximum"):
        value = node.get(key, 0)
        if not _finite(value):
            raise _invalid(path, f"{key} must be a finite number")
        if isinstance(value, float) and not value.is_integer():
            raise _invalid(path, f"{key} {value} cannot be enforced: number bounds must be whole")
    if node.get("minimum", -math.inf) > node.get("maximum", math.inf):
        raise _invalid(path, "minimum is above maximum")
    return {k: (int(v) if k in _RANGE else v) for k, v in node.items()}

"""JSON-schema checks for constrained chat: reject unbounded schemas, size the token budget.

llama-cpp-python turns a schema into a grammar, but an unbounded string or array lets a
model ramble until `max_tokens`, and anything its converter cannot handle silently falls
back to "any JSON". So a schema is accepted only when the longest output its grammar
allows is finite; that length (in characters, about one token each) sizes `max_tokens`.
"""

import json
from typing import Any

import jsonschema

from rehearse.base.errors import JobError

# Longest text of the converter's fixed rules: 16 digits, sign, fraction, exponent.
_PRIMITIVE_CHARS = {"integer": 18, "number": 52, "boolean": 6, "null": 5}
_FORMAT_CHARS = 40  # quoted date, time, date-time or uuid, plus the optional space
_MAX_DEPTH = 32  # deeper than this means a recursive $ref


class _Unbounded(Exception):
    def __init__(self, path: str, why: str) -> None:
        super().__init__(f"{path or '/'}: {why}")


def json_budget(schema: dict[str, Any]) -> int:
    """Token bound of any output the schema's grammar allows; JobError("invalid_schema") if none."""
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    try:
        jsonschema.validators.validator_for(schema).check_schema(schema)
        chars = _bound(schema, schema, "", 0)
        json_schema_to_gbnf(json.dumps(schema))  # fails where the library would fall back
    except jsonschema.SchemaError as e:
        raise JobError("invalid_schema", f"not a valid JSON schema: {e.message}") from e
    except _Unbounded as e:
        raise JobError(
            "invalid_schema",
            f"output must be bounded: {e} (give every string maxLength or enum, "
            "every array items and maxItems, every object properties)",
        ) from e
    except Exception as e:
        raise JobError("invalid_schema", f"schema not supported for generation: {e}") from e
    return chars + 1  # the end-of-turn token


def _bound(node: Any, root: dict[str, Any], path: str, depth: int) -> int:
    """Most characters the converter's grammar lets `node` produce, mirroring its branches."""
    if depth > _MAX_DEPTH:
        raise _Unbounded(path, "schema is recursive")
    if not isinstance(node, dict) or not node:
        raise _Unbounded(path, "any value is allowed")
    kind = node.get("type")
    if (ref := node.get("$ref")) is not None:
        return _bound(_resolve(root, ref, path), root, ref, depth + 1)
    if "oneOf" in node or "anyOf" in node:
        options = node.get("oneOf") or node["anyOf"]
        return max(_bound(o, root, f"{path}/anyOf/{i}", depth + 1) for i, o in enumerate(options))
    if isinstance(kind, list):
        # The converter keeps only the type names, dropping maxLength and the like.
        return max(_bound({"type": t}, root, path, depth + 1) for t in kind)
    if "const" in node:
        return len(json.dumps(node["const"])) + 1
    if "enum" in node:
        return max(len(json.dumps(v)) for v in node["enum"]) + 1
    if kind in (None, "object") and ("properties" in node or "additionalProperties" in node):
        if node.get("additionalProperties", False) is not False:
            raise _Unbounded(path, "additionalProperties allows any number of keys")
        total = 3  # braces and a space
        for key, sub in node.get("properties", {}).items():
            total += len(json.dumps(key)) + 4 + _bound(sub, root, f"{path}/{key}", depth + 1)
        return total
    if kind in (None, "object") and "allOf" in node:
        parts = node["allOf"]
        return sum(_bound(p, root, f"{path}/allOf/{i}", depth + 1) for i, p in enumerate(parts))
    if kind in (None, "array") and ("items" in node or "prefixItems" in node):
        items = node.get("items") or node["prefixItems"]
        if isinstance(items, list):
            subs = [_bound(s, root, f"{path}/{i}", depth + 1) for i, s in enumerate(items)]
            return 3 + sum(s + 2 for s in subs)
        if "maxItems" not in node:
            raise _Unbounded(path, "array has no maxItems")
        item = _bound(items, root, f"{path}/items", depth + 1)
        return 3 + node["maxItems"] * (item + 2)
    if kind in (None, "string") and "pattern" in node:
        raise _Unbounded(path, "pattern is not supported (its length is not checked)")
    if kind in (None, "string") and node.get("format") in ("date", "time", "date-time", "uuid"):
        return _FORMAT_CHARS
    if kind == "string":
        if "maxLength" not in node:
            raise _Unbounded(path, "string has no maxLength")
        return node["maxLength"] + 3  # quotes and a space; one token per character assumed
    if kind in _PRIMITIVE_CHARS:
        return _PRIMITIVE_CHARS[kind]
    raise _Unbounded(path, f"type {kind!r} without properties, items or enum is unbounded")


def _resolve(root: dict[str, Any], ref: str, path: str) -> Any:
    """Follow a local `#/...` pointer; remote references are never fetched."""
    if not ref.startswith("#/"):
        raise _Unbounded(path, f"only local $ref are allowed, not {ref!r}")
    node: Any = root
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            raise _Unbounded(path, f"$ref {ref!r} does not resolve")
        node = node[part]
    return node


def parse_output(text: str, schema: dict[str, Any]) -> Any:
    """The generated JSON, validated; JobError("invalid_output") when it is not."""
    try:
        # The grammar lets raw control characters (newlines) into strings: accept them.
        value = json.loads(text, strict=False)
    except ValueError as e:
        raise JobError("invalid_output", f"model output is not JSON: {e}") from e
    error = jsonschema.exceptions.best_match(
        jsonschema.validators.validator_for(schema)(schema).iter_errors(value)
    )
    if error is not None:
        raise JobError("invalid_output", f"model output does not match the schema: {error.message}")
    return value

"""JSON schema -> llama.cpp grammar (GBNF): the library's converter, plus what it leaves out.

llama-cpp-python's converter turns a schema into GBNF but ignores `minimum`/`maximum` and
asserts on unanchored patterns; its subclass here writes number ranges (engines.number_rules)
and anchors patterns (the schema's `pattern` matches anywhere, as JSON Schema says). A grammar
llama.cpp cannot parse would crash the sampler chain, so `checked()` parses it first.
"""

import copy
import functools
from typing import TYPE_CHECKING, Any

import jsonschema

from rehearse.base.errors import JobError
from rehearse.engines.number_rules import integer_rule, number_rule

if TYPE_CHECKING:
    from llama_cpp import Llama, LlamaGrammar

# Any text that does not open a tool-call array: the `auto` choice's other branch.
TEXT_RULE = r"text ::= ([^\[ \t\r\n] [^\x00]*)?"
# A JSON string's character: the library's rule lets raw control characters (newlines) in,
# which strict parsers (pydantic, JavaScript's JSON.parse) refuse.
STRICT_CHAR = r'[^"\\\x00-\x1F] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F]{4})'
_INNER = r'[^"\\\x00-\x1F]*'  # around an unanchored pattern, inside a JSON string
_NOT_PLAIN = frozenset({"$ref", "anyOf", "oneOf", "allOf", "const", "enum"})


def anchored(pattern: str) -> str:
    """The pattern as the converter needs it, `^...$`, matching where JSON Schema's would."""
    start = pattern.startswith("^")
    end = pattern.endswith("$") and not pattern.endswith("\\$")
    if start and end:
        return pattern
    core = pattern[1 if start else 0 : -1 if end else None]
    return f"^{'' if start else _INNER}({core}){'' if end else _INNER}$"


@functools.cache
def _converter(strict_strings: bool) -> type:
    from llama_cpp.llama_grammar import RESERVED_NAMES, BuiltinRule, SchemaConverter

    class Converter(SchemaConverter):  # type: ignore[misc]
        def _add_primitive(self, name: str, rule: Any) -> str:
            if name == "char" and strict_strings:
                rule = BuiltinRule(STRICT_CHAR, [])
            return super()._add_primitive(name, rule)

        def visit(self, schema: dict[str, Any], name: str) -> str:
            rule = f"{name}-" if name in RESERVED_NAMES else name or "root"
            kind = schema.get("type")
            plain = not (_NOT_PLAIN & set(schema))
            if plain and kind in ("integer", "number") and {"minimum", "maximum"} & set(schema):
                write = integer_rule if kind == "integer" else number_rule
                return self._add_rule(
                    rule, write(schema.get("minimum"), schema.get("maximum")) + " space"
                )
            if plain and kind in (None, "string") and "pattern" in schema:
                return self._visit_pattern(anchored(schema["pattern"]), rule)
            return super().visit(schema, name)

    return Converter


def schema_gbnf(schema: Any, strict_strings: bool = True) -> str:
    """GBNF of a schema `for_grammar` accepted; JobError("invalid_schema") if it has none.

    `strict_strings=False` keeps the library's strings, which may hold raw newlines (what the
    interview's bounded schemas always had; engines.llama_schema.parse_output accepts them).
    """
    try:
        jsonschema.validators.validator_for(schema).check_schema(schema)
    except jsonschema.SchemaError as e:
        raise JobError("invalid_schema", f"not a valid JSON schema: {e.message}") from e
    if not isinstance(schema, dict):
        raise JobError("invalid_schema", "a schema must be a JSON object")
    if "$ref" in schema and "anyOf" not in schema:
        # The converter resolves no reference under a node that has one: move the root's.
        schema = {k: v for k, v in schema.items() if k != "$ref"} | {
            "anyOf": [{"$ref": schema["$ref"]}]
        }
    make = _converter(strict_strings)
    converter = make(prop_order={}, allow_fetch=False, dotall=False, raw_pattern=False)
    try:
        converter.visit(converter.resolve_refs(copy.deepcopy(schema), "input"), "")
    except Exception as e:  # the converter asserts, raises KeyError or ValueError
        raise JobError("invalid_schema", f"schema not supported for generation: {e}") from e
    return converter.format_grammar()


def or_text(gbnf: str) -> str:
    """`gbnf`'s output, or text that does not start like it (`[`), as one grammar."""
    lines = [
        "tool-calls ::=" + line.removeprefix("root ::=") if line.startswith("root ::=") else line
        for line in gbnf.splitlines()
    ]
    return "\n".join(["root ::= tool-calls | text", *lines, TEXT_RULE])


def checked(llm: "Llama", gbnf: str) -> "LlamaGrammar":
    """The grammar, once llama.cpp parsed it (a grammar it refuses would crash generation)."""
    import llama_cpp
    from llama_cpp import LlamaGrammar

    # The library adds a sampler without checking it; a NULL one is a segfault later.
    sampler = llama_cpp.llama_sampler_init_grammar(llm._model.vocab, gbnf.encode("utf-8"), b"root")
    if not sampler:
        raise JobError("invalid_schema", "schema not supported for generation: grammar refused")
    llama_cpp.llama_sampler_free(sampler)
    return LlamaGrammar.from_string(gbnf, verbose=False)

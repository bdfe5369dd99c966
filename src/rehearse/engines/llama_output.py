"""What a chat job's output must be: its prompt, grammar and token budget, then its result.

`plan()` reads the ChatParams once: the messages as the template takes them (tools offered in
the system message), the grammar (a JSON schema, any JSON object, tool calls, or calls-or-text
for `auto`), and max_tokens (raised to a bounded schema's bound). `Plan.finish()` turns the
generated text into the result's `json`, `tool_calls` and `finish_reason`.
"""

from dataclasses import dataclass, field
from typing import Any

from rehearse.base.errors import JobError
from rehearse.contracts.jobs import ChatParams
from rehearse.contracts.schema_keywords import for_grammar
from rehearse.engines.llama_grammar import or_text, schema_gbnf
from rehearse.engines.llama_schema import json_budget, parse_output
from rehearse.engines.llama_tools import calls_schema, rebased, render, tools_prompt
from rehearse.engines.tool_call_reader import CallReader


@dataclass
class Plan:
    messages: list[dict[str, str]]
    max_tokens: int
    gbnf: str | None = None
    budget: int | None = None
    """The bounded schema's token bound, when it raised max_tokens."""
    reader: CallReader | None = None
    schema: Any = None
    """The schema the JSON output is checked against (as the client gave it)."""
    bounded: bool = True
    parameters: dict[str, Any] = field(default_factory=dict)
    """Each offered tool's parameters schema, by name."""

    def finish(self, text: str, finish_reason: str, completion_tokens: int) -> dict[str, Any]:
        """The result's `json`, `finish_reason` and, for calls, `tool_calls`."""
        if self.reader is not None and self.reader.mode == "calls":
            calls = self.reader.tool_calls()
            if finish_reason == "stop":
                for call in calls:
                    fn = call["function"]
                    parse_output(fn["arguments"], self.parameters[fn["name"]])
                finish_reason = "tool_calls"
            return {"json": None, "finish_reason": finish_reason, "tool_calls": calls}
        out: dict[str, Any] = {"json": None, "finish_reason": finish_reason}
        if self.schema is not None and finish_reason == "stop":
            out["json"] = parse_output(text, self.schema)
        elif self.schema is not None and self.bounded:
            raise JobError(
                "invalid_output", f"JSON output was cut off after {completion_tokens} tokens"
            )
        return out


def plan(params: ChatParams) -> Plan:
    """The prompt, grammar and budget of `params`; JobError("invalid_schema") if no grammar."""
    from llama_cpp.llama_grammar import JSON_GBNF

    choice = params.calling
    tools = params.tools if choice != "none" else []
    prompt = tools_prompt(tools, choice) if tools else None
    out = Plan(render(params.messages, prompt), params.max_tokens, bounded=params.bounded_output)
    schema = None
    if params.json_schema is not None:
        schema = for_grammar(params.json_schema, bounded=params.bounded_output)
        out.schema = params.json_schema
        if params.bounded_output and not tools:
            out.budget = json_budget(schema)
            # A cut-off JSON answer is always a failure, so the schema's bound is a floor.
            out.max_tokens = max(out.max_tokens, out.budget)
        out.gbnf = schema_gbnf(schema, strict_strings=not params.bounded_output)
    elif params.json_object:
        out.gbnf = JSON_GBNF
    if not tools:
        return out
    calls = calls_schema(tools, choice, params.parallel_tool_calls)
    out.parameters = {t.function.name: t.function.parameters for t in tools}
    out.reader = CallReader(auto=choice == "auto")
    if choice != "auto":
        out.gbnf = schema_gbnf(calls)
    elif schema is None and not params.json_object:
        out.gbnf = or_text(schema_gbnf(calls))
    else:
        # Calls (an array) or the JSON answer (an object): the first character tells them apart.
        if schema is not None and schema.get("type", "object") != "object":
            raise JobError("invalid_schema", "with tools, a json_schema must describe an object")
        answer = rebased(schema, "answer") if schema is not None else {"answer": {"type": "object"}}
        defs = {**calls.pop("$defs"), **answer}
        out.gbnf = schema_gbnf({"anyOf": [calls, {"$ref": "#/$defs/answer"}], "$defs": defs})
    return out

"""Tool calls as generated text: the prompt that offers the tools, and the grammar of a call.

A model answers calls as one JSON array, `[{"name": ..., "arguments": {...}}]`, held by a
grammar to the offered names and each tool's `parameters`; with `auto` the grammar also allows
text that does not start with `[`. The tools are described in the system message (chat
templates differ in how, or whether, they render tools), and earlier calls are written back
into assistant turns in the same array form, so the model sees its own calls as it wrote them.
"""

import json
from typing import Any

from rehearse.contracts.chat_tools import NamedToolChoice, ToolCall, ToolChoice, ToolSpec
from rehearse.contracts.jobs import ChatMessage
from rehearse.contracts.schema_keywords import for_grammar

_HOW = (
    'To call tools, reply with only a JSON array of calls: [{"name": "<tool name>", '
    '"arguments": {<arguments>}}].'
)


def offered(tools: list[ToolSpec], choice: ToolChoice) -> list[ToolSpec]:
    """The tools a call may name under `choice`."""
    if isinstance(choice, NamedToolChoice):
        return [tool for tool in tools if tool.function.name == choice.function.name]
    return tools


def tools_prompt(tools: list[ToolSpec], choice: ToolChoice) -> str:
    """The system message's part that offers the tools and says how to call them."""
    lines = ["You can call these tools:"]
    for tool in tools:
        fn = tool.function
        about = f": {fn.description}" if fn.description else ""
        lines.append(f"- {fn.name}{about}\n  arguments: {json.dumps(fn.parameters)}")
    if isinstance(choice, NamedToolChoice):
        lines.append(f"{_HOW} Call {choice.function.name} now.")
    elif choice == "required":
        lines.append(f"{_HOW} Reply with tool calls only.")
    else:
        lines.append(f"{_HOW} Otherwise reply with text.")
    return "\n".join(lines)


def calls_text(calls: list[ToolCall]) -> str:
    """Earlier calls in the array form the model writes them in."""
    written = []
    for call in calls:
        try:
            arguments: Any = json.loads(call.function.arguments)
        except ValueError:
            arguments = call.function.arguments
        written.append({"name": call.function.name, "arguments": arguments})
    return json.dumps(written, ensure_ascii=False)


def render(messages: list[ChatMessage], prompt: str | None) -> list[dict[str, str]]:
    """Messages as the chat template takes them: calls written into assistant turns, and the
    tools' `prompt` added to the first system message (or one put first)."""
    out = []
    for m in messages:
        content = m.content
        if m.tool_calls:
            written = calls_text(m.tool_calls)
            content = f"{content}\n{written}" if content else written
        out.append({"role": m.role, "content": content})
    if prompt:
        if out and out[0]["role"] == "system":
            out[0] = {"role": "system", "content": f"{out[0]['content']}\n\n{prompt}"}
        else:
            out.insert(0, {"role": "system", "content": prompt})
    return out


def calls_schema(tools: list[ToolSpec], choice: ToolChoice, parallel: bool) -> dict[str, Any]:
    """The JSON schema of a call array: one object per call, naming an offered tool."""
    defs: dict[str, Any] = {}
    branches = []
    for i, tool in enumerate(offered(tools, choice)):
        fn = tool.function
        enforced = for_grammar(fn.parameters, f"/tools/{i}/function/parameters", bounded=False)
        defs.update(rebased(enforced, f"tool{i}"))
        arguments = {"$ref": f"#/$defs/tool{i}"}
        branches.append(
            {
                "type": "object",
                "properties": {"name": {"const": fn.name}, "arguments": arguments},
                "required": ["name", "arguments"],
                "additionalProperties": False,
            }
        )
    one = isinstance(choice, NamedToolChoice) or not parallel
    schema = {
        "type": "array",
        "items": branches[0] if len(branches) == 1 else {"anyOf": branches},
        "minItems": 1,
        **({"maxItems": 1} if one else {}),
        "$defs": defs,
    }
    return schema


def rebased(schema: Any, key: str) -> dict[str, Any]:
    """`schema` as `$defs/<key>` of another, its own definitions beside it as `<key>-<name>`.

    The converter names a referenced rule after the reference's last part and reuses a rule of
    that name: two tools each defining `Item` would share one. Prefixed names keep them apart.
    """
    inner = {k: v for k, v in schema.items() if k not in ("$defs", "definitions")}
    out = {key: _refs(inner, key)}
    for group in ("$defs", "definitions"):
        for name, sub in (schema.get(group) or {}).items():
            out[f"{key}-{name}"] = _refs(sub, key)
    return out


def _refs(node: Any, key: str) -> Any:
    if isinstance(node, list):
        return [_refs(item, key) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: _refs(v, key) for k, v in node.items()}
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#"):
        parts = ref[2:].split("/") if ref.startswith("#/") else []
        if len(parts) >= 2 and parts[0] in ("$defs", "definitions"):
            out["$ref"] = "/".join([f"#/$defs/{key}-{parts[1]}", *parts[2:]])
        else:
            out["$ref"] = "/".join([f"#/$defs/{key}", *parts])
    return out

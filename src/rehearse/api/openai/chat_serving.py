"""Chat completions as `chat` jobs: request checks, job params, and the answer or its chunks."""

import time
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

from fastapi import Request

from rehearse.api.openai import job_wait
from rehearse.api.openai.chat_protocol import (
    AssistantMessage,
    ChatCompletion,
    ChatCompletionRequest,
    Choice,
    Message,
    Usage,
)
from rehearse.api.openai.errors import OpenAIError
from rehearse.api.openai.sse import sse_data
from rehearse.base.errors import JobError
from rehearse.contracts.jobs import ChatMessage, ChatParams
from rehearse.contracts.schema_keywords import for_grammar

# Parameters a client may send that no job here can honour: refused, never ignored.
UNSUPPORTED = ("functions", "function_call", "logprobs", "top_logprobs")


def check_supported(body: ChatCompletionRequest) -> None:
    """400 `unsupported_parameter` naming the first parameter this server cannot honour."""
    if body.n is not None and body.n > 1:
        raise OpenAIError(400, "unsupported_parameter", "n > 1 is not supported", "n")
    extra = body.model_extra or {}
    for name in UNSUPPORTED:
        if extra.get(name) not in (None, False, [], {}):
            raise OpenAIError(400, "unsupported_parameter", f"{name} is not supported", name)


def _grammar_schema(schema: Any, param: str) -> None:
    """400 `invalid_schema` (naming `param`) for a schema the grammar cannot express."""
    try:
        for_grammar(schema, bounded=False)
    except JobError as exc:
        raise OpenAIError(400, exc.code, exc.message, param) from exc


def _message(m: Message) -> ChatMessage:
    role = "system" if m.role == "developer" else m.role
    return ChatMessage(
        role=role, content=m.text(), tool_calls=m.tool_calls, tool_call_id=m.tool_call_id
    )


def chat_params(body: ChatCompletionRequest) -> ChatParams:
    """The `chat` job's params; a schema the grammar cannot enforce is refused here (400).

    Schemas are open (any the grammar can express, bounded or not): output cut at
    max_tokens ends with `finish_reason: length`, as OpenAI's does.
    """
    check_supported(body)
    fields: dict[str, Any] = {
        "messages": [_message(m) for m in body.messages],
        "stop": [body.stop] if isinstance(body.stop, str) else list(body.stop or []),
        "seed": body.seed,
        "bounded_output": False,
    }
    for i, tool in enumerate(body.tools or []):
        _grammar_schema(tool.function.parameters, f"tools.{i}.function.parameters")
    for name in ("tools", "tool_choice", "parallel_tool_calls"):
        if (value := getattr(body, name)) is not None:
            fields[name] = value
    if (max_tokens := body.max_completion_tokens or body.max_tokens) is not None:
        fields["max_tokens"] = max_tokens
    for name in ("temperature", "top_p"):
        if (value := getattr(body, name)) is not None:
            fields[name] = value
    fmt = body.response_format
    if fmt and fmt.type == "json_object":
        fields["json_object"] = True
    elif fmt and fmt.type == "json_schema":
        if fmt.json_schema is None:
            raise OpenAIError(
                400, "invalid_request", "json_schema is required", "response_format.json_schema"
            )
        _grammar_schema(fmt.json_schema.schema_, "response_format.json_schema")
        fields["json_schema"] = fmt.json_schema.schema_
    return job_wait.job_params(ChatParams, fields)


def _usage(result: dict[str, Any]) -> Usage:
    used = result["usage"]
    total = used["prompt_tokens"] + used["completion_tokens"]
    return Usage(**used, total_tokens=total)


def completion(job_id: UUID, model: str, result: dict[str, Any]) -> ChatCompletion:
    """The finished job as a `chat.completion`."""
    calls = result.get("tool_calls")
    message = AssistantMessage(content=None if calls else result["text"], tool_calls=calls)
    return ChatCompletion(
        id=f"chatcmpl-{job_id}",
        created=int(time.time()),
        model=model,
        choices=[Choice(message=message, finish_reason=result["finish_reason"])],
        usage=_usage(result),
    )


async def chunks(
    request: Request, job_id: UUID, owner: UUID, model: str, body: ChatCompletionRequest
) -> AsyncIterator[str]:
    """SSE lines: a role chunk, one chunk per `token` event (its text, or what it adds to the
    tool calls), the finish, usage, `[DONE]`."""
    head = {"id": f"chatcmpl-{job_id}", "object": "chat.completion.chunk"}
    head |= {"created": int(time.time()), "model": model}

    def choice(delta: dict[str, Any], finish: str | None = None) -> list[dict[str, Any]]:
        return [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]

    # With tools the answer may be calls, which have no content: null, as OpenAI sends.
    calling = bool(body.tools) and body.tool_choice != "none"
    role = {"role": "assistant", "content": None if calling else ""}
    yield sse_data(head | {"choices": choice(role)})
    async for event in job_wait.events(request, job_id, owner):
        if event["type"] != "token":
            continue
        if "tool_calls" not in event:
            yield sse_data(head | {"choices": choice({"content": event["text"]})})
        elif event["tool_calls"]:
            yield sse_data(head | {"choices": choice({"tool_calls": event["tool_calls"]})})
    result = await job_wait.outcome(job_id, owner)
    yield sse_data(head | {"choices": choice({}, result["finish_reason"])})
    if body.stream_options and body.stream_options.include_usage:
        yield sse_data(head | {"choices": [], "usage": _usage(result).model_dump()})
    yield "data: [DONE]\n\n"

"""Tool calling with the official client: every `tool_choice`, parallel calls, streamed deltas in
OpenAI's chunk shape, tool results fed back, exact usage, and what is refused."""

import json

import openai
import pytest

from tests.conftest import wait_job
from tests.openai.shapes import CLOCK, TOOLS, USER, WEATHER, assert_valid_call

NAMED = {"type": "function", "function": {"name": "get_weather"}}


def ask(oai, **over):
    body = {"model": "gpt-4o-mini", "messages": USER, "tools": TOOLS, "max_tokens": 400}
    return oai.chat.completions.create(**{**body, "temperature": 0.8, **over})


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_required_call_parses_against_its_tools_schema(oai, client, gpu_worker, seed):
    reply = ask(oai, tool_choice="required", seed=seed)
    choice = reply.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None and choice.message.tool_calls
    for call in choice.message.tool_calls:
        assert_valid_call(call)
    job = wait_job(client, reply.id.removeprefix("chatcmpl-"))
    assert [c.model_dump() for c in choice.message.tool_calls] == job["result"]["tool_calls"]
    assert reply.usage.prompt_tokens == job["result"]["usage"]["prompt_tokens"]
    assert reply.usage.completion_tokens == job["result"]["usage"]["completion_tokens"]


def test_a_named_function_is_called_once(oai, gpu_worker):
    for seed in range(3):
        calls = ask(oai, tool_choice=NAMED, seed=seed).choices[0].message.tool_calls
        assert [c.function.name for c in calls] == ["get_weather"]
        assert assert_valid_call(calls[0])["unit"] in ("celsius", "fahrenheit")


def test_parallel_tool_calls_false_makes_one_call(oai, gpu_worker):
    for seed in range(4):
        reply = ask(oai, tool_choice="required", parallel_tool_calls=False, seed=seed)
        assert len(reply.choices[0].message.tool_calls) == 1


def test_auto_answers_with_text_or_with_calls(oai, gpu_worker):
    for seed in range(4):
        choice = ask(oai, tool_choice="auto", max_tokens=60, seed=seed).choices[0]
        if choice.message.tool_calls:
            assert choice.message.content is None
            assert choice.finish_reason in ("tool_calls", "length")
        else:
            assert isinstance(choice.message.content, str)
            assert not choice.message.content.startswith("[")  # a call's opening


def test_none_answers_with_text(oai, gpu_worker):
    choice = ask(oai, tool_choice="none", max_tokens=24, seed=4).choices[0]
    assert choice.message.tool_calls is None and isinstance(choice.message.content, str)


def test_streamed_deltas_have_openais_shape_and_the_final_chunk_says_tool_calls(oai, gpu_worker):
    chunks = list(ask(oai, tool_choice="required", seed=2, stream=True))
    assert chunks[0].choices[0].delta.role == "assistant"
    assert chunks[0].choices[0].delta.content is None
    started: dict[int, str] = {}
    for chunk in chunks[1:-1]:
        for delta in chunk.choices[0].delta.tool_calls or []:
            if delta.index not in started:  # the first delta of a call: id, type, name
                assert delta.id.startswith("call_") and delta.type == "function"
                assert delta.function.name in ("get_weather", "get_time")
                started[delta.index] = delta.function.arguments
            else:  # later ones: arguments only
                assert delta.id is None and delta.function.name is None
                started[delta.index] += delta.function.arguments
    assert sorted(started) == list(range(len(started))) and started
    assert chunks[-1].choices[0].finish_reason == "tool_calls"
    for arguments in started.values():
        json.loads(arguments)


def test_the_sdks_stream_helper_assembles_the_same_calls_as_a_plain_reply(oai, gpu_worker):
    body = {
        "model": "gpt-4o-mini", "messages": USER, "tools": TOOLS, "tool_choice": "required",
        "max_tokens": 400, "temperature": 0.8, "seed": 7,
    }  # fmt: skip
    plain = oai.chat.completions.create(**body).choices[0].message.tool_calls
    with oai.chat.completions.stream(**body) as stream:
        streamed = stream.get_final_completion().choices[0].message.tool_calls
    assert [(c.function.name, c.function.arguments) for c in streamed] == [
        (c.function.name, c.function.arguments) for c in plain
    ]


def test_tool_results_fed_back_reach_the_prompt(oai, gpu_worker):
    call = ask(oai, tool_choice=NAMED, seed=5).choices[0].message.tool_calls[0]
    history = [
        *USER,
        {"role": "assistant", "content": None, "tool_calls": [call.model_dump()]},
        {"role": "tool", "tool_call_id": call.id, "content": '{"sky": "clear", "c": 21}'},
    ]
    before = ask(oai, tool_choice="auto", max_tokens=1, seed=5).usage.prompt_tokens
    reply = ask(oai, messages=history, max_tokens=16, seed=5, tool_choice="auto")
    assert reply.choices[0].finish_reason in ("stop", "length", "tool_calls")
    # The call as the model wrote it and the tool's answer are both in the prompt.
    tokens = len(call.function.arguments) + len('{"sky": "clear", "c": 21}')
    assert reply.usage.prompt_tokens > before + tokens // 2


@pytest.mark.parametrize(
    ("over", "param"),
    [
        ({"tool_choice": {"type": "function", "function": {"name": "nope"}}}, "tool_choice"),
        ({"tools": [], "tool_choice": "required"}, "tool_choice"),
        ({"tools": [{"type": "function", "function": {"name": "bad name!"}}]}, "tools.0"),
    ],
)
def test_a_bad_tool_request_is_refused_naming_it(oai, over, param):
    with pytest.raises(openai.BadRequestError) as caught:
        ask(oai, **over)
    assert caught.value.code == "invalid_request"
    assert caught.value.param.startswith(param)


def test_a_parameters_keyword_the_grammar_cannot_hold_is_refused(oai):
    tags = {"type": "array", "items": {"type": "string"}, "uniqueItems": True}
    parameters = {"type": "object", "properties": {"tags": tags}}
    tool = {"type": "function", "function": {"name": "tag", "parameters": parameters}}
    with pytest.raises(openai.BadRequestError) as caught:
        ask(oai, tools=[tool, CLOCK])
    assert caught.value.code == "invalid_schema" and "uniqueItems" in caught.value.message
    assert caught.value.param == "tools.0.function.parameters"


@pytest.mark.parametrize("strict", [True, False])
def test_strict_or_not_the_arguments_hold(oai, gpu_worker, strict):
    weather = {**WEATHER, "function": {**WEATHER["function"], "strict": strict}}
    reply = ask(oai, tools=[weather], tool_choice="required", seed=6)
    assert_valid_call(reply.choices[0].message.tool_calls[0], [weather])

"""The `openai` SDK's own helpers: `chat.completions.parse` (the former `beta.chat.completions
.parse`) with a response model and with strict function tools, and its stream helper."""

import openai

from tests.openai.shapes import USER, Candidate


def test_parse_a_response_model(oai, gpu_worker):
    reply = oai.chat.completions.parse(
        model="gpt-4o-mini", messages=USER, response_format=Candidate, max_tokens=1024, seed=5
    )
    assert isinstance(reply.choices[0].message.parsed, Candidate)


def test_parse_strict_function_tools_into_their_models(oai, gpu_worker):
    reply = oai.chat.completions.parse(
        model="gpt-4o-mini", messages=USER, max_tokens=1024, seed=6,
        tools=[openai.pydantic_function_tool(Candidate)], tool_choice="required",
    )  # fmt: skip
    calls = reply.choices[0].message.tool_calls
    assert calls and all(isinstance(c.function.parsed_arguments, Candidate) for c in calls)


def test_the_stream_helper_parses_as_it_ends(oai, gpu_worker):
    with oai.chat.completions.stream(
        model="gpt-4o-mini", messages=USER, response_format=Candidate, max_tokens=1024, seed=7
    ) as stream:
        deltas = [e.delta for e in stream if e.type == "content.delta"]
        final = stream.get_final_completion()
    assert "".join(deltas) == final.choices[0].message.content
    assert isinstance(final.choices[0].message.parsed, Candidate)

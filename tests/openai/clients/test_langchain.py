"""LangChain (`langchain-openai`) unchanged against the OpenAI routes: invoke, stream, structured
output by each method, bound tools (plain and streamed, results fed back), embeddings."""

import functools
import operator
from typing import Literal

import jsonschema
import numpy as np
import pytest
from langchain_core.messages import HumanMessage
from langchain_core.tools import tool
from langchain_openai import ChatOpenAI, OpenAIEmbeddings

from tests.conftest import wait_job
from tests.openai.shapes import USER, Candidate

QUESTION = USER[0]["content"]


@tool
def get_weather(city: str, unit: Literal["celsius", "fahrenheit"]) -> str:
    """The weather in a city."""
    return f"clear, 21 degrees {unit} in {city}"


@pytest.fixture
def llm(base_url: str, api_key: str) -> ChatOpenAI:
    return ChatOpenAI(
        model="gpt-4o-mini", base_url=base_url, api_key=api_key, max_retries=0, timeout=60,
        temperature=0.8, seed=3, max_tokens=1024,
    )  # fmt: skip


def test_invoke_answers_with_the_jobs_usage(llm, client, gpu_worker):
    reply = llm.invoke(QUESTION, max_tokens=16)
    assert isinstance(reply.content, str)
    job = wait_job(client, reply.response_metadata["id"].removeprefix("chatcmpl-"))
    assert reply.content == job["result"]["text"]
    assert reply.usage_metadata["input_tokens"] == job["result"]["usage"]["prompt_tokens"]
    assert reply.usage_metadata["output_tokens"] == job["result"]["usage"]["completion_tokens"]


def test_stream_adds_up_to_the_jobs_text(llm, client, db, gpu_worker):
    chunks = list(llm.stream(QUESTION, max_tokens=24, stream_usage=True))
    whole = functools.reduce(operator.add, chunks)
    job_id = db.execute(
        "SELECT id FROM jobs WHERE kind = 'chat' ORDER BY created_at DESC LIMIT 1"
    ).fetchone()["id"]
    job = wait_job(client, str(job_id))
    assert whole.content == job["result"]["text"]
    assert whole.usage_metadata["output_tokens"] == job["result"]["usage"]["completion_tokens"]


@pytest.mark.parametrize("method", [None, "json_schema", "function_calling"])
def test_structured_output_of_an_unbounded_model(llm, gpu_worker, method):
    kwargs = {"method": method} if method else {}  # None: LangChain's default method
    found = llm.with_structured_output(Candidate, **kwargs).invoke(QUESTION)
    assert isinstance(found, Candidate) and found.years >= 0


def test_structured_output_with_the_raw_message(llm, gpu_worker):
    found = llm.with_structured_output(Candidate, include_raw=True).invoke(QUESTION)
    assert found["parsing_error"] is None and isinstance(found["parsed"], Candidate)
    assert found["raw"].response_metadata["finish_reason"] == "stop"


def test_a_bound_tool_is_called_and_its_result_answered(llm, gpu_worker):
    model = llm.bind_tools([get_weather], tool_choice="any")  # LangChain's "any": required
    asked = HumanMessage(QUESTION)
    message = model.invoke([asked])
    assert message.invalid_tool_calls == [] and message.tool_calls
    call = message.tool_calls[0]
    assert call["name"] == "get_weather"
    jsonschema.validate(call["args"], get_weather.tool_call_schema.model_json_schema())
    answer = llm.invoke([asked, message, get_weather.invoke(call)], max_tokens=16)
    assert isinstance(answer.content, str)


def test_a_streamed_tool_call_assembles_as_the_plain_one(llm, gpu_worker):
    model = llm.bind_tools([get_weather], tool_choice="get_weather", parallel_tool_calls=False)
    plain = model.invoke(QUESTION)
    streamed = functools.reduce(operator.add, model.stream(QUESTION))
    assert [(c["name"], c["args"]) for c in streamed.tool_calls] == [
        (c["name"], c["args"]) for c in plain.tool_calls
    ]
    assert len(plain.tool_calls) == 1


def test_embeddings_without_token_counting(base_url, api_key, cpu_worker):
    embeddings = OpenAIEmbeddings(
        model="text-embedding-3-small", base_url=base_url, api_key=api_key, max_retries=0,
        check_embedding_ctx_length=False,  # else tiktoken downloads its encoding first
    )  # fmt: skip
    vectors = np.array(embeddings.embed_documents(["Python", "PostgreSQL", "이력서"]))
    assert vectors.shape == (3, 1024)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    query = np.array(embeddings.embed_query("Python"))
    assert np.allclose(query, vectors[0], atol=1e-4)

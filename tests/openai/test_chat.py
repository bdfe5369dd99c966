"""`chat.completions.create` with the official client: plain, streamed, JSON schema, refusals."""

import json
import time

import httpx
import jsonschema
import openai
import pytest

from rehearse.base.settings import get_settings
from tests.conftest import wait_job

USER = [{"role": "user", "content": "Introduce yourself."}]
SCHEMA = {
    "type": "object",
    "properties": {
        "score": {"type": "integer", "minimum": 1, "maximum": 5},
        "summary": {"type": "string", "maxLength": 40},
    },
    "required": ["score", "summary"],
    "additionalProperties": False,
}


def test_plain_completion_names_the_real_model_and_exact_usage(oai, client, gpu_worker):
    reply = oai.chat.completions.create(
        model="gpt-4o-mini", messages=USER, max_tokens=16, temperature=0.8, seed=5
    )
    assert reply.model == get_settings().llm_model
    assert reply.object == "chat.completion"
    assert isinstance(reply.choices[0].message.content, str)
    assert reply.choices[0].finish_reason in ("stop", "length")
    job = wait_job(client, reply.id.removeprefix("chatcmpl-"))
    assert reply.usage.prompt_tokens == job["result"]["usage"]["prompt_tokens"]
    assert reply.usage.completion_tokens == job["result"]["usage"]["completion_tokens"]
    assert reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens


def test_list_of_text_parts_and_system_message(oai, gpu_worker):
    messages = [
        {"role": "system", "content": "Be brief."},
        {
            "role": "user",
            "content": [{"type": "text", "text": "Hello"}, {"type": "text", "text": "!"}],
        },
    ]
    reply = oai.chat.completions.create(
        model=get_settings().llm_model, messages=messages, max_completion_tokens=8, top_p=0.9,
        stop=["\n\n"],
    )  # fmt: skip
    assert reply.usage.completion_tokens <= 8


def test_stream_chunks_concatenate_to_the_text_with_usage_last(oai, client, gpu_worker):
    stream = oai.chat.completions.create(
        model="gpt-4o", messages=USER, max_tokens=24, temperature=0.8, seed=9, stream=True,
        stream_options={"include_usage": True},
    )  # fmt: skip
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    job = wait_job(client, chunks[0].id.removeprefix("chatcmpl-"))
    assert text == job["result"]["text"]
    assert chunks[-1].choices == [] and chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens == job["result"]["usage"]["completion_tokens"]
    assert chunks[-2].choices[0].finish_reason == job["result"]["finish_reason"]


def test_json_schema_output_validates_including_an_integer_range(oai, gpu_worker):
    reply = oai.chat.completions.create(
        model="gpt-4o-mini",
        messages=USER,
        max_tokens=120,
        temperature=0.8,
        seed=3,
        response_format={
            "type": "json_schema",
            "json_schema": {"name": "feedback", "schema": SCHEMA, "strict": True},
        },
    )
    jsonschema.validate(json.loads(reply.choices[0].message.content), SCHEMA)


def test_unsupported_schema_keyword_is_refused_naming_it(oai):
    tags = {"type": "array", "items": {"type": "string"}, "uniqueItems": True}
    schema = {"type": "object", "properties": {"tags": tags}}
    with pytest.raises(openai.BadRequestError) as caught:
        oai.chat.completions.create(
            model="gpt-4o-mini", messages=USER,
            response_format={"type": "json_schema", "json_schema": {"name": "x", "schema": schema}},
        )  # fmt: skip
    assert caught.value.code == "invalid_schema" and "uniqueItems" in caught.value.message
    assert caught.value.param == "response_format.json_schema"


@pytest.mark.parametrize(
    ("extra", "param"),
    [
        ({"n": 2}, "n"),
        ({"logprobs": True}, "logprobs"),
        ({"functions": [{"name": "f", "parameters": {}}]}, "functions"),
    ],
)
def test_unsupported_parameters_are_refused_naming_them(oai, extra, param):
    with pytest.raises(openai.BadRequestError) as caught:
        oai.chat.completions.create(model="gpt-4o-mini", messages=USER, **extra)
    assert caught.value.code == "unsupported_parameter"
    assert caught.value.param == param


def test_unknown_model_is_not_found(oai):
    with pytest.raises(openai.NotFoundError) as caught:
        oai.chat.completions.create(model="llama-9000", messages=USER)
    assert caught.value.code == "model_not_found"


def test_too_long_prompt_is_context_length_exceeded(oai, gpu_worker):
    huge = [{"role": "user", "content": "resume " * 6000}]
    with pytest.raises(openai.BadRequestError) as caught:
        oai.chat.completions.create(model="gpt-4o-mini", messages=huge, max_tokens=16)
    assert caught.value.code == "context_length_exceeded"


def test_invalid_request_is_a_bad_request_in_openai_shape(oai):
    with pytest.raises(openai.BadRequestError) as caught:
        oai.chat.completions.create(model="gpt-4o-mini", messages=USER, temperature=5)
    assert caught.value.code == "invalid_request"
    assert caught.value.body["type"] == "invalid_request_error"
    assert caught.value.param == "temperature"


def test_a_client_leaving_mid_stream_cancels_its_job(oai, client, gpu_worker):
    stream = oai.chat.completions.create(
        model="gpt-4o-mini", messages=USER, max_tokens=2000, temperature=0.8, seed=1, stream=True
    )
    job_id = None
    for i, chunk in enumerate(stream):
        job_id = chunk.id.removeprefix("chatcmpl-")
        if i == 3:  # a few tokens in: generation is running
            break
    stream.close()
    deadline = time.monotonic() + 15
    while (status := client.get(f"/v1/jobs/{job_id}").json()["status"]) not in (
        "canceled", "succeeded", "failed",
    ):  # fmt: skip
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert status == "canceled"


def test_invite_tokens_may_not_use_openai_routes(api_base, client):
    invite = client.post("/v1/invites", json={"ttl_s": 600, "max_interviews": 1}).json()
    guest = openai.OpenAI(base_url=f"{api_base}/v1", api_key=invite["token"], max_retries=0)
    with pytest.raises(openai.PermissionDeniedError) as caught:
        guest.models.list()
    assert caught.value.code == "forbidden_scope"


def test_a_job_failing_mid_stream_raises_in_the_sdk(oai, gpu_worker):
    huge = [{"role": "user", "content": "resume " * 6000}]
    stream = oai.chat.completions.create(model="gpt-4o-mini", messages=huge, stream=True)
    with pytest.raises(openai.APIError) as caught:
        list(stream)
    assert caught.value.code == "context_length_exceeded"


def test_a_client_giving_up_on_a_plain_completion_cancels_its_job(
    api_base, api_key, client, db, gpu_worker
):
    body = {"model": "gpt-4o-mini", "messages": USER, "max_tokens": 2000, "seed": 1}
    headers = {"Authorization": f"Bearer {api_key}"}
    with pytest.raises(httpx.ReadTimeout):
        httpx.post(f"{api_base}/v1/chat/completions", json=body, headers=headers, timeout=1.5)
    job_id = db.execute(
        "SELECT id FROM jobs WHERE kind = 'chat' ORDER BY created_at DESC LIMIT 1"
    ).fetchone()["id"]
    assert wait_job(client, str(job_id), timeout=15)["status"] == "canceled"


def test_json_object_mode_starts_a_json_value(oai, gpu_worker):
    reply = oai.chat.completions.create(
        model="gpt-4o-mini", messages=USER, max_tokens=48, seed=2,
        response_format={"type": "json_object"},
    )  # fmt: skip
    content = reply.choices[0].message.content.lstrip()
    # Random weights may run out of tokens mid-object, but the grammar starts one.
    assert content.startswith("{")
    if reply.choices[0].finish_reason == "stop":
        assert isinstance(json.loads(content), dict)

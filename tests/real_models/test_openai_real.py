"""A real LLM (SmolLM2-135M-Instruct) and Whisper behind the OpenAI routes: a tool call that
parses, a structured answer that validates, and word timings of real speech."""

import itertools
import json
from collections.abc import Iterator

import jsonschema
import pytest
from openai import OpenAI
from pydantic import BaseModel

from tests.real_models.conftest import english_speech, wer

pytestmark = pytest.mark.real_models

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string", "description": "The city's name."}},
            "required": ["city"],
            "additionalProperties": False,
        },
    },
}
ASK = [{"role": "user", "content": "What is the weather like in Paris today?"}]
SPOKEN = "I built a payment service in Python with a small team."


class Capital(BaseModel):
    """No bound on any field, as a framework sends it."""

    country: str
    capital: str


@pytest.fixture
def oai(api_base: str, api_key: str) -> Iterator[OpenAI]:
    with OpenAI(base_url=f"{api_base}/v1", api_key=api_key, max_retries=0, timeout=180) as c:
        yield c


def test_a_tool_call_parses_and_names_the_city(oai, real_gpu):
    reply = oai.chat.completions.create(
        model="gpt-4o-mini", messages=ASK, tools=[WEATHER], tool_choice="required",
        temperature=0, max_tokens=100,
    )  # fmt: skip
    choice = reply.choices[0]
    assert choice.finish_reason == "tool_calls", choice
    (call,) = choice.message.tool_calls
    arguments = json.loads(call.function.arguments)
    jsonschema.validate(arguments, WEATHER["function"]["parameters"])
    assert call.function.name == "get_weather"
    assert "paris" in arguments["city"].lower()


def test_a_structured_answer_validates_with_the_fact(oai, real_gpu):
    ask = [{"role": "user", "content": "What is the capital of France?"}]
    reply = oai.chat.completions.parse(
        model="gpt-4o-mini", messages=ask, response_format=Capital, temperature=0, max_tokens=100
    )
    found = reply.choices[0].message.parsed
    assert isinstance(found, Capital), reply.choices[0]
    assert "paris" in found.capital.lower()


def test_word_timings_of_real_speech(oai, real_gpu):
    reply = oai.audio.transcriptions.create(
        model="whisper-1", file=("answer.wav", english_speech(SPOKEN), "audio/wav"),
        language="en", response_format="verbose_json", timestamp_granularities=["word", "segment"],
    )  # fmt: skip
    words = reply.words
    # The words are Whisper's: base mishears a word of espeak's now and then ("will" for
    # "built" in one run), so they are held to the transcript and loosely to the script.
    heard = " ".join(w.word.strip() for w in words)
    assert heard.split() == reply.text.split()
    assert wer(SPOKEN, heard) <= 0.3, heard
    assert all(0 <= w.start <= w.end <= reply.duration for w in words)
    assert all(a.start <= b.start for a, b in itertools.pairwise(words))
    assert reply.segments and words[-1].end <= reply.segments[-1].end + 0.5

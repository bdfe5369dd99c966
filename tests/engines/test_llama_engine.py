"""LlamaEngine on the synthetic GGUF: streaming, usage, JSON schemas, limits, cancel, memory."""

import gc
import json
import threading
import time
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

pytest.importorskip("llama_cpp")

from rehearse.base.errors import JobCanceled, JobError
from rehearse.cli.synthetic import llama as synthetic_llama
from rehearse.contracts.jobs import ChatParams
from rehearse.engines.llama import LlamaEngine
from rehearse.engines.llama_output import plan
from rehearse.runtime.run_context import RunContext

KOREAN = [
    {"role": "system", "content": "당신은 백엔드 개발자 면접관입니다. 한국어로 답하세요."},
    {"role": "user", "content": "안녕하세요! 저는 Python과 PostgreSQL로 5년간 일했습니다."},
]
ENGLISH = [{"role": "user", "content": "Tell me about a project you are proud of."}]
TEXT = {"type": "string", "maxLength": 40}
FEEDBACK = {
    "type": "object",
    "properties": {
        "score": {"enum": [1, 2, 3, 4, 5]},
        "strengths": {"type": "array", "items": TEXT, "maxItems": 3},
        "improvements": {"type": "array", "items": TEXT, "maxItems": 3},
        "next_question": {"type": "string", "maxLength": 80},
    },
    "required": ["score", "strengths", "improvements", "next_question"],
    "additionalProperties": False,
}


class Recorder(RunContext):
    """A RunContext that keeps the events and cancels once `flag` is set."""

    def __init__(self, flag: threading.Event | None = None) -> None:
        self.events: list[dict[str, Any]] = []
        flag = flag or threading.Event()
        super().__init__(
            emit=lambda type_, **fields: self.events.append({"type": type_, **fields}),
            is_canceled=flag.is_set,
        )

    @property
    def text(self) -> str:
        return "".join(e["text"] for e in self.events if e["type"] == "token")


@pytest.fixture(scope="module")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic_llama.write(tmp_path_factory.mktemp("llama"))


@pytest.fixture(scope="module")
def engine(model_path: Path) -> Iterator[LlamaEngine]:
    eng = LlamaEngine(model_path, n_ctx=4096)
    started = time.perf_counter()
    eng.load()
    print(f"\nload: {(time.perf_counter() - started) * 1000:.1f} ms")
    yield eng
    eng.unload()


def test_streamed_tokens_make_the_text(engine: LlamaEngine) -> None:
    ctx = Recorder()
    started = time.perf_counter()
    result = engine.run(ChatParams(messages=ENGLISH, max_tokens=300, seed=1), ctx)
    elapsed = time.perf_counter() - started
    assert ctx.events and all(e["type"] == "token" for e in ctx.events)
    assert ctx.text == result["text"]
    assert result["finish_reason"] in ("stop", "length")
    assert result["json"] is None
    n = result["usage"]["completion_tokens"]
    print(f"\n{n} tokens in {elapsed:.2f} s: {n / elapsed:.0f} tokens/s")


def test_usage_counts_are_exact_ints(engine: LlamaEngine) -> None:
    result = engine.run(ChatParams(messages=ENGLISH, max_tokens=20, seed=2), RunContext())
    usage = result["usage"]
    assert type(usage["prompt_tokens"]) is int and type(usage["completion_tokens"]) is int
    assert usage["prompt_tokens"] == engine.count_tokens(ENGLISH)
    assert 0 < usage["completion_tokens"] <= 20
    # The library's own (non-streamed) count of what the handler fed the model agrees.
    for messages in (ENGLISH, KOREAN):
        own = engine._llm.create_chat_completion(messages, max_tokens=1)  # type: ignore[union-attr]
        assert own["usage"]["prompt_tokens"] == engine.count_tokens(messages)


def test_korean_messages(engine: LlamaEngine) -> None:
    ctx = Recorder()
    result = engine.run(ChatParams(messages=KOREAN, max_tokens=40, seed=3), ctx)
    # Byte-level BPE: every Korean syllable is 3 UTF-8 bytes, so tokens outnumber characters.
    chars = sum(len(m["content"]) for m in KOREAN)
    assert result["usage"]["prompt_tokens"] == engine.count_tokens(KOREAN) > chars
    assert ctx.text == result["text"]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_json_schema_output_validates(engine: LlamaEngine, seed: int) -> None:
    ctx = Recorder()
    params = ChatParams(messages=KOREAN, max_tokens=16, seed=seed, json_schema=FEEDBACK)
    result = engine.run(params, ctx)
    assert result["finish_reason"] == "stop"
    jsonschema.validate(result["json"], FEEDBACK)
    assert ctx.text == result["text"]
    # max_tokens 16 was raised to the schema's bound rather than cutting the JSON off.
    assert result["usage"]["completion_tokens"] > 16


def test_over_long_prompt_fails_then_engine_serves(engine: LlamaEngine) -> None:
    long = [{"role": "user", "content": "interview " * 3000}]
    with pytest.raises(JobError) as info:
        engine.run(ChatParams(messages=long, max_tokens=10), RunContext())
    assert info.value.code == "context_length_exceeded"
    assert "4096" in info.value.message
    # The prompt fits but prompt + max_tokens does not: still an error, never a silent cut.
    with pytest.raises(JobError) as info:
        engine.run(ChatParams(messages=ENGLISH, max_tokens=4096), RunContext())
    assert info.value.code == "context_length_exceeded"
    result = engine.run(ChatParams(messages=ENGLISH, max_tokens=10, seed=4), RunContext())
    assert result["usage"]["completion_tokens"] > 0


def test_library_context_error_is_mapped(engine: LlamaEngine) -> None:
    def stream() -> Generator[dict, None, None]:
        raise ValueError("Requested tokens (5000) exceed context window of 4096")
        yield {}

    with pytest.raises(JobError) as info:
        engine._consume(stream(), RunContext())
    assert info.value.code == "context_length_exceeded"


def test_cancel_stops_within_a_second(engine: LlamaEngine) -> None:
    flag = threading.Event()
    set_at: list[float] = []

    def cancel_soon() -> None:
        time.sleep(0.3)
        set_at.append(time.monotonic())
        flag.set()

    ctx = Recorder(flag)
    timer = threading.Thread(target=cancel_soon)
    timer.start()
    params = ChatParams(messages=ENGLISH, max_tokens=2000, temperature=0.8, seed=5)
    with pytest.raises(JobCanceled):
        engine.run(params, ctx)
    latency = time.monotonic() - set_at[0]
    timer.join()
    print(f"\ncancel latency: {latency * 1000:.1f} ms after {len(ctx.events)} tokens")
    assert latency < 1.0
    assert ctx.events  # it was generating when the flag came
    result = engine.run(ChatParams(messages=ENGLISH, max_tokens=10, seed=6), RunContext())
    assert result["usage"]["completion_tokens"] > 0


def test_unload_then_load(engine: LlamaEngine) -> None:
    engine.unload()
    assert not engine.loaded
    with pytest.raises(RuntimeError):
        engine.count_tokens(ENGLISH)
    engine.load()
    result = engine.run(ChatParams(messages=ENGLISH, max_tokens=10, seed=7), RunContext())
    assert result["usage"]["prompt_tokens"] == engine.count_tokens(ENGLISH)


def test_unload_returns_memory(model_path: Path) -> None:
    psutil = pytest.importorskip("psutil")
    process = psutil.Process()

    def cycle() -> int:
        eng = LlamaEngine(model_path, n_ctx=4096)
        eng.load()
        eng.run(ChatParams(messages=KOREAN, max_tokens=200, seed=8), RunContext())
        loaded = process.memory_info().rss
        eng.unload()
        return loaded

    cycle()  # the first load ever initialises ggml's backends once per process
    gc.collect()
    before = process.memory_info().rss
    loaded = [cycle() for _ in range(3)]
    after = process.memory_info().rss
    mib = 1024 * 1024
    print(
        f"\nRSS before load {before / mib:.1f} MiB, loaded {max(loaded) / mib:.1f} MiB, "
        f"after 3 load/run/unload cycles {after / mib:.1f} MiB"
    )
    assert after - before < 2 * mib


CANDIDATE = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "skills": {"type": "array", "items": {"type": "string"}},
        "years": {"type": "integer", "minimum": 0},
    },
    "required": ["name", "skills", "years"],
}
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "days": {"type": "integer", "minimum": 1}},
            "required": ["city", "days"],
        },
    },
}


def open_params(**over: Any) -> ChatParams:
    return ChatParams(**{"messages": ENGLISH, "bounded_output": False, **over})


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_an_unbounded_schema_validates_within_max_tokens(engine: LlamaEngine, seed: int) -> None:
    params = open_params(json_schema=CANDIDATE, max_tokens=512, seed=seed)
    result = engine.run(params, RunContext())
    assert result["finish_reason"] == "stop"
    jsonschema.validate(result["json"], CANDIDATE)
    assert "\n" not in result["text"]  # strings stay strict JSON: no raw control characters


def test_an_unbounded_schema_cut_short_ends_length_with_the_partial_text(
    engine: LlamaEngine,
) -> None:
    ctx = Recorder()
    result = engine.run(open_params(json_schema=CANDIDATE, max_tokens=5, seed=1), ctx)
    assert result["finish_reason"] == "length" and result["json"] is None
    assert result["text"] == ctx.text and result["text"].lstrip().startswith("{")
    assert result["usage"]["completion_tokens"] == 5


def joined_calls(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    calls: dict[int, dict[str, Any]] = {}
    for event in events:
        for delta in event.get("tool_calls", []):
            call = calls.setdefault(delta["index"], {"type": "function"})
            if "id" in delta:
                call |= {"id": delta["id"], "function": dict(delta["function"])}
            else:
                call["function"]["arguments"] += delta["function"]["arguments"]
    return [calls[i] for i in sorted(calls)]


@pytest.mark.parametrize(
    "choice", ["required", {"type": "function", "function": {"name": "get_weather"}}]
)
def test_tool_calls_stream_as_deltas_with_exact_usage(engine: LlamaEngine, choice: Any) -> None:
    ctx = Recorder()
    params = open_params(tools=[WEATHER], tool_choice=choice, max_tokens=300, seed=3)
    result = engine.run(params, ctx)
    assert result["finish_reason"] == "tool_calls"
    assert joined_calls(ctx.events) == result["tool_calls"]
    for call in result["tool_calls"]:
        jsonschema.validate(
            json.loads(call["function"]["arguments"]), WEATHER["function"]["parameters"]
        )
    assert ctx.text == result["text"]
    # One event per sampled token, plus the end-of-turn token that stopped them.
    assert result["usage"]["completion_tokens"] == len(ctx.events) + 1
    rendered = plan(params).messages
    own = engine._llm.create_chat_completion(rendered, max_tokens=1)  # type: ignore[union-attr]
    assert result["usage"]["prompt_tokens"] == own["usage"]["prompt_tokens"]


def test_auto_text_streams_as_plain_tokens(engine: LlamaEngine) -> None:
    for seed in range(3):
        ctx = Recorder()
        result = engine.run(open_params(tools=[WEATHER], max_tokens=20, seed=seed), ctx)
        if result.get("tool_calls") is None:
            assert all("tool_calls" not in e for e in ctx.events)
            assert not result["text"].startswith("[")
        assert ctx.text == result["text"]


def test_tools_defining_the_same_names_keep_their_own_definitions(engine: LlamaEngine) -> None:
    def tool(name: str, item: dict[str, Any]) -> dict[str, Any]:
        parameters = {
            "type": "object",
            "properties": {
                "items": {"type": "array", "items": {"$ref": "#/$defs/Item"}, "maxItems": 2}
            },
            "required": ["items"],
            "$defs": {"Item": item},
        }
        return {"type": "function", "function": {"name": name, "parameters": parameters}}

    numbers = tool("numbers", {"type": "integer", "minimum": 10, "maximum": 12})
    flags = tool("flags", {"type": "boolean"})
    for name in ("numbers", "flags"):
        choice = {"type": "function", "function": {"name": name}}
        result = engine.run(
            open_params(tools=[numbers, flags], tool_choice=choice, seed=4), RunContext()
        )
        arguments = json.loads(result["tool_calls"][0]["function"]["arguments"])
        expected = int if name == "numbers" else bool
        assert all(type(item) is expected for item in arguments["items"])

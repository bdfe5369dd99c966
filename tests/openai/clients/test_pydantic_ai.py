"""pydantic-ai unchanged against the OpenAI routes: an agent with one tool and a structured result
(its output tool), native structured output, and streamed text."""

from dataclasses import dataclass

import pytest
from pydantic_ai import Agent, NativeOutput
from pydantic_ai.capabilities import AbstractCapability
from pydantic_ai.messages import ToolCallPart, ToolReturnPart
from pydantic_ai.models.openai import OpenAIChatModel
from pydantic_ai.providers.openai import OpenAIProvider

from tests.openai.shapes import USER, Candidate

QUESTION = USER[0]["content"]
RESUME = "Kim: five years of Python and PostgreSQL."
SETTINGS = {"max_tokens": 1024, "temperature": 0.8}


@dataclass
class ToolThenResult(AbstractCapability):
    """The tool on the first step, the result after: pydantic-ai's own per-step tool_choice.

    A random-weight model would otherwise pick among the tools by the bias of its weights;
    a real model decides for itself (tests/real_models).
    """

    tool: str

    def get_model_settings(self):
        return lambda ctx: {"tool_choice": [self.tool] if ctx.run_step == 1 else "none"}


@pytest.fixture
def model(base_url: str, api_key: str) -> OpenAIChatModel:
    provider = OpenAIProvider(base_url=base_url, api_key=api_key)
    return OpenAIChatModel("gpt-4o-mini", provider=provider)


def test_an_agent_with_a_tool_ends_in_a_structured_result(model, gpu_worker):
    agent = Agent(
        model, output_type=Candidate, retries=0, capabilities=[ToolThenResult("lookup_resume")]
    )
    looked_up: list[str] = []

    @agent.tool_plain
    def lookup_resume(name: str) -> str:
        """The candidate's resume, by name."""
        looked_up.append(name)
        return RESUME

    result = agent.run_sync(QUESTION, model_settings={**SETTINGS, "seed": 1})
    assert isinstance(result.output, Candidate)
    parts = [part for message in result.all_messages() for part in message.parts]
    calls = [p for p in parts if isinstance(p, ToolCallPart) and p.tool_name == "lookup_resume"]
    returns = [p for p in parts if isinstance(p, ToolReturnPart) and p.tool_name == "lookup_resume"]
    assert len(calls) == len(returns) == len(looked_up) >= 1
    assert all(r.content == RESUME for r in returns)
    assert result.usage.requests == 2


def test_native_structured_output(model, gpu_worker):
    agent = Agent(model, output_type=NativeOutput(Candidate), retries=0)
    result = agent.run_sync(QUESTION, model_settings={**SETTINGS, "seed": 2})
    assert isinstance(result.output, Candidate)


def test_streamed_text_is_the_output(model, gpu_worker):
    agent = Agent(model)
    run = agent.run_stream_sync(QUESTION, model_settings={**SETTINGS, "max_tokens": 24})
    pieces = list(run.stream_text(delta=True, debounce_by=None))
    assert "".join(pieces) == run.get_output()

"""Tools a chat job may call, in OpenAI's shapes: the functions offered, the choice, the calls.

The model answers a tool call as JSON text that a grammar holds to the tool's `parameters`
schema (engines.llama_tools); the job's result and its `token` events carry the calls in
OpenAI's `tool_calls` shape, so the OpenAI route relays them as they are.
"""

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from rehearse.contracts.storable import Contract

ToolName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]

NO_ARGUMENTS: dict[str, Any] = {"type": "object", "properties": {}}


class FunctionSpec(Contract):
    name: ToolName
    description: str | None = Field(None, max_length=4000)
    parameters: dict[str, Any] = Field(
        default_factory=lambda: dict(NO_ARGUMENTS),
        description="A JSON schema of the arguments; none: a call takes no arguments.",
    )
    strict: bool | None = Field(
        None, description="Accepted for OpenAI's clients: the grammar always holds the arguments."
    )


class ToolSpec(Contract):
    """A function the model may call."""

    type: Literal["function"] = "function"
    function: FunctionSpec


class FunctionName(Contract):
    name: ToolName


class NamedToolChoice(Contract):
    """Call this function (exactly once)."""

    type: Literal["function"] = "function"
    function: FunctionName


ToolChoice = Literal["none", "auto", "required"] | NamedToolChoice


class FunctionCall(Contract):
    name: str
    arguments: str = Field(..., description="The arguments as the JSON text the model wrote.")


class ToolCall(Contract):
    """One call the model made (in a result) or made earlier (in a conversation)."""

    id: str = Field(..., max_length=200)
    type: Literal["function"] = "function"
    function: FunctionCall

"""What the OpenAI chat tests send: tools, a pydantic model with free strings and lists, and how
a call's arguments are judged."""

import json

import jsonschema
from pydantic import BaseModel, Field

USER = [{"role": "user", "content": "What is the weather in Seoul, and what time is it there?"}]
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                "days": {"type": "integer", "minimum": 1},
            },
            "required": ["city", "unit"],
            "additionalProperties": False,
        },
    },
}
CLOCK = {
    "type": "function",
    "function": {
        "name": "get_time",
        "parameters": {
            "type": "object",
            "properties": {"zone": {"type": "string", "enum": ["UTC", "Asia/Seoul"]}},
            "required": ["zone"],
        },
    },
}
TOOLS = [WEATHER, CLOCK]


class Candidate(BaseModel):
    """A schema as frameworks send it: free strings, a list, a one-sided range, no bounds."""

    name: str
    summary: str = Field(description="One sentence about the candidate.")
    skills: list[str]
    years: int = Field(ge=0)


def assert_valid_call(call, tools: list[dict] = TOOLS) -> dict:
    """A call (the SDK's object) names an offered tool and its arguments hold to its schema."""
    by_name = {tool["function"]["name"]: tool["function"]["parameters"] for tool in tools}
    assert call.type == "function" and call.id.startswith("call_")
    assert call.function.name in by_name
    arguments = json.loads(call.function.arguments)
    jsonschema.validate(arguments, by_name[call.function.name])
    return arguments

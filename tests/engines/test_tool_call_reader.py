"""The tool-call reader: deltas in OpenAI's shape that join into the calls, whatever the pieces."""

import json

import pytest

from rehearse.engines.tool_call_reader import CallReader

TEXT = (
    '[ {"name" : "get_weather", "arguments" : { "city": "Se\\"oul [x]}", "days": [1, {"n": 2}] } }'
    ' , {"name":"get_time","arguments":{"zone":"UTC"}}] '
)


def pieces(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def joined(deltas: list[dict]) -> list[dict]:
    """The calls the deltas add up to, as a client assembles them."""
    calls: dict[int, dict] = {}
    for delta in deltas:
        if "id" in delta:
            assert delta["index"] not in calls and delta["type"] == "function"
            calls[delta["index"]] = {
                "id": delta["id"],
                "type": "function",
                "function": {**delta["function"]},
            }
        else:
            assert set(delta) == {"index", "function"} and set(delta["function"]) == {"arguments"}
            calls[delta["index"]]["function"]["arguments"] += delta["function"]["arguments"]
    return [calls[i] for i in sorted(calls)]


@pytest.mark.parametrize("size", [1, 2, 3, 7, 500])
def test_deltas_join_into_the_calls_whatever_the_pieces(size):
    reader = CallReader()
    deltas = []
    for piece in pieces(TEXT, size):
        text, added = reader.feed(piece)
        assert text == piece
        deltas += added
    calls = reader.tool_calls()
    assert joined(deltas) == calls
    assert [c["function"]["name"] for c in calls] == ["get_weather", "get_time"]
    assert json.loads(calls[0]["function"]["arguments"]) == {
        "city": 'Se"oul [x]}',
        "days": [1, {"n": 2}],
    }
    assert calls[1]["function"]["arguments"] == '{"zone":"UTC"}'
    assert calls[0]["id"] != calls[1]["id"] and calls[0]["id"].startswith("call_")


def test_a_cut_call_keeps_what_was_written():
    reader = CallReader()
    reader.feed('[{"name": "f", "arguments": {"a": "hal')
    assert reader.tool_calls()[0]["function"] == {"name": "f", "arguments": '{"a": "hal'}
    reader = CallReader()
    reader.feed('[{"name": "f')
    assert reader.tool_calls() == []  # no name yet: no call


def test_bare_arguments_end_at_their_delimiter():
    reader = CallReader()
    reader.feed('[{"name": "f", "arguments": 12 }, {"name": "g", "arguments": "x"}]')
    assert [c["function"]["arguments"] for c in reader.tool_calls()] == ["12", '"x"']


def test_auto_text_passes_through_and_calls_are_read():
    text = CallReader(auto=True)
    assert text.feed("Hello") == ("Hello", None) and text.mode == "text"
    assert text.feed(" [not a call]") == (" [not a call]", None)
    calls = CallReader(auto=True)
    assert calls.feed("") == ("", None) and calls.mode is None
    said, deltas = calls.feed('[{"name": "f", "arguments": {}}]')
    assert calls.mode == "calls" and deltas and said.startswith("[")
    assert calls.rest() == ""


def test_blanks_are_held_until_the_choice_is_known():
    reader = CallReader(auto=True)
    assert reader.feed("  ") == ("", None)
    assert reader.feed("\n[") == ("  \n[", [])
    blanks = CallReader(auto=True)
    blanks.feed(" ")
    assert blanks.rest() == " " and blanks.rest() == ""

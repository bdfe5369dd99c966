"""Reading the next question out of a streamed JSON answer the moment its string closes."""

import json

import pytest

from rehearse.workers.gpu.json_field_scanner import JsonFieldScanner

QUESTION = 'Why "that" path\\ — 왜 그 방법을 골랐나요? 😀\u00e9'


def scan(stream: str, size: int) -> tuple[str | None, int]:
    """The value and how many characters had been fed when it was known."""
    scanner = JsonFieldScanner("next_question")
    for at in range(0, len(stream), size):
        if scanner.feed(stream[at : at + size]) is not None:
            return scanner.value, at + size
    return scanner.value, len(stream)


@pytest.mark.parametrize("ascii_only", [True, False])
@pytest.mark.parametrize("size", [1, 2, 3, 5, 64])
def test_the_value_is_known_when_its_string_closes_whatever_the_pieces(ascii_only, size):
    answer = {"next_question": QUESTION, "score": 3, "strengths": ["ok"]}
    stream = json.dumps(answer, ensure_ascii=ascii_only)  # \u escapes, surrogate pairs
    value, fed = scan(stream, size)
    assert value == QUESTION
    closing = stream.index('"score"') - 2  # the question's closing quote
    assert fed <= closing + size


def test_the_same_words_elsewhere_are_not_the_field():
    stream = (
        '{"score": 3, "strengths": ["next_question", "x"], '
        '"notes": {"next_question": "nested"}, "next_question": "the real one"}'
    )
    assert scan(stream, 4)[0] == "the real one"


def test_a_raw_newline_inside_the_string_is_kept_as_the_final_parse_keeps_it():
    assert scan('{"next_question": "a\nb", "score": 1}', 3)[0] == "a\nb"


def test_nothing_until_the_string_closes():
    scanner = JsonFieldScanner("next_question")
    assert scanner.feed('{"next_question": "How did you') is None
    assert scanner.feed(' test it?\\"') is None
    assert scanner.feed('"') == 'How did you test it?"'

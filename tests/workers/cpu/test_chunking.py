"""Chunking: token budget, sentence/paragraph boundaries, overlap, Korean, huge sentences."""

import itertools
import re

import pytest

from rehearse.workers.cpu.chunking import Chunk, chunk_text


def words(text: str) -> int:
    return len(text.split())


def chars(text: str) -> int:
    """A counter that is not additive over words, like a subword tokenizer at worst."""
    return len(text.replace(" ", ""))


ENGLISH = " ".join(
    f"Sentence number {i} talks about project {i} and what I learned from it." for i in range(40)
)
KOREAN = "".join(
    f"저는 {i}번째 프로젝트에서 백엔드 서버를 개발했습니다. 성능 문제를 해결했다.그리고 배웠다。"
    for i in range(30)
)


def check(text: str, chunks: list[Chunk], count, max_tokens: int) -> None:
    """Invariants every chunking must hold."""
    assert chunks, "non-blank text gives chunks"
    assert [c.position for c in chunks] == list(range(len(chunks)))
    for c in chunks:
        assert c.text.strip() and c.text == c.text.strip()
        assert c.text == text[c.start_char : c.end_char]
        assert c.token_count == count(c.text) <= max_tokens
    for a, b in itertools.pairwise(chunks):
        assert a.start_char < b.start_char and a.end_char < b.end_char
    # Every non-space character of the input is in some chunk.
    covered = set()
    for c in chunks:
        covered.update(range(c.start_char, c.end_char))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


@pytest.mark.parametrize("max_tokens", [20, 50, 400])
def test_budget_positions_and_coverage(max_tokens: int) -> None:
    chunks = chunk_text(ENGLISH, words, max_tokens=max_tokens, overlap_tokens=8)
    check(ENGLISH, chunks, words, max_tokens)


def test_chunks_end_at_sentence_boundaries_and_overlap() -> None:
    chunks = chunk_text(ENGLISH, words, max_tokens=50, overlap_tokens=15)
    assert len(chunks) > 3
    for a, b in itertools.pairwise(chunks):
        assert a.text.endswith("from it.")
        assert b.text.startswith("Sentence number")
        assert b.start_char < a.end_char, "consecutive chunks share trailing sentences"
        assert words(ENGLISH[b.start_char : a.end_char]) <= 15


def test_no_overlap_when_disabled() -> None:
    chunks = chunk_text(ENGLISH, words, max_tokens=50, overlap_tokens=0)
    for a, b in itertools.pairwise(chunks):
        assert b.start_char >= a.end_char


def test_korean_sentences() -> None:
    chunks = chunk_text(KOREAN, chars, max_tokens=60, overlap_tokens=10)
    check(KOREAN, chunks, chars, 60)
    assert len(chunks) > 5
    for c in chunks:
        assert c.text.startswith(("저는", "성능", "그리고"))
        assert c.text.endswith(("니다.", "했다.", "배웠다。"))
    assert any(b.start_char < a.end_char for a, b in itertools.pairwise(chunks))


def test_paragraph_break_is_preferred() -> None:
    first = "Alpha one two three four five. Alpha six seven eight nine ten."
    second = "Beta one two three four five. Beta six seven eight nine ten."
    text = f"{first}\n\n{second}"
    chunks = chunk_text(text, words, max_tokens=20, overlap_tokens=0)
    assert [c.text for c in chunks] == [first, second]


def test_short_paragraphs_are_packed_together() -> None:
    text = "\n\n".join(f"Line {i} here." for i in range(10))
    chunks = chunk_text(text, words, max_tokens=400)
    assert len(chunks) == 1 and chunks[0].text == text


def test_single_huge_sentence_is_split_at_words() -> None:
    text = " ".join(f"w{i}" for i in range(1000))
    chunks = chunk_text(text, words, max_tokens=100, overlap_tokens=20)
    check(text, chunks, words, 100)
    assert " ".join(c.text for c in chunks) == text  # word boundaries, nothing lost or repeated


def test_huge_word_is_split_inside() -> None:
    text = "start " + "가" * 1000 + " end."
    chunks = chunk_text(text, len, max_tokens=64)
    check(text, chunks, len, 64)


def test_newlines_split_sentences_without_punctuation() -> None:
    text = "\n".join(f"Python backend engineer line {i}" for i in range(20))
    chunks = chunk_text(text, words, max_tokens=12, overlap_tokens=0)
    check(text, chunks, words, 12)
    for c in chunks:  # whole lines only, packed two per chunk
        lines = c.text.split("\n")
        assert len(lines) == 2
        assert all(re.fullmatch(r"Python backend engineer line \d+", line) for line in lines)


def test_numbers_and_abbreviations_do_not_split_mid_token() -> None:
    text = "Latency fell by 3.5 ms in v2.1 of the API. Next sentence here."
    chunks = chunk_text(text, words, max_tokens=10, overlap_tokens=0)
    assert [c.text for c in chunks] == [
        "Latency fell by 3.5 ms in v2.1 of the API.",
        "Next sentence here.",
    ]


def test_empty_and_deterministic() -> None:
    assert chunk_text("", words) == []
    assert chunk_text(" \n\n \t", words) == []
    assert chunk_text(KOREAN, chars, 60, 10) == chunk_text(KOREAN, chars, 60, 10)
    with pytest.raises(ValueError):
        chunk_text("text", words, max_tokens=0)

"""Split document text into overlapping, token-bounded chunks at paragraph/sentence breaks.

Pure Python: the token counter is passed in (the embedding model's tokenizer in the worker).
Every chunk's text is an exact slice `text[start_char:end_char]` of the input.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_CLOSERS = "\"'”’)\\]」』"
_SENTENCE_END = re.compile(
    rf"[.?!…]+[{_CLOSERS}]*(?=\s|$)"  # Latin stops need a space after: 3.5, e.g.x stay whole
    rf"|[。？！]+[{_CLOSERS}]*"  # CJK stops need no space
    r"|(?<=다)\.(?=[가-힣])"  # "...했다.그리고": a Korean ending glued to the next sentence
    r"|\n"
)
_WORD = re.compile(r"\S+")
# Bounds the search window in a run without spaces; real tokens are far shorter.
_MAX_CHARS_PER_TOKEN = 32


@dataclass(frozen=True)
class Chunk:
    """One chunk: its text, order in the document, character span and token count."""

    text: str
    position: int
    start_char: int
    end_char: int
    token_count: int


@dataclass(frozen=True)
class _Unit:
    start: int
    end: int
    tokens: int
    paragraph: int


def chunk_text(
    text: str,
    count_tokens: Callable[[str], int],
    max_tokens: int = 400,
    overlap_tokens: int = 60,
) -> list[Chunk]:
    """Pack sentences into chunks of at most `max_tokens`, overlapping by whole sentences."""
    if max_tokens < 1:
        raise ValueError("max_tokens must be at least 1")
    units = list(_units(text, count_tokens, max_tokens))
    paragraph_tokens: dict[int, int] = {}
    for u in units:
        paragraph_tokens[u.paragraph] = paragraph_tokens.get(u.paragraph, 0) + u.tokens
    chunks: list[Chunk] = []
    current: list[_Unit] = []
    current_tokens = 0
    for u in units:
        if current:
            n = count_tokens(text[current[0].start : u.end])
            # Rather end at a paragraph break than cut the next paragraph, once half full.
            new_paragraph = u.paragraph != current[-1].paragraph
            breaks = (
                new_paragraph
                and current_tokens >= max_tokens // 2
                and current_tokens + paragraph_tokens[u.paragraph] > max_tokens
            )
            if n <= max_tokens and not breaks:
                current.append(u)
                current_tokens = n
                continue
            chunks.append(_chunk(text, current, current_tokens, len(chunks)))
            current = _tail(current, overlap_tokens)
            while current:
                n = count_tokens(text[current[0].start : u.end])
                if n <= max_tokens:
                    break
                current = current[1:]
            if current:
                current.append(u)
                current_tokens = n
                continue
        current, current_tokens = [u], u.tokens
    if current:
        chunks.append(_chunk(text, current, current_tokens, len(chunks)))
    return chunks


def _chunk(text: str, units: list[_Unit], tokens: int, position: int) -> Chunk:
    start, end = units[0].start, units[-1].end
    return Chunk(text[start:end], position, start, end, tokens)


def _tail(units: list[_Unit], overlap_tokens: int) -> list[_Unit]:
    """The longest proper suffix of whole units within the overlap budget."""
    total, first = 0, len(units)
    for i in range(len(units) - 1, 0, -1):
        total += units[i].tokens
        if total > overlap_tokens:
            break
        first = i
    return units[first:]


def _units(text: str, count: Callable[[str], int], max_tokens: int) -> Iterator[_Unit]:
    """Sentences of each paragraph, over-long ones cut into pieces that fit."""
    pos, paragraph = 0, 0
    bounds = [(m.start(), m.end()) for m in _PARAGRAPH_BREAK.finditer(text)]
    for p_start, p_end in [*bounds, (len(text), len(text))]:
        for s, e in _sentences(text, pos, p_start):
            n = count(text[s:e])
            if n <= max_tokens:
                yield _Unit(s, e, n, paragraph)
            else:
                for a, b, m in _split_long(text, s, e, count, max_tokens):
                    yield _Unit(a, b, m, paragraph)
        pos, paragraph = p_end, paragraph + 1


def _sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Non-blank sentence spans in text[start:end], whitespace trimmed."""
    pos = start
    for m in _SENTENCE_END.finditer(text, start, end):
        yield from _trimmed(text, pos, m.end())
        pos = m.end()
    yield from _trimmed(text, pos, end)


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        s = start + (len(piece) - len(piece.lstrip()))
        yield s, s + len(stripped)


def _split_long(
    text: str, start: int, end: int, count: Callable[[str], int], max_tokens: int
) -> Iterator[tuple[int, int, int]]:
    """Cut a sentence at word boundaries (inside a word only if the word alone is too long)."""
    words: list[tuple[int, int, int]] = []
    for m in _WORD.finditer(text, start, end):
        n = count(m.group())
        if n <= max_tokens:
            words.append((m.start(), m.end(), n))
        else:
            words.extend(_split_chars(text, m.start(), m.end(), count, max_tokens))
    i = 0
    while i < len(words):
        # Word counts add up for whitespace-split tokenizers; the real count has the last say.
        j, total = i + 1, words[i][2]
        while j < len(words) and total + words[j][2] <= max_tokens:
            total += words[j][2]
            j += 1
        n = count(text[words[i][0] : words[j - 1][1]])
        while n > max_tokens and j - 1 > i:
            j -= 1
            n = count(text[words[i][0] : words[j - 1][1]])
        yield words[i][0], words[j - 1][1], n
        i = j


def _split_chars(
    text: str, start: int, end: int, count: Callable[[str], int], max_tokens: int
) -> Iterator[tuple[int, int, int]]:
    """Cut a run without spaces into the longest prefixes that fit (binary search)."""
    pos = start
    while pos < end:
        lo, hi = pos + 1, min(end, pos + max_tokens * _MAX_CHARS_PER_TOKEN)
        while lo < hi:  # largest cut in [lo, hi] that fits; at least one character
            mid = (lo + hi + 1) // 2
            if count(text[pos:mid]) <= max_tokens:
                lo = mid
            else:
                hi = mid - 1
        yield pos, lo, count(text[pos:lo])
        pos = lo

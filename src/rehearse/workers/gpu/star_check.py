"""The STAR check of a behavioural answer as stored: what the model claims, kept only where the
candidate's own words show it.

The LLM marks the question's kind and writes, per part (situation, task, action, result), the
candidate's words that tell it, or "" (contracts/interview_contract.py: FEEDBACK_SCHEMA). The
worker turns that into the stored `{"covered", "quote"}`: a technical question's `star` is null
whatever the model wrote; a part is covered only with a quote found in the transcript, and the
quote kept is the transcript's own span (its spelling, case and punctuation), so a client can
find it there. A quote not found becomes `{"covered": false, "quote": null}`: never a
regeneration, since paraphrasing is what small models do, and one more generation for it would
delay the whole feedback for a detail the candidate can read as "not shown".
"""

import re
import unicodedata
from typing import Any

from rehearse.contracts.interview_contract import QUOTE_MAX_CHARS, STAR_PARTS

_WORD = re.compile(r"\w+")
# "I", "the" or one Korean word is in any answer: a quote must show a phrase.
MIN_QUOTE_WORDS = 2

Span = tuple[int, int, str]  # start, end, the word normalised


def _words(text: str) -> list[Span]:
    """Words with their place in `text`; case, Unicode form and punctuation do not count."""
    return [
        (m.start(), m.end(), unicodedata.normalize("NFKC", m.group()).casefold())
        for m in _WORD.finditer(text)
    ]


def find_quote(quote: str, transcript: str, language: str) -> str | None:
    """The transcript's words that `quote` repeats, as the transcript spells them, or None.

    Words must follow each other as in the transcript. A Korean word may stop short of its
    transcript word (a particle or ending left off: "서비스" for "서비스가"), and so may the last
    word of a quote the grammar cut at its maxLength; the span kept is then the whole word.
    """
    wanted = [w for _, _, w in _words(quote)]
    if len(wanted) < MIN_QUOTE_WORDS:
        return None
    said = _words(transcript)
    cut = len(quote) >= QUOTE_MAX_CHARS
    last = len(wanted) - 1

    def same(heard: str, i: int) -> bool:
        if language == "ko" or (cut and i == last):
            return heard.startswith(wanted[i])
        return heard == wanted[i]

    for start in range(len(said) - last):
        if all(same(said[start + i][2], i) for i in range(len(wanted))):
            return transcript[said[start][0] : said[start + last][1]]
    return None


def _part(quote: Any, transcript: str, language: str) -> tuple[dict[str, Any], bool]:
    """A part as stored, from the quote the model wrote for it; and whether that was dropped."""
    if not isinstance(quote, str) or not quote.strip():  # "": the model says it was not told
        return {"covered": False, "quote": None}, False
    found = find_quote(quote, transcript, language)
    return {"covered": found is not None, "quote": found}, found is None


def settled(feedback: dict[str, Any], transcript: str, language: str) -> tuple[dict[str, Any], int]:
    """`feedback` with `star` as stored: null unless the question is behavioural, and each part
    covered only with a quote from `transcript`; and how many of the model's quotes went."""
    out = dict(feedback)
    star = out.get("star")
    if out.get("question_kind") != "behavioural" or not isinstance(star, dict):
        out["star"] = None
        return out, 0
    parts, dropped = {}, 0
    for name in STAR_PARTS:
        parts[name], lost = _part(star.get(name), transcript, language)
        dropped += lost
    out["star"] = parts
    return out, dropped

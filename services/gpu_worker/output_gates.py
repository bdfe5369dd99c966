"""Output gates: a generated text a candidate sees or hears must read as natural language.

Small models under a JSON grammar always close their JSON, but what sits inside the strings
can be digit soup ("2.1.2.2.5.3"), JSON debris, another language or a copy of the prompt.
`problem()` names what is wrong with one text (never quoting it); `bound()` shortens a text at
sentence or word ends, never mid-word.
"""

import re
import unicodedata
from dataclasses import dataclass

# Letters of the interview's language among all letters: Korean answers name English tools
# ("Python", "API"), English ones should be English through and through.
_SCRIPT = {"ko": ("HANGUL", 0.5), "en": ("LATIN", 0.95)}
_DEBRIS = re.compile(r"[{}\[\]\"\\<>|#=*`_]|\n|https?://")
_NUMBER_SOUP = re.compile(r"\d+(?:\s*[.:,/-]\s*\d+){2,}")
_SENTENCE_END = re.compile(r"(?<=[.?!。？！])\s+")
_LETTER_SHARE = 0.75  # of the non-space characters
_DIGIT_SHARE = 0.1
_ECHO_CHARS = 16  # a shorter overlap with the prompt is a shared phrase, not a copy


@dataclass(frozen=True)
class Limits:
    """Words a text may have; Korean words (eojeol) carry particles, so fewer make a sentence."""

    min_words: int
    max_words: int

    def minimum(self, language: str) -> int:
        return min(self.min_words, 2) if language == "ko" else self.min_words


QUESTION = Limits(4, 45)
ITEM = Limits(3, 40)
SUMMARY = Limits(6, 120)


def _normalized(text: str) -> str:
    return " ".join(text.lower().split())


def problem(text: str, language: str, limits: Limits, prompt: str = "") -> str | None:
    """Why `text` must not reach the candidate, or None when it passes every gate."""
    text = text.strip()
    if _DEBRIS.search(text):
        return "JSON or markup debris"
    if _NUMBER_SOUP.search(text):
        return "digit soup"
    chars = [c for c in text if not c.isspace()]
    letters = [c for c in chars if c.isalpha()]
    if not chars or len(letters) < _LETTER_SHARE * len(chars):
        return "too few letters"
    if sum(c.isdigit() for c in chars) > _DIGIT_SHARE * len(chars):
        return "too many digits"
    script, share = _SCRIPT[language]
    native = sum(unicodedata.name(c, "").startswith(script) for c in letters)
    if native < share * len(letters):
        return f"not written in {language}"
    words = text.split()
    if not limits.minimum(language) <= len(words) <= limits.max_words:
        return f"{len(words)} words, outside {limits.minimum(language)}-{limits.max_words}"
    if len(words) >= 6 and len({w.lower() for w in words}) < 0.5 * len(words):
        return "repeats itself"
    flat = _normalized(text)
    if len(flat) >= _ECHO_CHARS and flat in _normalized(prompt):
        return "echoes the prompt"
    return None


def uncut(text: str, max_length: int) -> str:
    """A text the grammar stopped at `max_length`, back to its last sentence or whole word."""
    text = " ".join(text.split())
    if len(text) < max_length:
        return text
    sentences = _SENTENCE_END.split(text)
    if len(sentences) > 1:
        return " ".join(sentences[:-1])  # the last one is the cut one
    return text.rsplit(" ", 1)[0].rstrip(",;:-–— ") if " " in text else text


def bound(text: str, max_words: int) -> str:
    """Whole sentences from the start within `max_words`; the first sentence at least."""
    sentences = _SENTENCE_END.split(" ".join(text.split()))
    kept: list[str] = []
    for sentence in sentences:
        if kept and sum(len(s.split()) for s in kept) + len(sentence.split()) > max_words:
            break
        kept.append(sentence)
    return " ".join(kept)

"""Output gates: a generated text a candidate sees or hears must read as natural language.

Small models under a JSON grammar always close their JSON, but what sits inside the strings
can be digit soup ("2.1.2.2.5.3"), JSON debris, another language or a copy of the prompt.
`problem()` names what is wrong with one text (never quoting it); `bound()` shortens a text at
sentence or word ends, never mid-word. A summary must be whole sentences, written about the
candidate (never in their voice).
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
# A sentence ends in a word then its mark; "...." or "…" is a placeholder, not an end.
_SENTENCE_CLOSED = re.compile(r"[\w)'’”%][.?!。？！]$")
_WORD = re.compile(r"\w+(?:'\w+)*")
# Natural prose repeats words ("the", "candidate", particles) but rarely a three-word run: even
# a deliberately plain summary (the tests') keeps 88% of its word trigrams distinct, a loop not.
_DISTINCT_TRIGRAMS = 0.8
_LOOP_SPAN = 8  # longest run of words checked for back-to-back copies
# The candidate's own voice: a report is written about them, never as them.
_FIRST_PERSON_EN = re.compile(r"(i|me|my|mine|myself|we|our|ours|ourselves)('\w+)?")
_FIRST_PERSON_KO = re.compile(r"저는|제가|저의|저도|저를|저에게|저희|나는|내가|나의|우리")


@dataclass(frozen=True)
class Limits:
    """Words a text may have; Korean words (eojeol) carry particles, so fewer make a sentence."""

    min_words: int
    max_words: int
    drop_unfinished: bool = False
    """A text of several sentences loses an unfinished last one (see `uncut`)."""
    whole_sentences: bool = False
    """And a text of one unfinished sentence is refused."""
    third_person: bool = False
    """Never in the candidate's voice."""

    def minimum(self, language: str) -> int:
        return min(self.min_words, 2) if language == "ko" else self.min_words


QUESTION = Limits(4, 45)
ITEM = Limits(3, 40)
SUMMARY = Limits(6, 120, drop_unfinished=True, whole_sentences=True, third_person=True)
REPORT_ITEM = Limits(3, 40, drop_unfinished=True, third_person=True)


def _normalized(text: str) -> str:
    return " ".join(text.lower().split())


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'"))


def said_in_a_row(words: list[str], start: int, size: int) -> int:
    """How many times the phrase `words[start:start + size]` is said back to back from `start`."""
    phrase, count = words[start : start + size], 1
    while words[start + count * size : start + (count + 1) * size] == phrase:
        count += 1
    return count


def _loops(words: list[str]) -> bool:
    """A run of words said again at once: one word three times, two words three times over,
    three or more words twice ("the candidate the candidate the candidate")."""
    for n in range(1, _LOOP_SPAN + 1):
        copies = 3 if n <= 2 else 2
        if any(said_in_a_row(words, i, n) >= copies for i in range(len(words) - copies * n + 1)):
            return True
    return False


def repeats(text: str) -> bool:
    """Degenerate repetition: a loop, a sentence said twice, or few distinct word trigrams."""
    words = _words(text)
    if _loops(words):
        return True
    sentences = [tuple(_words(s)) for s in _SENTENCE_END.split(text)]
    long_ones = [s for s in sentences if len(s) >= 4]
    if len(set(long_ones)) < len(long_ones):
        return True
    trigrams = [tuple(words[i : i + 3]) for i in range(len(words) - 2)]
    return len(trigrams) >= 8 and len(set(trigrams)) < _DISTINCT_TRIGRAMS * len(trigrams)


def first_person(text: str, language: str) -> bool:
    """Written in the candidate's voice ("I built...", "저는...")."""
    if language == "en":
        return any(_FIRST_PERSON_EN.fullmatch(w) for w in _words(text))
    return any(_FIRST_PERSON_KO.match(w) for w in text.split())


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
    # Words with letters: "The candidate ... ." is two words and a placeholder.
    words = [w for w in text.split() if any(c.isalpha() for c in w)]
    if not limits.minimum(language) <= len(words) <= limits.max_words:
        return f"{len(words)} words, outside {limits.minimum(language)}-{limits.max_words}"
    if repeats(text):
        return "repeats itself"
    if limits.whole_sentences and not _SENTENCE_CLOSED.search(text):
        return "cut mid-sentence"
    if limits.third_person and first_person(text, language):
        return "written in the first person"
    # A summary may not copy even one sentence (say, the prompt's example of the form).
    parts = _SENTENCE_END.split(text) if limits.whole_sentences else [text]
    source = _normalized(prompt)
    for part in parts:
        flat = _normalized(part)
        if len(flat) >= _ECHO_CHARS and flat in source:
            return "echoes the prompt"
    return None


def unlooped(text: str) -> str:
    """A text up to where it starts saying a sentence again (a small model's loop)."""
    seen: set[tuple[str, ...]] = set()
    kept: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        words = tuple(_words(sentence))
        if len(words) >= 3 and words in seen:
            break
        seen.add(words)
        kept.append(sentence)
    return " ".join(kept)


def uncut(text: str, max_length: int, drop_unfinished: bool = False) -> str:
    """A text the grammar stopped at `max_length`, back to its last sentence or whole word.

    With `drop_unfinished`, an unfinished last sentence goes whether the grammar cut it or the
    model closed the string early; a text of one unfinished sentence stays as it is.
    """
    cut = len(text) >= max_length  # before spaces are folded: they count in the limit
    text = " ".join(text.split())
    sentences = _SENTENCE_END.split(text)
    if drop_unfinished and not _SENTENCE_CLOSED.search(text):
        return " ".join(sentences[:-1]) if len(sentences) > 1 else text
    if not cut:
        return text
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

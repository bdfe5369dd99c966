"""Filler words and phrases per 100 words, matched as whole words in the transcript.

A filler is matched on whole space-separated words (never inside one: "umbrella", "likely",
"그러니까요" are not fillers) and only where its rule says the word is not doing other work:
- hesitation sounds ("um", "uh", "음", "어") always count;
- "like", "you know", "I mean" count only where the transcript sets them off, a comma, dash or
  ellipsis right after, or a clause of their own ("…, you know?"); "like" after a subject or
  an auxiliary ("I like", "would like") is the verb and never counts;
- "kind of", "sort of" count unless a determiner comes first ("what kind of", "a sort of");
- "그" and "저" are determiners before a noun: "그" counts when set off, doubled ("그 그"),
  or before a pronoun it cannot modify ("그 제가"); "저" only when set off; "뭐" unless its
  sentence is a question.
Whisper punctuates set-off words with commas, and drops most "um"s: the count is a floor.
"""

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from rehearse.contracts.delivery_contract import FillerFound, Fillers

_PAUSE = re.compile(r"[,;:—–…-]|\.\.")
_END = re.compile(r"[.?!]")


@dataclass(frozen=True)
class Word:
    core: str  # lower case, edge punctuation removed
    after: str  # "pause", "end" or "" (the punctuation right after it)
    before: str  # the same for the word before it ("end" at the start of the text)
    question: bool  # its sentence ends with "?"


Rule = Callable[[list[Word], int, int], bool]  # (words, first, past-last) -> counts


def _always(words: list[Word], i: int, j: int) -> bool:
    return True


def _set_off(words: list[Word], i: int, j: int) -> bool:
    last = words[j - 1]
    return last.after == "pause" or (words[i].before != "" and last.after == "end")


# fmt: off
_VERB_BEFORE = {
    "i", "you", "we", "they", "would", "i'd", "you'd", "we'd", "don't", "didn't", "do", "did",
    "to", "really", "also", "as", "what", "things", "something",  # "things like, say, Go"
}
_DETERMINERS = {
    "a", "an", "the", "what", "which", "this", "that", "these", "those", "any", "some", "every",
    "each", "no", "one", "same", "different", "all", "another",
}
_PRONOUNS_KO = {
    "저는", "제가", "저도", "저희", "저희가", "저희는", "저희도", "저희의", "나는", "내가", "우리",
    "우리가", "우리는",
}
# fmt: on


def _like(words: list[Word], i: int, j: int) -> bool:
    verb = i > 0 and words[i].before == "" and words[i - 1].core in _VERB_BEFORE
    return not verb and _set_off(words, i, j)


def _hedge(words: list[Word], i: int, j: int) -> bool:
    return not (i > 0 and words[i].before == "" and words[i - 1].core in _DETERMINERS)


def _geu(words: list[Word], i: int, j: int) -> bool:
    following = words[j].core if j < len(words) else ""
    return words[i].after != "" or following in _PRONOUNS_KO or following == words[i].core


def _not_question(words: list[Word], i: int, j: int) -> bool:
    return not words[i].question


_HESITATION = {
    "en": re.compile(r"(u+m+|u+h+m*|e+r+m*|a+h+|h+m+|m+h?m+)"),
    "ko": re.compile(r"(음+|어+|아+|으+|흠+|에+|엄+)"),
}
_LISTS: dict[str, dict[str, Rule]] = {
    "en": {
        "like": _like,
        "you know": _set_off,
        "I mean": _set_off,
        "kind of": _hedge,
        "sort of": _hedge,
        "basically": _always,
        "literally": _always,
    },
    "ko": {
        "저기": _always,
        "뭐랄까": _always,
        "그러니까": _always,
        "약간": _always,
        "뭐": _not_question,
        "그": _geu,
        "저": lambda words, i, j: words[i].after != "",
    },
}


def _mark(punctuation: str) -> str:
    return "pause" if _PAUSE.search(punctuation) else "end" if _END.search(punctuation) else ""


def words_of(text: str) -> list[Word]:
    """The transcript's space-separated words with the punctuation around each."""
    raw = [t for t in text.split() if re.search(r"[^\W_]", t)]
    tails = [t[len(t.rstrip(".,;:!?…—–-\"')]")) :] for t in raw]
    questions, question = [], False
    for tail in reversed(tails):  # backwards: a word's sentence ends at the next end mark
        question = tail.rstrip("\"')]").endswith("?") or (question and _mark(tail) != "end")
        questions.append(question)
    found: list[Word] = []
    before = "end"
    for token, tail, question in zip(raw, tails, reversed(questions), strict=True):
        core = re.sub(r"^[\W_]+|[\W_]+$", "", token).lower().replace("’", "'")
        found.append(Word(core, _mark(tail), before, question))
        before = found[-1].after
    return found


def fillers(transcript: str, language: str) -> Fillers:
    """Each filler's count, and fillers per 100 words (null when there is no word)."""
    words = words_of(transcript)
    lists = _LISTS.get(language, _LISTS["en"])
    hesitation = _HESITATION.get(language, _HESITATION["en"])
    counts: Counter[str] = Counter()
    i = 0
    while i < len(words):
        matched = 1
        if hesitation.fullmatch(words[i].core):
            counts[re.sub(r"(.)\1+", r"\1", words[i].core)] += 1  # "umm" is "um"
        for phrase, rule in lists.items():  # no two phrases start with the same word
            parts = phrase.lower().split()
            j = i + len(parts)
            inside = all(w.after == "" for w in words[i : j - 1])
            if [w.core for w in words[i:j]] == parts and inside and rule(words, i, j):
                counts[phrase] += 1
                matched = len(parts)
                break
        i += matched
    total = len(words)
    return Fillers(
        per_100_words=round(100.0 * sum(counts.values()) / total, 2) if total else None,
        found=[FillerFound(text=t, count=c) for t, c in counts.most_common()],
        words=total,
    )

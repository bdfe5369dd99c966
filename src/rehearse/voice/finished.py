"""Whether a transcript reads as a finished thought, in English and Korean, from its last word.

Whisper ends most segments with a period, even where the speaker stopped mid-sentence, so the
last word outweighs the punctuation: "and." is unfinished. Calling an unfinished answer
finished cuts the candidate off; the other mistake only makes them wait `thinking_ms`, so a
word that often trails off counts as unfinished even where it can end a sentence ("with").
"""

import re

SENTENCE_END = ".?!。？！"
# A trailing comma, dash or ellipsis: the speaker was going on.
TRAILS_OPEN = (",", "，", "、", ":", ";", "-", "–", "—", "...", "…")
CLOSERS = "\"'”’)]」』"
WORD = re.compile(r"[\w']+")

EN_OPEN = frozenset({
    "and", "so", "because", "cause", "but", "or", "nor", "um", "umm", "uh", "uhm", "er", "erm",
    "hmm", "mm", "like", "the", "a", "an", "to", "of", "with", "for", "at", "into", "than", "my",
    "our", "your", "their", "if", "when", "while", "although", "whereas", "unless", "whether",
    "i", "we",
})  # fmt: skip
"""Conjunctions, fillers, articles and prepositions a finished English sentence rarely ends on."""

EN_OPEN_PAIRS = frozenset({("i", "mean"), ("and", "then"), ("kind", "of"), ("sort", "of")})

# "I think so." is a whole answer.
SO_ENDS = frozenset({
    "think", "hope", "guess", "believe", "suppose", "imagine", "expect", "said", "say", "do",
    "did", "afraid",
})  # fmt: skip

KO_OPEN = frozenset({
    "그리고", "그래서", "그런데", "근데", "하지만", "그러나", "그러니까", "그니까",
    "그러면", "그럼", "그래도", "왜냐하면", "왜냐면", "또", "또는", "혹은", "및", "즉",
    "음", "으음", "어", "아", "에", "그", "저", "뭐", "막", "좀", "이제", "약간", "일단",
    "그게", "뭐랄까",
})  # fmt: skip
"""Korean conjunctions and fillers."""

KO_CONNECTIVE = (
    "고", "서", "는데", "은데", "인데", "지만", "면", "니까", "거나", "든지", "면서", "며",
    "려고", "도록", "다가", "자마자", "는", "은", "을", "를", "에", "에게", "한테",
)  # fmt: skip
"""Connective endings (-고 -서 -는데 -지만 -면 …) and the particles a sentence goes on after."""

KO_NOUNS = (
    "최고", "광고", "창고", "사고", "재고", "참고", "문서", "순서", "이력서", "보고서",
    "계획서", "제안서", "기획서", "설명서", "계약서", "증명서", "소개서", "신청서", "명세서",
    "부서", "비서", "도서", "측면", "화면", "표면", "방면", "정면", "전면", "장면", "내면",
)  # fmt: skip
"""Common nouns that end like a connective: "이력서." is a noun, not "…서" going on."""

KO_SENTENCE_END = ("다", "요", "죠", "까", "네")
"""Endings that close a Korean sentence even without punctuation (-다, -니다, -요, -죠 …)."""

_HANGUL_FIRST, _FINALS, _FINAL_B = 0xAC00, 28, 17


def reads_finished(text: str) -> bool:
    """True if `text` reads as a finished sentence; empty or trailing off reads as unfinished."""
    text = text.strip().rstrip(CLOSERS).rstrip()
    if not text or text.endswith(TRAILS_OPEN):
        return False
    words = WORD.findall(text.lower())
    if not words:
        return False
    last, before = words[-1], words[-2] if len(words) > 1 else ""
    if _trails_off(last, before):
        return False
    return text[-1] in SENTENCE_END or last.endswith(KO_SENTENCE_END)


def _trails_off(last: str, before: str) -> bool:
    if last in EN_OPEN:
        return not (last == "so" and before in SO_ENDS)
    if (before, last) in EN_OPEN_PAIRS or last in KO_OPEN:
        return True
    return _korean_connective(last)


def _korean_connective(word: str) -> bool:
    if word.endswith("니까") and len(word) > 2 and _has_final_b(word[-3]):
        return False  # -ㅂ니까 (합니까, 있습니까) asks a question; -니까 alone means "because"
    return word.endswith(KO_CONNECTIVE) and not word.endswith(KO_NOUNS)


def _has_final_b(syllable: str) -> bool:
    """Whether a Hangul syllable ends in ㅂ (합, 습, 입)."""
    code = ord(syllable) - _HANGUL_FIRST
    return 0 <= code < 11172 and code % _FINALS == _FINAL_B

"""A final report assembled from the turns' own feedback, when the LLM's report is not usable.

The turns' feedback already passed the output gates when it was written, so a report built from
it is safe to show: the mean of the turn scores, a summary from templates in the interview's
language naming the strengths (and the STAR parts the answers most often left out, where they
were checked), and the improvements that matter most. It says so:
`"source": "turns"` (a generated report has `"source": "model"`).
"""

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from rehearse.contracts.interview_contract import STAR_PARTS
from rehearse.storage.rows import PastTurn
from rehearse.workers.gpu.output_gates import first_person

MAX_ITEMS = 3
_SIMILAR = 0.5  # word overlap (Jaccard) from which two improvements say the same thing

TEMPLATES = {
    "en": {
        "scored": "The candidate answered {n} {questions}, with an average score of {mean} "
        "out of 5.",
        "question": ("question", "questions"),
        "strengths": "The feedback on the answers named these strengths: {items}",
        "no_strengths": "The feedback on the answers named no particular strength.",
        "star_gaps": "Of the STAR parts, the answers about past work most often left out the "
        "{parts}.",
        "star_whole": "The answers about past work told the situation, task, action and result.",
        "parts": {"situation": "situation", "task": "task", "action": "action", "result": "result"},
        "none": "No answers were given in this interview, so there is nothing to assess.",
        "none_advice": "Answer the questions aloud: each answer gets its own feedback and "
        "counts toward the report.",
    },
    "ko": {
        "scored": "지원자는 질문 {n}개에 답했고, 평균 점수는 5점 만점에 {mean}점입니다.",
        "question": ("", ""),
        "strengths": "답변 피드백에서 꼽힌 강점은 다음과 같습니다. {items}",
        "no_strengths": "답변 피드백에서 꼽힌 뚜렷한 강점은 없었습니다.",
        "star_gaps": "경험을 묻는 질문의 답변에서 STAR 중 가장 자주 빠진 부분은 {parts}입니다.",
        "star_whole": "경험을 묻는 질문의 답변은 상황, 과제, 행동, 결과를 모두 말했습니다.",
        "parts": {"situation": "상황", "task": "과제", "action": "행동", "result": "결과"},
        "none": "이 면접에서는 답변이 없어 평가할 내용이 없습니다.",
        "none_advice": "질문에 소리 내어 답해 보세요. 답변마다 피드백을 받고, 그 내용이 최종 "
        "보고서에 반영됩니다.",
    },
}


def in_feedback_voice(turns: Sequence[PastTurn], language: str) -> list[PastTurn]:
    """The turns with feedback items in the candidate's voice ("We train new engineers") left
    out: the turns' gates allow them, but a report must not repeat or imitate them."""
    out = []
    for turn in turns:
        feedback = dict(turn.feedback)
        for key in ("strengths", "improvements"):
            feedback[key] = [i for i in feedback.get(key, []) if not first_person(i, language)]
        out.append(replace(turn, feedback=feedback))
    return out


def no_answers(language: str) -> dict[str, Any]:
    """The report of an interview finished before any answer: nothing to score."""
    words = TEMPLATES[language]
    return {
        "overall_score": None,
        "summary": words["none"],
        "top_improvements": [words["none_advice"]],
        "source": "turns",
    }


def from_turns(turns: Sequence[PastTurn], language: str) -> dict[str, Any]:
    """The report from the turns' scores, strengths and improvements (no LLM)."""
    if not turns:
        return no_answers(language)
    words = TEMPLATES[language]
    feedback = [t.feedback for t in turns]
    scores = [f["score"] for f in feedback if isinstance(f.get("score"), int)]
    mean = sum(scores) / len(scores) if scores else None
    summary = []
    if mean is not None:
        questions = words["question"][len(turns) != 1]
        summary.append(
            words["scored"].format(n=len(turns), questions=questions, mean=f"{mean:.1f}")
        )
    # The best answers' strengths first, one per turn in turn, each said once.
    ranked = sorted(feedback, key=lambda f: -f.get("score", 0))
    strengths = _distinct(_round_robin([f.get("strengths", []) for f in ranked]))[:MAX_ITEMS]
    if strengths:
        summary.append(words["strengths"].format(items=" ".join(_closed(s) for s in strengths)))
    else:
        summary.append(words["no_strengths"])
    if (gaps := star_gaps(feedback)) is not None:
        parts = _listed([words["parts"][p] for p in gaps], language)
        summary.append(words["star_gaps"].format(parts=parts) if gaps else words["star_whole"])
    return {
        # Half up, not Python's round-half-to-even: a mean of 2.5 is a 3.
        "overall_score": int(mean + 0.5) if mean is not None else None,
        "summary": " ".join(summary),
        "top_improvements": _top_improvements(feedback),
        "source": "turns",
    }


def star_gaps(feedback: list[dict[str, Any]]) -> list[str] | None:
    """The STAR parts most often not covered by the answers checked (none: every part told);
    None when no answer had a STAR check (technical questions, turns stored before it)."""
    checked = [f["star"] for f in feedback if isinstance(f.get("star"), dict)]
    if not checked:
        return None
    missing = {p: sum(not s.get(p, {}).get("covered") for s in checked) for p in STAR_PARTS}
    most = max(missing.values())
    return [p for p in STAR_PARTS if most and missing[p] == most]


def _top_improvements(feedback: list[dict[str, Any]]) -> list[str]:
    """Distinct improvements, the ones several answers needed first, then the weakest answers'."""
    groups: list[dict[str, Any]] = []  # {"text", "words", "turns", "score", "order"}
    order = 0
    for turn, f in enumerate(feedback):
        for text in f.get("improvements", []):
            words, order = _word_set(text), order + 1
            group = next((g for g in groups if _overlap(g["words"], words) >= _SIMILAR), None)
            if group is None:
                group = {"text": text, "words": words, "turns": set(), "score": 6, "order": order}
                groups.append(group)
            group["turns"].add(turn)
            group["score"] = min(group["score"], f.get("score", 6))
    groups.sort(key=lambda g: (-len(g["turns"]), g["score"], g["order"]))
    return [g["text"] for g in groups[:MAX_ITEMS]]


def _round_robin(lists: list[list[str]]) -> list[str]:
    return [
        items[i]
        for i in range(max(map(len, lists), default=0))
        for items in lists
        if i < len(items)
    ]


def _distinct(texts: list[str]) -> list[str]:
    kept: list[str] = []
    for text in texts:
        if all(_overlap(_word_set(text), _word_set(k)) < _SIMILAR for k in kept):
            kept.append(text)
    return kept


def _word_set(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def _listed(items: list[str], language: str) -> str:
    """Items as a sentence lists them: "task, action and result"; Korean with commas only."""
    if language == "ko" or len(items) < 2:
        return ", ".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _closed(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."

"""Interview prompts: versioned template files per language, fitted into the context window."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from string import Template

from rehearse.base.errors import JobError
from rehearse.contracts.jobs import ChatMessage
from rehearse.storage.rows import PastTurn

PROMPTS_DIR = Path(__file__).parent / "prompts"

DEFAULTS = {
    "ko": {
        "persona": "친절하지만 날카로운",
        "role": "지원한",
        "none": "(없음)",
        "omitted": "(앞선 답변 {n}개는 생략)",
        "question": "질문",
        "answer": "답변",
        "score": "점수",
        "cut": " …(이하 생략)",
        "start": "(면접을 시작합니다.)",
        "strengths": "강점",
        "improvements": "개선점",
    },
    "en": {
        "persona": "a friendly but rigorous",
        "role": "the advertised position",
        "none": "(none)",
        "omitted": "({n} earlier answers omitted)",
        "question": "Q",
        "answer": "A",
        "score": "score",
        "cut": " … (cut)",
        "start": "(The interview starts.)",
        "strengths": "Strengths",
        "improvements": "To improve",
    },
}


@dataclass(frozen=True)
class PromptTemplate:
    system: Template
    user: Template

    @property
    def conversational(self) -> bool:
        """Earlier turns go in as chat messages (v2 on), not as lines of `$history` (v1)."""
        return "$history" not in self.user.template

    def render(self, **values: str) -> list[ChatMessage]:
        return [
            ChatMessage(role="system", content=self.system.safe_substitute(values).strip()),
            ChatMessage(role="user", content=self.user.safe_substitute(values).strip()),
        ]


@cache
def load(version: str, language: str, name: str) -> PromptTemplate:
    """`prompts/<version>/<language>/<name>.txt`, split at its `[system]` and `[user]` lines."""
    text = (PROMPTS_DIR / version / language / f"{name}.txt").read_text(encoding="utf-8")
    system, user = text.split("[user]\n", 1)
    return PromptTemplate(Template(system.removeprefix("[system]\n")), Template(user))


def history_lines(turns: Sequence[PastTurn], language: str, omitted: int) -> str:
    words = DEFAULTS[language]
    lines = [words["omitted"].format(n=omitted)] if omitted else []
    for turn in turns:
        score = turn.feedback.get("score")
        lines.append(f"{words['question']}{turn.number}: {turn.question}")
        lines.append(f"{words['answer']}{turn.number}: {turn.transcript}")
        if score is not None:
            lines.append(f"({words['score']}: {score}/5)")
    return "\n".join(lines) or words["none"]


def report_record(turns: Sequence[PastTurn], language: str, omitted: int) -> str:
    """Each question with its score and feedback, for the report: not the transcripts, whose
    first person ("I built...") a small model carries on in instead of writing about them."""
    words = DEFAULTS[language]
    lines = [words["omitted"].format(n=omitted)] if omitted else []
    for turn in turns:
        feedback = turn.feedback
        lines.append(f"{words['question']}{turn.number}: {turn.question}")
        if feedback.get("score") is not None:
            lines.append(f"{words['score']}: {feedback['score']}/5")
        for key in ("strengths", "improvements"):
            if feedback.get(key):
                lines.append(f"{words[key]}: {' '.join(feedback[key])}")
    return "\n".join(lines) or words["none"]


def conversation(
    turns: Sequence[PastTurn], language: str, omitted: int, question: str
) -> list[ChatMessage]:
    """The interview so far as the chat it was, up to the current question (the interviewer's).

    Only appended to from turn to turn, so it is the prompt's reusable prefix; small models
    also copy a question quoted in the prompt far more often than one they asked themselves.
    """
    words = DEFAULTS[language]
    start = words["start"] + (" " + words["omitted"].format(n=omitted) if omitted else "")
    messages = [ChatMessage(role="user", content=start)]
    for turn in turns:
        messages.append(ChatMessage(role="assistant", content=turn.question))
        messages.append(ChatMessage(role="user", content=turn.transcript))
    messages.append(ChatMessage(role="assistant", content=question))
    return messages


@dataclass
class Fitted:
    messages: list[ChatMessage]
    prompt_tokens: int
    info: dict[str, int] = field(default_factory=dict)


def fit(
    render: Callable[[list[PastTurn], int, list[str], str], list[ChatMessage]],
    count_tokens: Callable[[list[ChatMessage]], int],
    budget: int,
    history: Sequence[PastTurn],
    passages: Sequence[str],
    text: str,
    cut_marker: str,
) -> Fitted:
    """Render within `budget` tokens: drop oldest turns, then weakest passages, then halve `text`.

    Never a context overflow: the prompt shrinks until it fits, and says what it left out.
    """
    kept, chunks, body, omitted = list(history), list(passages), text, 0
    while True:
        messages = render(kept, omitted, chunks, body)
        tokens = count_tokens(messages)
        if tokens <= budget:
            info = {
                "history_omitted": omitted,
                "passages_dropped": len(passages) - len(chunks),
                "text_cut": int(body != text),
            }
            return Fitted(messages, tokens, info)
        if kept:
            kept.pop(0)
            omitted += 1
        elif chunks:
            chunks.pop()
        elif len(body) > 40:
            body = body[: len(body) // 2].rstrip() + cut_marker
        else:
            raise JobError(
                "context_length_exceeded",
                f"the prompt template alone needs {tokens} tokens, more than the {budget} left",
            )

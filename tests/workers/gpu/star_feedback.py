"""Feedback with a STAR check as the model writes it, for the STAR tests (worker and stack)."""

from rehearse.contracts.interview_contract import STAR_PARTS

NEXT_QUESTION = "How did you measure the response time after the change?"


def claims(**quotes: str) -> dict:
    """A star as the model writes it: a quote per part, "" for a part it says was not told."""
    return {part: quotes.get(part, "") for part in STAR_PARTS}


def written(kind: str, star: dict | None) -> dict:
    """The model's feedback on an answer: the fields before the check, then kind and star."""
    return {
        "next_question": NEXT_QUESTION,
        "score": 4,
        "strengths": ["You gave a number for the result."],
        "improvements": ["Say what your own part was in the team."],
        "question_kind": kind,
        "star": star,
    }

"""The report assembled from the turns' own feedback: what a candidate reads when no
generation passed the gates."""

from dataclasses import replace

from rehearse.storage.rows import PastTurn
from rehearse.workers.gpu.interview_prompts import report_record
from rehearse.workers.gpu.turn_report import from_turns, in_feedback_voice, no_answers


def turn(score: int, strengths: list[str], improvements: list[str]) -> PastTurn:
    feedback = {"score": score, "strengths": strengths, "improvements": improvements}
    return PastTurn(number=1, question="", transcript="", feedback=feedback)


TURNS = [
    turn(
        2,
        ["You named the tools you used."],
        ["Give a number for how fast the service became.", "Say what your own part was."],
    ),
    turn(3, ["You gave a concrete weekly practice."], ["Say what changed for the engineers."]),
    turn(
        4,
        ["You described a clear fix.", "You named the tools you used."],
        ["Give a number for how much faster the database became.", "Explain the trade-off."],
    ),
]


def test_the_score_is_the_rounded_mean_half_up():
    assert from_turns(TURNS, "en")["overall_score"] == 3
    assert (
        from_turns([turn(2, ["a b c"], ["d e f"]), turn(3, ["g h i"], ["j k l"])], "en")[
            "overall_score"
        ]
        == 3
    )  # 2.5 is a 3


def test_an_english_summary_names_the_strengths_once_best_answers_first():
    report = from_turns(TURNS, "en")
    assert report["source"] == "turns"
    assert report["summary"] == (
        "The candidate answered 3 questions, with an average score of 3.0 out of 5. "
        "The feedback on the answers named these strengths: You described a clear fix. "
        "You gave a concrete weekly practice. You named the tools you used."
    )


def test_top_improvements_are_distinct_recurring_and_weakest_first():
    improvements = from_turns(TURNS, "en")["top_improvements"]
    assert len(improvements) == 3
    # Asked for in two answers (in other words): first, said once.
    assert improvements[0] == "Give a number for how fast the service became."
    assert not any("much faster the database" in i for i in improvements)
    assert improvements[1] == "Say what your own part was."  # the weakest answer's next


def test_a_korean_report_reads_korean():
    turns = [turn(4, ["구체적인 사례를 들었습니다."], ["결과를 숫자로 말해 보세요."])]
    report = from_turns(turns, "ko")
    assert report["overall_score"] == 4
    assert report["summary"].startswith("지원자는 질문 1개에 답했고, 평균 점수는 5점 만점에 4.0점")
    assert "구체적인 사례를 들었습니다." in report["summary"]
    assert report["top_improvements"] == ["결과를 숫자로 말해 보세요."]


def test_no_answers_no_score_and_it_says_so():
    for language, phrase in (("en", "No answers were given"), ("ko", "답변이 없어")):
        report = no_answers(language)
        assert report["overall_score"] is None and report["source"] == "turns"
        assert phrase in report["summary"] and report["top_improvements"]
    assert from_turns([], "en") == no_answers("en")


def test_the_report_prompt_gives_scores_and_feedback_not_the_candidates_words():
    turns = [replace(TURNS[0], question="What did you build?", transcript="I built")]
    record = report_record(turns, "en", 0)
    assert record.splitlines() == [
        "Q1: What did you build?",
        "score: 2/5",
        "Strengths: You named the tools you used.",
        "To improve: Give a number for how fast the service became. Say what your own part was.",
    ]
    assert "I built" not in record


def test_feedback_in_the_candidates_voice_is_left_out_of_the_report():
    turns = [turn(4, ["You named the tools.", "We have a great team."], ["We train new staff."])]
    kept = in_feedback_voice(turns, "en")[0].feedback
    assert kept["strengths"] == ["You named the tools."] and kept["improvements"] == []
    assert from_turns(in_feedback_voice(turns, "en"), "en")["top_improvements"] == []

"""Output gates: what a candidate may see or hear, and regeneration until it passes."""

import json

import pytest

from rehearse.base.errors import JobError
from rehearse.contracts.interview_contract import FEEDBACK_SCHEMA, OPENING_SCHEMA, REPORT_SCHEMA
from rehearse.contracts.jobs import ChatParams
from rehearse.runtime.run_context import RunContext
from rehearse.workers.gpu.gated_llm import gate_check, generate
from rehearse.workers.gpu.output_gates import QUESTION, SUMMARY, bound, problem, uncut

PROMPT = "Current question: Tell me about the payment service you built at Acme last year."


@pytest.mark.parametrize(
    "text",
    [
        "2.1.2.2.5.3",
        "17:40:00:00:00:00:00:00:00:00:00:00",
        "What is your\n[\n {",
        '"question": "Why?"',
        "1",
        "What did you do in 2021 2022 2023 2024 2025 2026?",
        "당신의 가장 큰 프로젝트는 무엇이었나요?",  # Korean in an English interview
        "Tell me about the payment service you built at Acme last year.",  # the prompt's own
        "why why why why why why why why?",
    ],
)
def test_garbage_fails_the_question_gate(text):
    assert problem(text, "en", QUESTION, PROMPT) is not None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("How did you test the payment service before its launch?", "en"),
        ("What would you change about your design if traffic grew ten times?", "en"),
        ("Python으로 만든 결제 서비스에서 가장 어려웠던 점은 무엇인가요?", "ko"),
        ("자기소개 부탁드립니다.", "ko"),
    ],
)
def test_natural_questions_pass(text, language):
    assert problem(text, language, QUESTION, PROMPT) is None


# A report's summary as a person writes one: long, plain, "the candidate" again and again.
# Fewer than half of its words are distinct (the old "repeats itself" gate refused it).
PLAIN_SUMMARY_EN = (
    "The candidate said that the team built the service in Python and that the team used a "
    "cache to make the service fast. The candidate said that the team moved the slow reports to "
    "a read replica and that the main database got faster. The candidate said that the team "
    "tests the service with unit tests first and then with a load test before the launch. The "
    "candidate should say what the candidate did in the team and how much faster the service "
    "got, and what the candidate and the team would do in the next launch."
)
SUMMARY_KO = (
    "지원자는 결제 서비스를 만든 경험을 설명했습니다. 지원자는 팀과 함께 캐시를 도입해 서비스를 "
    "빠르게 만들었다고 말했습니다. 지원자는 매주 코드 리뷰와 페어 프로그래밍으로 신입 엔지니어를 "
    "도왔다고 말했습니다. 지원자는 느린 보고서를 읽기 전용 복제본으로 옮겨 주 데이터베이스를 "
    "가볍게 했다고 설명했습니다. 지원자는 답변마다 사례를 들었지만 결과를 숫자로 말하지 않았습니다."
)


def test_long_plain_summaries_pass_in_english_and_korean():
    words = PLAIN_SUMMARY_EN.split()
    assert len({w.lower() for w in words}) < 0.5 * len(words)
    assert problem(PLAIN_SUMMARY_EN, "en", SUMMARY) is None
    assert problem(SUMMARY_KO, "ko", SUMMARY) is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The candidate the candidate the candidate explained the design well.", "en"),
        ("The candidate explained the design well. The candidate explained the design well.", "en"),
        (
            "The candidate improved the database. He took care of the team to make it faster. "
            "He took care of the team to be. He took care of the team to be.",
            "en",
        ),
        (
            "지원자는 좋은 답변을 했습니다. 지원자는 좋은 답변을 했습니다. "
            "지원자는 좋은 답변을 했습니다.",
            "ko",
        ),
    ],
)
def test_degenerate_repetition_fails(text, language):
    assert problem(text, language, SUMMARY) == "repeats itself"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("I built the payment service in Python with a small team and it got fast.", "en"),
        ("We moved slow reports to a read replica of PostgreSQL and it got faster.", "en"),
        ("The candidate: I'm proud of the team I built the service for.", "en"),
        ("저는 결제 서비스를 만들었고 캐시를 사용해서 빠르게 했습니다.", "ko"),
    ],
)
def test_a_summary_in_the_candidates_voice_fails(text, language):
    assert problem(text, language, SUMMARY) == "written in the first person"


def test_a_summary_is_whole_sentences():
    cut = "The candidate explained how the team built the payment service and then"
    assert problem(uncut(cut, len(cut), drop_unfinished=True), "en", SUMMARY) == "cut mid-sentence"
    two = "The candidate explained the design of the service well. The candidate then gave"
    assert uncut(two, len(two), True) == "The candidate explained the design of the service well."
    # Closed by the model itself mid-sentence, with room left: still not a sentence.
    assert uncut(two, 400, True) == "The candidate explained the design of the service well."
    spaced = "The candidate explained the design well.  The team was able to work as "
    assert uncut(spaced, len(spaced), True) == "The candidate explained the design well."
    assert problem("The candidate cut the latency by 20%.", "en", SUMMARY) is None
    # A form's placeholder copied is no summary: "..." is neither a word nor an ending.
    assert problem("The candidate ... . The candidate ....", "en", SUMMARY) is not None


def test_report_improvements_in_the_candidates_voice_are_dropped():
    check = gate_check(REPORT_SCHEMA, "en", "")
    value = {
        "overall_score": 3,
        "summary": "The candidate explained the design of the service clearly.",
        "top_improvements": [
            "We took two weeks to load the feature.",
            "Give a number for each result.",
        ],
    }
    cleaned, problems = check(value)
    assert problems == []
    assert cleaned["top_improvements"] == ["Give a number for each result."]
    # An improvement may be a phrase; an unfinished sentence after a whole one goes.
    cut = {**value, "top_improvements": ["Measure the latency. Then you", "Measure it first"]}
    assert check(cut)[0]["top_improvements"] == ["Measure the latency.", "Measure it first"]


def test_a_text_cut_by_max_length_ends_at_a_sentence_or_whole_word():
    cut = "You explained the design well. You could give more detail on the higher-"
    assert uncut(cut, len(cut)) == "You explained the design well."
    assert (
        uncut("You could give more detail on the higher-", 41)
        == "You could give more detail on the"
    )
    assert uncut("Short and whole.", 120) == "Short and whole."


def test_bound_keeps_whole_sentences_within_the_word_limit():
    text = "One two three. Four five six. Seven eight nine."
    assert bound(text, 6) == "One two three. Four five six."
    assert bound("A very long first sentence without end", 3).startswith("A very long first")


class StubEngine:
    """Returns the queued JSON answers in turn, as the LLM engine's `run` would."""

    def __init__(self, *answers: dict) -> None:
        self.answers, self.seeds = list(answers), []

    def run(self, params: ChatParams, ctx: RunContext) -> dict:
        self.seeds.append(params.seed)
        value = self.answers.pop(0)
        return {"text": json.dumps(value), "json": value, "finish_reason": "stop", "usage": {}}


PARAMS = ChatParams(messages=[{"role": "user", "content": "hi"}], json_schema=OPENING_SCHEMA)
SOUP = {"question": "2.1.2.2.5.3.1.1.1.1"}
GOOD = {"question": "Which project on your resume taught you the most?"}


def test_digit_soup_every_time_fails_low_quality_output():
    timings: dict = {}
    check = gate_check(OPENING_SCHEMA, "en", "")
    with pytest.raises(JobError) as info:
        generate(StubEngine(SOUP, SOUP, SOUP), PARAMS, RunContext(), timings, check, 3)
    assert info.value.code == "low_quality_output"
    assert "digit soup" in info.value.message and "2.1.2" not in info.value.message
    assert timings["regenerations"] == 2


def test_a_failing_generation_is_sampled_again_with_a_new_seed():
    engine, timings = StubEngine(SOUP, GOOD), {}
    check = gate_check(OPENING_SCHEMA, "en", "")
    result = generate(engine, PARAMS, RunContext(), timings, check, 3)
    assert result["json"] == GOOD
    assert engine.seeds == [0, 1]
    assert timings["regenerations"] == 1


def test_bad_feedback_items_are_dropped_and_an_empty_list_regenerates():
    check = gate_check(FEEDBACK_SCHEMA, "en", "")
    value = {
        "score": 4,
        "strengths": ["1", "You named the tools you used.", "you named the tools you used."],
        "improvements": ["5.0", "2021-01-01"],
        "next_question": "How did you measure the latency before and after?",
    }
    cleaned, problems = check(value)
    assert cleaned["strengths"] == ["You named the tools you used."]
    assert problems == ["improvements: no item passes the gates"]


def test_gates_off_take_the_first_generation_as_it_is():
    engine = StubEngine(SOUP)
    assert generate(engine, PARAMS, RunContext(), {}, None, 3)["json"] == SOUP
    assert engine.seeds == [None]

"""The STAR check: the question's kind, and quotes that are the candidate's own words."""

import unicodedata

import jsonschema

from rehearse.contracts.interview_contract import (
    FEEDBACK_SCHEMA,
    QUOTE_MAX_CHARS,
    STORED_FEEDBACK_SCHEMA,
)
from rehearse.engines.llama_schema import json_budget
from rehearse.storage.rows import PastTurn
from rehearse.workers.gpu.interview_prompts import history_lines, report_record
from rehearse.workers.gpu.star_check import find_quote, settled
from rehearse.workers.gpu.turn_report import from_turns, in_feedback_voice, star_gaps
from tests.workers.gpu.star_feedback import claims
from tests.workers.gpu.star_feedback import written as feedback

ANSWER = (
    "Last year our payment service became slow during a sales event. My task was to bring the "
    "response time under one second. I profiled the queries, and added a cache! As a result, "
    "the response time dropped to 400 milliseconds."
)
KOREAN = (
    "작년에 결제 서비스가 느려졌습니다. 저는 쿼리를 분석하고 캐시를 추가했습니다. "
    "응답 시간이 줄었습니다."
)
NOT_COVERED = {"covered": False, "quote": None}
OLD = {"score": 3, "strengths": ["You named the tools."], "improvements": ["Give numbers."]}


def test_a_quote_differing_in_case_spaces_and_punctuation_is_kept_as_the_transcript_says_it():
    found = find_quote("i PROFILED the queries and   added a cache", ANSWER, "en")
    assert found == "I profiled the queries, and added a cache"
    assert found in ANSWER


def test_a_paraphrase_a_single_word_or_words_out_of_order_are_not_quotes():
    assert find_quote("I analysed the queries", ANSWER, "en") is None
    assert find_quote("cache", ANSWER, "en") is None
    assert find_quote("a cache added", ANSWER, "en") is None
    assert find_quote("I profile the queries", ANSWER, "en") is None  # not a word of theirs


def test_a_korean_quote_may_leave_off_particles_and_any_unicode_form_matches():
    assert find_quote("결제 서비스가 느려졌습니다", KOREAN, "ko") == "결제 서비스가 느려졌습니다"
    # The particle left off: the candidate's whole words are kept.
    assert find_quote("쿼리 분석하고", KOREAN, "ko") == "쿼리를 분석하고"
    decomposed = unicodedata.normalize("NFD", "캐시를 추가했습니다")
    assert find_quote(decomposed, KOREAN, "ko") == "캐시를 추가했습니다"
    assert find_quote("데이터베이스를 바꿨습니다", KOREAN, "ko") is None


def test_a_quote_cut_at_its_max_length_keeps_the_cut_words_whole():
    cut = ANSWER[:QUOTE_MAX_CHARS]  # "... during a sales eve", as the grammar stops it
    assert cut.endswith(" eve")
    assert find_quote(cut, ANSWER, "en") == cut + "nt"
    assert find_quote("My task was to br", ANSWER, "en") is None  # closed by the model: no cut


def test_a_technical_question_stores_no_star_whatever_the_model_wrote():
    written = feedback("technical", claims(situation="our payment service became slow"))
    stored, dropped = settled(written, ANSWER, "en")
    assert stored["star"] is None and dropped == 0
    assert stored["question_kind"] == "technical"


def test_a_behavioural_answer_keeps_found_quotes_and_uncovers_the_rest():
    written = feedback(
        "behavioural",
        claims(
            situation="our payment service became slow",
            task="I was asked to fix the latency",  # not said: dropped
            action="profiled the queries and added a cache",
            result="  ",
        ),
    )
    stored, dropped = settled(written, ANSWER, "en")
    assert stored["star"] == {
        "situation": {"covered": True, "quote": "our payment service became slow"},
        "task": NOT_COVERED,
        "action": {"covered": True, "quote": "profiled the queries, and added a cache"},
        "result": NOT_COVERED,
    }
    assert dropped == 1
    jsonschema.validate(
        {k: v for k, v in stored.items() if k != "next_question"}, STORED_FEEDBACK_SCHEMA
    )
    assert {k: v for k, v in stored.items() if k != "star"} == {
        k: v for k, v in written.items() if k != "star"
    }


def test_a_behavioural_question_without_a_star_stays_unchecked():
    assert settled(feedback("behavioural", None), ANSWER, "en")[0]["star"] is None


def test_the_schema_bounds_the_star_after_the_question_and_stored_feedback_validates():
    order = list(FEEDBACK_SCHEMA["properties"])
    assert order[0] == "next_question" and order[-2:] == ["question_kind", "star"]
    assert json_budget(FEEDBACK_SCHEMA) < 1700  # leaves over half of a 4096 context to the prompt
    for kind in ("behavioural", "technical"):
        written = feedback(kind, claims(situation="our payment service became slow"))
        jsonschema.validate(written, FEEDBACK_SCHEMA)
        stored, _ = settled(written, ANSWER, "en")
        stored.pop("next_question")
        jsonschema.validate(stored, STORED_FEEDBACK_SCHEMA)
    jsonschema.validate(OLD, STORED_FEEDBACK_SCHEMA)  # a turn stored before the check


def past(number: int, fb: dict) -> PastTurn:
    return PastTurn(number=number, question="Tell me about a time.", transcript=ANSWER, feedback=fb)


def test_turns_stored_before_the_star_check_read_as_before():
    turns = [past(1, OLD)]
    assert "score: 3/5" in history_lines(turns, "en", 0)
    assert "Give numbers." in report_record(turns, "en", 0)
    report = from_turns(in_feedback_voice(turns, "en"), "en")
    assert "STAR" not in report["summary"] and star_gaps([OLD]) is None


def test_the_report_from_the_turns_names_the_star_parts_most_often_left_out():
    checked = settled(
        feedback("behavioural", claims(situation="our payment service became slow")), ANSWER, "en"
    )[0]
    technical = settled(feedback("technical", None), ANSWER, "en")[0]
    turns = [past(1, OLD), past(2, checked), past(3, technical)]
    assert star_gaps([t.feedback for t in turns]) == ["task", "action", "result"]
    summary = from_turns(turns, "en")["summary"]
    assert summary.endswith("most often left out the task, action and result.")
    korean = from_turns([past(1, checked)], "ko")["summary"]
    assert korean.endswith("가장 자주 빠진 부분은 과제, 행동, 결과입니다.")

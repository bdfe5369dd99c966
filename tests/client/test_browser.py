"""A candidate's whole mock interview in a real Chromium, from the invite link to the report."""

from urllib.parse import urlsplit

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from tests.client.pages import (
    by_css,
    by_id,
    error_text,
    forget_session,
    in_view,
    make_invite,
    open_and_fill,
    question_heard,
    record_and_send,
    stage_log,
    start_and_hear,
    turns,
    wait,
    wait_phase,
)


@pytest.fixture
def invite(client) -> dict:
    return make_invite(client, language="ko")


def test_a_whole_interview_from_invite_link_to_report(
    browser, invite, api_base, gpu_worker, cpu_worker, shots, log_dir
):
    open_and_fill(browser, api_base, invite["url"])
    assert by_id(browser, "language-select").get_attribute("value") == "ko"  # the invite's
    shots("1-setup")
    start_and_hear(browser)
    first_question = by_id(browser, "question-text").text
    assert first_question
    assert by_css(browser, "#progress").text == "질문 1 / 2"
    shots("2-opening-question")

    record_and_send(browser)
    assert wait_phase(browser, "processing") == "processing"
    assert in_view(browser, by_css(browser, "#job-panel"))  # the answer's progress, on screen
    assert wait_phase(browser, "answering") == "answering", error_text(browser)
    log = stage_log(browser)
    for stage in ("stt", "retrieve", "llm", "tts"):
        assert f"{stage}:started" in log and f"{stage}:done" in log, log
    assert log.index("stt:started") < log.index("tts:done")
    # The next question is shown (and played) as soon as it is spoken, before the feedback ends.
    assert "question" in log and log.index("question") < log.index("llm:done"), log
    assert by_css(browser, "#job-title").text == "질문 1에 대한 피드백"
    assert by_id(browser, "transcript").text.strip()
    assert by_id(browser, "score").text.split(":")[-1].strip().startswith(tuple("12345"))
    feedback = by_id(browser, "feedback").text
    # Rendered under headings, never as raw JSON (the synthetic LLM's strings are gibberish).
    assert "잘한 점" in feedback and "보완할 점" in feedback
    assert not any(f'"{key}"' in feedback for key in ("score", "strengths", "improvements"))
    assert not turns(browser)  # the feedback on screen is not listed again below
    assert by_css(browser, "#progress").text == "질문 2 / 2"
    assert by_id(browser, "question-text").text != first_question
    assert by_css(browser, "#elapsed").text == "0:00"  # a new question, a new take
    wait(browser, lambda: question_heard(browser))
    shots("3-feedback-and-next-question")

    # Mid-interview, the page switches language as a whole.
    Select(by_css(browser, "#ui-language")).select_by_value("en")
    assert by_css(browser, "#progress").text == "Question 2 of 2"
    assert by_css(browser, "#job-title").text == "Feedback on question 1"
    assert "Strengths" in by_id(browser, "feedback").text
    assert by_id(browser, "record-button").text == "Record"
    assert by_id(browser, "finish-button").text == "Finish the interview"
    shots("3b-feedback-in-english")
    Select(by_css(browser, "#ui-language")).select_by_value("ko")

    record_and_send(browser)
    assert wait_phase(browser, "answered") == "answered", error_text(browser)
    assert "tts:started" not in stage_log(browser)  # the last answer has no next question
    assert by_css(browser, "#job-title").text == "질문 2에 대한 피드백"
    assert not by_id(browser, "record-button").is_displayed()  # both questions answered
    assert len(turns(browser)) == 1
    shots("4-all-answered")

    by_id(browser, "finish-button").click()
    assert wait_phase(browser, "report") == "report", error_text(browser)
    assert by_id(browser, "report").is_displayed() and by_id(browser, "report").text.strip()
    assert in_view(browser, by_id(browser, "report"))
    assert len(turns(browser)) == 2
    shots("5-report")

    api_host = urlsplit(api_base).netloc
    urls = browser.execute_script(
        "return performance.getEntries().map(e => e.name).filter(n => n.includes('://'))"
    )
    assert urls and {urlsplit(u).netloc for u in urls} == {api_host}, urls
    # The token travelled in query strings (audio, events): the access log masks it.
    assert all(invite["token"] not in p.read_text() for p in log_dir.glob("*.log"))


def test_a_too_large_answer_says_so_and_the_turn_can_be_retried(
    browser, invite, api_base, gpu_worker, cpu_worker, tmp_path, shots
):
    open_and_fill(browser, api_base, invite["url"])
    start_and_hear(browser)
    big = tmp_path / "answer.wav"
    big.write_bytes(b"RIFF" + b"\0" * (3 * 1024 * 1024))  # the test stack takes 2 MB
    browser.find_element(By.CSS_SELECTOR, "[data-testid=answer-file]").send_keys(str(big))
    wait(browser, lambda: by_id(browser, "send-button").is_enabled())
    by_id(browser, "send-button").click()
    wait(browser, lambda: error_text(browser))
    assert by_id(browser, "error").get_attribute("data-code") == "payload_too_large"
    assert "파일이 너무 큽니다" in error_text(browser)
    shots("error-too-large")
    assert by_id(browser, "record-button").is_enabled() and not turns(browser)


def test_an_expired_link_says_what_to_do(browser, client, api_base, db):
    minted = client.post("/v1/invites", json={"ttl_s": 60}).json()
    db.execute("UPDATE invites SET expires_at = now() WHERE id = %s", (minted["id"],))
    forget_session(browser, api_base)
    browser.get(minted["url"])
    wait(browser, lambda: error_text(browser))
    assert by_id(browser, "error").get_attribute("data-code") == "token_expired"


def test_a_page_without_an_invite_asks_for_the_link(browser, api_base):
    forget_session(browser, api_base)
    browser.get(api_base + "/")
    wait(browser, lambda: error_text(browser))
    assert not by_id(browser, "start-button").is_enabled()


def test_every_control_is_labelled_and_the_page_fits_a_phone(browser, client, api_base):
    forget_session(browser, api_base)
    browser.get(client.post("/v1/invites", json={"ttl_s": 60}).json()["url"])
    wait(browser, lambda: by_id(browser, "setup-form").is_displayed())
    unlabelled = browser.execute_script(
        "return [...document.querySelectorAll('button, input, select, textarea')]"
        ".filter(el => !(el.labels?.length || el.getAttribute('aria-label')"
        " || el.textContent.trim())).map(el => el.id)"
    )
    assert unlabelled == []
    assert browser.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
    )
    # Keyboard: Tab walks from the top through the form to the start button.
    focused = []
    for _ in range(12):
        ActionChains(browser).send_keys(Keys.TAB).perform()
        focused.append(browser.execute_script("return document.activeElement.dataset.testid"))
    assert focused.index("resume-input") < focused.index("start-button"), focused

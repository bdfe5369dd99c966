"""A candidate's whole mock interview in a real Chromium, from the invite link to the report."""

import time
from urllib.parse import urlsplit

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.interviews.conftest import POSTING, RESUME

TIMEOUT = 120
STAGE_LOG = """
window.stageLog = [];
new MutationObserver(() => {
  for (const li of document.querySelectorAll('[data-testid=stage] li')) {
    const entry = `${li.dataset.stage}:${li.dataset.state}`;
    if (!window.stageLog.includes(entry)) window.stageLog.push(entry);
  }
}).observe(document.querySelector('[data-testid=stage]'),
           {subtree: true, childList: true, attributes: true});
new MutationObserver(() => window.stageLog.push('question')).observe(
  document.querySelector('[data-testid=question-text]'), {childList: true, characterData: true});
"""


def by_id(browser, testid: str):
    return browser.find_element(By.CSS_SELECTOR, f"[data-testid={testid}]")


def wait(browser, condition, timeout: float = TIMEOUT):
    return WebDriverWait(browser, timeout, poll_frequency=0.2).until(lambda _: condition())


def error_text(browser) -> str:
    error = by_id(browser, "error")
    return error.text if error.is_displayed() else ""


def question_heard(browser) -> bool:
    return browser.execute_script(
        "const a = document.querySelector('[data-testid=question-audio]');"
        "return a.ended || a.currentTime > 0;"
    )


def record_and_send(browser, seconds: float = 2.5) -> None:
    wait(browser, lambda: by_id(browser, "record-button").is_enabled())
    by_id(browser, "record-button").click()
    wait(browser, lambda: by_id(browser, "stop-button").is_enabled())
    time.sleep(seconds)
    by_id(browser, "stop-button").click()
    wait(browser, lambda: by_id(browser, "send-button").is_enabled())
    browser.execute_script(STAGE_LOG)
    by_id(browser, "send-button").click()


def forget_session(browser, api_base: str) -> None:
    """Drop what this tab kept (an invite, an interview), as a new tab would."""
    browser.get(api_base + "/healthz")
    browser.execute_script("sessionStorage.clear()")


def turns(browser) -> list:
    return browser.find_elements(By.CSS_SELECTOR, "[data-testid=turn]")


@pytest.fixture
def invite(client) -> dict:
    body = {"ttl_s": 3600, "max_interviews": 1, "language": "ko"}
    response = client.post("/v1/invites", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def open_and_fill(browser, api_base: str, url: str) -> None:
    """Open an invite link in a fresh tab and fill the setup form (2 questions)."""
    forget_session(browser, api_base)
    browser.get(url)
    wait(browser, lambda: by_id(browser, "setup-form").is_displayed())
    assert "#invite" not in browser.current_url  # the token leaves the address bar
    for testid, text in (("resume-input", RESUME), ("posting-input", POSTING)):
        field = by_id(browser, testid)
        browser.execute_script("arguments[0].value = arguments[1]", field, text[:-20])
        field.send_keys(text[-20:])
    browser.execute_script("document.getElementById('questions-input').value = '2'")
    assert by_id(browser, "language-select").get_attribute("value") == "ko"


def start_and_hear(browser) -> None:
    by_id(browser, "start-button").click()
    wait(browser, lambda: question_heard(browser) or error_text(browser))
    assert not error_text(browser)


def test_a_whole_interview_from_invite_link_to_report(
    browser, invite, api_base, gpu_worker, cpu_worker, shots, log_dir
):
    open_and_fill(browser, api_base, invite["url"])
    shots("1-setup")
    start_and_hear(browser)
    first_question = by_id(browser, "question-text").text
    assert first_question
    shots("2-opening-question")

    record_and_send(browser)
    wait(browser, lambda: len(turns(browser)) == 1 or error_text(browser))
    assert not error_text(browser)
    log = browser.execute_script("return window.stageLog")
    for stage in ("stt", "retrieve", "llm", "tts"):
        assert f"{stage}:started" in log and f"{stage}:done" in log, log
    assert log.index("stt:started") < log.index("tts:done")
    # The next question is shown (and played) as soon as it is spoken, before the feedback ends.
    assert "question" in log and log.index("question") < log.index("llm:done"), log
    assert by_id(browser, "transcript").text.strip()
    assert by_id(browser, "score").text.split(":")[-1].strip().startswith(tuple("12345"))
    feedback = by_id(browser, "feedback").text
    # Rendered under headings, never as raw JSON (the synthetic LLM's strings are gibberish).
    assert "잘한 점" in feedback and "보완할 점" in feedback
    assert not any(f'"{key}"' in feedback for key in ("score", "strengths", "improvements"))
    wait(browser, lambda: by_id(browser, "question-text").text != first_question)
    wait(browser, lambda: question_heard(browser))
    shots("3-feedback-and-next-question")

    record_and_send(browser)
    wait(browser, lambda: len(turns(browser)) == 2 or error_text(browser))
    assert not error_text(browser)
    assert not by_id(browser, "record-button").is_displayed()  # both questions answered
    shots("4-all-answered")

    by_id(browser, "finish-button").click()
    wait(browser, lambda: by_id(browser, "report").is_displayed() or error_text(browser))
    assert not error_text(browser)
    assert by_id(browser, "report").text.strip()
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

"""What browser tests do on the client page: find by test id, wait, fill, record, read."""

import contextlib
import time
from collections.abc import Iterator

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.interviews.conftest import POSTING, RESUME

TIMEOUT = 120
# Every step state and question text the page shows, in order, from when it is installed.
STAGE_LOG = """
window.stageLog = [];
window.stageLabels = [];
new MutationObserver(() => {
  for (const li of document.querySelectorAll('[data-testid=stage] li')) {
    const entry = `${li.dataset.stage}:${li.dataset.state}`;
    if (!window.stageLog.includes(entry)) window.stageLog.push(entry);
    if (!window.stageLabels.includes(li.textContent)) window.stageLabels.push(li.textContent);
  }
}).observe(document.querySelector('[data-testid=stage]'),
           {subtree: true, childList: true, attributes: true});
new MutationObserver(() => window.stageLog.push('question')).observe(
  document.querySelector('[data-testid=question-text]'), {childList: true, characterData: true});
"""


def by_id(browser, testid: str):
    return browser.find_element(By.CSS_SELECTOR, f"[data-testid={testid}]")


def by_css(browser, selector: str):
    return browser.find_element(By.CSS_SELECTOR, selector)


def wait(browser, condition, timeout: float = TIMEOUT):
    return WebDriverWait(browser, timeout, poll_frequency=0.2).until(lambda _: condition())


def error_text(browser) -> str:
    error = by_id(browser, "error")
    return error.text if error.is_displayed() else ""


def phase(browser) -> str:
    return browser.execute_script("return document.body.dataset.phase || ''")


def wait_phase(browser, *phases: str, timeout: float = TIMEOUT) -> str:
    """Wait until the page reaches one of `phases` (or shows an error); returns the phase."""
    wait(browser, lambda: phase(browser) in phases or error_text(browser), timeout)
    return phase(browser)


def in_view(browser, element) -> bool:
    """Whether the element's top is inside the window (what the candidate is looking at)."""
    return browser.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return r.top >= 0 && r.top < window.innerHeight;",
        element,
    )


def question_heard(browser) -> bool:
    return browser.execute_script(
        "const a = document.querySelector('[data-testid=question-audio]');"
        "return a.ended || a.currentTime > 0;"
    )


def turns(browser) -> list:
    return [t for t in browser.find_elements(By.CSS_SELECTOR, "[data-testid=turn]")]


def stage_log(browser) -> list[str]:
    return browser.execute_script("return window.stageLog")


def stage_labels(browser) -> list[str]:
    return browser.execute_script("return window.stageLabels")


def record(browser, seconds: float = 2.5) -> None:
    """One take with the fake microphone, stopped: the answer waits to be sent."""
    wait(browser, lambda: by_id(browser, "record-button").is_enabled())
    by_id(browser, "record-button").click()
    wait(browser, lambda: by_id(browser, "stop-button").is_enabled())
    time.sleep(seconds)
    by_id(browser, "stop-button").click()
    wait(browser, lambda: by_id(browser, "send-button").is_enabled())


def record_and_send(browser, seconds: float = 2.5) -> None:
    record(browser, seconds)
    browser.execute_script(STAGE_LOG)
    by_id(browser, "send-button").click()


def forget_session(browser, api_base: str) -> None:
    """Drop what this tab kept (an invite, an interview), as a new tab would."""
    browser.get(api_base + "/healthz")
    browser.execute_script("sessionStorage.clear()")


def open_and_fill(
    browser,
    api_base: str,
    url: str,
    questions: int = 2,
    resume: str = RESUME,
    posting: str = POSTING,
) -> None:
    """Open an invite link in a fresh tab and fill the setup form."""
    forget_session(browser, api_base)
    browser.get(url)
    wait(browser, lambda: by_id(browser, "setup-form").is_displayed())
    assert "#invite" not in browser.current_url  # the token leaves the address bar
    for testid, text in (("resume-input", resume), ("posting-input", posting)):
        field = by_id(browser, testid)
        browser.execute_script("arguments[0].value = arguments[1]", field, text[:-20])
        field.send_keys(text[-20:])
    browser.execute_script(f"document.getElementById('questions-input').value = '{questions}'")


def hear(browser) -> None:
    """Wait until the question is playing (or an error shows: a failure)."""
    wait(browser, lambda: question_heard(browser) or error_text(browser))
    assert not error_text(browser)


def start_and_hear(browser) -> None:
    by_id(browser, "start-button").click()
    hear(browser)


@contextlib.contextmanager
def page_script(browser, source: str) -> Iterator[None]:
    """Pages opened inside run `source` before their own scripts."""
    added = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": source})
    try:
        yield
    finally:
        browser.execute_cdp_cmd(
            "Page.removeScriptToEvaluateOnNewDocument", {"identifier": added["identifier"]}
        )


def browser_language(browser, languages: list[str]) -> contextlib.AbstractContextManager:
    """Pages opened inside report `languages` as the browser's (navigator.languages)."""
    return page_script(
        browser,
        f"Object.defineProperty(navigator, 'languages', {{get: () => {languages!r}}});"
        f"Object.defineProperty(navigator, 'language', {{get: () => {languages[0]!r}}});",
    )


def make_invite(client, **fields) -> dict:
    body = {"ttl_s": 3600, "max_interviews": 1, **fields}
    response = client.post("/v1/invites", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def interview_id(browser) -> str:
    return browser.execute_script("return sessionStorage.getItem('rehearse.interview')")

"""Conversation mode in a real Chromium on random-weight models (only the voice's timing and the
socket matter here): speaking over the question stops it at once and is the answer; when the
browser cannot stream or the socket is lost, the page says so and offers push-to-talk."""

from pathlib import Path

import pytest

from tests import live
from tests.client.pages import (
    by_id,
    error_text,
    interview_id,
    make_invite,
    open_and_fill,
    page_script,
    wait,
    wait_phase,
)
from tests.client.talking import (
    TALK_LOG,
    logs,
    messages,
    mic_wav,
    recording_live,
    talk_state,
    wait_talk,
)

VOICE_AT_S = 8.0  # after the microphone opens

# The random model's question lasts 1 to 11 s: looped, the interviewer is still speaking when
# the voice begins (replayed, as the candidate may, if it ended already).
LOOP = """
const player = document.querySelector('[data-testid=question-audio]');
player.loop = true;
if (player.paused) {
  player.currentTime = 0;
  player.play();
}
return window.playLog.length;
"""


@pytest.fixture(scope="module")
def fake_mic(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder: Path = tmp_path_factory.mktemp("mic")
    words = "Sorry to cut in. I built the payment service."
    return f"{mic_wav(folder / 'barge-in.wav', VOICE_AT_S, words, 20.0)}%noloop"


def start_talking(browser, client, api_base) -> None:
    """A fresh tab of a Korean invite, conversation chosen, started."""
    invite = make_invite(client, language="ko")
    open_and_fill(browser, api_base, invite["url"])
    browser.execute_script(TALK_LOG)
    by_id(browser, "mode-conversation").click()
    by_id(browser, "start-button").click()


def test_speaking_over_the_question_stops_it_and_is_the_answer(
    browser, client, api_base, gpu_worker, cpu_worker, shots
):
    with recording_live(browser):
        start_talking(browser, client, api_base)
    wait_talk(browser, "speaking", timeout=60)
    shots("talk-1-interviewer-speaking")
    looped = browser.execute_script(LOOP)
    wait_talk(browser, "speaking", timeout=5)

    def stops() -> list[dict]:
        return [e for e in logs(browser)["play"][looped:] if e["type"] == "pause"]

    wait(browser, stops, timeout=VOICE_AT_S + 5)
    stopped = stops()[0]
    assert not browser.execute_script("return document.querySelector('#question-audio').ended")
    # At once: no later than the server's own VAD says the voice began.
    wait(browser, lambda: messages(browser, "speech_started"), timeout=5)
    (started, *_) = messages(browser, "speech_started")
    assert stopped["t"] <= started["t"] + 300, (stopped, started)
    assert wait_talk(browser, "listening", "thinking", timeout=2)
    shots("talk-2-stopped-by-the-voice")
    # What was said over the question is the answer: it ends and becomes a turn.
    wait(browser, lambda: messages(browser, "turn_ended"), timeout=60)
    assert wait_phase(browser, "processing", "answering") in ("processing", "answering")
    assert talk_state(browser) != "off" and not error_text(browser)


def test_a_dropped_socket_is_opened_again_and_the_conversation_goes_on(
    browser, client, api_base, gpu_worker, cpu_worker
):
    with recording_live(browser):
        start_talking(browser, client, api_base)
    wait(browser, lambda: messages(browser, "ready"), timeout=60)
    browser.execute_script("window.liveSockets[0].close()")  # as a network drop would
    wait(browser, lambda: len(messages(browser, "ready")) == 2, timeout=10)  # after 1 s
    assert browser.execute_script("return window.liveSockets.length") == 2
    assert wait_talk(browser, "listening", "speaking", timeout=5) and not error_text(browser)


def test_the_conversation_panel_is_labelled_and_says_its_state(
    browser, client, api_base, gpu_worker, cpu_worker
):
    start_talking(browser, client, api_base)
    wait_talk(browser, "speaking", "listening", timeout=60)
    state = by_id(browser, "talk-state")
    assert state.get_attribute("role") == "status" and state.text  # read out as it changes
    unlabelled = browser.execute_script(
        "return [...document.querySelectorAll('#talk button')].filter(el => !el.hidden"
        " && !(el.getAttribute('aria-label') || el.textContent.trim())).map(el => el.id)"
    )
    assert unlabelled == []
    pause = by_id(browser, "pause-button")
    wait(browser, lambda: pause.is_enabled())
    pause.send_keys("\n")  # the keyboard, not the mouse
    assert wait_talk(browser, "paused", timeout=5) == "paused"
    assert pause.get_attribute("aria-pressed") == "true" and pause.text == "계속"
    assert not by_id(browser, "done-button").is_enabled()
    pause.send_keys("\n")
    assert wait_talk(browser, "listening", "speaking", timeout=5) != "paused"


def test_without_a_worklet_the_page_offers_push_to_talk(
    browser, client, api_base, gpu_worker, cpu_worker, shots
):
    # An old browser, or a page not served securely (http from another host).
    with page_script(browser, "delete window.AudioWorkletNode;"):
        start_talking(browser, client, api_base)
        wait_talk(browser, "off", timeout=60)
    assert by_id(browser, "error").get_attribute("data-code") == "no_worklet"
    assert "눌러서 말하기" in error_text(browser)
    assert not by_id(browser, "talk-retry").is_displayed()  # another try cannot help
    shots("talk-3-no-worklet")
    by_id(browser, "push-to-talk-button").click()
    assert not by_id(browser, "talk-panel").is_displayed() and not error_text(browser)
    wait(browser, lambda: by_id(browser, "record-button").is_enabled())


def test_a_conversation_taken_over_elsewhere_offers_push_to_talk_here(
    browser, client, api_base, gpu_worker, cpu_worker
):
    start_talking(browser, client, api_base)
    wait_talk(browser, "speaking", "listening", timeout=60)
    other = live.connect(client, interview_id(browser))  # the interview, in another window
    try:
        other.wait_for("ready", timeout=10)
        assert wait_talk(browser, "off", timeout=20) == "off"
        assert by_id(browser, "error").get_attribute("data-code") == "talk_taken_over"
        assert by_id(browser, "talk-retry").is_displayed()
        by_id(browser, "push-to-talk-button").click()
        wait(browser, lambda: by_id(browser, "record-button").is_enabled())
    finally:
        other.socket.close()

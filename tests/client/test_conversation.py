"""A spoken interview in a real Chromium, hands-free: conversation mode chosen at the start, two
answers from the fake microphone, the next question in between, the report, with no click after
"start". On real small models: random weights transcribe noise, and whether an answer reads as
finished is what ends it."""

from pathlib import Path

import pytest

from tests.client.pages import (
    by_id,
    error_text,
    interview_id,
    make_invite,
    open_and_fill,
    turns,
    wait,
    wait_phase,
)
from tests.client.talking import TALK_LOG, logs, messages, mic_wav, recording_live, wait_talk
from tests.interviews.conftest import ASSETS
from tests.real_models.conftest import real_models  # noqa: F401 (a fixture)

pytestmark = pytest.mark.real_models

RESUME = (ASSETS / "sample_resume_en.txt").read_text(encoding="utf-8").strip()
POSTING = (ASSETS / "sample_posting_en.txt").read_text(encoding="utf-8").strip()
BEFORE_PAUSE = "I worked on the payment service and"  # unfinished: "and" goes on
AFTER_PAUSE = "we cut the latency by half."
SECOND = "My favourite project was the search page. Users found things twice as fast."
OPENING_S = 15.0  # the microphone opens as the opening question starts playing
PAUSE_S = 2.0  # inside the thinking time (TURN_THINKING_MS, 6 s): not the answer's end
BETWEEN_S = 60.0  # the first answer's turn, then the next question played


@pytest.fixture(scope="module")
def fake_mic(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder: Path = tmp_path_factory.mktemp("mic")
    parts = (OPENING_S, BEFORE_PAUSE, PAUSE_S, AFTER_PAUSE, BETWEEN_S, SECOND, 30.0)
    return f"{mic_wav(folder / 'conversation.wav', *parts)}%noloop"


@pytest.fixture(scope="module")
def real_gpu(real_models, gpu_worker_session):  # noqa: F811
    """The session's gpu worker on the tiny profile for this module."""
    gpu_worker_session.restart(**real_models)
    yield gpu_worker_session
    gpu_worker_session.restore()


def test_a_spoken_interview_with_no_click_after_start(
    browser, client, api_base, real_gpu, cpu_worker, shots
):
    invite = make_invite(client, language="en")
    with recording_live(browser):
        open_and_fill(browser, api_base, invite["url"], resume=RESUME, posting=POSTING)
    browser.execute_script(TALK_LOG)
    by_id(browser, "mode-conversation").click()
    by_id(browser, "start-button").click()

    wait_talk(browser, "speaking", timeout=300)  # the opening question
    shots("conversation-1-interviewer-speaking")
    wait(browser, lambda: messages(browser, "speech_started"), timeout=OPENING_S + 30)
    shots("conversation-2-listening")
    wait_talk(browser, "thinking", timeout=30)  # the pause inside the first answer
    shots("conversation-3-thinking-time")
    wait_talk(browser, "transcribing", timeout=60)
    shots("conversation-4-transcribing")
    wait(browser, lambda: len({e["id"] for e in logs(browser)["play"]}) == 2, timeout=BETWEEN_S)
    wait_talk(browser, "speaking", timeout=10)
    shots("conversation-5-next-question")
    assert wait_phase(browser, "report", timeout=BETWEEN_S + 300) == "report", error_text(browser)
    shots("conversation-6-report")

    log = logs(browser)
    print(timeline(browser))
    ended = messages(browser, "turn_ended")
    assert len(ended) == 2, ended
    # The pause inside the first answer did not end it: speech began again before its end.
    started = [m["t"] for m in messages(browser, "speech_started")]
    assert len([t for t in started if t < ended[0]["t"]]) >= 2, log["live"]
    assert ended[0]["reason"] in ("silence", "thinking_time"), ended
    # The next question played after the first answer ended, before the second one began.
    second_id = next(e["id"] for e in log["play"] if e["id"] != log["play"][0]["id"])
    next_question = next(e for e in log["play"] if e["id"] == second_id)
    second_started = next(t for t in started if t > ended[0]["t"])
    assert ended[0]["t"] < next_question["t"] < second_started, log["play"]
    assert messages(browser, "finished")

    interview = client.get(f"/v1/interviews/{interview_id(browser)}").json()
    first, second = (turn["transcript"].lower() for turn in interview["turns"])
    # Words from both sides of the pause (tiny Whisper hears "latency" as "latens" at times).
    assert "payment" in first and any(w in first for w in ("cut", "latency", "half")), first
    assert "search" in second and "payment" not in second, second
    assert len(turns(browser)) == 2 and by_id(browser, "report").text.strip()
    assert not error_text(browser)


def timeline(browser) -> list[str]:
    """What the socket said, the panel showed and the question did, in order (s, page clock)."""
    log = logs(browser)
    entries = [(e["t"], e.get("type") or e.get("state"), k) for k, v in log.items() for e in v]
    return [f"{t / 1000:.1f} {k}:{what}" for t, what, k in sorted(entries)]

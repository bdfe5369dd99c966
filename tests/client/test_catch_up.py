"""A reload never loses the candidate's place: a turn or a report still running is followed
to its end, and a report that was not written can be asked for again."""

from tests.client.pages import (
    by_css,
    by_id,
    error_text,
    in_view,
    interview_id,
    make_invite,
    open_and_fill,
    phase,
    record,
    record_and_send,
    start_and_hear,
    wait,
    wait_phase,
)


def test_a_reload_right_after_sending_follows_the_turn_without_recording_again(
    browser, client, api_base, gpu_worker, cpu_worker, shots
):
    invite = make_invite(client, language="ko")  # one interview: this tab's uses it up
    open_and_fill(browser, api_base, invite["url"], questions=2)
    start_and_hear(browser)
    record(browser)
    gpu_worker.stop()  # the turn waits in the queue: the reload comes while it is unfinished
    by_id(browser, "send-button").click()
    assert wait_phase(browser, "processing") == "processing", error_text(browser)

    browser.refresh()
    assert wait_phase(browser, "processing") == "processing", error_text(browser)
    assert not error_text(browser)  # in particular, no "this invite has no interviews left"
    assert by_css(browser, "#job-title").text == "질문 1에 대한 피드백"
    assert not by_id(browser, "record-button").is_displayed()  # answered: not offered again
    assert in_view(browser, by_css(browser, "#job-panel"))
    shots("reload-while-the-answer-waits")

    gpu_worker.restart()
    assert wait_phase(browser, "answering") == "answering", error_text(browser)
    assert by_css(browser, "#progress").text == "질문 2 / 2"
    assert by_id(browser, "transcript").text.strip() and by_id(browser, "score").is_displayed()
    assert by_id(browser, "record-button").is_enabled() and not error_text(browser)
    shots("reload-caught-up")


def finish_while_the_gpu_waits(browser, client, api_base, gpu_worker) -> None:
    """Answer a one-question interview, stop the gpu worker, finish: the report job waits."""
    invite = make_invite(client, language="ko")
    open_and_fill(browser, api_base, invite["url"], questions=1)
    start_and_hear(browser)
    record_and_send(browser)
    assert wait_phase(browser, "answered") == "answered", error_text(browser)
    gpu_worker.stop()
    by_id(browser, "finish-button").click()
    assert wait_phase(browser, "finishing") == "finishing", error_text(browser)


def test_a_reload_while_the_report_is_written_shows_it_once_ready(
    browser, client, api_base, gpu_worker, cpu_worker, shots
):
    finish_while_the_gpu_waits(browser, client, api_base, gpu_worker)

    browser.refresh()
    assert wait_phase(browser, "finishing") == "finishing", error_text(browser)
    assert by_css(browser, "#job-title").text == "결과를 정리하고 있습니다"
    assert by_id(browser, "stage").text.strip() == "결과 정리"
    assert not by_id(browser, "finish-button").is_displayed()
    shots("reload-while-the-report-waits")

    gpu_worker.restart()
    assert wait_phase(browser, "report") == "report", error_text(browser)
    assert by_id(browser, "report").text.strip() and not error_text(browser)


def test_a_report_that_was_not_written_can_be_asked_for_again(
    browser, client, api_base, gpu_worker, cpu_worker, shots
):
    finish_while_the_gpu_waits(browser, client, api_base, gpu_worker)
    job = client.get(f"/v1/interviews/{interview_id(browser)}").json()["active_job"]
    assert job["kind"] == "interview_report"
    assert client.delete(f"/v1/jobs/{job['id']}").status_code == 202

    wait(browser, lambda: phase(browser) == "noReport")
    assert by_id(browser, "error").get_attribute("data-code") == "canceled"
    assert "‘결과 받기’를 눌러 다시 시도하세요" in error_text(browser)
    assert by_id(browser, "report-button").is_displayed()
    assert in_view(browser, by_id(browser, "error"))
    shots("report-not-written")

    browser.refresh()  # the way back survives a reload too
    wait(browser, lambda: phase(browser) == "noReport")
    gpu_worker.restart()
    by_id(browser, "report-button").click()
    assert wait_phase(browser, "report") == "report", error_text(browser)
    assert by_id(browser, "report").text.strip() and not error_text(browser)
    shots("report-asked-again")

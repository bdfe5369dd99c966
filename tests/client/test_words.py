"""What the page says: errors in plain words where the candidate looks, the language it
proposes, and only the steps that really run, named for a candidate."""

from selenium.webdriver.support.ui import Select

from tests.client.pages import (
    STAGE_LOG,
    browser_language,
    by_css,
    by_id,
    error_text,
    forget_session,
    hear,
    in_view,
    make_invite,
    open_and_fill,
    phase,
    record_and_send,
    stage_labels,
    stage_log,
    start_and_hear,
    wait,
    wait_phase,
)


def test_a_file_that_is_not_audio_gets_a_plain_message_by_the_send_button(
    browser, client, api_base, gpu_worker, cpu_worker, tmp_path, shots
):
    open_and_fill(browser, api_base, make_invite(client, language="ko")["url"])
    start_and_hear(browser)
    notes = tmp_path / "answer.txt"
    notes.write_text("my answer, typed instead of spoken")
    by_id(browser, "answer-file").send_keys(str(notes))
    wait(browser, lambda: by_id(browser, "send-button").is_enabled())
    by_id(browser, "send-button").click()
    wait(browser, lambda: error_text(browser))
    assert by_id(browser, "error").get_attribute("data-code") == "unsupported_media_type"
    assert error_text(browser).startswith("읽을 수 있는 오디오 파일이 아닙니다. 녹음하거나")
    for internal in ("upload", "readable", "Invalid data", "av.", "Errno"):
        assert internal not in error_text(browser)
    assert browser.execute_script(  # next to the control that failed, on screen
        "return document.getElementById('answer').contains(document.getElementById('error'))"
    )
    assert in_view(browser, by_id(browser, "error"))
    assert by_id(browser, "record-button").is_enabled()
    shots("error-not-audio")


def test_a_missing_document_message_goes_once_both_are_given(browser, client, api_base):
    forget_session(browser, api_base)
    browser.get(make_invite(client, language="ko")["url"])
    wait(browser, lambda: by_id(browser, "setup-form").is_displayed())
    by_id(browser, "start-button").click()
    wait(browser, lambda: error_text(browser))
    assert by_id(browser, "error").get_attribute("data-code") == "missing_text"
    assert in_view(browser, by_id(browser, "error"))
    by_id(browser, "resume-input").send_keys("Backend engineer, five years of Python.")
    assert error_text(browser)  # the posting is still missing
    by_id(browser, "posting-input").send_keys("We need a backend engineer.")
    wait(browser, lambda: not error_text(browser), timeout=5)


def test_an_english_page_proposes_an_english_interview(browser, client, api_base):
    url = make_invite(client)["url"]  # the invite names no language: the page's decides
    with browser_language(browser, ["en-US", "en"]):
        forget_session(browser, api_base)
        browser.get(url)
        wait(browser, lambda: by_id(browser, "setup-form").is_displayed())
        assert browser.execute_script("return document.documentElement.lang") == "en"
        assert by_id(browser, "language-select").get_attribute("value") == "en"
        assert by_id(browser, "start-button").text == "Start the interview"
        # Until the candidate picks one, the interview's language follows the page's.
        Select(by_css(browser, "#ui-language")).select_by_value("ko")
        assert by_id(browser, "language-select").get_attribute("value") == "ko"
        assert by_id(browser, "start-button").text == "면접 시작"
        Select(by_id(browser, "language-select")).select_by_value("en")
        Select(by_css(browser, "#ui-language")).select_by_value("en")
        Select(by_css(browser, "#ui-language")).select_by_value("ko")
        assert by_id(browser, "language-select").get_attribute("value") == "en"
    with browser_language(browser, ["ko-KR", "ko", "en"]):
        forget_session(browser, api_base)
        browser.get(url)
        wait(browser, lambda: by_id(browser, "setup-form").is_displayed())
        assert by_id(browser, "language-select").get_attribute("value") == "ko"


def stage_names(browser) -> set[str]:
    return {entry.split(":")[0] for entry in stage_log(browser) if ":" in entry}


def test_the_opening_and_the_last_answer_show_only_their_own_steps(
    browser, client, api_base, gpu_worker, cpu_worker, shots
):
    open_and_fill(browser, api_base, make_invite(client, language="ko")["url"], questions=1)
    browser.execute_script(STAGE_LOG)
    gpu_worker.stop()  # the opening waits after reading the documents: its steps on screen
    by_id(browser, "start-button").click()
    assert wait_phase(browser, "preparing") == "preparing", error_text(browser)
    wait(browser, lambda: "ingest:done" in stage_log(browser))
    assert by_css(browser, "#job-title").text == "면접을 준비하고 있습니다"
    assert in_view(browser, by_css(browser, "#job-panel"))
    shots("opening-steps")
    gpu_worker.restart()
    hear(browser)
    assert stage_names(browser) == {"ingest", "llm", "tts"}
    labels = stage_labels(browser)
    assert any(label.startswith("이력서와 채용 공고 읽기") for label in labels), labels
    assert not any("피드백" in label or "다음 질문" in label for label in labels), labels
    assert not any("(" in label for label in labels), labels

    record_and_send(browser)  # the only question: this answer is the last
    assert wait_phase(browser, "answered") == "answered", error_text(browser)
    assert stage_names(browser) == {"stt", "retrieve", "llm"}, stage_log(browser)
    labels = stage_labels(browser)
    assert any(label.startswith("답변 듣기") for label in labels), labels
    assert not any("다음 질문" in label for label in labels), labels
    shots("last-answer")


def test_an_answer_without_usable_feedback_is_asked_again_and_a_report_from_the_turns_says_so(
    browser, client, api_base, gpu_worker, cpu_worker, shots
):
    open_and_fill(browser, api_base, make_invite(client, language="ko")["url"], questions=1)
    start_and_hear(browser)
    # Random weights never pass the output gates: every generation fails them.
    gpu_worker.restart(OUTPUT_GATES="on", OUTPUT_GATE_ATTEMPTS="1")
    record_and_send(browser)
    wait(browser, lambda: error_text(browser))
    assert by_id(browser, "error").get_attribute("data-code") == "low_quality_output"
    assert "같은 질문에 다시 답해 주세요" in error_text(browser)
    assert "gate" not in error_text(browser)
    assert phase(browser) == "answering" and by_css(browser, "#progress").text == "질문 1 / 1"
    assert in_view(browser, by_id(browser, "error"))
    shots("answer-again")

    gpu_worker.restart()
    record_and_send(browser)
    assert wait_phase(browser, "answered") == "answered", error_text(browser)
    gpu_worker.restart(OUTPUT_GATES="on", OUTPUT_GATE_ATTEMPTS="1")
    by_id(browser, "finish-button").click()
    assert wait_phase(browser, "report") == "report", error_text(browser)
    report = by_id(browser, "report").text
    assert "이 결과는 답변마다 받은 피드백을 모아 정리한 것입니다." in report
    shots("report-from-the-turns")

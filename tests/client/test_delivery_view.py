"""How each answer was said, as the candidate sees it: the delivery card (pace gauge, pause
timeline, fillers, pitch), the STAR check, and the report's trends across answers. Drawn by the
client's own modules in the real page from the running stack, with known figures."""

import itertools
import re

import httpx
import pytest
from selenium.webdriver.common.by import By

from tests.client.delivery_pages import (
    DELIVERY_EN,
    DELIVERY_KO_PARTLY,
    STAR,
    boxes,
    delivery,
    draw,
    open_page,
    page_shot,
    render_view,
    report_model,
    texts,
    turn,
    viewport,
)
from tests.client.pages import (
    by_css,
    by_id,
    error_text,
    interview_id,
    make_invite,
    open_and_fill,
    record_and_send,
    start_and_hear,
    turns,
    wait_phase,
)

CARD = "m.deliveryCard(args[0], args[1])"


@pytest.fixture
def page(browser, api_base):
    open_page(browser, api_base)
    return browser


def centre(box: dict) -> float:
    return box["left"] + box["width"] / 2


def test_the_pace_gauge_puts_the_value_where_it_falls_on_its_scale(page):
    draw(page, "delivery-card.js", CARD, DELIVERY_EN, 2)
    card = by_id(page, "delivery-card")
    assert card.get_attribute("data-turn") == "2"
    pace = by_id(page, "delivery-pace")
    assert "142 words per minute" in pace.text
    assert "A steady pace, easy to follow." in pace.text  # the server's reading, as given
    low, high = (
        float(texts(page, f"[data-testid=delivery-pace] [data-part={p}]")[0])
        for p in ("min", "max")
    )
    [track] = boxes(page, "[data-testid=delivery-pace] [data-part=track]")
    [marker] = boxes(page, "[data-testid=delivery-pace] [data-part=marker]")
    share = (centre(marker) - track["left"]) / track["width"]
    assert share == pytest.approx((142 - low) / (high - low), abs=0.01)
    # The fine band runs between its two labelled values.
    band_low, band_high = (
        float(texts(page, f"[data-testid=delivery-pace] [data-part={p}]")[0])
        for p in ("low", "high")
    )
    [band] = boxes(page, "[data-testid=delivery-pace] [data-part=band]")
    assert (band["left"] - track["left"]) / track["width"] == pytest.approx(
        (band_low - low) / (high - low), abs=0.01
    )
    assert band_low <= 142 <= band_high  # a "fine" reading sits inside the band
    svg = pace.find_element(By.CSS_SELECTOR, "svg")
    assert svg.get_attribute("role") == "img"
    assert "142 words per minute" in svg.get_attribute("aria-label")


def test_the_timeline_has_one_rectangle_per_pause_in_proportion_to_the_answer(page):
    draw(page, "delivery-card.js", CARD, DELIVERY_EN, 1)
    total = DELIVERY_EN["total_s"]
    [track] = boxes(page, "[data-testid=delivery-pauses] [data-part=track]")
    pauses = boxes(page, "[data-testid=delivery-pauses] [data-part=pause]")
    spans = DELIVERY_EN["pauses"]["spans"]
    assert len(pauses) == len(spans)
    for box, span in zip(pauses, spans, strict=True):
        start = (box["left"] - track["left"]) / track["width"]
        assert start == pytest.approx(span["start_s"] / total, abs=0.005)
        length = box["width"] / track["width"]
        assert length == pytest.approx((span["end_s"] - span["start_s"]) / total, abs=0.005)
    speech = boxes(page, "[data-testid=delivery-pauses] [data-part=speech]")
    assert len(speech) == len(DELIVERY_EN["speech"])
    pauses_text = by_id(page, "delivery-pauses").text
    assert "Pauses of 1 s or more: 3" in pauses_text and "longest 2.4 s" in pauses_text
    assert "21% silent" in pauses_text and "First word after 0.8 s." in pauses_text
    label = by_css(page, "[data-testid=delivery-pauses] svg").get_attribute("aria-label")
    assert "40 s" in label and "3 pauses" in label


def test_fillers_are_listed_with_their_counts_and_a_monotone_voice_is_said(page):
    draw(page, "delivery-card.js", CARD, DELIVERY_EN, 1)
    assert texts(page, "[data-testid=delivery-fillers] [data-part=filler]") == [
        "“um” × 3",
        "“you know” × 2",
    ]
    fillers = by_id(page, "delivery-fillers").text
    assert "2.5 per 100 words" in fillers and "Quite a few fillers" in fillers
    pitch = by_id(page, "delivery-pitch")
    assert "median 182 Hz" in pitch.text and "range 2.1 semitones" in pitch.text
    flag = pitch.find_element(By.CSS_SELECTOR, "[data-part=monotone]")
    assert flag.get_attribute("data-monotone") == "true" and flag.text.startswith("Monotone")
    # No filler heard: said in words, not an empty list.
    draw(page, "delivery-card.js", CARD, delivery(fillers={"per_100_words": 0, "found": []}), 1)
    assert "No filler words heard." in by_id(page, "delivery-fillers").text


def test_figures_not_measured_say_so_instead_of_numbers_in_the_pages_language(page):
    draw(page, "delivery-card.js", CARD, DELIVERY_KO_PARTLY, 3, language="ko")
    for testid in ("delivery-pace", "delivery-fillers", "delivery-pitch"):
        block = by_id(page, testid)
        assert "측정하지 못함" in block.text, testid
        assert not re.search(r"\d", block.text), (testid, block.text)
        assert not block.find_elements(By.CSS_SELECTOR, "svg")
    assert texts(page, "[data-testid=delivery-card] h5") == [
        "말 속도",
        "멈춤",
        "군더더기 말",
        "목소리 높낮이",
    ]
    pauses = by_id(page, "delivery-pauses").text
    assert "1초 이상 멈춤: 3번" in pauses and "멈춤이 자연스럽습니다." in pauses
    # The same figures on an English page: English labels, the reading as the server wrote it.
    draw(page, "delivery-card.js", CARD, DELIVERY_KO_PARTLY, 3, language="en")
    assert texts(page, "[data-testid=delivery-card] h5") == [
        "Pace",
        "Pauses",
        "Filler words",
        "Pitch",
    ]
    assert "not measured" in by_id(page, "delivery-pace").text
    assert "멈춤이 자연스럽습니다." in by_id(page, "delivery-pauses").text


def test_a_korean_answers_pace_is_in_syllables_per_minute(page):
    figures = delivery(pace={"value": 310.0, "unit": "spm", "variation": None})
    draw(page, "delivery-card.js", CARD, figures, 1, language="ko")
    assert "310 음절/분" in by_id(page, "delivery-pace").text
    draw(page, "delivery-card.js", CARD, figures, 1, language="en")
    assert "310 syllables per minute" in by_id(page, "delivery-pace").text


def test_the_star_check_shows_each_part_covered_or_missing_with_the_words_quoted(page):
    feedback = {"score": 4, "question_kind": "behavioural", "star": STAR}
    call = (
        "(() => { const box = document.createElement('div');"
        " m.renderFeedback(box, args[0]); return box; })()"
    )
    draw(page, "feedback.js", call, feedback)
    star = by_id(page, "star-check")
    assert star.text.startswith("STAR check")
    assert "3 of 4 parts covered" in star.text
    parts = page.find_elements(By.CSS_SELECTOR, "[data-testid=star-check] li")
    assert [p.get_attribute("data-part") for p in parts] == [
        "situation",
        "task",
        "action",
        "result",
    ]
    assert [p.get_attribute("data-covered") for p in parts] == ["true", "true", "true", "false"]
    assert re.match(r"✓\s*Situation\s*covered", parts[0].text), parts[0].text
    assert "our checkout service fell over every Friday" in parts[0].text
    assert "missing" in parts[3].text and not parts[3].find_elements(By.CSS_SELECTOR, "q")
    draw(page, "feedback.js", call, feedback, language="ko")
    assert "4가지 중 3가지를 다뤘습니다" in by_id(page, "star-check").text
    assert "결과 (R)" in by_id(page, "star-check").text and "빠짐" in by_id(page, "star-check").text
    # While the feedback streams, a part not yet complete is left out; technical questions have
    # no STAR check.
    streaming = {"star": {"situation": STAR["situation"], "task": {"cov": None}}}
    draw(page, "feedback.js", call, streaming)
    assert len(page.find_elements(By.CSS_SELECTOR, "[data-testid=star-check] li")) == 1
    draw(page, "feedback.js", call, {"score": 3, "question_kind": "technical", "star": None})
    assert not page.find_elements(By.CSS_SELECTOR, "[data-testid=star-check]")


# A stand-in EventSource sending the turn's events by name, as the api's SSE does.
FOLLOW = """
const done = arguments[arguments.length - 1];
const figures = arguments[0];
window.EventSource = class {
  static CLOSED = 2;
  constructor() {
    this.listeners = {};
    const events = [[1, "stage", {stage: "llm", state: "started"}],
                    [2, "delivery", {delivery: figures}], [3, "done", {status: "succeeded"}]];
    setTimeout(() => events.forEach(([seq, type, fields]) => (this.listeners[type] || []).forEach(
      (fn) => fn({data: JSON.stringify({seq, type, attempt: 1, ...fields})}))), 10);
  }
  addEventListener(type, fn) { (this.listeners[type] ||= []).push(fn); }
  close() {}
};
Promise.all([import("/client/events.js"), import("/client/live.js")]).then(
  async ([{ followJob }, { liveJob, apply }]) => {
    const live = liveJob({ id: "job", kind: "interview_turn", number: 1 }, 2);
    await followJob("job", { onEvent: (event) => apply(live, event) });
    done(live.delivery);
  });
"""


def test_the_turns_delivery_event_reaches_the_answer_being_processed(page):
    assert page.execute_async_script(FOLLOW, DELIVERY_EN) == DELIVERY_EN


# The last turn shown without its delivery: asked again until it comes (on the 3rd ask
# here), or a few times at most when it never does.
LATE = """
const done = arguments[arguments.length - 1];
const [figures, comesOnAsk] = arguments;
import("/client/late-delivery.js").then(({ LateDelivery }) => {
  let asks = 0;
  const found = [];
  const turn = (delivery) => ({ id: "t2", number: 2, delivery });
  const watch = new LateDelivery({
    ask: async (id) => {
      asks += 1;
      if (asks === 1) throw new Error("network");
      const last = turn(asks >= comesOnAsk ? figures : null);
      return { id, turns: [{ id: "t1", delivery: figures }, last] };
    },
    found: (id, shown) => found.push([id, shown.number, shown.delivery]),
    delays: [5, 5, 5, 5, 5],
  });
  const shown = { id: "i", turns: [{ id: "t1", delivery: figures }, turn(null)] };
  watch.check(shown);
  watch.check(shown); // drawn again meanwhile: still one wait
  watch.check({ id: "i", turns: [{ id: "t1", delivery: figures }] }); // has it: nothing to ask
  setTimeout(() => done({ asks, found }), 300);
});
"""


def test_a_delivery_measured_after_the_turn_ended_is_asked_for_until_it_comes(page):
    result = page.execute_async_script(LATE, DELIVERY_EN, 3)
    assert result == {"asks": 3, "found": [["i", 2, DELIVERY_EN]]}
    never = page.execute_async_script(LATE, DELIVERY_EN, 99)
    assert never == {"asks": 5, "found": []}  # then it stops
    # Only the page's own interview's turn takes it; nothing else in the model changes.
    shown = page.execute_async_script(
        """
        const done = arguments[arguments.length - 1];
        import("/client/late-delivery.js").then(({ showDelivery }) => {
          const model = { phase: "recording", interview: { id: "i", turns: [{ id: "t1" }] } };
          const other = showDelivery(model, "j", { id: "t1", delivery: arguments[0] });
          const mine = showDelivery(model, "i", { id: "t1", delivery: arguments[0] });
          done([other, mine, model]);
        });
        """,
        DELIVERY_EN,
    )
    turn_in_model = {"id": "t1", "delivery": DELIVERY_EN}
    assert shown == [
        False,
        True,
        {"phase": "recording", "interview": {"id": "i", "turns": [turn_in_model]}},
    ]


def trend_turns() -> list[dict]:
    paces = [140.0, None, 150.0, 160.0]
    counts = [2, 0, None, 3]
    fillers = [1.5, 3.0, None, 0.5]
    turns = []
    for i, (pace, count, rate) in enumerate(zip(paces, counts, fillers, strict=True), start=1):
        figures = delivery(pace={"value": pace, "unit": "wpm", "variation": None})
        figures["pauses"]["count"] = count
        figures["fillers"]["per_100_words"] = rate
        turns.append(turn(i, figures, score=[3, 4, 2, None][i - 1]))
    return turns


def test_the_trends_have_one_point_per_answer_and_gaps_where_a_figure_is_missing(page):
    draw(page, "trends.js", "m.reportTrends(args[0])", trend_turns())
    assert by_id(page, "report-trends").text.startswith("Across your answers")
    pace = "[data-testid=trend-pace]"
    assert [
        p.get_attribute("data-value")
        for p in page.find_elements(By.CSS_SELECTOR, f"{pace} [data-part=point]")
    ] == ["140", "150", "160"]
    assert texts(page, f"{pace} [data-part=label]") == ["Q1", "Q2", "Q3", "Q4"]
    assert len(page.find_elements(By.CSS_SELECTOR, f"{pace} [data-part=gap]")) == 1
    # The line is lifted over Q2: two pieces, never drawn down to zero.
    path = by_css(page, f"{pace} [data-part=line]").get_attribute("d")
    assert path.count("M") == 2 and path.count("L") == 1
    points = boxes(page, f"{pace} [data-part=point]")
    assert points[0]["top"] > points[1]["top"] > points[2]["top"]  # 140 < 150 < 160
    assert "Q2 not measured" in by_css(page, f"{pace} svg").get_attribute("aria-label")
    assert "words per minute" in by_id(page, "trend-pace").text
    # Bars: a zero is a bar you can see, a missing count a gap.
    bars = page.find_elements(By.CSS_SELECTOR, "[data-testid=trend-pauses] [data-part=bar]")
    assert [(b.get_attribute("data-turn"), b.get_attribute("data-value")) for b in bars] == [
        ("1", "2"),
        ("2", "0"),
        ("4", "3"),
    ]
    assert (
        len(page.find_elements(By.CSS_SELECTOR, "[data-testid=trend-pauses] [data-part=gap]")) == 1
    )
    fillers = page.find_elements(By.CSS_SELECTOR, "[data-testid=trend-fillers] [data-part=point]")
    assert [f.get_attribute("data-value") for f in fillers] == ["1.5", "3", "0.5"]
    scores = page.find_elements(By.CSS_SELECTOR, "[data-testid=trend-score] [data-part=bar]")
    assert [s.get_attribute("data-value") for s in scores] == ["3", "4", "2"]
    assert texts(page, "[data-testid=trend-score] [data-part=top]") == ["5"]
    draw(page, "trends.js", "m.reportTrends(args[0])", trend_turns(), language="ko")
    assert texts(page, "[data-testid=trend-pace] [data-part=label]") == ["1번", "2번", "3번", "4번"]
    assert by_id(page, "report-trends").text.startswith("답변별 흐름")


def test_without_any_delivery_only_the_score_trend_is_drawn(page):
    draw(page, "trends.js", "m.reportTrends(args[0])", [turn(1, None, 4), turn(2, None, 5)])
    charts = page.find_elements(
        By.CSS_SELECTOR, "[data-testid=report-trends] [data-testid^=trend-]"
    )
    assert [c.get_attribute("data-testid") for c in charts] == ["trend-score"]


def test_the_panel_shows_the_card_from_the_live_event_and_redraws_its_labels_in_a_new_language(
    page, tmp_path
):
    script = """
    const done = arguments[arguments.length - 1];
    (async () => {
      const { liveJob, apply } = await import('/client/live.js');
      const job = { id: 'job', kind: 'interview_turn', number: 2 };
      const live = liveJob(job, 3, 'Tell me about a hard bug.');
      apply(live, { type: 'delivery', delivery: arguments[0], seq: 5, attempt: 1 });
      done(live);
    })();
    """
    live = page.execute_async_script(script, DELIVERY_EN)
    model = report_model([turn(1, DELIVERY_EN, 3)])
    model |= {"phase": "processing", "live": live}
    model["interview"] |= {"status": "active", "max_questions": 3, "report": None}
    render_view(page, model)
    [card] = page.find_elements(By.CSS_SELECTOR, "#job-panel [data-testid=delivery-card]")
    assert card.get_attribute("data-turn") == "2" and card.is_displayed()
    assert "How you said it" in card.text
    history = page.find_elements(By.CSS_SELECTOR, "[data-testid=turn] [data-testid=delivery-card]")
    assert [c.get_attribute("data-turn") for c in history] == ["1"]
    print(f"screenshots in {tmp_path / 'screenshots'}")
    with viewport(page, 375, 812):
        page_shot(page, tmp_path / "screenshots", "panel-live-card")
    render_view(page, model, language="ko")  # what a switch of the page's language does
    assert "말하기 분석" in by_css(page, "#job-panel [data-testid=delivery-card]").text
    assert "말 속도" in by_css(page, "[data-testid=turn] [data-testid=delivery-card]").text
    with viewport(page, 375, 812):
        page_shot(page, tmp_path / "screenshots", "panel-live-card-ko")


def test_the_report_reads_on_a_phone_and_prints_without_controls(page, tmp_path):
    turns = trend_turns()
    turns[0]["feedback"] |= {"question_kind": "behavioural", "star": STAR}
    turns[0]["answer_artifact_id"] = "00000000-0000-0000-0000-0000000000ff"  # a player shown
    shots = tmp_path / "screenshots"
    print(f"screenshots in {shots}")
    with viewport(page, 375, 812):
        render_view(page, report_model(turns))
        assert page.execute_script(
            "return document.documentElement.scrollWidth <= window.innerWidth"
        )
        cards = page.find_elements(By.CSS_SELECTOR, "[data-testid=delivery-card]")
        assert len(cards) == 4
        # One figure under another: the same left edge, each under the one before.
        figures = boxes(page, "[data-testid=delivery-card][data-turn='1'] .figure")
        assert len({round(f["left"]) for f in figures}) == 1
        assert all(a["top"] < b["top"] for a, b in itertools.pairwise(figures))
        for svg in boxes(page, "[data-testid=report] svg, [data-testid=turn] svg"):
            assert 0 < svg["width"] <= 375 and svg["left"] >= 0
        page_shot(page, shots, "report-phone")
    # Printed: a page of A4 is about 794 CSS pixels wide.
    with viewport(page, 794, 1123, mobile=False):
        page.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        try:
            for control in ("print-button", "ui-language", "finish-button"):
                assert not by_css(page, f"#{control}").is_displayed(), control
            assert not any(a.is_displayed() for a in page.find_elements(By.TAG_NAME, "audio"))
            assert all(card.is_displayed() for card in cards)
            assert by_id(page, "report-trends").is_displayed()
            kept = page.execute_script(
                "return [...document.querySelectorAll('[data-testid=delivery-card], .trend-block')]"
                ".map((el) => getComputedStyle(el).breakInside)"
            )
            assert set(kept) == {"avoid"}
            page_shot(page, shots, "report-print")
        finally:
            page.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def test_every_text_the_new_modules_name_is_in_both_languages(api_base):
    keys = {}
    for language in ("ko", "en"):
        text = httpx.get(f"{api_base}/client/texts-{language}.js").text
        keys[language] = set(re.findall(r"^  (\w+):", text, re.M))
    named = {
        "unit_wpm",
        "unit_spm",
        *(f"star_{p}" for p in ("situation", "task", "action", "result")),
    }
    for module in ("delivery-card.js", "charts.js", "star.js", "trends.js"):
        source = httpx.get(f"{api_base}/client/{module}").text
        named |= set(re.findall(r'\bt\("(\w+)"', source))
        named |= set(re.findall(r'title: "(trend\w+)"', source))
    assert named <= keys["en"] and named <= keys["ko"], named - (keys["en"] & keys["ko"])


# ---- End to end: the stack's turn job measures delivery beside its chain (docs/delivery.md).

# Which answer's card the panel showed, and in which phase: a card seen while `processing`
# came from the turn's live `delivery` event (the panel shows GET's turns only after it).
CARD_LOG = """
window.cardLog = [];
new MutationObserver(() => {
  for (const card of document.querySelectorAll('#job-panel [data-testid=delivery-card]')) {
    const entry = `${card.dataset.turn}:${document.body.dataset.phase}`;
    if (!window.cardLog.includes(entry)) window.cardLog.push(entry);
  }
}).observe(document.getElementById('job-panel'), {subtree: true, childList: true});
"""


def card_log(browser) -> list[str]:
    return browser.execute_script("return window.cardLog")


def assert_card_shows(card, figures: dict) -> None:
    """The card says the server's figures: the pace (or "not measured"), the pause count, and
    every reading as the server wrote it."""
    pace = card.find_element(By.CSS_SELECTOR, "[data-testid=delivery-pace]").text
    if figures["pace"]["value"] is None:
        assert "not measured" in pace
    else:
        shown = re.search(r"(\d+) words per minute", pace)
        assert shown and abs(int(shown[1]) - figures["pace"]["value"]) <= 0.5, pace
    if figures["pauses"]["count"] is not None:
        pauses = card.find_element(By.CSS_SELECTOR, "[data-testid=delivery-pauses]").text
        assert f"Pauses of 1 s or more: {figures['pauses']['count']}" in pauses
    for reading in figures["readings"].values():
        assert reading["text"] in card.text


def interview(client, browser) -> dict:
    response = client.get(f"/v1/interviews/{interview_id(browser)}")
    assert response.status_code == 200, response.text
    return response.json()


def panel_card(browser):
    [card] = browser.find_elements(By.CSS_SELECTOR, "#job-panel [data-testid=delivery-card]")
    return card


def assert_trends(browser, answers: int) -> None:
    assert by_id(browser, "report-trends").is_displayed()
    for chart in ("trend-pace", "trend-pauses", "trend-fillers", "trend-score"):
        marks = browser.find_elements(
            By.CSS_SELECTOR,
            f"[data-testid={chart}] :is([data-part=point], [data-part=bar], [data-part=gap])",
        )
        assert len(marks) == answers, chart
        assert texts(browser, f"[data-testid={chart}] [data-part=label]") == ["Q1", "Q2"]


def test_an_interview_shows_each_answers_card_live_and_after_a_reload_and_the_reports_trends(
    browser, client, api_base, gpu_worker, cpu_worker, shots
):
    open_and_fill(browser, api_base, make_invite(client, language="en")["url"], questions=2)
    start_and_hear(browser)
    browser.execute_script(CARD_LOG)
    record_and_send(browser, seconds=5)
    assert wait_phase(browser, "processing") == "processing", error_text(browser)
    assert wait_phase(browser, "answering") == "answering", error_text(browser)
    assert "1:processing" in card_log(browser), card_log(browser)  # from the live event
    figures = interview(client, browser)["turns"][0]["delivery"]
    assert figures is not None
    assert panel_card(browser).get_attribute("data-turn") == "1"
    assert_card_shows(panel_card(browser), figures)
    shots("delivery-1-answered")

    browser.refresh()  # the card again, from GET /v1/interviews/{id}
    assert wait_phase(browser, "answering") == "answering", error_text(browser)
    assert panel_card(browser).get_attribute("data-turn") == "1"
    assert_card_shows(panel_card(browser), figures)

    browser.execute_script(CARD_LOG)
    record_and_send(browser, seconds=5)
    assert wait_phase(browser, "answered") == "answered", error_text(browser)
    assert "2:processing" in card_log(browser), card_log(browser)
    assert panel_card(browser).get_attribute("data-turn") == "2"
    listed = [
        t.find_element(By.CSS_SELECTOR, "[data-testid=delivery-card]") for t in turns(browser)
    ]
    assert [card.get_attribute("data-turn") for card in listed] == ["1"]

    by_id(browser, "finish-button").click()
    assert wait_phase(browser, "report") == "report", error_text(browser)
    server = interview(client, browser)["turns"]
    for shown in ("finished", "reloaded"):
        cards = browser.find_elements(
            By.CSS_SELECTOR, "[data-testid=turn] [data-testid=delivery-card]"
        )
        assert [card.get_attribute("data-turn") for card in cards] == ["1", "2"]
        for card, answer in zip(cards, server, strict=True):
            assert_card_shows(card, answer["delivery"])
        assert_trends(browser, answers=2)
        shots(f"delivery-report-{shown}")
        browser.refresh()
        assert wait_phase(browser, "report") == "report", error_text(browser)

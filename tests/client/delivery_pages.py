"""What the delivery view's browser tests share: known delivery objects, a way to draw the
client's own modules into the real page, and what a user sees of a drawing (on-screen boxes)."""

import base64
import contextlib
import copy
from collections.abc import Iterator
from pathlib import Path

from tests.client.pages import by_css, wait

DELIVERY_EN = {
    "total_s": 40.0,
    "speaking_s": 31.5,
    "pace": {"value": 142.0, "unit": "wpm", "variation": 0.18},
    "pauses": {
        "count": 3,
        "longest_s": 2.4,
        "silent_share": 0.21,
        "first_word_s": 0.8,
        "spans": [
            {"start_s": 6.0, "end_s": 7.5},
            {"start_s": 18.0, "end_s": 20.4},
            {"start_s": 31.0, "end_s": 32.2},
        ],
    },
    "fillers": {
        "per_100_words": 2.5,
        "found": [{"text": "um", "count": 3}, {"text": "you know", "count": 2}],
        "words": 200,
    },
    "pitch": {
        "median_hz": 182.0,
        "range_semitones": 2.1,
        "monotone": True,
        "loudness_spread_db": 4.2,
    },
    "readings": {
        "pace": {"level": "fine", "text": "A steady pace, easy to follow."},
        "pauses": {"level": "fine", "text": "Pauses in the right places."},
        "fillers": {"level": "high", "text": "Quite a few fillers: try a silent pause instead."},
        "pitch": {"level": "low", "text": "Your voice stayed on nearly one note."},
    },
    "speech": [[0.8, 6.0], [7.5, 18.0], [20.4, 31.0], [32.2, 39.5]],
}

# A Korean interview's figures with the pace, fillers and pitch not measured: the server
# leaves their readings out; its pauses reading is in the interview's language.
DELIVERY_KO_PARTLY = {
    **copy.deepcopy(DELIVERY_EN),
    "pace": {"value": None, "unit": "spm", "variation": None},
    "fillers": {"per_100_words": None, "found": [], "words": 0},
    "pitch": {
        "median_hz": None,
        "range_semitones": None,
        "monotone": None,
        "loudness_spread_db": None,
    },
    "readings": {"pauses": {"level": "fine", "text": "멈춤이 자연스럽습니다."}},
}

STAR = {
    "situation": {"covered": True, "quote": "our checkout service fell over every Friday"},
    "task": {"covered": True, "quote": "I had to find out why before the sale"},
    "action": {"covered": True, "quote": "I added tracing and moved the cache"},
    "result": {"covered": False, "quote": None},
}


def delivery(**changes) -> dict:
    """DELIVERY_EN with some figures replaced (`pace={...}`, `pauses=None`...)."""
    return {**copy.deepcopy(DELIVERY_EN), **changes}


def draw(browser, module: str, call: str, *args, language: str = "en"):
    """Run `call` (JS; `m` is the client's `module`, `args` the arguments) with the page's
    language set, and show the node it returns at the top of the page, in #probe."""
    script = f"""
    const done = arguments[arguments.length - 1];
    const args = arguments[0];
    (async () => {{
      (await import('/client/i18n.js')).setLanguage({language!r});
      const m = await import('/client/{module}');
      const shown = {call};
      let probe = document.getElementById('probe');
      if (!probe) {{
        probe = document.createElement('section');
        probe.id = 'probe';
        document.querySelector('main').prepend(probe);
      }}
      probe.replaceChildren(...(shown ? [shown] : []));
      done(null);
    }})().catch((error) => done(String(error.stack || error)));
    """
    failure = browser.execute_async_script(script, list(args))
    assert failure is None, failure


def render_view(browser, model: dict, language: str = "en") -> None:
    """Draw the page from `model` with the client's own View, as its controller does."""
    script = f"""
    const done = arguments[arguments.length - 1];
    const model = arguments[0];
    (async () => {{
      (await import('/client/i18n.js')).setLanguage({language!r});
      const {{ View }} = await import('/client/view.js');
      window.probeView ??= new View();
      window.probeView.render(model);
      done(null);
    }})().catch((error) => done(String(error.stack || error)));
    """
    failure = browser.execute_async_script(script, model)
    assert failure is None, failure


def open_page(browser, api_base: str) -> None:
    """The real client page from the running stack (no invite: it stays on its form)."""
    browser.get(api_base + "/")
    wait(browser, lambda: browser.execute_script("return document.body.dataset.phase") == "setup")


def boxes(browser, selector: str) -> list[dict]:
    """On-screen rectangles (left, top, width, height) of what `selector` finds."""
    return browser.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map((el) => {"
        "const r = el.getBoundingClientRect();"
        "return {left: r.left, top: r.top, width: r.width, height: r.height}; })",
        selector,
    )


def texts(browser, selector: str) -> list[str]:
    return browser.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map((el) => el.textContent)",
        selector,
    )


def displayed(browser, selector: str) -> bool:
    return by_css(browser, selector).is_displayed()


@contextlib.contextmanager
def viewport(browser, width: int, height: int, mobile: bool = True) -> Iterator[None]:
    """The page laid out for a screen `width` CSS pixels wide (headless windows are never
    narrower than 500), as it was afterwards."""
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    try:
        yield
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def page_shot(browser, folder: Path, name: str) -> Path:
    """The whole page as it stands (beyond the window), saved as `name`.png in `folder`."""
    folder.mkdir(exist_ok=True)
    shot = browser.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}
    )
    path = folder / f"{name}.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def turn(number: int, figures: dict | None, score: int | None, star: dict | None = None) -> dict:
    """A turn as `GET /v1/interviews/{id}` lists it."""
    feedback = {"strengths": ["Clear example."], "improvements": ["Say what changed."]}
    if score is not None:
        feedback["score"] = score
    if star is not None:
        feedback |= {"question_kind": "behavioural", "star": star}
    return {
        "id": f"00000000-0000-0000-0000-00000000000{number}",
        "number": number,
        "question": f"Question number {number}?",
        "transcript": "I led the migration of our checkout service.",
        "feedback": feedback,
        "next_question": None,
        "audio_artifact_id": None,
        "answer_artifact_id": None,
        "delivery": figures,
    }


def report_model(turns: list[dict]) -> dict:
    """The page's model once the report is written (phase `report`)."""
    interview = {
        "id": "00000000-0000-0000-0000-0000000000aa",
        "status": "finished",
        "max_questions": len(turns),
        "turns": turns,
        "report": {"overall_score": 3, "summary": "A fair interview.", "top_improvements": []},
        "active_job": None,
    }
    return {
        "phase": "report",
        "interview": interview,
        "live": None,
        "answer": None,
        "elapsed": 0,
        "error": None,
        "busy": False,
        "canStart": False,
        "interviewLanguage": "en",
        "mode": "record",
        "talk": None,
    }

"""Readings: each figure read against its stated band, in the interview's language."""

import pytest

from rehearse.contracts.delivery_contract import Delivery, Fillers, Pace, Pauses, Pitch
from rehearse.delivery.measure import measure
from rehearse.delivery.readings import FILLERS_HIGH, PACE, PITCH_ST, readings
from tests.delivery.answers import SENTENCES, joined, said


def answer(**changes) -> Delivery:
    """A 40 s answer whose figures are all in their fine bands, with `changes` applied."""
    figures = {
        "total_s": 42.0,
        "speaking_s": 32.0,
        "pace": Pace(value=150.0, unit="wpm"),
        "pauses": Pauses(count=3, longest_s=1.6, silent_share=0.2, first_word_s=1.0),
        "fillers": Fillers(per_100_words=1.0, words=80),
        "pitch": Pitch(median_hz=120.0, range_semitones=7.0, monotone=False),
        "speech": [(1.0, 20.0), (21.6, 41.0)],
    }
    return Delivery(**(figures | changes))


@pytest.mark.parametrize(("language", "word"), [("en", "Fast"), ("ko", "빠른")])
def test_fast_espeak_speech_reads_as_fast_in_the_interview_language(language, word):
    texts = SENTENCES[language][:2]
    samples, _ = joined([said(t, language, 400) for t in texts], [0.7])

    reading = measure(samples, " ".join(texts), language).readings["pace"]

    assert reading.level == "high" and word in reading.text


def test_every_measured_figure_is_read_fine_in_its_band():
    found = readings(answer(), "en")

    assert {name: r.level for name, r in found.items()} == dict.fromkeys(
        ("pace", "pauses", "fillers", "pitch"), "fine"
    )


@pytest.mark.parametrize(
    ("changes", "name", "level"),
    [
        ({"pace": Pace(value=PACE["wpm"].low - 1, unit="wpm")}, "pace", "low"),
        ({"pace": Pace(value=PACE["spm"].high + 1, unit="spm")}, "pace", "high"),
        ({"pauses": Pauses(count=1, longest_s=4.2, silent_share=0.2)}, "pauses", "high"),
        ({"pauses": Pauses(count=0, longest_s=0.3, silent_share=0.05)}, "pauses", "low"),
        ({"fillers": Fillers(per_100_words=FILLERS_HIGH + 0.5)}, "fillers", "high"),
        ({"pitch": Pitch(median_hz=110, range_semitones=2.0, monotone=True)}, "pitch", "low"),
        (
            {"pitch": Pitch(median_hz=200, range_semitones=PITCH_ST.high + 1, monotone=False)},
            "pitch",
            "high",
        ),
    ],
)
def test_figures_outside_their_band_are_read_low_or_high(changes, name, level):
    assert readings(answer(**changes), "ko")[name].level == level


def test_a_short_answer_without_pauses_is_not_read_as_few_pauses():
    short = answer(pauses=Pauses(count=0, longest_s=0.0, silent_share=0.0), speech=[(0.5, 8.0)])

    assert readings(short, "en")["pauses"].level == "fine"


def test_unmeasured_figures_have_no_reading():
    empty = answer(
        pace=Pace(value=None, unit="wpm"),
        fillers=Fillers(per_100_words=None),
        pitch=Pitch(median_hz=None, range_semitones=None, monotone=None),
        speech=[],
    )

    assert readings(empty, "en") == {}


def test_many_fillers_in_the_transcript_read_high():
    text = "Um, I led the team, you know, and, uh, we kind of shipped it, like, early."
    samples, _ = joined([said(SENTENCES["en"][0])], [])

    delivery = measure(samples, text, "en")

    assert delivery.fillers.per_100_words > FILLERS_HIGH
    assert delivery.readings["fillers"].level == "high"

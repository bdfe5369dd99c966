"""Pace against the truth: espeak-ng speech at three rates, words or syllables counted from the
text, speaking time from the clips' own non-silent extent (not from the VAD)."""

import pytest

from rehearse.delivery.measure import measure
from rehearse.delivery.pace import units
from tests.delivery.answers import SENTENCES, joined, said


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("rate", [120, 175, 260])
def test_pace_is_within_ten_percent_of_the_truth(language, rate):
    texts = SENTENCES[language][:3]
    samples, spans = joined([said(t, language, rate) for t in texts], [0.6, 1.3])
    transcript = " ".join(texts)
    truth = units(transcript, language) * 60 / sum(end - start for start, end in spans)

    pace = measure(samples, transcript, language).pace

    assert pace.unit == ("spm" if language == "ko" else "wpm")
    assert pace.value == pytest.approx(truth, rel=0.10)


def test_faster_speech_reads_as_a_faster_pace():
    texts = SENTENCES["en"][:2]
    slow, fast = (joined([said(t, "en", r) for t in texts], [0.8])[0] for r in (100, 300))

    assert measure(slow, " ".join(texts), "en").pace.value < 0.6 * (
        measure(fast, " ".join(texts), "en").pace.value
    )


def test_korean_counts_hangul_syllables_not_words():
    assert units("저는 3년 동안 AI 팀을 이끌었습니다.", "ko") == 14  # 3 is 삼; AI is left out
    assert units("I don't know, 3 things.", "en") == 5


def _segments(texts, spans, drift_s=0.4):
    """Whisper-like segments: the right text, times that run on into the silence after."""
    return [
        {"start": s, "end": e + drift_s, "text": t} for t, (s, e) in zip(texts, spans, strict=True)
    ]


def test_variation_is_high_when_the_pace_changes_and_low_when_it_does_not():
    texts = SENTENCES["en"]
    steady, steady_spans = joined([said(t, "en", 170) for t in texts], [1.2, 0.7, 1.5])
    rates = [110, 280, 110, 280]
    moving, moving_spans = joined(
        [said(t, "en", r) for t, r in zip(texts, rates, strict=True)], [1.2, 0.7, 1.5]
    )
    transcript = " ".join(texts)

    calm = measure(steady, transcript, "en", _segments(texts, steady_spans)).pace.variation
    varied = measure(moving, transcript, "en", _segments(texts, moving_spans)).pace.variation

    assert calm is not None and calm < 0.15  # sentences differ in word length
    assert varied is not None and varied > 0.3


def test_variation_is_null_without_segments_or_with_one():
    texts = SENTENCES["en"][:2]
    samples, spans = joined([said(t) for t in texts], [1.0])

    assert measure(samples, " ".join(texts), "en").pace.variation is None
    one = [{"start": 0.0, "end": spans[-1][1], "text": " ".join(texts)}]
    assert measure(samples, " ".join(texts), "en", one).pace.variation is None

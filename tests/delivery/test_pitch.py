"""Pitch against the truth: voiced sounds of a known F0, and espeak-ng at two pitch settings."""

import numpy as np
import pytest

from rehearse.delivery.measure import measure
from rehearse.delivery.pitch import MONOTONE_ST, pitch_figures
from tests.delivery.answers import EN, RATE, joined, said, voiced


@pytest.mark.parametrize("f0", [85.0, 120.0, 210.0, 320.0])
def test_median_pitch_of_a_voiced_sound_is_within_five_percent(f0):
    figures = pitch_figures(voiced(3.0, f0))

    assert figures.median_hz == pytest.approx(f0, rel=0.05)


def test_a_flat_voice_is_monotone_and_a_varied_one_is_not():
    t = np.arange(6 * RATE) / RATE
    # Intonation: +-6 semitones around 150 Hz; a sine's 10th-90th percentiles are +-sin(0.4 pi).
    contour = 150 * 2 ** (6 * np.sin(2 * np.pi * 0.4 * t) / 12)

    flat = pitch_figures(voiced(6.0, 150.0))
    varied = pitch_figures(voiced(6.0, contour))

    assert flat.monotone is True and flat.range_semitones < 1.0
    assert varied.monotone is False
    assert varied.range_semitones == pytest.approx(2 * 6 * np.sin(0.4 * np.pi), abs=1.0)


def test_espeak_at_a_higher_pitch_setting_measures_higher():
    low = measure(said(EN[0], "en", None, 15), EN[0], "en").pitch
    high = measure(said(EN[0], "en", None, 85), EN[0], "en").pitch

    assert low.median_hz is not None and high.median_hz is not None
    assert high.median_hz > 1.3 * low.median_hz


def test_an_answer_that_moves_between_pitches_is_not_monotone():
    clips = [said(text, "en", None, pitch) for text, pitch in zip(EN, (5, 95, 5, 95), strict=True)]
    samples, _ = joined(clips, [0.6, 0.6, 0.6])

    pitch = measure(samples, " ".join(EN), "en").pitch

    assert pitch.monotone is False and pitch.range_semitones > MONOTONE_ST
    assert pitch.loudness_spread_db is not None and pitch.loudness_spread_db > 0


def test_no_voice_no_pitch():
    figures = pitch_figures(np.zeros(RATE, np.float32))

    assert figures.median_hz is None and figures.range_semitones is None
    assert figures.monotone is None and figures.loudness_spread_db is None

"""Bounded work: silence and a blip give null figures, not errors; very long audio is refused."""

import numpy as np
import pytest

from rehearse.delivery.audio import MAX_SECONDS
from rehearse.delivery.measure import DeliveryError, decode, measure, warm_up
from tests.audio import silence_flac
from tests.delivery.answers import EN, RATE, said, silence


def test_a_silent_answer_has_no_pace_pitch_or_pauses():
    delivery = measure(silence(5.0), "", "en")

    assert (delivery.total_s, delivery.speaking_s, delivery.speech) == (5.0, 0.0, [])
    assert delivery.pace.value is None and delivery.pace.variation is None
    assert delivery.pitch.median_hz is None and delivery.pitch.monotone is None
    assert delivery.pauses.count == 0 and delivery.pauses.first_word_s is None
    assert delivery.fillers.per_100_words is None
    assert delivery.readings == {}


def test_a_fifth_of_a_second_gives_null_figures_not_an_error():
    blip = said(EN[0])[: RATE // 5]

    delivery = measure(blip, "I", "en")

    assert delivery.total_s == pytest.approx(0.2, abs=0.01)
    assert delivery.pace.value is None and delivery.pitch.median_hz is None
    assert set(delivery.readings) <= {"pauses", "fillers"}


def test_an_empty_array_is_an_empty_answer():
    assert measure(np.zeros(0, np.float32), "", "ko").total_s == 0.0


def test_audio_past_the_bound_is_refused_before_any_work():
    with pytest.raises(DeliveryError) as refused:
        measure(np.zeros(int((MAX_SECONDS + 1) * RATE), np.float32), "", "en")
    assert refused.value.code == "audio_too_long"

    with pytest.raises(DeliveryError) as refused:
        decode(silence_flac(MAX_SECONDS + 30))
    assert refused.value.code == "audio_too_long" and "15 minutes" in refused.value.message


def test_warm_up_runs_and_leaves_measure_working():
    warm_up()

    assert measure(said(EN[0]), EN[0], "en").pace.value is not None

"""Pauses against the truth: silences of known length inserted between espeak-ng sentences."""

import pytest

from rehearse.delivery.measure import measure
from tests.delivery.answers import SENTENCES, joined, said

TOLERANCE_S = 0.15


@pytest.mark.parametrize("language", ["en", "ko"])
def test_pauses_of_a_second_or_more_are_found_with_their_length(language):
    texts = SENTENCES[language]
    samples, spans = joined([said(t, language) for t in texts], [0.5, 1.2, 2.5], lead=0.9)

    pauses = measure(samples, " ".join(texts), language).pauses

    truth = [(spans[i][1], spans[i + 1][0]) for i in (1, 2)]  # the 1.2 s and 2.5 s gaps
    assert pauses.count == 2
    for found, (start, end) in zip(pauses.spans, truth, strict=True):
        assert found.end_s - found.start_s == pytest.approx(end - start, abs=TOLERANCE_S)
        assert found.start_s == pytest.approx(start, abs=TOLERANCE_S)
    assert pauses.longest_s == pytest.approx(2.5, abs=TOLERANCE_S)
    assert pauses.first_word_s == pytest.approx(0.9, abs=TOLERANCE_S)


def test_short_gaps_are_not_pauses():
    texts = SENTENCES["en"]
    samples, _ = joined([said(t) for t in texts], [0.5, 0.4, 0.6])

    delivery = measure(samples, " ".join(texts), "en")

    assert delivery.pauses.count == 0 and delivery.pauses.spans == []
    assert delivery.pauses.longest_s < 1.0


def test_silent_share_is_the_silence_between_the_first_word_and_the_last():
    texts = SENTENCES["en"][:2]
    samples, spans = joined([said(t) for t in texts], [3.0], lead=2.0, tail=3.0)
    answer = spans[-1][1] - spans[0][0]

    pauses = measure(samples, " ".join(texts), "en").pauses

    # The silence before the first word and after the last is not in the share.
    assert pauses.silent_share == pytest.approx(3.0 / answer, abs=0.03)
    assert pauses.first_word_s == pytest.approx(2.0, abs=TOLERANCE_S)


def test_speech_stretches_match_the_clips():
    texts = SENTENCES["ko"][:3]
    samples, spans = joined([said(t, "ko") for t in texts], [1.5, 2.0])

    speech = measure(samples, " ".join(texts), "ko").speech

    assert len(speech) == 3
    for (start, end), (true_start, true_end) in zip(speech, spans, strict=True):
        assert start == pytest.approx(true_start, abs=TOLERANCE_S)
        assert end == pytest.approx(true_end, abs=TOLERANCE_S)

"""decode: the containers browsers and phones upload, round trip; anything else refused plainly."""

import numpy as np
import pytest

from rehearse.delivery.measure import DeliveryError, decode, measure
from rehearse.engines import audio_encode
from tests.audio import corrupt_audio, live_webm, not_audio, tone_mp3, tone_wav, tone_webm_opus
from tests.delivery.answers import EN, RATE, joined, said


@pytest.mark.parametrize("make", [tone_wav, tone_mp3, tone_webm_opus, live_webm])
def test_containers_decode_to_16k_mono_float_of_the_same_length(make):
    samples = decode(make(2.0))

    assert samples.dtype == np.float32 and samples.ndim == 1
    assert len(samples) / RATE == pytest.approx(2.0, abs=0.08)
    assert 0.1 < np.abs(samples).max() <= 1.0


@pytest.mark.parametrize("fmt", ["wav", "mp3", "opus"])
def test_an_encoded_answer_measures_like_the_raw_one(fmt):
    raw, _ = joined([said(t) for t in EN[:3]], [0.5, 1.6])
    data = audio_encode.encode((raw * 32767).astype(np.int16), RATE, fmt)

    decoded, original = measure(decode(data), " ".join(EN[:3]), "en"), measure(raw, "", "en")

    assert decoded.total_s == pytest.approx(original.total_s, abs=0.1)
    assert decoded.pauses.count == original.pauses.count == 1
    found, truth = decoded.pauses.spans[0], original.pauses.spans[0]
    assert found.end_s - found.start_s == pytest.approx(truth.end_s - truth.start_s, abs=0.1)
    assert decoded.speaking_s == pytest.approx(original.speaking_s, rel=0.05)


@pytest.mark.parametrize("data", [not_audio(), b"", corrupt_audio()])
def test_what_is_not_audio_is_refused_with_a_plain_message(data):
    with pytest.raises(DeliveryError) as refused:
        decode(data)

    assert refused.value.code == "invalid_audio"
    assert "not audio" in refused.value.message and "Errno" not in refused.value.message

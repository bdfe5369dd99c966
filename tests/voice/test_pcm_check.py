"""A stream of float32 samples sent as if 16-bit is recognised; real 16-bit audio never is."""

import numpy as np
import pytest

from rehearse.voice.pcm_check import looks_like_float32, sample_format
from tests.voice.speech import noise, silence, spoken

SENTENCES = [
    ("I built the payment service in Go.", "en"),
    ("We cut the latency by half and", "en"),
    ("저는 결제 서비스를 만들었습니다.", "ko"),
]


@pytest.mark.parametrize(("text", "language"), SENTENCES)
def test_speech_as_float32_is_caught(text, language):
    pcm = spoken(text, language)
    as_float = (pcm.astype(np.float32) / 32768.0).astype("<f4").tobytes()
    assert looks_like_float32(as_float)


@pytest.mark.parametrize(("text", "language"), SENTENCES)
def test_speech_as_16_bit_passes(text, language):
    assert sample_format(spoken(text, language).astype("<i2").tobytes()) == "s16le"


@pytest.mark.parametrize("level", [0.003, 0.05, 0.3])
def test_noise_and_silence_as_16_bit_pass(level):
    assert sample_format(noise(500, level).astype("<i2").tobytes()) == "s16le"
    assert sample_format(silence(500).astype("<i2").tobytes()) is None  # cannot tell yet


def test_too_little_audio_says_nothing():
    pcm = spoken("Hello.", "en")[:400]
    assert not looks_like_float32((pcm.astype(np.float32) / 32768.0).astype("<f4").tobytes())

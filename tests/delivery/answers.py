"""Answers with a known truth: espeak-ng speech joined with known silences, and voiced sounds
of a known pitch, as float32 mono at 16 kHz."""

from functools import lru_cache

import numpy as np

from rehearse.engines import audio_encode, espeak

RATE = 16000
LOUD = 300 / 32768  # espeak's silence is digital zero; its quietest speech is far above this


@lru_cache
def said(text: str, language: str = "en", rate: int | None = None, pitch: int | None = None):
    """`text` spoken by espeak-ng at `rate` words a minute and `pitch` (0-100), edges trimmed."""
    pcm, source_rate = espeak.synthesize(text, language, rate=rate, pitch=pitch)
    samples = audio_encode.resample(pcm, source_rate, RATE).astype(np.float32) / 32768
    loud = np.flatnonzero(np.abs(samples) > LOUD)
    return samples[loud[0] : loud[-1] + 1]


def silence(seconds: float) -> np.ndarray:
    return np.zeros(round(seconds * RATE), np.float32)


def joined(clips: list[np.ndarray], gaps: list[float], lead: float = 0.6, tail: float = 0.8):
    """The clips with `gaps` seconds of silence between them; (samples, each clip's span in s)."""
    parts, spans, at = [silence(lead)], [], lead
    for clip, gap in zip(clips, [*gaps, tail], strict=True):
        spans.append((at, at + len(clip) / RATE))
        parts += [clip, silence(gap)]
        at += len(clip) / RATE + gap
    return np.concatenate(parts), spans


def voiced(seconds: float, f0: np.ndarray | float, seed: int = 3) -> np.ndarray:
    """A vowel-like sound: a glottal pulse train (harmonics falling 12 dB an octave) at `f0`
    (a constant or one value per sample), through /a/-like formants, in 4 Hz syllables."""
    t = np.arange(round(seconds * RATE)) / RATE
    hz = np.broadcast_to(np.asarray(f0, dtype=float), t.shape)
    phase = 2 * np.pi * np.cumsum(hz) / RATE
    signal = np.zeros_like(t)
    for k in range(1, 40):
        harmonic = k * hz
        gain = (1 / k**2) * sum(
            np.exp(-(((harmonic - f) / w) ** 2)) * 30 + 0.05
            for f, w in ((700, 130), (1200, 150), (2600, 250))
        )
        signal += np.where(harmonic < RATE / 2 - 500, gain, 0) * np.sin(k * phase)
    syllables = 0.25 + 0.75 * np.clip(np.sin(2 * np.pi * 2 * t), 0, None) ** 0.5
    noise = np.random.default_rng(seed).standard_normal(t.size) * 0.002
    signal = signal * syllables / np.abs(signal).max() * 0.5 + noise
    return signal.astype(np.float32)


EN = [
    "I led the backend team at a small startup for three years",
    "We moved the billing system to a new database without any downtime",
    "The hardest part was testing the migration on real customer data",
    "In the end we shipped it two weeks early and nobody noticed",
]
KO = [
    "저는 작은 회사에서 삼 년 동안 백엔드 팀을 이끌었습니다",
    "우리는 결제 시스템을 새 데이터베이스로 옮겼습니다",
    "가장 어려운 부분은 실제 데이터로 시험하는 일이었습니다",
    "결국 우리는 이 주 일찍 출시했고 아무도 눈치채지 못했습니다",
]
SENTENCES = {"en": EN, "ko": KO}

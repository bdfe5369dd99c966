"""Pitch and loudness over the answer's speech: median F0, its spread in semitones, loudness.

librosa's pYIN (ISC) rather than Praat through parselmouth (GPL-3, which this project's
licence cannot take); docs/delivery.md has the speed. pYIN runs over the speech stretches only,
joined with a short silence between, so the silences cost nothing and add no false frames.
"""

import numpy as np

from rehearse.contracts.delivery_contract import Pitch

RATE = 16000
FMIN, FMAX = 65.0, 500.0  # men's low speech to children's and raised voices
FRAME, HOP = 1024, 320  # 64 ms frames (one period of 65 Hz fits twice), 20 ms hop
RESOLUTION = 0.25  # 1/4 semitone bins: 4x faster than 0.1, finer than any reading needs
MONOTONE_ST = 4.0
"""Under this 10th-90th percentile F0 spread (semitones) an answer reads as monotone."""
_JOIN = np.zeros(HOP * 4, np.float32)  # 80 ms of silence between stretches: unvoiced frames


def speech_only(samples: np.ndarray, speech: list[tuple[float, float]]) -> np.ndarray:
    """The speech stretches' samples, in order, with a short silence between them."""
    parts: list[np.ndarray] = []
    for start, end in speech:
        parts += [samples[int(start * RATE) : int(end * RATE)], _JOIN]
    return np.concatenate(parts).astype(np.float32) if parts else np.zeros(0, np.float32)


def voiced_f0(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(F0 of voiced frames, those frames' loudness in dB)."""
    import librosa  # late: ~1 s to import, and only the cpu worker measures delivery

    if len(y) < FRAME:
        return np.zeros(0), np.zeros(0)
    f0, voiced, _ = librosa.pyin(
        y,
        fmin=FMIN,
        fmax=FMAX,
        sr=RATE,
        frame_length=FRAME,
        hop_length=HOP,
        resolution=RESOLUTION,
    )
    rms = librosa.feature.rms(y=y, frame_length=FRAME, hop_length=HOP)[0]
    count = min(len(f0), len(rms))
    keep = voiced[:count] & np.isfinite(f0[:count])
    loudness = 20.0 * np.log10(np.maximum(rms[:count][keep], 1e-6))
    return f0[:count][keep], loudness


def semitones(low: float, high: float) -> float:
    return 12.0 * float(np.log2(high / low))


UNMEASURED = Pitch(median_hz=None, range_semitones=None, monotone=None)


def pitch_figures(y: np.ndarray) -> Pitch:
    """Median F0, its 10th-90th percentile spread, loudness spread; null under 10 voiced frames."""
    f0, loudness = voiced_f0(y)
    if len(f0) < 10:  # 0.2 s of voice: too little to call a voice's pitch or its spread
        return UNMEASURED
    p10, p90 = np.percentile(f0, [10, 90])
    spread = round(semitones(p10, p90), 2)
    return Pitch(
        median_hz=round(float(np.median(f0)), 1),
        range_semitones=spread,
        monotone=spread < MONOTONE_ST,
        loudness_spread_db=round(float(np.std(loudness)), 2),
    )

"""Audio for the voice tests: espeak-ng speech at 16 kHz, silence and noise, cut into frames."""

from functools import lru_cache

import numpy as np

from rehearse.engines import audio_encode, espeak
from rehearse.voice.events import VoiceEvent
from rehearse.voice.listener import TurnListener

RATE = 16000


@lru_cache
def spoken(text: str, language: str = "en") -> np.ndarray:
    """`text` spoken by espeak-ng, int16 mono at 16 kHz, its silent edges trimmed."""
    pcm, rate = espeak.synthesize(text, language)
    pcm = audio_encode.resample(pcm, rate, RATE).astype(np.int16)
    loud = np.flatnonzero(np.abs(pcm.astype(np.int32)) > 300)
    return pcm[loud[0] : loud[-1] + 1]


def silence(ms: int) -> np.ndarray:
    return np.zeros(ms * RATE // 1000, np.int16)


def noise(ms: int, level: float, seed: int = 7) -> np.ndarray:
    """White noise, `level` its RMS as a fraction of full scale."""
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(ms * RATE // 1000) * level * 32767).astype(np.int16)


def ms_of(pcm: np.ndarray) -> int:
    return len(pcm) * 1000 // RATE


def frames(pcm: np.ndarray, frame_ms: int = 20) -> list[bytes]:
    """Cut like a browser's worklet: `frame_ms` of audio each, the last one shorter."""
    data, step = pcm.astype("<i2").tobytes(), frame_ms * RATE // 1000 * 2
    return [data[i : i + step] for i in range(0, len(data), step)]


def listen(listener: TurnListener, pieces: list[bytes]) -> list[VoiceEvent]:
    """Every event the pieces bring, in order."""
    return [event for piece in pieces for event in listener.feed(piece)]

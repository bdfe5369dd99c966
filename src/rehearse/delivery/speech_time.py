"""Where the answer has speech, from Silero VAD run over the whole file at once, and its pauses.

Offline, every window's probability is known before any is judged, so there is no streaming
lag to allow for: a stretch starts at the first window over `ON` and ends after the last one
over `OFF` (hysteresis, so a word's weak tail does not split it). Gaps under `MIN_GAP_S` are
the gaps between words and stay inside a stretch; blips under `MIN_SPEECH_S` are clicks.
"""

import itertools

import numpy as np

from rehearse.contracts.delivery_contract import Pauses, PauseSpan
from rehearse.voice.vad import CONTEXT, RATE, WINDOW, shared_session

ON, OFF = 0.5, 0.35
MIN_GAP_S = 0.25
MIN_SPEECH_S = 0.1
PAUSE_S = 1.0
"""A silence of 1 s or more is a pause a listener notices (docs/delivery.md)."""
STEP_S = WINDOW / RATE
_BATCH = 4096  # windows per model call (~2 min of audio): bounds the input tensor's memory

Stretch = tuple[float, float]


def probabilities(samples: np.ndarray) -> np.ndarray:
    """Silero's speech probability for each whole 512-sample window, the LSTM state carried."""
    count = len(samples) // WINDOW
    windows = samples[: count * WINDOW].astype(np.float32).reshape(count, WINDOW)
    h = np.zeros((1, 1, 128), np.float32)
    c = np.zeros((1, 1, 128), np.float32)
    context = np.zeros((1, CONTEXT), np.float32)
    out: list[np.ndarray] = []
    session = shared_session()
    for first in range(0, count, _BATCH):
        batch = windows[first : first + _BATCH]
        contexts = np.concatenate([context, batch[:-1, -CONTEXT:]])
        feeds = {"input": np.concatenate([contexts, batch], 1), "h": h, "c": c}
        p, h, c = session.run(None, feeds)
        out.append(p.reshape(-1))
        context = batch[-1:, -CONTEXT:]
    return np.concatenate(out) if out else np.zeros(0, np.float32)


def stretches(p: np.ndarray) -> list[Stretch]:
    """[start_s, end_s] of each stretch of speech, from the windows' probabilities."""
    found: list[list[int]] = []
    start: int | None = None
    for i, value in enumerate(p):
        if start is None and value >= ON:
            start = i
        elif start is not None and value < OFF:
            found.append([start, i])
            start = None
    if start is not None:
        found.append([start, len(p)])
    merged: list[list[int]] = []
    for run in found:
        if merged and (run[0] - merged[-1][1]) * STEP_S < MIN_GAP_S:
            merged[-1][1] = run[1]
        else:
            merged.append(run)
    return [
        (round(a * STEP_S, 3), round(b * STEP_S, 3))
        for a, b in merged
        if (b - a) * STEP_S >= MIN_SPEECH_S
    ]


def speaking_s(speech: list[Stretch]) -> float:
    return round(sum(end - start for start, end in speech), 3)


def pauses(speech: list[Stretch]) -> Pauses:
    """Pauses between the first word and the last; none counted before or after the answer."""
    if not speech:
        return Pauses(count=0, longest_s=None, silent_share=None, first_word_s=None)
    gaps = [(a[1], b[0]) for a, b in itertools.pairwise(speech)]
    spans = [PauseSpan(start_s=s, end_s=e) for s, e in gaps if e - s >= PAUSE_S]
    answer = speech[-1][1] - speech[0][0]
    silent = sum(e - s for s, e in gaps)
    return Pauses(
        count=len(spans),
        longest_s=round(max((e - s for s, e in gaps), default=0.0), 3),
        silent_share=round(silent / answer, 3) if answer > 0 else 0.0,
        first_word_s=speech[0][0],
        spans=spans,
    )

"""What the delivery figures cost the cpu worker for one answer: decode, VAD, pitch, the rest.

    python bench/delivery_cost.py [--seconds 60] [--language en] [--format opus] [--repeat 5]

Builds an answer of espeak-ng sentences joined with pauses of 0.4 to 2.5 s (about 3/4 speech),
encodes it as the client would upload it, then times `decode` and `measure` on it. Prints the
median wall and CPU time of each part over the repeats, and the ratio of CPU time to the
audio's length (on a busy machine, wall time includes waiting for a core). `warm_up` runs
first and is timed once: its first run in a fresh install also compiles librosa's numba code
(cached on disk after). No pass/fail.
"""

import argparse
import statistics
import time
from typing import Any

import numpy as np

from rehearse.contracts.delivery_contract import Pitch
from rehearse.delivery import pitch, speech_time
from rehearse.delivery.measure import decode, measure, warm_up
from rehearse.engines import audio_encode
from tests.delivery.answers import RATE, SENTENCES, said, silence

GAPS = [0.4, 1.2, 0.6, 2.5, 0.8]


def answer(seconds: float, language: str) -> tuple[np.ndarray, str]:
    """Sentences and pauses in turn until `seconds` of audio; (samples, transcript)."""
    parts, words, length, i = [], [], 0.0, 0
    while length < seconds:
        text = SENTENCES[language][i % len(SENTENCES[language])]
        clip = said(text, language)
        parts += [clip, silence(GAPS[i % len(GAPS)])]
        words.append(text)
        length += len(clip) / RATE + GAPS[i % len(GAPS)]
        i += 1
    samples = np.concatenate(parts)[: int(seconds * RATE)]
    return samples, " ".join(words)


def vad(samples: np.ndarray) -> list[tuple[float, float]]:
    return speech_time.stretches(speech_time.probabilities(samples))


def pitch_of(samples: np.ndarray, speech: list[tuple[float, float]]) -> Pitch:
    return pitch.pitch_figures(pitch.speech_only(samples, speech))


def timed(step, *args) -> tuple[Any, float, float]:
    """(result, wall s, cpu s): on a shared machine wall time includes waiting for a core."""
    started, cpu = time.perf_counter(), time.process_time()
    result = step(*args)
    return result, time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    """Parse arguments, warm up, time each part per repeat, print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--language", choices=["en", "ko"], default="en")
    parser.add_argument("--format", choices=["opus", "mp3", "wav"], default="opus")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    samples, transcript = answer(args.seconds, args.language)
    data = audio_encode.encode((samples * 32767).astype(np.int16), RATE, args.format)
    _, warm_s, _ = timed(warm_up)
    print(f"warm_up: {warm_s:.2f} s wall (once per worker)")

    names = ("decode", "vad", "pitch", "rest", "total")
    times: list[dict[str, list[float]]] = [{n: [] for n in names} for _ in ("wall", "cpu")]
    for _ in range(args.repeat):
        decoded, *decode_t = timed(decode, data)
        delivery, *measure_t = timed(measure, decoded, transcript, args.language)
        # The parts again, alone, to split measure's time (the VAD and pitch are most of it).
        speech, *vad_t = timed(vad, decoded)
        _, *pitch_t = timed(pitch_of, decoded, speech)
        for k, part in enumerate(times):  # k: 0 wall, 1 cpu
            part["decode"].append(decode_t[k])
            part["vad"].append(vad_t[k])
            part["pitch"].append(pitch_t[k])
            part["rest"].append(max(0.0, measure_t[k] - vad_t[k] - pitch_t[k]))
            part["total"].append(decode_t[k] + measure_t[k])

    audio_s = len(decoded) / RATE
    print(
        f"{audio_s:.1f} s of {args.language} audio as {args.format} ({len(data) / 1024:.0f} KiB), "
        f"speech {delivery.speaking_s:.1f} s, {args.repeat} repeats; medians:"
    )
    print(f"  {'part':<7} {'wall ms':>9} {'cpu ms':>9} {'cpu / audio':>12}")
    for name in names:
        wall, cpu = (statistics.median(part[name]) for part in times)
        print(f"  {name:<7} {wall * 1000:9.1f} {cpu * 1000:9.1f} {cpu / audio_s:12.4f}")
    print(
        f"figures: pace {delivery.pace.value} {delivery.pace.unit}, pauses "
        f"{delivery.pauses.count}, pitch {delivery.pitch.median_hz} Hz "
        f"({delivery.pitch.range_semitones} st)"
    )


if __name__ == "__main__":
    main()

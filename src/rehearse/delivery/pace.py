"""Pace: words (en) or Hangul syllables (ko) per minute of speaking time, and how it moved.

Korean words (eojeol) vary too much in length to time speech by; the syllable, one Hangul
block (U+AC00..U+D7A3), is the unit Korean speech-rate studies count (docs/delivery.md).
"""

import re
import statistics

import numpy as np

from rehearse.contracts.delivery_contract import Pace

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
MIN_STRETCH_S = 1.0
"""A segment with less speech than this is too short to give a pace of its own."""

Stretch = tuple[float, float]


def units(text: str, language: str) -> int:
    """Words in English (letters or digits, "don't" one word); Hangul syllables in Korean.

    Whisper writes Korean numbers as digits ("3년"): a digit is counted as the one syllable
    most digits are read as (삼, 일); Latin letters ("AI") are not counted, a small floor.
    """
    if language == "ko":
        return sum(1 for ch in text if "\uac00" <= ch <= "\ud7a3" or "0" <= ch <= "9")
    return len(_WORD.findall(text))


def per_minute(count: int, seconds: float) -> float | None:
    return round(count * 60.0 / seconds, 1) if seconds > 0 and count > 0 else None


def overlap(span: Stretch, speech: list[Stretch]) -> float:
    """Seconds of VAD speech inside `span`."""
    return sum(max(0.0, min(span[1], e) - max(span[0], s)) for s, e in speech)


def variation(segments: list[dict] | None, speech: list[Stretch], language: str) -> float | None:
    """Coefficient of variation of the segments' paces, each over the VAD speech inside it.

    Whisper's segment times drift around silences, so a segment's time is the VAD speech it
    covers, not its own end minus start; null without segments or under two usable ones.
    """
    paces = []
    for segment in segments or []:
        seconds = overlap((float(segment["start"]), float(segment["end"])), speech)
        count = units(str(segment.get("text", "")), language)
        if seconds >= MIN_STRETCH_S and count > 0:
            paces.append(count / seconds)
    if len(paces) < 2:
        return None
    return round(statistics.pstdev(paces) / float(np.mean(paces)), 3)


def pace(
    transcript: str,
    language: str,
    speaking_s: float,
    speech: list[Stretch],
    segments: list[dict] | None,
) -> Pace:
    count = units(transcript, language)
    return Pace(
        value=per_minute(count, speaking_s),
        unit="spm" if language == "ko" else "wpm",
        variation=variation(segments, speech, language),
    )

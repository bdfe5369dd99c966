"""Responses of `POST /v1/audio/transcriptions`, and subtitles (srt, vtt) from segments."""

from typing import Any, Literal

from pydantic import BaseModel

ResponseFormat = Literal["json", "text", "srt", "verbose_json", "vtt"]
Granularity = Literal["segment", "word"]


class Transcription(BaseModel):
    text: str


class TranscriptionSegment(BaseModel):
    id: int
    start: float
    end: float
    text: str


class TranscriptionWord(BaseModel):
    word: str
    start: float
    end: float


class TranscriptionVerbose(BaseModel):
    """`segments` unless only `word` granularity was asked for; `words` when it was."""

    task: Literal["transcribe"] = "transcribe"
    language: str
    duration: float
    text: str
    segments: list[TranscriptionSegment] | None = None
    words: list[TranscriptionWord] | None = None


def _clock(seconds: float, decimal: str) -> str:
    ms = round(seconds * 1000)
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{decimal}{ms:03d}"


def srt(segments: list[dict[str, Any]]) -> str:
    """SubRip: numbered cues, `HH:MM:SS,mmm --> HH:MM:SS,mmm`."""
    cues = [
        f"{i}\n{_clock(s['start'], ',')} --> {_clock(s['end'], ',')}\n{s['text'].strip()}\n"
        for i, s in enumerate(segments, 1)
    ]
    return "\n".join(cues)


def vtt(segments: list[dict[str, Any]]) -> str:
    """WebVTT: a header, then `HH:MM:SS.mmm --> HH:MM:SS.mmm` cues."""
    cues = [
        f"{_clock(s['start'], '.')} --> {_clock(s['end'], '.')}\n{s['text'].strip()}\n"
        for s in segments
    ]
    return "WEBVTT\n\n" + "\n".join(cues)


def verbose(result: dict[str, Any], granularities: set[str]) -> TranscriptionVerbose:
    segments = [TranscriptionSegment(id=i, **s) for i, s in enumerate(result["segments"])]
    words = [TranscriptionWord(**w) for w in result.get("words") or []]
    return TranscriptionVerbose(
        language=result["language"],
        duration=result["duration"],
        text=result["text"],
        segments=segments if "segment" in granularities else None,
        words=words if "word" in granularities else None,
    )

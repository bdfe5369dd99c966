"""How an answer was said: the `delivery` object of a turn, its `delivery` event, and readings.

Computed on the cpu worker from the answer's stored audio and its transcript
(rehearse.delivery; docs/delivery.md has the formulas, the ranges and their sources). A figure
that cannot be measured (no voiced frame for pitch, no word for fillers) is null, never a guess.
Fields may be added, never renamed (ARCHITECTURE.md, "Contract additions").
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Level = Literal["low", "fine", "high"]


class Reading(BaseModel):
    """One figure read against its stated range, in the candidate's language."""

    model_config = ConfigDict(frozen=True)

    level: Level = Field(
        ...,
        description="Against the range in docs/delivery.md: pace slow/fine/fast, pauses "
        "few/fine/many, fillers fine/many (never low), pitch monotone/fine/very varied.",
    )
    text: str = Field(..., description="A short plain-language reading, ko or en.")


class Pace(BaseModel):
    value: float | None = Field(
        ..., description="Words (en) or Hangul syllables (ko) per minute of speaking time."
    )
    unit: Literal["wpm", "spm"]
    variation: float | None = Field(
        None,
        description="Coefficient of variation of the pace across the answer's stretches of "
        "speech (0.2 = the pace moved by 20 % around its mean); null under two stretches.",
    )


class PauseSpan(BaseModel):
    start_s: float
    end_s: float


class Pauses(BaseModel):
    count: int = Field(..., description="Silences of 1 s or more between speech.")
    longest_s: float | None = Field(
        ..., description="The longest silence between speech, seconds; null with no speech."
    )
    silent_share: float | None = Field(
        ...,
        description="Share of the time from the first word to the last that is silent; null "
        "with no speech.",
    )
    first_word_s: float | None = Field(
        None, description="Seconds from the start of the recording to the first speech."
    )
    spans: list[PauseSpan] = Field(
        default_factory=list, description="Each counted pause, for a timeline."
    )


class FillerFound(BaseModel):
    text: str
    count: int


class Fillers(BaseModel):
    per_100_words: float | None = Field(
        ...,
        description="Filler words and phrases per 100 words (per 100 eojeol in Korean). A "
        "floor: Whisper leaves out most 'um' and 'uh' sounds.",
    )
    found: list[FillerFound] = Field(default_factory=list)
    words: int = Field(0, description="Words in the transcript (space-separated units).")


class Pitch(BaseModel):
    median_hz: float | None = Field(..., description="Median F0 over voiced frames.")
    range_semitones: float | None = Field(
        ..., description="F0 spread: 10th to 90th percentile of voiced frames, in semitones."
    )
    monotone: bool | None = Field(..., description="range_semitones under the stated floor.")
    loudness_spread_db: float | None = Field(
        None, description="Standard deviation of the voiced frames' loudness, in dB."
    )


class Delivery(BaseModel):
    """The figures of one answer, with a reading per figure."""

    total_s: float = Field(..., description="The recording's length.")
    speaking_s: float = Field(..., description="Time with speech in it (voice activity).")
    pace: Pace
    pauses: Pauses
    fillers: Fillers
    pitch: Pitch
    readings: dict[Literal["pace", "pauses", "fillers", "pitch"], Reading] = Field(
        default_factory=dict,
        description="A reading per figure that could be measured, in the interview's language.",
    )
    speech: list[tuple[float, float]] = Field(
        default_factory=list,
        description="The stretches of speech found, [start_s, end_s], for a timeline.",
    )

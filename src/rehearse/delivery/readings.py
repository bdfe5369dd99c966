"""Each figure read against a stated range, in the interview's language (docs/delivery.md).

The ranges and their sources are in docs/delivery.md, "Ranges"; a change here changes it there.
"""

from dataclasses import dataclass

from rehearse.contracts.delivery_contract import Delivery, Level, Reading
from rehearse.delivery.pitch import MONOTONE_ST


@dataclass(frozen=True)
class Band:
    low: float  # under it: "low"
    high: float  # over it: "high"


PACE = {"wpm": Band(110.0, 170.0), "spm": Band(240.0, 390.0)}
PAUSES_SHARE = Band(0.0, 0.35)  # silent share of the answer: over 35 % reads as many pauses
LONG_ANSWER_S = 30.0  # an answer this long with no 1 s pause reads as few pauses
FILLERS = Band(0.0, 6.0)  # per 100 words
PITCH_ST = Band(MONOTONE_ST, 12.0)  # 10th-90th percentile F0 spread, semitones

TEXTS: dict[str, dict[str, dict[Level, str]]] = {
    "en": {
        "pace": {
            "low": "Slow: about {value:.0f} words a minute. A little faster keeps attention.",
            "fine": "A comfortable pace: about {value:.0f} words a minute.",
            "high": "Fast: about {value:.0f} words a minute. Slow down on the key points.",
        },
        "pauses": {
            "low": "No pause of a second or more: a short pause between points helps.",
            "fine": "Pauses in a natural measure.",
            "high": "Long silences ({share:.0%} of the answer): plan the next point, then stop.",
        },
        "fillers": {
            "fine": "Few filler words.",
            "high": "Many filler words ({value:.1f} per 100 words): a silent pause works better.",
        },
        "pitch": {
            "low": "Flat intonation: let your voice rise and fall on what matters.",
            "fine": "Lively intonation.",
            "high": "Very varied pitch: keep it steady on the facts.",
        },
    },
    "ko": {
        "pace": {
            "low": "느린 편입니다 (분당 약 {value:.0f}음절). 조금 더 빠르게 말해 보세요.",
            "fine": "알맞은 속도입니다 (분당 약 {value:.0f}음절).",
            "high": "빠른 편입니다 (분당 약 {value:.0f}음절). 핵심에서는 천천히 말해 보세요.",
        },
        "pauses": {
            "low": "1초 이상 쉬는 곳이 없습니다. 요점 사이에 잠깐 쉬면 전달이 좋아집니다.",
            "fine": "쉼이 자연스럽습니다.",
            "high": "침묵이 깁니다 (답변의 {share:.0%}). 멈추기 전에 다음 요점을 정리해 보세요.",
        },
        "fillers": {
            "fine": "군더더기 말이 적습니다.",
            "high": "군더더기 말이 많습니다 (100어절당 {value:.1f}개). 대신 잠깐 쉬어 보세요.",
        },
        "pitch": {
            "low": "억양이 단조롭습니다. 중요한 말에서 목소리의 높낮이를 살려 보세요.",
            "fine": "억양이 생동감 있습니다.",
            "high": "음높이 변화가 매우 큽니다. 사실을 말할 때는 차분하게 말해 보세요.",
        },
    },
}


def level(value: float, band: Band) -> Level:
    return "low" if value < band.low else "high" if value > band.high else "fine"


def readings(delivery: Delivery, language: str) -> dict[str, Reading]:
    """A reading for each figure that was measured."""
    texts = TEXTS.get(language, TEXTS["en"])
    found: dict[str, tuple[Level, dict[str, float]]] = {}
    if delivery.pace.value is not None:
        value = delivery.pace.value
        found["pace"] = (level(value, PACE[delivery.pace.unit]), {"value": value})
    if delivery.speech:
        share = delivery.pauses.silent_share
        answer_s = delivery.speech[-1][1] - delivery.speech[0][0]
        few = delivery.pauses.count == 0 and answer_s >= LONG_ANSWER_S
        pauses_level: Level = "low" if few else level(share, PAUSES_SHARE)
        found["pauses"] = (pauses_level, {"share": share})
    if delivery.fillers.per_100_words is not None:
        value = delivery.fillers.per_100_words
        found["fillers"] = ("high" if value > FILLERS.high else "fine", {"value": value})
    if delivery.pitch.range_semitones is not None:
        found["pitch"] = (level(delivery.pitch.range_semitones, PITCH_ST), {})
    return {
        name: Reading(level=lvl, text=texts[name][lvl].format(**values))
        for name, (lvl, values) in found.items()
    }

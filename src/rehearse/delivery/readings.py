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


PACE = {"wpm": Band(110.0, 180.0), "spm": Band(250.0, 400.0)}
FILLERS_HIGH = 4.0  # per 100 words: about 5 a minute at a conversational pace
PITCH_ST = Band(MONOTONE_ST, 12.0)  # 10th-90th percentile F0 spread, semitones
LONG_SILENCE_S = 4.0  # a silence this long makes the sentence around it harder to follow
HELPFUL_PAUSE_S = 0.5  # a pause this long helps the listener; none in a long answer reads low
LONG_ANSWER_S = 30.0
SILENT_HIGH = 0.5  # more silence than speech between the first word and the last

TEXTS: dict[str, dict[str, dict[Level, str]]] = {
    "en": {
        "pace": {
            "low": "Slow: about {value:.0f} words a minute. A little faster keeps attention.",
            "fine": "A comfortable pace: about {value:.0f} words a minute.",
            "high": "Fast: about {value:.0f} words a minute. Slow down on the key points.",
        },
        "pauses": {
            "low": "Hardly a pause: half a second between points helps the listener.",
            "fine": "Pauses in a natural measure.",
            "high": "Long silences (up to {longest:.1f} s): plan the next point, then pause.",
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
            "low": "쉼이 거의 없습니다. 요점 사이에 0.5초쯤 쉬면 듣는 사람이 따라오기 쉽습니다.",
            "fine": "쉼이 자연스럽습니다.",
            "high": "침묵이 깁니다 (최장 {longest:.1f}초). 다음 요점을 정리한 뒤 짧게 쉬어 보세요.",
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


def _pauses_level(delivery: Delivery) -> Level:
    pauses = delivery.pauses
    if pauses.longest_s >= LONG_SILENCE_S or pauses.silent_share > SILENT_HIGH:
        return "high"
    answer_s = delivery.speech[-1][1] - delivery.speech[0][0]
    if answer_s >= LONG_ANSWER_S and pauses.longest_s < HELPFUL_PAUSE_S:
        return "low"
    return "fine"


def readings(delivery: Delivery, language: str) -> dict[str, Reading]:
    """A reading for each figure that was measured."""
    texts = TEXTS.get(language, TEXTS["en"])
    found: dict[str, tuple[Level, dict[str, float]]] = {}
    if delivery.pace.value is not None:
        value = delivery.pace.value
        found["pace"] = (level(value, PACE[delivery.pace.unit]), {"value": value})
    if delivery.speech:
        found["pauses"] = (_pauses_level(delivery), {"longest": delivery.pauses.longest_s})
    if delivery.fillers.per_100_words is not None:
        value = delivery.fillers.per_100_words
        found["fillers"] = ("high" if value > FILLERS_HIGH else "fine", {"value": value})
    if delivery.pitch.range_semitones is not None:
        found["pitch"] = (level(delivery.pitch.range_semitones, PITCH_ST), {})
    return {
        name: Reading(level=lvl, text=texts[name][lvl].format(**values))
        for name, (lvl, values) in found.items()
    }

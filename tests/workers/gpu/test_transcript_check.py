"""The transcript check: answers people give pass, Whisper's output on no speech does not."""

import pytest

from rehearse.workers.gpu.transcript_check import unclear_reason

ANSWERS = {
    "english": "I built the payment service in Python with a small team and we used a cache "
    "to make it fast.",
    "english with years and counts": "I have about 3 years of experience. In 2019 I led the "
    "move of our database to a managed cloud service, and the team grew from 4 to 12 people.",
    "english career dates": "I joined in 2015, became the lead in 2017, moved to the platform "
    "team in 2019 and have managed six engineers since 2021.",
    "english figures": "We cut the response time from 800 to 400 milliseconds, saved "
    "$1,200,000,000 a year and kept 99.9 percent uptime.",
    "english hesitations": "Um, I I think the the hardest part was, uh, keeping the old and the "
    "new system in sync, you know, during the migration.",
    "english repetition for emphasis": "It was very, very, very hard, and no, no, no, we did "
    "not give up.",
    "korean": "저는 핀테크 회사에서 결제 시스템을 개발했습니다. 작은 팀에서 캐시를 도입해서 "
    "응답 시간을 절반으로 줄였습니다.",
    "korean with numbers": "저는 3년 동안 백엔드 개발을 했고, 2019년에는 데이터베이스를 "
    "클라우드로 옮기는 프로젝트를 이끌었습니다. 팀원은 5명이었습니다.",
    "korean phone-like figures": "매달 1,000,000건의 결제를 처리했고 장애 대응 시간은 30분에서 "
    "10분으로 줄었습니다.",
    "korean repeated filler": "네, 네, 그 부분은 제가 직접 설계했습니다.",
    "short": "Yes.",
    # What faster-whisper base wrote for espeak-ng English answers (tests/real_models).
    "base on espeak": "I have worked there for three years since 2019 with a team of 12 people.",
    "base with its mistakes": "We move the slow report story replica on both your SQL and the "
    "main beta base.faster",
}

NOT_SPEECH = {
    "number soup (ko)": ("저는 백인들 개봐나 4, 4, 4, 6, 6, 6, 6, 8, 8, 8", "number_run"),
    "counting": ("1, 2, 3, 4, 5, 6, 7, 8, 9, 10", "number_run"),
    "clock soup": ("17:40:00:00:00:00", "number_run"),
    # faster-whisper base on the demo's Korean answer (language ko), and on a tone: measured.
    "demo answer on base": (
        "저는 백인들 개봐나 4, 4, 4, 6, 6, 6, 6, 5, 6, 6, 7, 7, 8, 5, 6, 6, 6, 6, 7, 8, 5, 6",
        "number_run",
    ),
    "soup without spaces": ("1,2,3,4,4,4,4,4,4,4,4,4,4,4,4", "number_run"),
    "laugh loop on a tone": ("하" * 120, "repeated_phrase"),
    "mostly numbers": ("the 4 and 6 then 6 and 8 so 8 9 4 11", "number_run"),
    "phrase loop": (
        "I'm going to go to the store. I'm going to go to the store. I'm going to go to the "
        "store. I'm going to go to the store.",
        "repeated_phrase",
    ),
    "thank you loop": ("Thank you. Thank you. Thank you. Thank you.", "repeated_phrase"),
    "word loop (ko)": ("그래서 네 네 네 네 네 네", "repeated_phrase"),
    "loop without spaces": (
        "ありがとうございますありがとうございますありがとうございますありがとうございます",
        "repeated_phrase",
    ),
    "korean phrase loop": (
        "감사합니다 시청해 주셔서 감사합니다 시청해 주셔서 감사합니다 시청해 주셔서 "
        "감사합니다 시청해 주셔서",
        "repeated_phrase",
    ),
}


def segment(text: str, **signals: float) -> dict:
    return {"start": 0.0, "end": 2.0, "text": text, **signals}


@pytest.mark.parametrize("text", ANSWERS.values(), ids=ANSWERS.keys())
def test_answers_people_give_pass(text):
    signals = {"avg_logprob": -0.35, "no_speech_prob": 0.02, "compression_ratio": 1.5}
    assert unclear_reason(text, [segment(text, **signals)]) is None


@pytest.mark.parametrize(("text", "reason"), NOT_SPEECH.values(), ids=NOT_SPEECH.keys())
def test_number_soup_and_loops_are_not_speech(text, reason):
    assert unclear_reason(text, [segment(text)]) == reason


def test_whispers_loop_signal_fails_a_transcript_whose_words_look_fine():
    text = "I worked on the team and the team worked on it."
    looped = segment(text, avg_logprob=-0.4, no_speech_prob=0.1, compression_ratio=2.9)
    assert unclear_reason(text, [segment("Hello.", compression_ratio=1.2), looped]) == (
        "compression_ratio"
    )


def test_a_segment_whisper_thinks_silent_and_is_unsure_of_fails():
    text = "The quick answer."
    silent = segment(text, avg_logprob=-1.4, no_speech_prob=0.8, compression_ratio=1.1)
    assert unclear_reason(text, [silent]) == "no_speech"


@pytest.mark.parametrize(
    "signals",
    [
        {"avg_logprob": -0.2, "no_speech_prob": 0.9},  # thinks silent, but sure of the words
        {"avg_logprob": -0.95, "no_speech_prob": 0.3},  # unsure, not below Whisper's threshold
        {},  # an engine that reports no signals
    ],
)
def test_one_signal_alone_does_not_fail_an_answer(signals):
    text = ANSWERS["english"]
    assert unclear_reason(text, [segment(text, **signals)]) is None


def test_words_whisper_is_unsure_of_over_the_whole_answer_fail():
    # faster-whisper base on espeak-ng Korean (language ko): -1.2, against -0.25 to -0.69 on
    # espeak-ng English.
    text = "저는 빈트핵을 회사에서 삼용 중앙용 제시스트 해물까마우 핫스읍니다."
    assert unclear_reason(text, [segment(text, avg_logprob=-1.1967)]) == "low_confidence"


def test_confidence_is_weighed_by_seconds():
    sure = {"start": 0.0, "end": 28.0, "text": "A long clear part.", "avg_logprob": -0.3}
    unsure = {"start": 28.0, "end": 30.0, "text": "mumble", "avg_logprob": -2.5}
    assert unclear_reason("A long clear part. mumble", [sure, unsure]) is None
    short_sure = {**sure, "end": 2.0}
    long_unsure = {**unsure, "start": 2.0}
    assert unclear_reason("A long clear part. mumble", [short_sure, long_unsure]) == (
        "low_confidence"
    )

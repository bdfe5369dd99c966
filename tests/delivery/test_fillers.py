"""Fillers in transcripts with known phrases: whole phrases only, and words doing other work
("I like", "what kind of", "그 프로젝트") are not fillers."""

import pytest

from rehearse.delivery.fillers import fillers


def found(text: str, language: str = "en") -> dict[str, int]:
    return {f.text: f.count for f in fillers(text, language).found}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Um, I think, uh, we shipped it. Umm, yes.", {"um": 2, "uh": 1}),
        ("It was, you know, a hard year.", {"you know": 1}),
        ("I mean, the tests were slow.", {"I mean": 1}),
        ("We had, like, three weeks.", {"like": 1}),
        ("It was kind of hard and sort of rushed.", {"kind of": 1, "sort of": 1}),
        ("Basically we rewrote it.", {"basically": 1}),
        ("It was hard, you know?", {"you know": 1}),
    ],
)
def test_english_fillers_are_counted(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I like Python and I would like to learn Rust.",  # the verb
        "Do you know the answer? You know the drill.",  # a question, an object after
        "I mean it when I say the team was great.",  # the verb, with an object
        "What kind of role is this? It is a sort of lead.",  # nouns after a determiner
        "The umbrella was humid, the album likely unheard.",  # fillers inside other words
        "Mum said the drum was by the hummingbird.",
    ],
)
def test_english_words_doing_other_work_are_not_fillers(text):
    assert found(text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("음, 저는 어 그 프로젝트를 맡았습니다.", {"음": 1, "어": 1}),
        ("뭐랄까, 약간 어려웠습니다.", {"뭐랄까": 1, "약간": 1}),
        ("그러니까 저기 그 제가 팀장이었습니다.", {"그러니까": 1, "저기": 1, "그": 1}),
        ("그 그 서버가 멈췄습니다.", {"그": 1}),
        ("그, 서버가 멈췄습니다.", {"그": 1}),
        ("뭐 그냥 열심히 했습니다.", {"뭐": 1}),
        ("음음 어어 했습니다.", {"음": 1, "어": 1}),
    ],
)
def test_korean_fillers_are_counted(text, expected):
    assert found(text, "ko") == expected


@pytest.mark.parametrize(
    "text",
    [
        "그 프로젝트에서 저는 서버를 맡았습니다.",  # 그 as "that" before a noun
        "그러니까요 하고 대답했습니다.",  # inside a longer word
        "음식이 맛있었고 어제 약간의 문제가 있었습니다.",  # 음 in 음식, 어 in 어제, 약간의
        "무엇을 뭐라고 했나요? 뭐 했어요?",  # a question's 뭐
        "저 사람이 팀장입니다.",  # 저 as "that"
    ],
)
def test_korean_words_doing_other_work_are_not_fillers(text):
    assert found(text, "ko") == {}


def test_rate_is_per_100_words_and_null_without_words():
    counted = fillers("um " + "word " * 19, "en")
    assert counted.words == 20 and counted.per_100_words == 5.0
    assert fillers("", "en").per_100_words is None
    assert fillers(" ... ", "ko").words == 0

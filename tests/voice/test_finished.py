"""Whether a transcript reads as finished: English and Korean, as Whisper punctuates them."""

import pytest

from rehearse.voice.finished import reads_finished

FINISHED = [
    "I led the backend team for three years.",
    "Yes.",
    "Why do you ask?",
    "It was a great experience!",
    "I think so.",
    "I hope so.",
    "That was the hardest part of the project.",
    "We cut the latency in half, which the users noticed.",
    '"I would do it again."',
    "저는 삼 년 동안 팀을 이끌었습니다.",
    "저는 삼 년 동안 팀을 이끌었습니다",  # -니다 at the end, no punctuation
    "그 프로젝트가 가장 힘들었어요.",
    "네, 맞아요",
    "그게 제일 중요하죠.",
    "그 부분을 설명해 드릴까요?",
    "어떤 팀에서 일하게 됩니까?",  # -ㅂ니까 asks; it is not -니까 "because"
    "결과가 좋았는데요.",  # -는데요 closes politely
    "그래서 다시 했어.",
    "제일 중요한 건 이력서.",  # a noun that ends like -서
    "그게 최고.",
    "이번 분기 매출은 3.5배 늘었다",
    "프로젝트를 끝냈습니다。",
]

UNFINISHED = [
    "",
    "   ",
    "...",
    "I led the backend team and",
    "I led the backend team and.",  # Whisper's period after a word that goes on
    "I led the backend team, and so.",
    "It was hard because.",
    "We tried it, but",
    "Um.",
    "uh",
    "It was, like.",
    "I worked on the.",
    "We moved to.",
    "It was a matter of.",
    "I worked closely with.",
    "I led the backend team,",
    "I led the backend team...",
    "I led the backend team…",
    "I led the backend team -",
    "So what I did was, I mean.",
    "I led the backend team",  # no punctuation: Whisper did not think it over
    "그리고",
    "그래서.",
    "그런데요 음",
    "하지만",
    "그러니까.",
    "왜냐하면.",
    "음.",
    "어",
    "저는 프로젝트를 맡았고.",  # -고
    "회사에 가서.",  # -서
    "열심히 했는데.",  # -는데
    "좋았지만.",  # -지만
    "다시 한다면.",  # -면
    "시간이 없으니까.",  # -니까 "because"
    "저는.",  # a topic particle
    "그 프로젝트를.",
    "저는 그 회사에서",
    "그 팀은 정말, ",
    "저는 삼 년 동안 팀을 이끌었어",  # a plain -어 without punctuation may still go on
]


@pytest.mark.parametrize("text", FINISHED)
def test_reads_as_finished(text):
    assert reads_finished(text)


@pytest.mark.parametrize("text", UNFINISHED)
def test_reads_as_unfinished(text):
    assert not reads_finished(text)

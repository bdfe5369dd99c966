"""A live answer end to end: espeak-ng speech with silences spliced in, fed as a browser would."""

import numpy as np
import pytest

from rehearse.voice.endpoint import TurnRules
from rehearse.voice.listener import TurnListener
from rehearse.voice.vad import WINDOW_MS
from tests.voice.speech import frames, listen, ms_of, silence, spoken

RULES = TurnRules(silence_ms=900, thinking_ms=6000, idle_ms=20_000, max_ms=120_000)
FINISHED = {
    "en": "I led the backend team for three years.",
    "ko": "저는 삼 년 동안 팀을 이끌었습니다.",
}
OPENING = "I led the backend team and"
GOING_ON = "we shipped a new billing system."


def turn_ends(events: list) -> list[tuple[str, int]]:
    return [(e.reason, e.at_ms) for e in events if e.type == "turn_ended"]


def stops(events: list) -> list[int]:
    return [e.at_ms for e in events if e.type == "speech_stopped"]


def ended_after_the_stop(events: list, reason: str, wait_ms: int) -> bool:
    """One `turn_ended` for `reason`, on the first window `wait_ms` after the last stop."""
    ((why, at_ms),) = turn_ends(events)
    waited = at_ms - stops(events)[-1]
    return why == reason and wait_ms <= waited < wait_ms + WINDOW_MS


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("frame_ms", [20, 100])
def test_a_finished_sentence_ends_after_the_short_silence(language, frame_ms):
    speech = spoken(FINISHED[language], language)
    end_ms = 400 + ms_of(speech)
    listener = TurnListener(RULES)
    listener.transcript(FINISHED[language])
    pcm = np.concatenate([silence(400), speech, silence(3000)])

    events = listen(listener, frames(pcm, frame_ms))

    assert ended_after_the_stop(events, "silence", RULES.silence_ms)
    ((_, at_ms),) = turn_ends(events)
    assert abs(at_ms - (end_ms + RULES.silence_ms)) <= 3 * WINDOW_MS  # the VAD's lag included


def test_an_unfinished_sentence_is_not_ended_by_a_pause_and_ends_after_more_speech():
    first, second = spoken(OPENING), spoken(GOING_ON)
    listener = TurnListener(RULES)
    listener.transcript(OPENING)

    during = listen(listener, frames(np.concatenate([silence(300), first, silence(2000)]), 40))
    assert turn_ends(during) == []
    after = listen(listener, frames(second, 40))
    listener.transcript(f"{OPENING} {GOING_ON}")  # the words come as they are spoken
    after += listen(listener, frames(silence(2000), 40))

    (resumed,) = [e.at_ms for e in after if e.type == "speech_started"]
    assert resumed >= 300 + ms_of(first) + 2000 - WINDOW_MS
    assert ended_after_the_stop(after, "silence", RULES.silence_ms)


def test_a_pause_after_unfinished_words_ends_with_thinking_time():
    first = spoken(OPENING)
    listener = TurnListener(RULES)
    listener.transcript(OPENING)

    events = listen(listener, frames(np.concatenate([silence(300), first, silence(8000)]), 60))

    assert len(stops(events)) == 1
    assert ended_after_the_stop(events, "thinking_time", RULES.thinking_ms)


def test_done_ends_the_turn_at_once():
    listener = TurnListener(RULES)
    listener.transcript(OPENING)
    listen(listener, frames(np.concatenate([silence(300), spoken(OPENING)]), 20))

    event = listener.done()

    assert event is not None and (event.reason, event.at_ms) == ("done", listener.audio_ms)
    assert turn_ends(listen(listener, frames(silence(10_000), 100))) == []


def test_audio_past_the_longest_answer_ends_with_max_duration():
    rules = TurnRules(silence_ms=900, thinking_ms=6000, max_ms=5000)
    listener = TurnListener(rules)
    speech = spoken(f"{OPENING} {GOING_ON} {OPENING} {GOING_ON}")  # longer than 5 s
    assert ms_of(speech) > 6000

    events = listen(listener, frames(speech, 100))

    assert [reason for reason, _ in turn_ends(events)] == ["max_duration"]
    assert 5000 <= turn_ends(events)[0][1] < 5000 + WINDOW_MS


def test_frames_split_at_odd_bytes_give_the_same_events_as_whole_frames():
    pcm = np.concatenate([silence(300), spoken(OPENING), silence(2000), spoken(GOING_ON)])
    pcm = np.concatenate([pcm, silence(8000)])
    data = pcm.astype("<i2").tobytes()
    whole, split = TurnListener(RULES), TurnListener(RULES)
    whole.transcript(OPENING)
    split.transcript(OPENING)

    by_frames = listen(whole, frames(pcm, 20))
    odd = [data[i : i + 641] for i in range(0, len(data), 641)]  # 20 ms and a byte: samples cut
    by_odd_cuts = listen(split, odd)

    assert by_odd_cuts == by_frames
    assert [e.type for e in by_frames].count("speech_started") == 2
    assert turn_ends(by_frames)[0][0] == "thinking_time"


def test_the_next_turn_listens_again_on_the_same_clock():
    listener = TurnListener(RULES)
    listener.transcript(FINISHED["en"])
    pcm = np.concatenate([silence(300), spoken(FINISHED["en"]), silence(1500)])
    first = turn_ends(listen(listener, frames(pcm, 50)))

    listener.next_turn()
    assert listener.ended is None
    listener.transcript("Yes.")
    second = turn_ends(listen(listener, frames(pcm, 50)))

    assert [r for r, _ in first + second] == ["silence", "silence"]
    assert second[0][1] - first[0][1] == pytest.approx(ms_of(pcm), abs=2 * WINDOW_MS)

"""StreamingVad on espeak-ng speech, silence, noise and clicks, fed in browser-sized frames."""

import numpy as np
import pytest

from rehearse.voice.vad import WINDOW, WINDOW_MS, StreamingVad
from tests.voice.speech import frames, ms_of, noise, silence, spoken

ANSWER_EN = "I worked at a small startup for three years, and I led the backend team."
ANSWER_KO = "저는 삼 년 동안 작은 회사에서 일했습니다."


def heard(pcm: np.ndarray, frame_ms: int = 20, **options: int) -> list[tuple[str, int]]:
    vad = StreamingVad(**options)
    return [(e.type, e.at_ms) for piece in frames(pcm, frame_ms) for e in vad.feed(piece)]


@pytest.mark.parametrize(("text", "language"), [(ANSWER_EN, "en"), (ANSWER_KO, "ko")])
def test_speech_is_heard_from_its_start_to_its_end(text, language):
    speech = spoken(text, language)
    end = 500 + ms_of(speech)

    events = heard(np.concatenate([silence(500), speech, silence(1500)]))

    (started, start_ms), (stopped, stop_ms) = events
    assert (started, stopped) == ("speech_started", "speech_stopped")
    assert 500 - WINDOW_MS <= start_ms <= 500 + 2 * WINDOW_MS
    assert end - WINDOW_MS <= stop_ms <= end + 3 * WINDOW_MS


def test_two_seconds_of_silence_are_not_speech():
    vad = StreamingVad()

    events = [e for piece in frames(silence(2000), 30) for e in vad.feed(piece)]

    assert events == []
    assert vad.audio_ms == 2000 // WINDOW_MS * WINDOW_MS


@pytest.mark.parametrize("level", [0.003, 0.01, 0.05])
def test_white_noise_is_not_speech(level):
    assert heard(noise(3000, level)) == []


def test_a_click_shorter_than_the_minimum_speech_is_ignored():
    speech = spoken(ANSWER_EN)
    burst = speech[len(speech) // 2 :][: 100 * 16]  # 100 ms from the middle of a word
    pcm = np.concatenate([silence(500), burst, silence(1000)])

    assert heard(pcm) == []
    assert heard(pcm, min_speech_ms=WINDOW_MS)  # the model itself does call it speech


def test_frames_cut_inside_samples_judge_the_same_audio_alike():
    pcm = np.concatenate([silence(300), spoken(ANSWER_EN), silence(800)])
    data = pcm.astype("<i2").tobytes()
    whole, split, one_window = StreamingVad(), StreamingVad(), StreamingVad()

    by_frames = [j for piece in frames(pcm, 100) for j in whole.judge(piece)]
    by_odd_cuts = [j for i in range(0, len(data), 333) for j in split.judge(data[i : i + 333])]
    step = WINDOW * 2
    by_window = [j for i in range(0, len(data), step) for j in one_window.judge(data[i : i + step])]

    assert by_odd_cuts == by_frames
    assert [j.probability for j in by_window] == [j.probability for j in by_frames]


def test_reset_forgets_speech_but_keeps_the_clock():
    vad = StreamingVad()
    vad.feed(np.concatenate([silence(200), spoken(ANSWER_EN)[:16000]]).tobytes())
    assert vad.speaking
    clock = vad.audio_ms

    vad.reset()

    assert not vad.speaking and vad.audio_ms == clock
    assert vad.feed(silence(1000).tobytes()) == []

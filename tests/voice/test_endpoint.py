"""The end-of-turn rule on its own, fed VAD verdicts window by window (no audio, no model)."""

from rehearse.base.settings import Settings
from rehearse.voice.endpoint import EndOfTurn, TurnRules
from rehearse.voice.events import VoiceEvent

W = 32  # ms of one VAD window
RULES = TurnRules(silence_ms=900, thinking_ms=6000, idle_ms=20_000, max_ms=120_000)


def run(turn: EndOfTurn, until_ms: int, at: dict[int, VoiceEvent] | None = None, **kw) -> list:
    """Advance window by window to `until_ms`; `at` puts a VAD event on a window's end."""
    out = []
    for now in range(turn.now_ms + W, until_ms + 1, W):
        event = (at or {}).get(now)
        out += turn.advance((event,) if event else (), now, **kw)
    return out


def ended(events: list[VoiceEvent]) -> list[tuple[str | None, int]]:
    return [(e.reason, e.at_ms) for e in events if e.type == "turn_ended"]


def ends_on_the_window_of(events: list[VoiceEvent], reason: str, deadline_ms: int) -> bool:
    """One `turn_ended` for `reason`, on the first window to reach `deadline_ms`."""
    ((why, at_ms),) = ended(events)
    return why == reason and deadline_ms <= at_ms < deadline_ms + W


def spoke(turn: EndOfTurn, start: int, stop: int) -> None:
    turn.advance((VoiceEvent("speech_started", start),), start + 256)
    turn.advance((VoiceEvent("speech_stopped", stop),), stop + 192)


def test_finished_words_end_the_turn_after_the_short_silence():
    turn = EndOfTurn(RULES)
    turn.transcript("I led the backend team.")
    spoke(turn, 320, 3200)

    assert ends_on_the_window_of(run(turn, 10_000), "silence", 3200 + 900)


def test_unfinished_words_wait_the_thinking_time():
    turn = EndOfTurn(RULES)
    turn.transcript("I led the backend team and")
    spoke(turn, 320, 3200)

    assert ends_on_the_window_of(run(turn, 12_000), "thinking_time", 3200 + 6000)


def test_speech_resuming_within_the_wait_cancels_the_end():
    turn = EndOfTurn(RULES)
    turn.transcript("I led the backend team and")
    spoke(turn, 320, 3200)

    events = run(turn, 8000, {6432: VoiceEvent("speech_started", 6176)})

    assert ended(events) == [] and turn.stopped_at is None


def test_words_that_become_finished_end_a_long_pause_at_once():
    turn = EndOfTurn(RULES)
    turn.transcript("I led the backend team and")
    spoke(turn, 320, 3200)
    assert ended(run(turn, 5000)) == []

    assert ended(turn.transcript("I led the backend team and it grew to ten people.")) == [
        ("silence", turn.now_ms)
    ]


def test_words_transcribed_before_the_pause_are_not_trusted_to_end_it():
    turn = EndOfTurn(RULES)
    spoke(turn, 320, 3200)
    turn.transcript("I led the backend team.", through_ms=2500)  # the last words still missing

    assert ended(run(turn, 5000)) == []
    assert ended(turn.transcript("I led the backend team.", through_ms=3400)) == [("silence", 4992)]


def test_possible_speech_holds_the_end_until_the_vad_decides():
    turn = EndOfTurn(RULES)
    turn.transcript("Yes.")
    spoke(turn, 320, 1000)

    assert ended(run(turn, 2500, hearing=True)) == []  # long past 1000 + 900
    held_until = turn.now_ms
    assert ended(run(turn, 2600)) == [("silence", held_until + W)]  # a click after all


def test_before_any_speech_only_the_idle_limit_ends_the_turn():
    turn = EndOfTurn(RULES, start_ms=1000)

    assert ended(run(turn, 20_000)) == []
    assert ends_on_the_window_of(run(turn, 22_000), "thinking_time", 1000 + 20_000)


def test_max_duration_ends_even_while_speaking():
    turn = EndOfTurn(RULES)
    turn.advance((VoiceEvent("speech_started", 320),), 576)

    assert ends_on_the_window_of(run(turn, 200_000), "max_duration", 120_000)


def test_done_ends_at_once_and_only_once():
    turn = EndOfTurn(RULES)
    spoke(turn, 320, 1000)

    first = turn.done()

    assert first == VoiceEvent("turn_ended", 1192, "done")
    assert turn.done() is None
    assert ended(run(turn, 20_000)) == []


def test_rules_come_from_the_settings_and_a_session_may_override_them():
    settings = Settings(turn_silence_ms=700, turn_thinking_ms=4000)

    assert TurnRules.from_settings(settings) == TurnRules(silence_ms=700, thinking_ms=4000)
    assert TurnRules.from_settings(settings, thinking_ms=9000).thinking_ms == 9000


def test_events_are_the_sockets_messages():
    assert VoiceEvent("speech_started", 640).message() == {"type": "speech_started", "at_ms": 640}
    assert VoiceEvent("turn_ended", 9000, "silence").message() == {
        "type": "turn_ended",
        "reason": "silence",
    }

"""The end-of-turn rule: when a candidate's answer is over, from speech, silence and words.

After speech stops, the turn ends after `silence_ms` of silence if the words so far read as
finished (finished.py), after `thinking_ms` if they read as unfinished; speech resuming within
the wait cancels it. Before any speech nothing ends until `idle_ms` (a candidate may think
before starting); `max_ms` of audio ends any turn. Time is ms of audio, never wall time.
"""

from dataclasses import dataclass, replace

from rehearse.base.settings import Settings, get_settings
from rehearse.voice.events import Reason, VoiceEvent
from rehearse.voice.finished import reads_finished


@dataclass(frozen=True)
class TurnRules:
    """The waits, in ms of audio; `thinking_ms` may be set per session."""

    silence_ms: int = 900
    thinking_ms: int = 6000
    idle_ms: int = 30_000
    max_ms: int = 300_000

    @classmethod
    def from_settings(cls, settings: Settings | None = None, **overrides: int) -> "TurnRules":
        """TURN_SILENCE_MS and TURN_THINKING_MS, then any `overrides` (a session's own)."""
        settings = settings or get_settings()
        rules = cls(silence_ms=settings.turn_silence_ms, thinking_ms=settings.turn_thinking_ms)
        return replace(rules, **overrides)


class EndOfTurn:
    """One turn's state, fed the VAD's verdicts and the text transcribed so far."""

    def __init__(self, rules: TurnRules, start_ms: int = 0, *, speaking: bool = False) -> None:
        self.rules = rules
        self.start_ms = self.now_ms = start_ms
        self.spoke = speaking  # a turn may open while the candidate already talks
        self.stopped_at: int | None = None if speaking else start_ms
        self.hearing = False
        self.ended: VoiceEvent | None = None
        self._finished = False
        self._text_through: int | None = None

    def advance(
        self, events: tuple[VoiceEvent, ...], now_ms: int, *, hearing: bool = False
    ) -> list[VoiceEvent]:
        """Take one VAD window's events; returns them, and `turn_ended` if the turn is over."""
        for event in events:
            if event.type == "speech_started":
                self.spoke, self.stopped_at = True, None
            elif event.type == "speech_stopped":
                self.stopped_at = event.at_ms
        self.now_ms, self.hearing = now_ms, hearing
        return [*events, *self._check()]

    def transcript(self, text: str, through_ms: int | None = None) -> list[VoiceEvent]:
        """The answer's words so far, transcribed from audio up to `through_ms` (None: all of
        it). Words older than the last stop of speech read as unfinished until newer ones come,
        so a late transcript never ends a turn on words from before the pause."""
        self._finished = reads_finished(text)
        self._text_through = through_ms
        return self._check()

    def done(self) -> VoiceEvent | None:
        """The candidate said they are done: the turn ends now (None if it already had)."""
        return self._end("done") if self.ended is None else None

    def _check(self) -> list[VoiceEvent]:
        reason = self._due() if self.ended is None else None
        return [self._end(reason)] if reason else []

    def _due(self) -> Reason | None:
        rules, now = self.rules, self.now_ms
        if now - self.start_ms >= rules.max_ms:
            return "max_duration"
        # A sound that may be speech beginning holds the end until the VAD decides.
        if self.stopped_at is None or self.hearing:
            return None
        if not self.spoke:
            return "thinking_time" if now - self.start_ms >= rules.idle_ms else None
        through = now if self._text_through is None else self._text_through
        if self._finished and through >= self.stopped_at:
            wait, reason = rules.silence_ms, "silence"
        else:
            wait, reason = rules.thinking_ms, "thinking_time"
        return reason if now - self.stopped_at >= wait else None

    def _end(self, reason: Reason) -> VoiceEvent:
        self.ended = VoiceEvent("turn_ended", self.now_ms, reason)
        return self.ended

"""One live socket's ear: PCM frames in; speech and end-of-turn events out, answer after answer."""

from rehearse.voice.endpoint import EndOfTurn, TurnRules
from rehearse.voice.events import VoiceEvent
from rehearse.voice.vad import StreamingVad


class TurnListener:
    """A `StreamingVad` and the current turn's `EndOfTurn`, on one clock (ms of audio fed).

    Speech events keep coming after a turn ended (a caller may treat them as barge-in); the
    next `turn_ended` comes only after `next_turn()`.
    """

    def __init__(self, rules: TurnRules | None = None, vad: StreamingVad | None = None) -> None:
        self.rules = rules or TurnRules.from_settings()
        self.vad = vad or StreamingVad()
        self.turn = EndOfTurn(self.rules, self.vad.audio_ms)

    @property
    def audio_ms(self) -> int:
        return self.vad.audio_ms

    @property
    def ended(self) -> VoiceEvent | None:
        """The current turn's `turn_ended`, once it came."""
        return self.turn.ended

    def feed(self, pcm: bytes) -> list[VoiceEvent]:
        """PCM s16le mono 16 kHz, any length; the events it decided, in order."""
        events: list[VoiceEvent] = []
        # Window by window, so an end falls on the window that met the rule, before any speech
        # later in the same frame could cancel it.
        for judged in self.vad.judge(pcm):
            events += self.turn.advance(judged.events, judged.end_ms, hearing=judged.hearing)
        return events

    def transcript(self, text: str, through_ms: int | None = None) -> list[VoiceEvent]:
        """The current answer's words so far (see `EndOfTurn.transcript`)."""
        return self.turn.transcript(text, through_ms)

    def done(self) -> VoiceEvent | None:
        """End the current turn now, reason `done`."""
        return self.turn.done()

    def next_turn(self, rules: TurnRules | None = None) -> None:
        """Start listening for the next answer from here (after the question was played)."""
        self.rules = rules or self.rules
        self.turn = EndOfTurn(self.rules, self.vad.audio_ms, speaking=self.vad.speaking)

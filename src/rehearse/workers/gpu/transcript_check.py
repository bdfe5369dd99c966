"""Whether a transcript reads as an answer someone spoke, or as Whisper's output on no speech.

Whisper writes something for any sound: on noise, a mumble or speech it cannot follow it loops
("4, 4, 4, 6, 6, ... 8, 8, 8"), repeats a phrase, or writes words it is unsure of. Such text,
fed to the LLM as if heard, gets feedback on words nobody said. The rules here are Whisper's own
hallucination signals plus two on the text, each a reason name kept out of logs' content:

- `number_run`: 6 or more numbers in a row, or numbers over half the words of 8 or more;
- `repeated_phrase`: one word 5 times in a row, a phrase of 2 to 8 words 4 times in a row, or a
  short piece 4 times in a row inside one word (a loop in a script written without spaces);
- `compression_ratio`: a segment whose text zlib compresses more than 2.4 times (Whisper's loop
  signal, computed by faster-whisper per 30 s window);
- `no_speech`: a segment Whisper thinks is silence (no_speech_prob > 0.6) and is unsure of
  (avg_logprob < -1.0); faster-whisper drops most such segments itself;
- `low_confidence`: avg_logprob under -1.0 over the whole answer (weighted by seconds): the
  level at which Whisper deems a decode failed (its `log_prob_threshold`).

A year, a count or "3 years" in an answer pass: only runs and shares of numbers count.
"""

import re
from collections.abc import Sequence
from typing import Any

from rehearse.workers.gpu.output_gates import said_in_a_row

NUMBER_RUN = 6
NUMBER_SHARE = 0.5
NUMBER_SHARE_MIN_WORDS = 8
WORD_REPEATS = 5
PHRASE_REPEATS = 4
LONGEST_PHRASE = 8
COMPRESSION_RATIO = 2.4
NO_SPEECH_PROB = 0.6
AVG_LOGPROB = -1.0

# Words; a number's thousands groups and decimals stay in it: "1,000,000" and "3.5" are one
# number each, while "1,2,3,4,4,4" (digit soup without spaces) is six.
_WORD = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\w+")
# A piece of 2 to 20 characters said 4 times or more in a row inside one word, spanning 12
# characters or more: a loop where no spaces part the words ("ありがとうありがとうありがとう…").
_LOOPED_PIECE = re.compile(r"(\w{2,20}?)\1{3,}")
LOOPED_SPAN = 12


def unclear_reason(text: str, segments: Sequence[dict[str, Any]] = ()) -> str | None:
    """Why the transcript is not taken as speech (a rule's name), or None when it passes."""
    words = [w.casefold() for w in _WORD.findall(text)]
    if _numbers_dominate(words):
        return "number_run"
    if _repeats_a_phrase(words):
        return "repeated_phrase"
    for segment in segments:
        if segment.get("compression_ratio", 0) > COMPRESSION_RATIO:
            return "compression_ratio"
        no_speech = segment.get("no_speech_prob", 0) > NO_SPEECH_PROB
        if no_speech and segment.get("avg_logprob", 0) < AVG_LOGPROB:
            return "no_speech"
    if _mean_logprob(segments) < AVG_LOGPROB:
        return "low_confidence"
    return None


def _mean_logprob(segments: Sequence[dict[str, Any]]) -> float:
    """avg_logprob over the answer, each segment weighted by its seconds (0 when none says)."""
    weighted = [
        (max(s["end"] - s["start"], 0.01), s["avg_logprob"]) for s in segments if "avg_logprob" in s
    ]
    seconds = sum(w for w, _ in weighted)
    return sum(w * p for w, p in weighted) / seconds if weighted else 0.0


def _numbers_dominate(words: list[str]) -> bool:
    run = longest = numbers = 0
    for word in words:
        number = word[0].isdecimal()
        run = run + 1 if number else 0
        longest = max(longest, run)
        numbers += number
    if longest >= NUMBER_RUN:
        return True
    return len(words) >= NUMBER_SHARE_MIN_WORDS and numbers > NUMBER_SHARE * len(words)


def _repeats_a_phrase(words: list[str]) -> bool:
    for size in range(1, LONGEST_PHRASE + 1):
        needed = WORD_REPEATS if size == 1 else PHRASE_REPEATS
        for start in range(len(words) - size * needed + 1):
            if said_in_a_row(words, start, size) >= needed:
                return True
    return any(_looped(word) for word in words if len(word) >= LOOPED_SPAN)


def _looped(word: str) -> bool:
    for match in _LOOPED_PIECE.finditer(word):
        # Zeros of a large number ("1000000000000") repeat too: only pieces with letters count.
        if match.end() - match.start() >= LOOPED_SPAN and not match.group(1).isdecimal():
            return True
    return False

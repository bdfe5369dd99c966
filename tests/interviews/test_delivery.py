"""Each answer's delivery figures: measured beside the turn, in its stream, its result and the
interview; off with DELIVERY=false. (The figures' own truth: tests/delivery.)"""

import io
import time
import wave

import numpy as np

from rehearse.contracts.delivery_contract import Delivery
from tests.api.streams import read_sse
from tests.conftest import wait_job
from tests.interviews.answers import answer
from tests.voice.speech import RATE, silence, spoken

PAUSE_S = 1.6


def _wav(pcm: np.ndarray) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm.astype("<i2").tobytes())
    return buf.getvalue()


def _answer_with_a_pause() -> tuple[bytes, float]:
    """Two spoken sentences with a PAUSE_S silence between them; the audio and its length."""
    first = spoken("I led the migration of our billing service to a new database.")
    second = spoken("We finished two weeks early and cut the costs by a third.")
    pcm = np.concatenate([silence(400), first, silence(int(PAUSE_S * 1000)), second, silence(300)])
    return _wav(pcm), len(pcm) / RATE


def _turn(client, interview_id: str, number: int, timeout: float = 60) -> dict:
    """The interview's turn `number` once its delivery is in (or the timeout passed)."""
    deadline = time.monotonic() + timeout
    while True:
        turns = client.get(f"/v1/interviews/{interview_id}").json()["turns"]
        turn = next(t for t in turns if t["number"] == number)
        if turn["delivery"] is not None or time.monotonic() > deadline:
            return turn
        time.sleep(0.2)


def test_a_turn_carries_how_the_answer_was_said(client, interview):
    data, seconds = _answer_with_a_pause()
    accepted = answer(client, interview["id"], data, name="a.wav").json()
    with client.stream("GET", f"/v1/jobs/{accepted['job_id']}/events", timeout=120) as response:
        events = read_sse(response)
    job = wait_job(client, accepted["job_id"])
    assert job["status"] == "succeeded", job["error"]
    turn = _turn(client, interview["id"], accepted["number"])
    figures = Delivery.model_validate(turn["delivery"])
    # What the candidate did, seen in the figures (a random-weight Whisper's words are noise,
    # so pace and fillers are checked against truth in tests/delivery, not here).
    assert abs(figures.total_s - seconds) < 0.1
    assert figures.pauses.count == 1
    assert abs(figures.pauses.longest_s - PAUSE_S) < 0.25
    assert figures.speaking_s < seconds - PAUSE_S
    # The result and the interview agree, whichever was written first.
    assert client.get(f"/v1/jobs/{job['id']}").json()["result"]["delivery"] == turn["delivery"]
    measured = [e for e in events if e["type"] == "delivery"]
    done = next(i for i, e in enumerate(events) if e["type"] == "done")
    assert done == len(events) - 1, "`done` stays the stream's last event"
    if measured:  # measured before the turn was recorded: in the stream too
        assert measured[0]["delivery"] == turn["delivery"]


def test_delivery_off_measures_nothing(client, interview, cpu_worker):
    cpu_worker.restart(DELIVERY="false")
    data, _ = _answer_with_a_pause()
    accepted = answer(client, interview["id"], data, name="a.wav").json()
    with client.stream("GET", f"/v1/jobs/{accepted['job_id']}/events", timeout=120) as response:
        events = read_sse(response)
    assert wait_job(client, accepted["job_id"])["result"]["delivery"] is None
    assert not [e for e in events if e["type"] == "delivery"]
    assert _turn(client, interview["id"], accepted["number"], timeout=3)["delivery"] is None

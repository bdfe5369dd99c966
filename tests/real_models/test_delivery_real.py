"""Delivery on real models: a real transcript's pace, and the figures out before the feedback."""

import numpy as np
import pytest

from rehearse.contracts.delivery_contract import Delivery
from tests.api.streams import read_sse
from tests.audio import pcm_wav
from tests.conftest import wait_job
from tests.interviews.conftest import start
from tests.real_models.samples import POSTING, RESUME
from tests.voice.speech import RATE, silence, spoken

pytestmark = pytest.mark.real_models

SENTENCES = (
    "I moved our billing service to a new database over one quarter.",
    "First I copied the data every night, then I switched the reads, and last the writes.",
    "We had no outage, and the monthly costs went down by a third.",
)


def test_a_real_answer_has_its_pace_and_pauses_before_its_feedback(client, real_gpu, cpu_worker):
    started = start(client, resume=RESUME, job_posting=POSTING, language="en", max_questions=3)
    assert started["job"]["status"] == "succeeded", started["job"]["error"]
    clips = [spoken(text) for text in SENTENCES]
    pcm = np.concatenate([silence(500), clips[0], silence(1500), clips[1], silence(700), clips[2]])
    words = sum(len(text.split()) for text in SENTENCES)
    truth_wpm = words / (sum(len(c) for c in clips) / RATE / 60)
    files = {"file": ("a.wav", pcm_wav(pcm), "audio/wav")}
    sent = client.post(f"/v1/interviews/{started['id']}/answers", files=files).json()
    with client.stream("GET", f"/v1/jobs/{sent['job_id']}/events", timeout=300) as response:
        events = read_sse(response)
    job = wait_job(client, sent["job_id"], timeout=300)
    assert job["status"] == "succeeded", job["error"]
    kinds = [
        "llm_done"
        if e["type"] == "stage" and e["stage"] == "llm" and e["state"] == "done"
        else e["type"]
        for e in events
    ]
    # Measured on the cpu worker while the real LLM writes the feedback: out before it is done.
    assert "delivery" in kinds and kinds.index("delivery") < kinds.index("llm_done"), kinds
    figures = Delivery.model_validate(job["result"]["delivery"])
    assert figures.pace.unit == "wpm"
    # Whisper's words, not the script's: a tiny model's misheard words move the count a little.
    assert figures.pace.value == pytest.approx(truth_wpm, rel=0.2), (figures.pace, truth_wpm)
    assert figures.pauses.count == 1 and figures.pauses.longest_s == pytest.approx(1.5, abs=0.2)
    assert figures.pitch.median_hz is not None and 60 < figures.pitch.median_hz < 300
    assert set(figures.readings) == {"pace", "pauses", "fillers", "pitch"}
    print("delivery on real models:", figures.model_dump_json())

"""Real Whisper (faster-whisper base) on generated English speech: words, languages, times."""

import statistics

import pytest

from tests.conftest import wait_job
from tests.jobs import submit_transcription
from tests.real_models.conftest import english_speech, wer

pytestmark = pytest.mark.real_models

SENTENCES = [
    "I built a payment service in Python with a small team.",
    "We moved the database to a managed cloud service last year.",
    "The hardest part was keeping the old and the new system in sync.",
    "I wrote tests for every change before we shipped it.",
    "My manager asked me to lead the project after the first release.",
    "We cut the response time in half by adding a cache.",
    "I enjoy teaching new engineers how our services work.",
    "The customers wanted faster reports, so we rebuilt the pipeline.",
]
# Measured here with base, beam 5, VAD on: median 0.0, worst 0.2 ("customer's" for
# "customers"); at beam 1 the worst was 0.33. English-only tiny.en gets median 0.17 on the same
# audio and random weights ~1.0, so the median bound tells a working base model from both.
MEDIAN_WER = 0.1
WORST_WER = 0.35


def test_english_speech_is_transcribed_within_the_wer_bound(client, real_gpu):
    jobs = [submit_transcription(client, english_speech(s), "en") for s in SENTENCES]
    done = [wait_job(client, job["id"], timeout=180) for job in jobs]
    assert all(job["status"] == "succeeded" for job in done), [j["error"] for j in done]
    rates = [wer(s, job["result"]["text"]) for s, job in zip(SENTENCES, done, strict=True)]
    print("WER per sentence:", [round(r, 3) for r in rates])
    assert statistics.median(rates) <= MEDIAN_WER
    assert max(rates) <= WORST_WER
    for job in done:
        result = job["result"]
        assert result["language"] == "en"
        assert result["segments"]
        assert all(0 <= s["start"] <= s["end"] <= result["duration"] for s in result["segments"])


def test_detected_language_of_english_speech_is_english(client, real_gpu):
    job = wait_job(
        client, submit_transcription(client, english_speech(SENTENCES[0]), None)["id"], 120
    )
    assert job["status"] == "succeeded", job["error"]
    assert job["result"]["language"] == "en"


def test_korean_against_multilingual_base_is_accepted(client, real_gpu):
    job = wait_job(
        client, submit_transcription(client, english_speech("Good morning."), "ko")["id"], 120
    )
    assert job["status"] == "succeeded", job["error"]
    assert job["result"]["language"] == "ko"

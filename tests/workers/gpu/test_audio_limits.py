"""Audio is decoded as a bounded stream: past MAX_AUDIO_SECONDS the job fails, and the gpu
worker's memory while transcribing the longest allowed audio stays bounded."""

from pathlib import Path

import pytest

from rehearse.contracts.languages import WHISPER_LANGUAGES
from rehearse.engines.whisper import SAMPLE_RATE, decode
from tests import audio
from tests.conftest import wait_job
from tests.messages import assert_plain

# Decoding 1800 s is 1800 x 16000 x 4 = 110 MB; faster-whisper's features add ~1.5 GB more.
PEAK_GROWTH_BOUND_MB = 2500


def test_the_language_list_is_faster_whispers() -> None:
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    assert set(_LANGUAGE_CODES) == WHISPER_LANGUAGES and {"ko", "en"} <= WHISPER_LANGUAGES


def test_decoding_stops_past_the_limit() -> None:
    samples = decode(audio.silence_flac(60), max_seconds=60)
    assert samples.size == 60 * SAMPLE_RATE
    with pytest.raises(Exception, match="more than 59 s") as info:
        decode(audio.silence_flac(60), max_seconds=59)
    assert info.value.code == "audio_too_long"


@pytest.mark.parametrize(
    "data", [audio.not_audio(), b"RIFF\x00\x00\x00\x00WAVEfmt " + bytes(40)], ids=["text", "wav"]
)
def test_undecodable_audio_fails_in_plain_words(data: bytes) -> None:
    with pytest.raises(Exception) as info:
        decode(data, max_seconds=60)
    assert info.value.code == "invalid_audio"
    assert_plain(info.value.message, "webm", "mp3", "flac", "wav")


def transcribe(client, name: str, data: bytes, **form) -> dict:
    response = client.post("/v1/jobs/transcribe", files={"file": (name, data)}, data=form)
    assert response.status_code == 202, response.text
    return wait_job(client, response.json()["id"], timeout=120)


def test_audio_stating_no_duration_is_stopped_by_the_worker(client, gpu_worker) -> None:
    gpu_worker.restart(MAX_AUDIO_SECONDS="2")
    # A browser's live WebM states no duration: the api cannot refuse it, the worker does.
    done = transcribe(client, "answer.webm", audio.live_webm(4.0))
    assert done["status"] == "failed"
    assert done["error"]["code"] == "audio_too_long"
    assert transcribe(client, "short.webm", audio.live_webm(1.0))["status"] == "succeeded"


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def test_peak_memory_transcribing_the_longest_allowed_audio(client, gpu_worker) -> None:
    pid = gpu_worker.proc.proc.pid
    assert transcribe(client, "warm.wav", audio.tone_wav(1.0))["status"] == "succeeded"
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM to the current RSS
    base = peak_mb(pid)
    longest = audio.silence_flac(1800)  # MAX_AUDIO_SECONDS' default
    # No VAD: the whole half hour goes through feature extraction and the model.
    done = transcribe(client, "longest.flac", longest, vad="false")
    assert done["status"] == "succeeded", done["error"]
    assert done["result"]["duration"] == pytest.approx(1800, abs=1)
    growth = peak_mb(pid) - base
    print(f"gpu worker peak RSS {base:.0f} MB + {growth:.0f} MB transcribing 1800 s")
    assert growth < PEAK_GROWTH_BOUND_MB

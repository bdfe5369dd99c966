"""The synthetic Whisper loads offline in faster-whisper and transcribes quickly."""

import io
import json
import time
from pathlib import Path

import pytest

from tests import audio

faster_whisper = pytest.importorskip("faster_whisper")
QUICK = {"beam_size": 1, "temperature": 0, "condition_on_previous_text": False, "vad_filter": False}


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("transformers")
    from rehearse.cli.synthetic import whisper

    return whisper.write(tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="module")
def model(model_dir: Path):
    return faster_whisper.WhisperModel(str(model_dir), device="cpu", compute_type="int8")


def test_files_and_vocabulary(model_dir: Path, model) -> None:
    names = {p.name for p in model_dir.iterdir()}
    assert {"model.bin", "config.json", "tokenizer.json", "preprocessor_config.json"} <= names
    assert model.model.is_multilingual
    vocab = json.loads((model_dir / "vocabulary.json").read_text())
    assert len(vocab) == 51865 and vocab[50256] == ""
    assert vocab[50257:50260] == ["<|endoftext|>", "<|startoftranscript|>", "<|en|>"]
    assert (vocab[50363], vocab[50364], vocab[-1]) == ("<|notimestamps|>", "<|0.00|>", "<|30.00|>")
    assert model.hf_tokenizer.token_to_id("<|ko|>") == 50264


@pytest.mark.parametrize("language", ["ko", None])
def test_transcribes_quickly(model, language: str | None) -> None:
    started = time.monotonic()
    segments, info = model.transcribe(io.BytesIO(audio.tone_wav(2.5)), language=language, **QUICK)
    segments = list(segments)
    assert time.monotonic() - started < 10
    assert isinstance(info.language, str) and info.language
    assert segments and all(0 <= s.start <= s.end <= 2.5 + 1e-6 for s in segments)
    assert all(isinstance(s.text, str) for s in segments)


@pytest.mark.parametrize("make", [audio.tone_webm_opus, audio.tone_mp3])
def test_other_containers_decode(model, make) -> None:
    segments, info = model.transcribe(io.BytesIO(make()), language="ko", **QUICK)
    assert list(segments) and abs(info.duration - 2.0) < 0.1


def test_corrupt_audio_probes_but_decodes_to_nothing() -> None:
    import av

    data = audio.corrupt_audio()
    with av.open(io.BytesIO(data)) as container:
        assert container.streams.audio and container.duration
    assert faster_whisper.decode_audio(io.BytesIO(data)).size == 0

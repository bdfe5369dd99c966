"""The synthetic llama GGUF: deterministic, tiny, loads in ms with its own chat template."""

import time
from pathlib import Path

import pytest

pytest.importorskip("llama_cpp")

from rehearse.cli.synthetic import llama as synthetic_llama


@pytest.fixture(scope="module")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic_llama.write(tmp_path_factory.mktemp("llama"))


def test_generator_is_deterministic(model_path: Path, tmp_path: Path) -> None:
    again = synthetic_llama.write(tmp_path)
    assert again.read_bytes() == model_path.read_bytes()


def test_plain_llama_loads_in_ms_with_the_template_as_is(model_path: Path) -> None:
    from llama_cpp import Llama

    started = time.perf_counter()
    llm = Llama(model_path=str(model_path), n_ctx=512, verbose=False)
    elapsed = time.perf_counter() - started
    try:
        # Exact prompt counting relies on the GGUF template being used, not a built-in one.
        assert llm.chat_format == "chat_template.default"
        assert llm.n_vocab() < 400
    finally:
        llm.close()
    assert elapsed < 2.0


def test_korean_round_trips_through_the_byte_level_tokenizer(model_path: Path) -> None:
    from llama_cpp import Llama

    llm = Llama(model_path=str(model_path), n_ctx=512, verbose=False)
    try:
        text = "안녕하세요, the interview 시작합니다."
        tokens = llm.tokenize(text.encode(), add_bos=False, special=True)
        assert llm.detokenize(tokens).decode() == text
    finally:
        llm.close()

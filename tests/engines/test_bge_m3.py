"""The synthetic bge-m3 and BGEM3Engine: shapes, norms, batching invariance, call counting."""

import hashlib
import json
import math
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing here may reach the network

import pytest

from rehearse.cli.synthetic import bge_m3 as synthetic
from rehearse.engines.bge_m3 import BGEM3Engine

ENGLISH = [
    "I led a team of five engineers building a Python API server.",
    "Tell me about a time you solved a hard performance problem.",
    "The cat sat on the mat.",
    "We moved the backend to the cloud and cut latency by 40%. " * 8,
]
KOREAN = [
    "저는 파이썬으로 백엔드 서버를 개발했습니다.",
    "가장 어려웠던 프로젝트에 대해 말씀해 주세요.",
    "데이터베이스 성능 문제를 해결한 경험이 있습니다. 인덱스를 다시 설계했습니다. " * 5,
    "안녕하세요",
]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic.write(tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="module")
def engine(model_dir: Path) -> BGEM3Engine:
    e = BGEM3Engine(model_dir, batch_size=32)
    e.load()
    return e


def _max_diff(a: list[float], b: list[float]) -> float:
    return max(abs(x - y) for x, y in zip(a, b, strict=True))


def test_folder_is_small_and_has_the_heads(model_dir: Path) -> None:
    assert (model_dir / "colbert_linear.pt").is_file()
    assert (model_dir / "sparse_linear.pt").is_file()
    config = json.loads((model_dir / "config.json").read_text())
    assert config["hidden_size"] == 1024
    size = sum(f.stat().st_size for f in model_dir.iterdir())
    assert size < 30 * 1024 * 1024


def test_write_is_deterministic(model_dir: Path, tmp_path: Path) -> None:
    again = synthetic.write(tmp_path)
    for name in ("model.safetensors", "tokenizer.json", "sparse_linear.pt"):
        digests = {hashlib.sha256((d / name).read_bytes()).hexdigest() for d in (model_dir, again)}
        assert len(digests) == 1, name


def test_dense_and_sparse_shapes(engine: BGEM3Engine) -> None:
    results = engine.encode(ENGLISH + KOREAN)
    assert len(results) == len(ENGLISH + KOREAN)
    for r in results:
        assert len(r["dense"]) == 1024
        assert all(isinstance(x, float) for x in r["dense"])
        assert abs(math.sqrt(sum(x * x for x in r["dense"])) - 1.0) < 1e-3
        assert r["sparse"], "every text has some positive lexical weights"
        assert all(k.isdigit() and isinstance(w, float) and w > 0 for k, w in r["sparse"].items())
    json.dumps(results)  # plain JSON types, as the embed job's result needs


@pytest.mark.parametrize("texts", [ENGLISH, KOREAN, ENGLISH + KOREAN], ids=["en", "ko", "mixed"])
def test_batch_equals_one_by_one(engine: BGEM3Engine, texts: list[str]) -> None:
    batched = engine.encode(texts)
    for text, b in zip(texts, batched, strict=True):
        (alone,) = engine.encode([text])
        assert _max_diff(alone["dense"], b["dense"]) < 1e-4
        assert alone["sparse"].keys() == b["sparse"].keys()
        assert all(abs(alone["sparse"][k] - w) < 1e-4 for k, w in b["sparse"].items())


def test_small_batch_size_keeps_order(model_dir: Path, engine: BGEM3Engine) -> None:
    small = BGEM3Engine(model_dir, batch_size=3)
    texts = ENGLISH + KOREAN
    for a, b in zip(small.encode(texts), engine.encode(texts), strict=True):
        assert _max_diff(a["dense"], b["dense"]) < 1e-4


def test_matches_flagembedding_encode(model_dir: Path, engine: BGEM3Engine) -> None:
    from FlagEmbedding import BGEM3FlagModel

    texts = ENGLISH + KOREAN
    ref = BGEM3FlagModel(str(model_dir), use_fp16=False, devices="cpu")
    out = ref.encode(texts, return_dense=True, return_sparse=True, return_colbert_vecs=False)
    for r, dense, sparse in zip(
        engine.encode(texts), out["dense_vecs"], out["lexical_weights"], strict=True
    ):
        assert _max_diff(r["dense"], dense.tolist()) < 1e-5
        assert r["sparse"].keys() == sparse.keys()
        q = engine.encode(["Python backend server"])[0]["sparse"]
        expected = ref.compute_lexical_matching_score(q, r["sparse"])
        assert engine.lexical_score(q, r["sparse"]) == pytest.approx(expected, abs=1e-6)


def test_encode_calls_counts_model_invocations(engine: BGEM3Engine) -> None:
    before = engine.encode_calls
    engine.encode([f"job number {i}" for i in range(40)])  # more than one batch, one call
    assert engine.encode_calls == before + 1
    assert engine.encode([]) == []
    assert engine.encode_calls == before + 1
    engine.encode(["a"])
    engine.encode(["b"])
    assert engine.encode_calls == before + 3


def test_similar_texts_are_closer(engine: BGEM3Engine) -> None:
    a, near, far = engine.encode(
        [ENGLISH[0], "I led five engineers building a Python API.", "날씨가 좋네요."]
    )

    def cos(x: dict, y: dict) -> float:
        return sum(p * q for p, q in zip(x["dense"], y["dense"], strict=True))

    assert cos(a, near) > cos(a, far)
    assert engine.lexical_score(a["sparse"], near["sparse"]) > engine.lexical_score(
        a["sparse"], far["sparse"]
    )


def test_count_tokens_uses_the_model_tokenizer(model_dir: Path, engine: BGEM3Engine) -> None:
    fresh = BGEM3Engine(model_dir)  # the tokenizer alone, model not loaded
    assert fresh.count_tokens("") == 0
    for text in ENGLISH + KOREAN:
        n = fresh.count_tokens(text)
        assert n > 0
        assert n == len(engine.tokenizer(text)["input_ids"]) - 2  # minus <s> and </s>
    assert not fresh.loaded


def test_long_input_is_truncated_and_unload_reloads(model_dir: Path) -> None:
    e = BGEM3Engine(model_dir, max_length=8192)
    (r,) = e.encode(["word " * 5000])
    assert e.max_length == synthetic.MAX_POSITIONS - 2  # clamped to the positions table
    assert len(r["dense"]) == 1024
    e.unload()
    assert not e.loaded
    assert len(e.encode(["again"])[0]["dense"]) == 1024


def test_chunks_fit_the_model_tokenizer(engine: BGEM3Engine) -> None:
    from rehearse.workers.cpu.chunking import chunk_text

    text = "\n\n".join([" ".join(ENGLISH), " ".join(KOREAN)] * 6)
    chunks = chunk_text(text, engine.count_tokens, max_tokens=120, overlap_tokens=20)
    assert len(chunks) > 3
    for c in chunks:
        assert c.token_count == engine.count_tokens(c.text) <= 120
    assert len(engine.encode([c.text for c in chunks])) == len(chunks)

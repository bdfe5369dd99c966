"""Embed jobs: BGE-M3 vectors per text, batch-invariant, many small jobs in few encode calls."""

import math
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from tests import stack
from tests.conftest import wait_job

TEXTS = [
    "I led a team of five engineers building a Python API server.",
    "저는 백엔드 개발자입니다.",
]


def embed(client: httpx.Client, texts: list[str]) -> dict[str, Any]:
    response = client.post("/v1/jobs/embed", json={"texts": texts})
    assert response.status_code == 202, response.text
    assert response.json()["kind"] == "embed"
    job = wait_job(client, response.json()["id"])
    assert job["status"] == "succeeded", job
    return job


def max_diff(a: list[float], b: list[float]) -> float:
    return max(abs(x - y) for x, y in zip(a, b, strict=True))


def test_each_text_gets_a_unit_dense_vector_and_sparse_weights(
    client: httpx.Client, cpu_worker: stack.WorkerHandle
) -> None:
    embeddings = embed(client, TEXTS)["result"]["embeddings"]
    assert len(embeddings) == len(TEXTS)
    for e in embeddings:
        assert len(e["dense"]) == 1024
        assert abs(math.sqrt(sum(x * x for x in e["dense"])) - 1) < 1e-3
        assert e["sparse"]
        assert all(k.isdigit() and w > 0 for k, w in e["sparse"].items())


def test_two_texts_in_one_job_equal_each_embedded_alone(
    client: httpx.Client, cpu_worker: stack.WorkerHandle
) -> None:
    together = embed(client, TEXTS)["result"]["embeddings"]
    for text, both in zip(TEXTS, together, strict=True):
        (alone,) = embed(client, [text])["result"]["embeddings"]
        assert max_diff(alone["dense"], both["dense"]) < 1e-4
        assert alone["sparse"].keys() == both["sparse"].keys()
        assert all(abs(alone["sparse"][k] - w) < 1e-4 for k, w in both["sparse"].items())


def test_fifty_jobs_at_once_share_encode_calls_and_keep_their_own_results(
    client: httpx.Client, cpu_worker: stack.WorkerHandle
) -> None:
    texts = [f"Candidate {i} answered question {i * 7} about databases." for i in range(50)]
    reference = embed(client, texts)["result"]["embeddings"]

    def submit(text: str) -> str:
        response = client.post("/v1/jobs/embed", json={"texts": [text]})
        assert response.status_code == 202, response.text
        return response.json()["id"]

    with ThreadPoolExecutor(max_workers=10) as pool:
        ids = list(pool.map(submit, texts))
    jobs = [wait_job(client, job_id) for job_id in ids]

    assert all(job["status"] == "succeeded" for job in jobs)
    calls = {job["timings"]["batch_id"] for job in jobs}
    assert len(calls) < len(jobs)
    assert max(job["timings"]["batch_jobs"] for job in jobs) > 1
    for job, want in zip(jobs, reference, strict=True):
        (got,) = job["result"]["embeddings"]
        assert job["timings"]["encode_calls"] == 1
        assert max_diff(got["dense"], want["dense"]) < 1e-4
        assert got["sparse"].keys() == want["sparse"].keys()


def test_a_lone_job_is_not_held_back_for_a_batch(
    client: httpx.Client, cpu_worker: stack.WorkerHandle
) -> None:
    embed(client, ["warm up"])
    job = embed(client, ["One short answer."])
    assert job["timings"]["batch_jobs"] == 1
    # Flushed after EMBED_BATCH_WAIT_MS (20 ms), not held until a batch fills; the bound is
    # loose because the rest is the api, broker and worker round trip on a busy test box.
    assert job["timings"]["queued_ms"] < 2000


def test_an_empty_embed_request_is_refused(client: httpx.Client) -> None:
    response = client.post("/v1/jobs/embed", json={"texts": []})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"

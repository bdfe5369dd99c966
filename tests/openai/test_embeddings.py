"""`embeddings.create` returns the embed job's vectors, as floats or base64."""

import base64

import numpy as np
import openai
import pytest

from rehearse.base.settings import get_settings
from tests.conftest import wait_job

TEXTS = [f"이력서 {i}: Python and PostgreSQL for {i} years" for i in range(20)]


def job_vectors(client, texts: list[str]) -> np.ndarray:
    job = client.post("/v1/jobs/embed", json={"texts": texts}).json()
    done = wait_job(client, job["id"])
    return np.array([e["dense"] for e in done["result"]["embeddings"]])


@pytest.mark.parametrize("count", [1, 20])
def test_vectors_equal_the_embed_jobs(oai, client, cpu_worker, count):
    texts = TEXTS[:count]
    reply = oai.embeddings.create(
        model="text-embedding-3-small", input=texts[0] if count == 1 else texts,
        encoding_format="float",
    )  # fmt: skip
    assert reply.model == get_settings().embed_model
    vectors = np.array([d.embedding for d in sorted(reply.data, key=lambda d: d.index)])
    assert vectors.shape == (count, 1024)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    np.testing.assert_allclose(vectors, job_vectors(client, texts), atol=1e-4)
    assert reply.usage.prompt_tokens > count  # every text has tokens, plus <s> and </s>
    assert reply.usage.total_tokens == reply.usage.prompt_tokens


def test_base64_decodes_to_the_same_floats(oai, client, api_base, api_key, cpu_worker):
    floats = oai.embeddings.create(
        model=get_settings().embed_model, input=TEXTS[:3], encoding_format="float"
    )
    raw = client.post(
        "/v1/embeddings",
        json={"model": "text-embedding-3-large", "input": TEXTS[:3], "encoding_format": "base64"},
    ).json()
    for item, expected in zip(raw["data"], floats.data, strict=True):
        decoded = np.frombuffer(base64.b64decode(item["embedding"]), dtype="<f4")
        np.testing.assert_allclose(decoded, expected.embedding, atol=1e-6)
    # The SDK asks for base64 by default and decodes it itself.
    assert (
        len(oai.embeddings.create(model=get_settings().embed_model, input="x").data[0].embedding)
        == 1024
    )


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [({"input": [[1, 2, 3]]}, "input"), ({"input": "x", "dimensions": 256}, "dimensions")],
)
def test_token_arrays_and_other_dimensions_are_refused(oai, kwargs, param):
    with pytest.raises(openai.BadRequestError) as caught:
        oai.embeddings.create(model=get_settings().embed_model, **kwargs)
    assert caught.value.code == "unsupported_parameter" and caught.value.param == param


def test_another_keys_client_gets_its_own_job(other_oai, cpu_worker):
    reply = other_oai.embeddings.create(model=get_settings().embed_model, input="hello")
    assert len(reply.data) == 1

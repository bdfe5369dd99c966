"""Fixtures for document and search tests: adding documents, an api with a short search timeout."""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import stack
from tests.conftest import wait_job

AddDocument = Callable[..., dict[str, Any]]


def add(client: httpx.Client, collection: str, text: str | None = None, **upload: Any) -> dict:
    """POST a document (JSON text, or `file=(name, bytes, type)`), wait for its ingest job."""
    if text is not None:
        response = client.post("/v1/documents", json={"collection": collection, "text": text})
    else:
        response = client.post("/v1/documents", files=upload, data={"collection": collection})
    assert response.status_code == 202, response.text
    accepted = response.json()
    job = wait_job(client, accepted["job_id"])
    assert job["status"] == "succeeded", job
    return {**accepted, "job": job}


@pytest.fixture
def add_document(cpu_worker: stack.WorkerHandle) -> AddDocument:
    """`add_document(client, collection, text=... | file=(name, bytes, type))`, ingested."""
    return add


@pytest.fixture(scope="session")
def impatient_client(
    stack_env: dict[str, str], log_dir: Path, api_key: str
) -> Iterator[httpx.Client]:
    """The caller's client on a second api that waits only 1.5 s for a query embedding."""
    proc, base = stack.api({**stack_env, "SEARCH_TIMEOUT_S": "1.5"}, log_dir)
    headers = {"Authorization": f"Bearer {api_key}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        yield client
    proc.stop()

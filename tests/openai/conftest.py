"""The official `openai` client pointed at the test stack."""

from collections.abc import Iterator

import pytest
from openai import OpenAI

from tests.conftest import make_key


@pytest.fixture(scope="session")
def oai(api_base: str, api_key: str) -> Iterator[OpenAI]:
    # No retries: a test must see the first answer, not a resubmitted job.
    with OpenAI(base_url=f"{api_base}/v1", api_key=api_key, max_retries=0, timeout=60) as c:
        yield c


@pytest.fixture(scope="session")
def other_oai(api_base: str, service_urls: tuple[str, str]) -> Iterator[OpenAI]:
    key = make_key(service_urls[1], "openai-someone-else")
    with OpenAI(base_url=f"{api_base}/v1", api_key=key, max_retries=0, timeout=60) as c:
        yield c

"""The frameworks people put on top of the `openai` client, pointed at the test stack."""

import pytest


@pytest.fixture(scope="session")
def base_url(api_base: str) -> str:
    return f"{api_base}/v1"

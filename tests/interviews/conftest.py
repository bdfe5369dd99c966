"""Interview fixtures: a started interview on the real stack."""

from pathlib import Path

import pytest

from tests.conftest import wait_job

ASSETS = Path(__file__).resolve().parents[2] / "src" / "rehearse" / "cli" / "assets"
RESUME = (ASSETS / "sample_resume_ko.txt").read_text(encoding="utf-8")
POSTING = (ASSETS / "sample_posting_ko.txt").read_text(encoding="utf-8")


def start(client, **overrides) -> dict:
    """Start an interview from the sample documents; returns {id, job_id, job} when ready."""
    body = {"resume": RESUME, "job_posting": POSTING, "language": "ko", **overrides}
    response = client.post("/v1/interviews", json=body)
    assert response.status_code == 202, response.text
    started = response.json()
    started["job"] = wait_job(client, started["job_id"], timeout=120)
    return started


@pytest.fixture
def interview(client, gpu_worker, cpu_worker) -> dict:
    started = start(client)
    assert started["job"]["status"] == "succeeded", started["job"]["error"]
    return started

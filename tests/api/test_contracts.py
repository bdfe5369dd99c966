"""Real jobs' events and results fit their models, and the models are in the OpenAPI schema."""

import httpx

from rehearse.contracts.event_contract import EVENTS
from rehearse.contracts.job_kinds import TABLE
from tests.api.streams import read_sse
from tests.conftest import wait_job
from tests.interviews.conftest import start
from tests.jobs import submit_transcription


def streamed(client: httpx.Client, job_id: str) -> list[dict]:
    with client.stream("GET", f"/v1/jobs/{job_id}/events", timeout=120) as response:
        return read_sse(response)


def test_a_transcription_fits_its_event_and_result_models(client, gpu_worker):
    job = submit_transcription(client)
    parsed = [EVENTS.validate_python(event) for event in streamed(client, job["id"])]
    done = wait_job(client, job["id"])

    assert {type(p).__name__ for p in parsed} >= {"StatusEvent", "SegmentEvent", "DoneEvent"}
    result = TABLE["transcribe"].result.model_validate(done["result"])
    assert result.segments and result.text == done["result"]["text"]


def test_an_interview_start_fits_its_event_and_result_models(client, gpu_worker, cpu_worker):
    started = start(client)
    assert started["job"]["status"] == "succeeded", started["job"]["error"]

    parsed = [EVENTS.validate_python(event) for event in streamed(client, started["job_id"])]

    stages = [(p.stage, p.state) for p in parsed if p.type == "stage"]
    assert [s for s, state in stages if state == "started"] == ["ingest", "llm", "tts"]
    result = TABLE["interview_start"].result.model_validate(started["job"]["result"])
    assert str(result.interview_id) == started["id"]


def test_the_openapi_schema_names_every_event_and_result(api_base):
    schema = httpx.get(f"{api_base}/openapi.json", timeout=10).json()
    events = schema["paths"]["/v1/jobs/{job_id}/events"]["get"]["responses"]["200"]
    mapping = events["content"]["application/json"]["schema"]["discriminator"]["mapping"]
    components = schema["components"]["schemas"]

    assert set(mapping) == {
        "status",
        "stage",
        "segment",
        "token",
        "progress",
        "audio",
        "delivery",
        "reset",
        "done",
    }
    # A turn's delivery figures are named in full: its event, its result, the interview's turns.
    assert components["Delivery"]["properties"]["pace"]["$ref"].endswith("/Pace")
    assert set(schema["x-job-results"]) == set(TABLE)
    for ref in schema["x-job-results"].values():
        assert ref["$ref"].rsplit("/", 1)[1] in components

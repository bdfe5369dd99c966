"""Every event a job streams fits its type's model, and the models are in the OpenAPI schema."""

import httpx

from common.event_contract import EVENTS
from tests.api.test_events import read_sse, submit
from tests.interviews.conftest import start


def streamed(client: httpx.Client, job_id: str) -> list[dict]:
    with client.stream("GET", f"/v1/jobs/{job_id}/events", timeout=120) as response:
        return read_sse(response)


def test_transcription_events_fit_their_models(client, gpu_worker):
    events = streamed(client, submit(client)["id"])

    parsed = [EVENTS.validate_python(event) for event in events]

    assert {type(p).__name__ for p in parsed} >= {"StatusEvent", "SegmentEvent", "DoneEvent"}


def test_interview_start_events_fit_their_models(client, gpu_worker, cpu_worker):
    started = start(client)
    assert started["job"]["status"] == "succeeded", started["job"]["error"]

    parsed = [EVENTS.validate_python(event) for event in streamed(client, started["job_id"])]

    stages = [(p.stage, p.state) for p in parsed if p.type == "stage"]
    assert [s for s, state in stages if state == "started"] == ["ingest", "llm", "tts"]


def test_the_openapi_schema_names_every_event_type(api_base):
    schema = httpx.get(f"{api_base}/openapi.json", timeout=10).json()
    events = schema["paths"]["/v1/jobs/{job_id}/events"]["get"]["responses"]["200"]
    mapping = events["content"]["application/json"]["schema"]["discriminator"]["mapping"]

    assert set(mapping) == {
        "status",
        "stage",
        "segment",
        "token",
        "progress",
        "audio",
        "reset",
        "done",
    }
    assert {"SegmentEvent", "StageEvent", "DoneEvent"} <= set(schema["components"]["schemas"])

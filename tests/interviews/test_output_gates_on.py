"""Output gates on a random-weight model: garbage is never spoken, the step says why."""

from tests.api.streams import read_sse
from tests.interviews.conftest import start


def test_gates_on_random_weights_fail_low_quality_output_and_speak_nothing(
    client, gpu_worker, cpu_worker
):
    # The synthetic stack turns the gates off (OUTPUT_GATES=off); on, nothing it writes passes.
    gpu_worker.restart(OUTPUT_GATES="on", OUTPUT_GATE_ATTEMPTS="2")
    started = start(client)
    job = started["job"]
    assert job["status"] == "failed"
    assert job["error"]["code"] == "low_quality_output"
    assert job["error"]["stage"] == "llm"
    assert job["timings"]["llm_regenerations"] == 1
    assert job["result"] is None
    interview = client.get(f"/v1/interviews/{started['id']}").json()
    assert interview["opening_question"] is None
    assert interview["opening_audio_artifact_id"] is None
    with client.stream("GET", f"/v1/jobs/{job['id']}/events") as response:
        events = read_sse(response)
    assert not [e for e in events if e["type"] == "audio" or e.get("stage") == "tts"]
    regenerating = [e for e in events if e.get("state") == "regenerating"]
    assert [e["generation"] for e in regenerating] == [2]

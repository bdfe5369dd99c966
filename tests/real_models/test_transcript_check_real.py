"""The transcript check on a real Whisper (base): English speech passes, and the demo's Korean
answer, which base writes as number soup, is asked again instead of being assessed."""

from pathlib import Path

import pytest

from rehearse.workers.gpu.transcript_check import unclear_reason
from tests.conftest import wait_job
from tests.interviews.conftest import ASSETS, start
from tests.jobs import submit_transcription
from tests.real_models.conftest import english_speech

pytestmark = pytest.mark.real_models

ANSWERS = [
    *(ASSETS / "sample_answers_en.txt").read_text(encoding="utf-8").splitlines(),
    "I have worked there for 3 years, since 2019, with a team of 12 people.",
]
DEMO_ANSWER = (ASSETS / "sample_answer_ko.mp3").read_bytes()


def test_english_answers_pass_the_check(client, real_gpu):
    jobs = [submit_transcription(client, english_speech(text), "en") for text in ANSWERS]
    for text, job in zip(ANSWERS, jobs, strict=True):
        done = wait_job(client, job["id"], timeout=180)
        assert done["status"] == "succeeded", done["error"]
        result = done["result"]
        print(round(min(s["avg_logprob"] for s in result["segments"]), 3), result["text"])
        assert unclear_reason(result["text"], result["segments"]) is None, (text, result)


def test_the_demo_korean_answer_is_asked_again(
    client, real_gpu, real_models, cpu_worker, stack_env
):
    # SmolLM2-135M cannot open a Korean interview (its JSON runs past the bound): the synthetic
    # LLM opens it. This test is about the answer's transcript, on the real Whisper.
    synthetic_llm = Path(stack_env["MODELS_DIR"]) / "synthetic-llama.gguf"
    real_gpu.restart(**{**real_models, "LLM_MODEL": str(synthetic_llm), "OUTPUT_GATES": "off"})
    try:
        started = start(client, max_questions=2)
        assert started["job"]["status"] == "succeeded", started["job"]["error"]
        answers = f"/v1/interviews/{started['id']}/answers"
        files = {"file": ("answer.mp3", DEMO_ANSWER, "audio/mpeg")}
        sent = client.post(answers, files=files)
        assert sent.status_code == 202, sent.text
        job = wait_job(client, sent.json()["job_id"], timeout=300)
        assert job["status"] == "failed", job["result"]
        assert job["error"]["code"] == "unclear_audio"
        # Base wrote "저는 백인들 개봐나 4, 4, 4, 6, 6, ..." here (number_run; its
        # compression_ratio, 5.45, fails it too).
        assert job["timings"]["stt_unclear_audio"] in ("number_run", "compression_ratio")
        assert client.get(f"/v1/interviews/{started['id']}").json()["turns"] == []
        again = client.post(answers, files=files)
        assert again.status_code == 202, again.text
        assert again.json()["number"] == 1
        wait_job(client, again.json()["job_id"], timeout=300)
    finally:
        real_gpu.restart(**real_models)

"""Mock interviews end to end on synthetic models: start, answer turns, history, finish."""

import io
import json

import jsonschema
import pytest
from docx import Document

from rehearse.contracts.interview_contract import FEEDBACK_SCHEMA, STORED_FEEDBACK_SCHEMA
from tests import audio
from tests.api.streams import read_sse
from tests.conftest import wait_job
from tests.interviews.answers import answer
from tests.interviews.conftest import POSTING, RESUME, start

# A new turn's feedback has every field (only older stored turns lack the STAR check's).
ASSESSMENT_SCHEMA = {
    **STORED_FEEDBACK_SCHEMA,
    "required": [k for k in FEEDBACK_SCHEMA["properties"] if k != "next_question"],
}


def test_start_with_text_asks_and_speaks_the_opening_question(client, interview):
    result = interview["job"]["result"]
    assert result["question"]
    assert audio.artifact_seconds(client, result["audio_artifact_id"]) > 0.3
    got = client.get(f"/v1/interviews/{interview['id']}").json()
    assert got["status"] == "active"
    assert got["opening_question"] == result["question"]
    assert got["turns"] == []


def pdf_bytes(text: str) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("HYSMyeongJo-Medium"))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.setFont("HYSMyeongJo-Medium", 11)
    for i, line in enumerate(text.splitlines()[:40]):
        page.drawString(40, 800 - 16 * i, line[:80])
    page.save()
    return buffer.getvalue()


def test_start_with_a_pdf_resume_and_a_docx_posting(client, gpu_worker, cpu_worker, db):
    posting = Document()
    for line in POSTING.splitlines():
        posting.add_paragraph(line)
    docx = io.BytesIO()
    posting.save(docx)
    response = client.post(
        "/v1/interviews",
        files={
            "resume": ("resume.pdf", pdf_bytes(RESUME), "application/pdf"),
            "job_posting": (
                "posting.docx",
                docx.getvalue(),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
        },
        data={"language": "ko", "max_questions": "2"},
    )
    assert response.status_code == 202, response.text
    job = wait_job(client, response.json()["job_id"], timeout=120)
    assert job["status"] == "succeeded", job["error"]
    assert audio.artifact_seconds(client, job["result"]["audio_artifact_id"]) > 0.3
    got = client.get(f"/v1/interviews/{response.json()['id']}").json()
    assert got["max_questions"] == 2 and got["opening_question"]
    # The extracted text was indexed, not a placeholder: a resume line is among the chunks.
    chunks = db.execute(
        "SELECT c.text FROM chunks c JOIN interviews i ON i.collection = c.collection"
        " WHERE i.id = %s",
        (response.json()["id"],),
    ).fetchall()
    assert any("페이먼츠랩" in c["text"] for c in chunks)
    assert any("핀테크" in c["text"] for c in chunks)


def test_an_executable_as_resume_is_415_and_stores_nothing(client, db):
    before = db.execute("SELECT count(*) AS n FROM interviews").fetchone()["n"]
    response = client.post(
        "/v1/interviews",
        files={
            "resume": ("resume.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf"),
            "job_posting": ("p.txt", POSTING.encode(), "text/plain"),
        },
    )
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_document"
    assert db.execute("SELECT count(*) AS n FROM interviews").fetchone()["n"] == before


def test_an_answer_turn_streams_every_stage_in_order(client, interview):
    accepted = answer(client, interview["id"])
    assert accepted.status_code == 202, accepted.text
    turn = accepted.json()
    assert turn["number"] == 1
    with client.stream("GET", f"/v1/jobs/{turn['job_id']}/events", timeout=120) as response:
        events = read_sse(response)

    stages = [(e["stage"], e["state"]) for e in events if e["type"] == "stage"]
    assert [s for s, state in stages if state == "started"] == ["stt", "retrieve", "llm", "tts"]
    assert all(state in ("started", "done") for _, state in stages)
    types = [e["type"] for e in events]
    position = {s: i for i, e in enumerate(events) if e["type"] == "stage" for s in [e["stage"]]}
    segments = [i for i, t in enumerate(types) if t == "segment"]
    tokens = [i for i, t in enumerate(types) if t == "token"]
    assert segments and tokens
    assert max(segments) < position["retrieve"] < min(tokens)
    assert max(tokens) < position["tts"]
    assert types[-1] == "done" and events[-1]["status"] == "succeeded"

    result = wait_job(client, turn["job_id"])["result"]
    assert result["turn_id"] == turn["turn_id"]
    jsonschema.validate(result["feedback"], ASSESSMENT_SCHEMA)
    assert result["next_question"]
    assert audio.artifact_seconds(client, result["audio_artifact_id"]) > 0.3

    history = client.get(f"/v1/interviews/{interview['id']}").json()["turns"]
    assert [t["number"] for t in history] == [1]
    assert history[0]["question"] == interview["job"]["result"]["question"]
    assert history[0]["transcript"] == result["transcript"]
    assert history[0]["feedback"] == result["feedback"]
    assert history[0]["next_question"] == result["next_question"]


def test_retrieval_uses_only_this_interviews_documents(client, interview, db):
    other = start(client, resume="다른 지원자의 이력서입니다. 데이터 엔지니어, Spark 경험.")
    assert other["job"]["status"] == "succeeded"
    job = wait_job(client, answer(client, interview["id"]).json()["job_id"])
    assert job["status"] == "succeeded", job["error"]

    retrieved = {r["document_id"] for r in job["result"]["retrieved"]}
    collection = db.execute(
        "SELECT collection FROM interviews WHERE id = %s", (interview["id"],)
    ).fetchone()["collection"]
    own = {
        str(r["id"])
        for r in db.execute("SELECT id FROM documents WHERE collection = %s", (collection,))
    }
    assert retrieved and retrieved <= own
    assert len(own) == 2  # the resume and the posting


def test_a_corrupt_answer_fails_at_stt_and_the_interview_goes_on(client, interview, db):
    bad = answer(client, interview["id"], audio.corrupt_audio(), "bad.flac")
    assert bad.status_code == 202
    failed = wait_job(client, bad.json()["job_id"])
    assert failed["status"] == "failed"
    assert failed["error"]["code"] == "invalid_audio"
    assert failed["error"]["stage"] == "stt"
    assert client.get(f"/v1/interviews/{interview['id']}").json()["turns"] == []

    good = answer(client, interview["id"])
    assert good.json()["number"] == 1
    assert wait_job(client, good.json()["job_id"])["status"] == "succeeded"
    again = answer(client, interview["id"])
    assert again.json()["number"] == 2
    second = wait_job(client, again.json()["job_id"])
    assert second["status"] == "succeeded", second["error"]
    turns = client.get(f"/v1/interviews/{interview['id']}").json()["turns"]
    assert [t["number"] for t in turns] == [1, 2]


def test_one_answer_at_a_time(client, interview):
    first = answer(client, interview["id"], audio.tone_mp3(seconds=120.0))
    assert first.status_code == 202
    second = answer(client, interview["id"])
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "turn_in_progress"
    wait_job(client, first.json()["job_id"])


def test_the_interview_names_the_turn_still_running(client, interview):
    # Long enough to be read while it runs; under 90 s, which the synthetic Whisper loops on.
    accepted = answer(client, interview["id"], audio.tone_mp3(seconds=80.0)).json()
    active = client.get(f"/v1/interviews/{interview['id']}").json()["active_job"]
    assert active["status"] in ("queued", "running")
    assert active == {**active, "id": accepted["job_id"], "kind": "interview_turn", "number": 1}
    assert wait_job(client, accepted["job_id"])["status"] == "succeeded"
    assert client.get(f"/v1/interviews/{interview['id']}").json()["active_job"] is None


def test_finish_writes_a_report_and_later_answers_are_409(client, interview):
    wait_job(client, answer(client, interview["id"]).json()["job_id"])
    finished = client.post(f"/v1/interviews/{interview['id']}/finish")
    assert finished.status_code == 202, finished.text
    report = wait_job(client, finished.json()["job_id"])
    assert report["status"] == "succeeded", report["error"]
    assert report["result"]["overall_score"] in range(1, 6)
    assert report["result"]["summary"] and report["result"]["top_improvements"]

    got = client.get(f"/v1/interviews/{interview['id']}").json()
    assert got["status"] == "finished" and got["report"]["summary"]
    late = answer(client, interview["id"])
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "interview_finished"


def test_after_max_questions_there_is_no_next_question_and_answers_are_409(
    client, gpu_worker, cpu_worker
):
    started = start(client, max_questions=1)
    job = wait_job(client, answer(client, started["id"]).json()["job_id"])
    assert job["status"] == "succeeded", job["error"]
    assert job["result"]["next_question"] is None
    assert job["result"]["audio_artifact_id"] is None
    late = answer(client, started["id"])
    assert late.status_code == 409
    assert late.json()["error"]["code"] == "max_questions_reached"


def test_another_keys_interview_is_404(client, other_client, interview):
    assert other_client.get(f"/v1/interviews/{interview['id']}").status_code == 404
    assert answer(other_client, interview["id"]).status_code == 404
    assert other_client.post(f"/v1/interviews/{interview['id']}/finish").status_code == 404


@pytest.mark.parametrize("language", ["en"])
def test_english_interview(client, gpu_worker, cpu_worker, language):
    started = start(
        client,
        language=language,
        resume="Backend engineer, five years of Python and PostgreSQL.",
        job_posting="We hire a backend engineer for payments.",
    )
    assert started["job"]["status"] == "succeeded", started["job"]["error"]
    job = wait_job(client, answer(client, started["id"]).json()["job_id"])
    assert job["status"] == "succeeded", job["error"]
    assert json.dumps(job["result"]["feedback"])

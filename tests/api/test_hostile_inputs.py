"""Hostile inputs change nothing: text PostgreSQL cannot store, unknown languages, wrong
methods and audio claiming hours all get a 4xx in the error shape before anything is stored."""

import uuid

import httpx
import pytest

from tests import audio
from tests.messages import assert_plain

NUL = "a\x00b"
ANY_ID = "00000000-0000-0000-0000-000000000001"
WAV = ("a.wav", audio.tone_wav(0.5), "audio/wav")
TEXT = ("resume.txt", b"A resume.", "text/plain")


def raw_upload(field: str, filename: str, data: bytes, **fields: str) -> dict:
    """A multipart body written by hand: httpx would percent-encode a NUL in the filename."""
    boundary = "rehearse-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
        for k, v in fields.items()
    ]
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"'
        "\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    body = "".join(parts).encode() + head.encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return {
        "content": body,
        "headers": {"Content-Type": f"multipart/form-data; boundary={boundary}"},
    }


def chat(**over):
    return {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 4, **over}


def interview(**over):
    return {"resume": "A resume.", "job_posting": "A posting.", "language": "en", **over}


# (route, request keyword arguments): one case per text field a client can send.
CASES = {
    "chat message": ("/v1/jobs/chat", {"json": chat(messages=[{"role": "user", "content": NUL}])}),
    "chat stop": ("/v1/jobs/chat", {"json": chat(stop=[NUL])}),
    "chat json_schema value": ("/v1/jobs/chat", {"json": chat(json_schema={"title": NUL})}),
    "chat json_schema key": ("/v1/jobs/chat", {"json": chat(json_schema={NUL: 1})}),
    "embed text": ("/v1/jobs/embed", {"json": {"texts": ["ok", NUL]}}),
    "speak text": ("/v1/jobs/speak", {"json": {"text": NUL}}),
    "speak voice": ("/v1/jobs/speak", {"json": {"text": "hi", "voice": NUL}}),
    "document text": ("/v1/documents", {"json": {"text": NUL}}),
    "document title": ("/v1/documents", {"json": {"text": "t", "title": NUL}}),
    "document collection": ("/v1/documents", {"json": {"text": "t", "collection": NUL}}),
    "upload title": ("/v1/documents", {"files": {"file": TEXT}, "data": {"title": NUL}}),
    "upload collection": ("/v1/documents", {"files": {"file": TEXT}, "data": {"collection": NUL}}),
    "upload filename": ("/v1/documents", raw_upload("file", NUL + ".txt", b"t")),
    "search query": ("/v1/search", {"json": {"collection": "c", "query": NUL}}),
    "search collection": ("/v1/search", {"json": {"collection": NUL, "query": "q"}}),
    "search collections": ("/v1/search", {"json": {"collection": ["c", NUL], "query": "q"}}),
    "interview resume": ("/v1/interviews", {"json": interview(resume=NUL)}),
    "interview posting": ("/v1/interviews", {"json": interview(job_posting=NUL)}),
    "interview role": ("/v1/interviews", {"json": interview(role=NUL)}),
    "interview persona": ("/v1/interviews", {"json": interview(persona=NUL)}),
    "interview form resume": ("/v1/interviews", {"data": interview(resume=NUL)}),
    "interview form role": (
        "/v1/interviews",
        {"files": {"resume": TEXT}, "data": {"job_posting": "p", "role": NUL}},
    ),
    "interview form filename": (
        "/v1/interviews",
        raw_upload("resume", NUL, b"A resume.", job_posting="p"),
    ),
    "transcribe language": (
        "/v1/jobs/transcribe",
        {"files": {"file": WAV}, "data": {"language": NUL}},
    ),
    "transcribe filename": ("/v1/jobs/transcribe", raw_upload("file", NUL, WAV[1])),
    "answer filename": (f"/v1/interviews/{ANY_ID}/answers", raw_upload("file", NUL, WAV[1])),
}


def counts(db) -> dict[str, int]:
    tables = ("jobs", "artifacts", "documents", "interviews")
    sql = ", ".join(f"(SELECT count(*) FROM {t}) AS {t}" for t in tables)
    return db.execute(f"SELECT {sql}").fetchone()


def assert_refused(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["message"]


@pytest.mark.parametrize(("path", "request_args"), CASES.values(), ids=CASES.keys())
def test_nul_in_any_text_field_is_422_and_stores_nothing(client, db, path, request_args):
    before = counts(db)
    assert_refused(client.post(path, **request_args), 422, "invalid_request")
    assert counts(db) == before


def test_nul_in_a_query_parameter_is_422(client):
    assert_refused(client.get("/v1/documents", params={"collection": NUL}), 422, "invalid_request")


@pytest.mark.parametrize(
    ("path", "body", "says"),
    [
        ("/v1/jobs/embed", b'{"texts": ["\\ud800"]}', "surrogate"),
        ("/v1/jobs/chat", b'{"messages": [{"role": "user", "content": "x\\udfff"}]}', "surrogate"),
        # This route parses with pydantic's own JSON parser, which refuses it as JSON.
        ("/v1/documents", b'{"text": "\\ud83d"}', "Invalid JSON"),
    ],
)
def test_a_lone_surrogate_is_422_and_stores_nothing(client, db, path, body, says):
    before = counts(db)
    response = client.post(path, content=body, headers={"Content-Type": "application/json"})
    assert_refused(response, 422, "invalid_request")
    assert says in response.json()["error"]["message"]
    assert counts(db) == before


def test_an_unknown_language_is_422_at_submit(client, db):
    before = counts(db)
    response = client.post("/v1/jobs/transcribe", files={"file": WAV}, data={"language": "zz"})
    assert_refused(response, 422, "invalid_request")
    assert "language" in response.json()["error"]["message"]
    assert_refused(
        client.post("/v1/interviews", json=interview(language="zz")), 422, "invalid_request"
    )
    assert counts(db) == before


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/jobs/chat"),
        ("GET", "/v1/jobs/transcribe"),
        ("DELETE", "/v1/jobs/embed"),
        ("GET", "/v1/search"),
        ("PUT", "/v1/documents"),
        ("POST", f"/v1/jobs/{ANY_ID}"),
    ],
)
def test_a_wrong_method_is_405_in_the_error_shape(client, method, path):
    response = client.request(method, path)
    assert_refused(response, 405, "method_not_allowed")
    assert response.headers["allow"]


def test_an_id_that_is_no_uuid_is_404(client):
    assert_refused(client.get("/v1/jobs/not-a-job"), 404, "not_found")
    assert_refused(client.get(f"/v1/documents/{uuid.uuid4().hex[:8]}"), 404, "not_found")


def test_audio_stating_an_hour_is_413_before_anything_is_stored(client, db):
    long_silence = audio.silence_flac(3600)  # 0.6 MB: under the upload limit, over 1800 s
    before = counts(db)
    files = {"file": ("long.flac", long_silence, "audio/flac")}
    response = client.post("/v1/jobs/transcribe", files=files)
    assert_refused(response, 413, "audio_too_long")
    answer = client.post(f"/v1/interviews/{ANY_ID}/answers", files=files)
    assert_refused(answer, 413, "audio_too_long")
    assert counts(db) == before


AUDIO_ROUTES = {
    "transcribe": ("/v1/jobs/transcribe", {}),
    "openai transcriptions": ("/v1/audio/transcriptions", {"model": "whisper-1"}),
    "interview answer": (f"/v1/interviews/{ANY_ID}/answers", {}),
}
NOT_AUDIO = {
    "text": ("answer.wav", audio.not_audio(), "audio/wav"),
    "png": ("answer.webm", b"\x89PNG\r\n\x1a\n" + bytes(300), "audio/webm"),
    "pdf": ("answer.mp3", b"%PDF-1.7\n" + b"1 0 obj << >> endobj\n" * 20, "audio/mpeg"),
    "empty": ("answer.ogg", b"", "audio/ogg"),
}


@pytest.mark.parametrize("upload", NOT_AUDIO.values(), ids=NOT_AUDIO.keys())
@pytest.mark.parametrize(("path", "form"), AUDIO_ROUTES.values(), ids=AUDIO_ROUTES.keys())
def test_a_file_that_is_not_audio_is_415_in_plain_words(client, db, path, form, upload):
    before = counts(db)
    response = client.post(path, files={"file": upload}, data=form)
    assert response.status_code == 415, response.text
    error = response.json()["error"]
    assert error["code"] == "unsupported_media_type"
    assert_plain(error["message"], "webm", "ogg/opus", "mp3", "m4a", "flac", "wav")
    assert counts(db) == before

"""Artifacts play in `<audio src>`: Range, HEAD, ETag, and a token in the query."""

import httpx
import pytest

from rehearse.storage.api_keys import owner_of
from rehearse.storage.artifact_store import put_artifact
from tests import audio

DATA = audio.tone_mp3(seconds=1.0)


@pytest.fixture(scope="module")
def artifact_id(service_urls, api_key) -> str:
    import psycopg
    from psycopg.rows import dict_row

    with psycopg.connect(service_urls[1], row_factory=dict_row) as conn:
        return str(put_artifact(conn, owner_of(conn, api_key), DATA, "audio/mpeg"))


def test_a_range_answers_206_with_those_bytes(client, artifact_id):
    response = client.get(f"/v1/artifacts/{artifact_id}", headers={"Range": "bytes=0-99"})
    assert response.status_code == 206
    assert response.content == DATA[:100]
    assert response.headers["content-range"] == f"bytes 0-99/{len(DATA)}"
    assert response.headers["content-type"] == "audio/mpeg"


def test_an_open_and_a_suffix_range(client, artifact_id):
    tail = client.get(f"/v1/artifacts/{artifact_id}", headers={"Range": "bytes=100-"})
    assert tail.status_code == 206 and tail.content == DATA[100:]
    last = client.get(f"/v1/artifacts/{artifact_id}", headers={"Range": "bytes=-10"})
    assert last.status_code == 206 and last.content == DATA[-10:]


def test_a_range_past_the_end_is_416(client, artifact_id):
    response = client.get(f"/v1/artifacts/{artifact_id}", headers={"Range": f"bytes={len(DATA)}-"})
    assert response.status_code == 416
    assert response.json()["error"]["code"] == "range_not_satisfiable"
    assert response.headers["content-range"] == f"bytes */{len(DATA)}"


def test_head_gives_the_length_and_no_body(client, artifact_id):
    response = client.head(f"/v1/artifacts/{artifact_id}")
    assert response.status_code == 200
    assert response.headers["content-length"] == str(len(DATA))
    assert response.headers["accept-ranges"] == "bytes"
    assert response.content == b""


def test_whole_body_with_etag_and_private_caching(client, artifact_id):
    response = client.get(f"/v1/artifacts/{artifact_id}")
    assert response.status_code == 200 and response.content == DATA
    assert response.headers["etag"].strip('"')
    assert response.headers["cache-control"].startswith("private")


def test_the_key_may_travel_in_the_query(api_base, api_key, artifact_id):
    url = f"{api_base}/v1/artifacts/{artifact_id}"
    assert httpx.get(url, params={"access_token": api_key}).content == DATA
    assert httpx.get(url).status_code == 401

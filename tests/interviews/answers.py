"""Answering an interview's question as the client does: one audio upload."""

import httpx

from tests import audio


def answer(
    client, interview_id: str, data: bytes | None = None, name: str = "a.mp3"
) -> httpx.Response:
    """Post `data` (3 s of tone when None) as the answer to the interview's current question."""
    data = data if data is not None else audio.tone_mp3(seconds=3.0)
    return client.post(
        f"/v1/interviews/{interview_id}/answers", files={"file": (name, data, "audio/mpeg")}
    )

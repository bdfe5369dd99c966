"""`audio.transcriptions.create` in every response format, from wav, webm/opus and mp3."""

import re

import openai
import pytest

from tests import audio

UPLOADS = {
    "wav": ("answer.wav", audio.tone_wav, "audio/wav"),
    "webm": ("answer.webm", audio.tone_webm_opus, "audio/webm"),
    "mp3": ("answer.mp3", audio.tone_mp3, "audio/mpeg"),
}
SRT_CUE = re.compile(r"^\d+\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\n", re.M)


def transcribe(oai, fmt: str = "wav", **kwargs):
    name, make, content_type = UPLOADS[fmt]
    return oai.audio.transcriptions.create(
        model="whisper-1", file=(name, make(), content_type), language="ko", **kwargs
    )


@pytest.mark.parametrize("fmt", sorted(UPLOADS))
def test_json_from_each_container(oai, gpu_worker, fmt):
    reply = transcribe(oai, fmt, temperature=0.0)
    assert isinstance(reply.text, str)


def test_verbose_json_has_segments_language_and_duration(oai, gpu_worker):
    reply = transcribe(
        oai, response_format="verbose_json", timestamp_granularities=["segment"], prompt="인터뷰"
    )
    assert reply.language == "ko"
    assert reply.duration == pytest.approx(2.0, abs=0.15)
    assert reply.segments
    for segment in reply.segments:
        assert 0 <= segment.start <= segment.end <= reply.duration
    assert reply.text == "".join(s.text for s in reply.segments).strip()


def test_text_and_srt_and_vtt_are_plain_text(oai, gpu_worker):
    text = transcribe(oai, "mp3", response_format="text")
    srt = transcribe(oai, "mp3", response_format="srt")
    vtt = transcribe(oai, "mp3", response_format="vtt")
    assert isinstance(text, str)
    assert SRT_CUE.match(srt), srt
    assert vtt.startswith("WEBVTT\n\n") and " --> " in vtt


def test_stream_sends_deltas_then_the_full_text(oai, gpu_worker):
    events = list(transcribe(oai, "webm", stream=True))
    assert [e.type for e in events[:-1]] == ["transcript.text.delta"] * (len(events) - 1)
    assert events[-1].type == "transcript.text.done"
    assert "".join(e.delta for e in events[:-1]).strip() == events[-1].text


@pytest.mark.parametrize(
    ("granularities", "has_segments", "has_words"),
    [(["word"], False, True), (["word", "segment"], True, True), (["segment"], True, False)],
)
def test_word_and_segment_granularities(oai, gpu_worker, granularities, has_segments, has_words):
    reply = transcribe(oai, response_format="verbose_json", timestamp_granularities=granularities)
    assert (reply.segments is not None) == has_segments
    assert (reply.words is not None) == has_words
    for word in reply.words or []:
        assert 0 <= word.start <= word.end <= reply.duration
        assert word.word == word.word.strip()


def test_an_unknown_granularity_and_model_are_refused(oai):
    with pytest.raises(openai.BadRequestError) as caught:
        transcribe(oai, timestamp_granularities=["syllable"])
    assert caught.value.param.startswith("timestamp_granularities")
    with pytest.raises(openai.NotFoundError):
        oai.audio.transcriptions.create(model="nope", file=("a.wav", audio.tone_wav()))


def test_not_audio_is_a_bad_request(oai):
    with pytest.raises(openai.APIStatusError) as caught:
        oai.audio.transcriptions.create(model="whisper-1", file=("a.wav", audio.not_audio()))
    assert caught.value.status_code == 415
    assert caught.value.code == "unsupported_media_type"

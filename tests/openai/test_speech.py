"""`audio.speech.create` answers audio of the requested format that PyAV decodes."""

import io

import av
import openai
import pytest

FORMATS = {"mp3": "mp3", "opus": "ogg", "aac": "aac", "flac": "flac", "wav": "wav"}


def duration(data: bytes) -> float:
    with av.open(io.BytesIO(data)) as container:
        frames = list(container.decode(audio=0))
        return sum(f.samples for f in frames) / frames[0].sample_rate


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_each_format_decodes_with_a_duration(oai, gpu_worker, fmt):
    reply = oai.audio.speech.create(
        model="tts-1", voice="alloy", input="Tell me about a project.", response_format=fmt
    )
    with av.open(io.BytesIO(reply.content)) as container:
        assert FORMATS[fmt] in container.format.name
    assert duration(reply.content) > 0


def test_pcm_is_raw_24khz_16bit(oai, gpu_worker):
    reply = oai.audio.speech.create(
        model="tts-1-hd", voice="nova", input="Hello there.", response_format="pcm"
    )
    assert len(reply.content) % 2 == 0 and len(reply.content) / 2 / 24000 > 0.1


def test_speed_shortens_the_audio(oai, gpu_worker):
    text = "자기소개를 해 주세요. 가장 어려웠던 프로젝트는 무엇이었나요?"
    normal = oai.audio.speech.create(
        model="tts-1", voice="alloy", input=text, response_format="wav"
    )
    fast = oai.audio.speech.create(
        model="tts-1", voice="alloy", input=text, response_format="wav", speed=2.0
    )
    assert duration(fast.content) == pytest.approx(duration(normal.content) / 2, rel=0.1)


def test_unknown_voice_is_a_bad_request(oai):
    with pytest.raises(openai.BadRequestError) as caught:
        oai.audio.speech.create(model="tts-1", voice="robot", input="hi")
    assert caught.value.code == "unsupported_voice" and caught.value.param == "voice"

"""Speech engine: edge-tts fails for real without network, espeak-ng speaks instead."""

import asyncio
import io
import re
import socket
import statistics
import time
from collections.abc import AsyncIterator

import av
import numpy as np
import pytest

from rehearse.base.errors import JobCanceled, JobError
from rehearse.contracts.jobs import SpeakParams
from rehearse.engines import audio_encode, edge, espeak
from rehearse.engines.base import RunContext
from rehearse.engines.speech import SpeechEngine, split_text

KO = "안녕하세요. 자기소개를 부탁드립니다."
EN = "Hello. Could you please introduce yourself?"
LONG_KO = " ".join(
    f"{i}번 질문입니다. 최근 프로젝트에서 가장 어려웠던 문제는 무엇이었나요? 어떻게 해결했습니까!"
    for i in range(60)
)


@pytest.fixture(scope="module")
def edge_online() -> bool:
    """Whether edge-tts answers here; CI has no network, so normally False."""
    try:
        edge.synthesize("test", "en-US-AriaNeural", 5.0)
    except edge.EdgeUnavailable:
        return False
    return True


def pyav_duration(data: bytes) -> float:
    with av.open(io.BytesIO(data)) as container:
        frames = list(container.decode(audio=0))
    return sum(f.samples for f in frames) / frames[0].sample_rate


@pytest.mark.parametrize("fmt", ["mp3", "wav"])
@pytest.mark.parametrize(("text", "voice"), [(KO, None), (EN, "en-US-AriaNeural")])
def test_speaks_offline_with_espeak(
    text: str, voice: str | None, fmt: str, edge_online: bool
) -> None:
    engine = SpeechEngine(edge_timeout_s=5.0)
    engine.load()
    result = engine.run(SpeakParams(text=text, voice=voice, format=fmt), RunContext())
    assert result["format"] == fmt
    assert result["content_type"] == {"mp3": "audio/mpeg", "wav": "audio/wav"}[fmt]
    if edge_online:
        assert result["engine"] == "edge-tts"
    else:
        assert result["engine"] == "espeak-ng"
        assert result["fallback_reason"]
        assert result["voice"] == ("en" if voice else "ko")
    decoded = pyav_duration(result["audio"])
    assert decoded > 0.3
    assert abs(decoded - result["duration"]) < 0.1


def test_long_text_reports_progress_and_tries_edge_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = edge.synthesize

    def counting(text: str, voice: str, timeout_s: float = 10.0) -> bytes:
        calls.append(text)
        return real(text, voice, timeout_s)

    monkeypatch.setattr(edge, "synthesize", counting)
    events: list[dict] = []
    ctx = RunContext(emit=lambda type_, **fields: events.append({"type": type_, **fields}))
    assert len(LONG_KO) > 2500
    result = SpeechEngine(edge_timeout_s=5.0).run(SpeakParams(text=LONG_KO, format="wav"), ctx)
    progress = [e for e in events if e["type"] == "progress"]
    total = progress[0]["total"]
    assert total >= 5
    assert [e["done"] for e in progress] == list(range(1, total + 1))
    assert {e["total"] for e in progress} == {total}
    if result["engine"] == "espeak-ng":
        assert len(calls) == 1  # edge is not retried per piece once it failed
    assert abs(pyav_duration(result["audio"]) - result["duration"]) < 0.1


@pytest.mark.parametrize("text", ["   ", "\n\t \n"])
def test_blank_text_is_invalid(text: str) -> None:
    with pytest.raises(JobError) as info:
        SpeechEngine().run(SpeakParams(text=text), RunContext())
    assert info.value.code == "invalid_text"


def test_cancel_between_pieces() -> None:
    events: list[dict] = []
    ctx = RunContext(
        emit=lambda type_, **fields: events.append(fields),
        is_canceled=lambda: len(events) >= 2,
    )
    with pytest.raises(JobCanceled):
        SpeechEngine(edge_enabled=False).run(SpeakParams(text=LONG_KO), ctx)
    assert [e["done"] for e in events] == [1, 2]


def test_edge_unavailable_quickly_offline(edge_online: bool) -> None:
    if edge_online:
        pytest.skip("edge-tts is reachable here")
    start = time.perf_counter()
    with pytest.raises(edge.EdgeUnavailable) as info:
        edge.synthesize(KO, "ko-KR-SunHiNeural", timeout_s=10.0)
    assert time.perf_counter() - start < 15
    assert info.value.reason
    with pytest.raises(edge.EdgeUnavailable, match="voice"):
        edge.synthesize("hello", "not a voice", timeout_s=5.0)


def test_edge_stall_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """A connection that never answers ends at the total timeout, even inside an event loop."""
    import edge_tts

    class Stalled:
        def __init__(self, *_a: object, **_k: object) -> None: ...

        async def stream(self) -> AsyncIterator[dict]:
            await asyncio.sleep(3600)
            yield {}

    monkeypatch.setattr(edge_tts, "Communicate", Stalled)
    start = time.perf_counter()
    with pytest.raises(edge.EdgeUnavailable, match="timed out"):
        edge.synthesize("hello", "en-US-AriaNeural", timeout_s=0.3)

    async def from_a_loop() -> bytes:
        return edge.synthesize("hello", "en-US-AriaNeural", timeout_s=0.3)

    with pytest.raises(edge.EdgeUnavailable, match="timed out"):
        asyncio.run(from_a_loop())
    assert time.perf_counter() - start < 3


def test_edge_hung_dns_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """aiohttp resolves in a thread; a lookup that hangs must not hold the call past its timeout."""
    real = socket.getaddrinfo

    def slow(*args: object, **kwargs: object) -> object:
        time.sleep(3)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", slow)
    start = time.perf_counter()
    with pytest.raises(edge.EdgeUnavailable, match="timed out"):
        edge.synthesize("hello", "en-US-AriaNeural", timeout_s=0.3)
    assert time.perf_counter() - start < 2


def test_edge_success_and_late_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    """Edge answering is used as is; a failure after the first piece redoes it all in espeak."""
    tone = (np.sin(np.arange(24000) / 10) * 8000).astype(np.int16)
    mp3 = audio_encode.encode(tone, 24000, "mp3")
    monkeypatch.setattr(edge, "synthesize", lambda *a, **k: mp3)
    ok = SpeechEngine().run(SpeakParams(text=KO, format="mp3"), RunContext())
    assert (ok["engine"], ok["fallback_reason"], ok["audio"]) == ("edge-tts", None, mp3)
    assert ok["voice"] == "ko-KR-SunHiNeural"
    answers = iter([mp3])

    def flaky(*_a: object, **_k: object) -> bytes:
        if next(answers, None) is None:
            raise edge.EdgeUnavailable("HTTP 403 WSServerHandshakeError")
        return mp3

    monkeypatch.setattr(edge, "synthesize", flaky)
    late = SpeechEngine().run(SpeakParams(text=LONG_KO, format="wav"), RunContext())
    assert late["engine"] == "espeak-ng"
    assert "403" in late["fallback_reason"]
    assert abs(pyav_duration(late["audio"]) - late["duration"]) < 0.1


def test_split_text() -> None:
    pieces = split_text("첫 문장입니다。둘째？셋째! Version 3.5 works.\n" + "가나다 " * 300, 100)
    assert all(0 < len(p) <= 100 for p in pieces)
    # Sentences are packed back together with a space; "3.5" is not a sentence end.
    assert pieces[0] == "첫 문장입니다。 둘째？ 셋째! Version 3.5 works."
    assert split_text("가" * 250, 100) == ["가" * 100, "가" * 100, "가" * 50]
    assert split_text("... !!!") == []


def test_espeak_sentence_time() -> None:
    espeak.initialize()
    sentences = re.split(r"(?<=[.?!]) ", LONG_KO)[:30]
    times = []
    for sentence in sentences:
        start = time.perf_counter()
        pcm, rate = espeak.synthesize(sentence, "ko")
        times.append(time.perf_counter() - start)
        assert rate == 22050 and pcm.dtype == np.int16 and pcm.size > rate // 2
    median = statistics.median(times)
    print(f"espeak-ng: median {median * 1000:.1f} ms per sentence over {len(times)}")
    assert median < 0.5


def test_an_edge_outage_is_said_once_with_the_voice_that_speaks(
    edge_online: bool, caplog: pytest.LogCaptureFixture
) -> None:
    if edge_online:
        pytest.skip("edge-tts answers here: no outage to report")
    engine = SpeechEngine(edge_timeout_s=5.0)
    engine.load()
    with caplog.at_level("DEBUG", logger="rehearse.engines.speech"):
        for text in (EN, EN, KO):
            assert engine.run(SpeakParams(text=text), RunContext())["engine"] == "espeak-ng"
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1, [r.getMessage() for r in caplog.records]
    assert "espeak-ng's en voice" in warnings[0].getMessage()

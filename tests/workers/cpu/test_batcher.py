"""EncodeGate: jobs on threads share one encode call, each gets its own slice, none hangs."""

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from rehearse.workers.cpu.batcher import EncodeGate


class Recorder:
    """A fake encode: each text becomes `{"text": text}`; calls are counted."""

    def __init__(self, fail: bool = False) -> None:
        self.calls: list[list[str]] = []
        self.fail = fail
        self.lock = threading.Lock()

    def __call__(self, texts: list[str]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        with self.lock:
            self.calls.append(texts)
        if self.fail:
            raise RuntimeError("model exploded")
        return [{"text": t} for t in texts], {"batch_size": len(texts)}


def run_jobs(gate: EncodeGate, jobs: list[list[str] | None]) -> list[Any]:
    """Each job on a thread: None leaves without encoding, as an already-finished job does."""

    def one(texts: list[str] | None) -> Any:
        with gate.participant() as place:
            if texts is None:
                return None
            try:
                return place.encode(texts)
            except RuntimeError as exc:
                return exc

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(one, jobs))


def test_jobs_share_one_call_and_get_their_own_texts() -> None:
    encode = Recorder()
    jobs = [["a"], ["b", "c"], ["d"]]
    results = run_jobs(EncodeGate(encode, len(jobs)), jobs)
    assert len(encode.calls) == 1
    assert sorted(encode.calls[0]) == ["a", "b", "c", "d"]
    for texts, (vectors, stats) in zip(jobs, results, strict=True):
        assert [v["text"] for v in vectors] == texts
        assert stats == {"batch_size": 4, "batch_jobs": 3}


def test_a_job_that_leaves_does_not_hold_the_others() -> None:
    encode = Recorder()
    results = run_jobs(EncodeGate(encode, 3), [["a"], None, ["b"]])
    assert len(encode.calls) == 1
    assert results[1] is None
    assert [v["text"] for v in results[2][0]] == ["b"]


def test_an_encode_error_reaches_every_job() -> None:
    results = run_jobs(EncodeGate(Recorder(fail=True), 2), [["a"], ["b"]])
    assert all(isinstance(r, RuntimeError) for r in results)


def test_a_participant_encodes_once() -> None:
    gate = EncodeGate(Recorder(), 1)
    with gate.participant() as place:
        place.encode(["a"])
        with pytest.raises(RuntimeError):
            place.encode(["b"])

"""Micro-batching of embed jobs: Celery hands over several messages, one encode call serves them.

Two halves. In the worker's main process, `EmbedBatches` (celery-batches) buffers embed
messages and flushes them to a pool process every EMBED_BATCH_WAIT_MS or at EMBED_BATCH_SIZE
messages, so a lone job waits at most that long. In the pool process, each job of the batch
runs its own JobRunner lifecycle on a thread, and `EncodeGate` joins their texts into one
`encode` call: claimed once, finished once, each with its own result.
"""

import threading
import time
from collections.abc import Callable
from typing import Any

from celery_batches import Batches
from vine import promise

EncodeFn = Callable[[list[str]], tuple[list[dict[str, Any]], dict[str, Any]]]
"""`encode(texts) -> (one embedding per text, stats shared by the jobs of the call)`."""

GATHER_TIMEOUT_S = 2.0  # a job slow to reach the gate (database stall) gets its own call


class EmbedBatches(Batches):
    """celery-batches whose buffered messages do not use up the worker's prefetch window.

    A buffered message is unacknowledged (acks_late), and with prefetch multiplier 1 the
    worker fetches nothing more until it is acknowledged: every batch would hold one job.
    Each embed message held here widens the window by one until it is acknowledged, up to
    two batches per pool process (one running, the next filling), so other tasks on the
    queue keep prefetch 1 and no worker hoards embed messages others could run.
    """

    def Strategy(self, task: Any, app: Any, consumer: Any) -> Callable[..., None]:
        """Wrap celery-batches' message handler to widen and narrow the window."""
        handle = super().Strategy(task, app, consumer)
        limit = 2 * self.flush_every * max(1, getattr(consumer.pool, "num_processes", 1) or 1)
        lock, held = threading.Lock(), [0]
        # `consumer.qos` is looked up per message: it does not exist yet when this runs.

        def release() -> None:
            with lock:
                held[0] -= 1
            consumer.qos.decrement_eventually()

        def on_message(
            message: Any, body: Any, ack: promise, reject: promise, *a: Any, **kw: Any
        ) -> None:
            with lock:
                widen = held[0] < limit
                held[0] += widen
            if widen:
                consumer.qos.increment_eventually()
                ack, reject = _after(ack, release), _after(reject, release)
            handle(message, body, ack, reject, *a, **kw)

        return on_message


def _after(settle: promise, release: Callable[[], None]) -> Callable[..., Any]:
    """`settle` (ack or reject) that first gives back the window room its message held."""
    done = [False]

    def settle_and_release(*args: Any, **kwargs: Any) -> Any:
        if not done[0]:
            done[0] = True
            release()
        return settle(*args, **kwargs)

    return settle_and_release


class EncodeGate:
    """Lets `expected` jobs on threads share one encode call; the last to arrive runs it."""

    def __init__(self, encode: EncodeFn, expected: int) -> None:
        self._encode = encode
        self._missing = expected  # jobs that have neither submitted texts nor left
        self._cond = threading.Condition()
        self._round: dict[str, Any] = {"texts": [], "out": None}

    def participant(self) -> "Participant":
        """One job's handle: `encode(texts)` once, or nothing; close it when the job ends."""
        return Participant(self)

    def _submit(self, texts: list[str]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        with self._cond:
            rnd = self._round
            slot = len(rnd["texts"])
            rnd["texts"].append(texts)
            self._missing -= 1
            deadline = time.monotonic() + GATHER_TIMEOUT_S
            while rnd["out"] is None:
                if self._missing <= 0 or time.monotonic() >= deadline:
                    self._run(rnd)
                else:
                    self._cond.wait(deadline - time.monotonic())
        if isinstance(rnd["out"], BaseException):
            raise rnd["out"]
        vectors, stats = rnd["out"]
        start = sum(len(t) for t in rnd["texts"][:slot])
        return vectors[start : start + len(texts)], {**stats, "batch_jobs": len(rnd["texts"])}

    def _leave(self) -> None:
        with self._cond:
            self._missing -= 1
            self._cond.notify_all()

    def _run(self, rnd: dict[str, Any]) -> None:
        """Encode the round's texts (lock held: the others are waiting for exactly this)."""
        self._round = {"texts": [], "out": None}  # late arrivals form the next round
        try:
            rnd["out"] = self._encode([t for texts in rnd["texts"] for t in texts])
        except BaseException as exc:  # every waiter must wake, with the same error
            rnd["out"] = exc
        self._cond.notify_all()


class Participant:
    """A job's place in an `EncodeGate`; leaving without encoding lets the others go on."""

    def __init__(self, gate: EncodeGate) -> None:
        self._gate, self._done = gate, False

    def encode(self, texts: list[str]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """Embeddings of `texts` from the shared call, and that call's stats."""
        if self._done:
            raise RuntimeError("a participant encodes once")
        self._done = True
        return self._gate._submit(list(texts))

    def __enter__(self) -> "Participant":
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._done:
            self._done = True
            self._gate._leave()

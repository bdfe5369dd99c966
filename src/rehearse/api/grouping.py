"""Group commit: calls that arrive while a batch runs go together in the next batch."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

Outcome = R | BaseException
"""A batch answers each call with its result, or the exception that call raises."""


class Grouped(Generic[T, R]):
    """Run `run(items)` for batches of concurrent `call(item)`s, one batch at a time.

    A lone call runs at once (no added wait at low load); under load each batch takes every
    call that arrived while the one before it ran, so one round trip serves many requests.
    """

    def __init__(self, run: Callable[[list[T]], Awaitable[list[Outcome]]], max_size: int) -> None:
        self._run, self._max = run, max_size
        self._pending: list[tuple[T, asyncio.Future]] = []
        self._drainer: asyncio.Task | None = None

    async def call(self, item: T) -> R:
        future = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._drainer is None:
            self._drainer = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self._pending:
                batch, self._pending = self._pending[: self._max], self._pending[self._max :]
                try:
                    outcomes = await self._run([item for item, _ in batch])
                    if len(outcomes) != len(batch):  # never leave a caller waiting
                        raise RuntimeError(f"{len(outcomes)} outcomes for {len(batch)} calls")
                except Exception as exc:  # the whole batch failed: each caller raises it
                    outcomes = [exc] * len(batch)
                for (_, future), outcome in zip(batch, outcomes, strict=True):
                    if future.done():  # its caller went away (a client disconnect)
                        continue
                    if isinstance(outcome, BaseException):
                        future.set_exception(outcome)
                    else:
                        future.set_result(outcome)
        finally:
            self._drainer = None

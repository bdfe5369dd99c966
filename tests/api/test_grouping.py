"""Group commit: concurrent calls share a batch; each gets its own outcome."""

import asyncio

import pytest

from rehearse.api.grouping import Grouped


def test_calls_arriving_during_a_batch_share_the_next_one():
    batches: list[list[int]] = []

    async def run(items: list[int]) -> list:
        batches.append(items)
        await asyncio.sleep(0.01)
        return [ValueError(i) if i == 3 else i * 10 for i in items]

    async def main() -> list:
        grouped = Grouped(run, max_size=10)
        lone = asyncio.ensure_future(grouped.call(0))
        await asyncio.sleep(0.001)  # its batch is running now
        calls = [grouped.call(i) for i in range(1, 5)]
        return await asyncio.gather(lone, *calls, return_exceptions=True)

    outcomes = asyncio.run(main())

    assert batches == [[0], [1, 2, 3, 4]]  # a lone call goes at once; the rest wait for it
    assert outcomes[:3] == [0, 10, 20] and outcomes[4] == 40
    assert isinstance(outcomes[3], ValueError)


def test_a_failed_batch_fails_each_of_its_calls_and_the_next_batch_runs():
    async def run(items: list[str]) -> list:
        if "bad" in items:
            raise ConnectionError("down")
        return items

    async def main() -> tuple:
        grouped = Grouped(run, max_size=2)
        first = await asyncio.gather(grouped.call("bad"), return_exceptions=True)
        return first, await grouped.call("good")

    first, second = asyncio.run(main())

    assert isinstance(first[0], ConnectionError) and second == "good"


def test_a_batch_is_at_most_max_size():
    sizes: list[int] = []

    async def run(items: list[int]) -> list:
        sizes.append(len(items))
        await asyncio.sleep(0)
        return items

    async def main() -> list:
        grouped = Grouped(run, max_size=3)
        return await asyncio.gather(*(grouped.call(i) for i in range(8)))

    assert asyncio.run(main()) == list(range(8))
    assert max(sizes) <= 3 and sum(sizes) == 8


@pytest.mark.parametrize("returned", [[], [1, 2]])
def test_a_wrong_number_of_outcomes_fails_the_calls(returned):
    async def run(items: list[int]) -> list:
        return returned

    async def main() -> list:
        return await asyncio.gather(Grouped(run, 5).call(1), return_exceptions=True)

    assert isinstance(asyncio.run(main())[0], RuntimeError)

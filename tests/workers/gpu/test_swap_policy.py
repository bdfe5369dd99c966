"""The swap rule alone: stay on runnable models, swap when idle there or past the bound."""

from rehearse.workers.gpu.swap_policy import Waiting, choose

W, L, S = "gpu.whisper", "gpu.llm", "gpu.speech"
ALL = sorted([W, L, S])


def state(**waits: tuple[int, float]) -> dict[str, Waiting]:
    names = {"w": W, "l": L, "s": S}
    found = {names[k]: Waiting(*v) for k, v in waits.items()}
    return {q: found.get(q, Waiting(0, 0.0)) for q in ALL}


def test_idle_listens_everywhere():
    assert choose(state(), {W}, 10) == ALL


def test_stays_on_the_loaded_model_while_its_jobs_wait():
    assert choose(state(w=(5, 3.0), l=(5, 4.0)), {W, S}, 10) == [W]


def test_swaps_to_the_oldest_when_nothing_runnable_waits():
    assert choose(state(l=(2, 1.0), s=(0, 0)), {W, S}, 10) == [L]


def test_a_job_past_the_bound_goes_next():
    assert choose(state(w=(30, 40.0), l=(1, 10.5)), {W, S}, 10) == [L]


def test_off_takes_every_queue_in_turn():
    assert choose(state(w=(5, 3.0), l=(5, 4.0)), {W}, 0) == ALL


def test_a_swap_goes_to_the_most_urgent_class_before_the_oldest():
    waiting = {W: Waiting(0, 0.0), L: Waiting(3, 8.0, level=5), S: Waiting(1, 2.0, level=0)}
    assert choose(waiting, {W}, 10) == [S]


def test_the_bound_still_wins_over_a_more_urgent_class():
    waiting = {W: Waiting(0, 0.0), L: Waiting(3, 12.0, level=5), S: Waiting(1, 2.0, level=0)}
    assert choose(waiting, {W}, 10) == [L]

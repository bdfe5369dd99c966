"""Priority classes: each kind's class, and the level a job is sent at within its class's band."""

from rehearse.contracts.job_kinds import TABLE
from rehearse.contracts.priority import (
    AGED_LEVEL,
    BANDS,
    LEVELS,
    PriorityClass,
    class_of_kind,
    class_of_level,
    level,
)


def test_people_waiting_decide_the_class_of_each_kind():
    classes = {kind: class_of_kind(kind) for kind in TABLE}
    assert classes["interview_start"] == classes["interview_turn"] == PriorityClass.live
    assert classes["interview_report"] == classes["ingest"] == PriorityClass.batch
    assert {classes[k] for k in ("chat", "transcribe", "speak", "embed")} == {"interactive"}


def test_an_owner_s_first_waiting_job_is_at_the_top_of_its_band_and_a_flood_sinks():
    assert [level("interactive", ahead) for ahead in range(6)] == [2, 3, 4, 5, 5, 5]
    assert [level("batch", ahead) for ahead in range(6)] == [6, 7, 8, 9, 9, 9]
    assert {level("live", ahead) for ahead in range(5)} == {1}


def test_aged_jobs_come_first_then_each_class_and_priorities_off_is_one_level():
    live, interactive, batch = (BANDS[c] for c in ("live", "interactive", "batch"))
    assert AGED_LEVEL < live[0] <= live[1] < interactive[0] <= interactive[1] < batch[0]
    assert [class_of_level(at) for at in LEVELS].count(None) == 1  # the aged level
    assert {level(c, 3, enabled=False) for c in PriorityClass} == {AGED_LEVEL}

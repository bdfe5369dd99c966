"""Every Redis key the project writes, in one place."""

from uuid import UUID

PREFIX = "rehearse"


def events_stream(job_id: UUID | str) -> str:
    return f"{PREFIX}:events:{job_id}"


def cancel_flag(job_id: UUID | str) -> str:
    return f"{PREFIX}:cancel:{job_id}"


def worker_presence(name: str) -> str:
    return f"{PREFIX}:worker:{name}"

"""Every Redis key the project writes, in one place."""

from uuid import UUID

PREFIX = "rehearse"


def events_stream(job_id: UUID | str) -> str:
    return f"{PREFIX}:events:{job_id}"


def cancel_flag(job_id: UUID | str) -> str:
    return f"{PREFIX}:cancel:{job_id}"


def worker_presence(name: str) -> str:
    return f"{PREFIX}:worker:{name}"


def job_lease(job_id: UUID | str) -> str:
    return f"{PREFIX}:lease:{job_id}"


def suspects() -> str:
    """Hash of job id -> when the reconciler first found it neither queued nor leased."""
    return f"{PREFIX}:reconcile:suspects"


def reconcile_lock() -> str:
    return f"{PREFIX}:reconcile:lock"


def worker_boot_loaded(boot_id: str) -> str:
    """Set of the pids of one worker start whose models loaded."""
    return f"{PREFIX}:boot:{boot_id}:loaded"


def worker_boot_errors(boot_id: str) -> str:
    """Hash pid -> reason of one worker start's processes whose models failed to load."""
    return f"{PREFIX}:boot:{boot_id}:errors"


def housekeeping_lock() -> str:
    """Held for one housekeeping interval by the worker that ran the last pass."""
    return f"{PREFIX}:housekeeping:lock"

"""The gpu worker loads its pinned models (PINNED_MODELS) at start, before it is ready.

Its solo pool sends `worker_process_init` in the worker's own process while the worker is
being built, before it consumes anything. Unpinned models still load on a job's demand: the
residency manager may evict them, so loading them here would buy nothing.
"""

import logging
from typing import Any

from celery.signals import worker_process_init

from common import worker_boot
from common.errors import JobError
from common.settings import get_settings
from common.task_names import GPU_QUEUE
from engines.catalog import pinned_names

log = logging.getLogger(__name__)


def load_pinned(**_: Any) -> None:
    """Load every pinned model; report to the presence beat either way."""
    # A cpu worker that runs TTS (TTS_QUEUE=cpu) imports the gpu tasks but loads nothing here.
    if not worker_boot.consumes(GPU_QUEUE):
        return
    from gpu_worker.tasks import residency  # the worker's one manager, which jobs use after

    names = pinned_names(get_settings())
    try:
        usages = residency().preload(names)
    except Exception as exc:  # an import error, missing files, a budget too small: all reported
        reason = exc.message if isinstance(exc, JobError) else f"{type(exc).__name__}: {exc}"
        failure = f"pinned models {', '.join(names)} failed to load: {reason[:500]}"
        log.error("this worker cannot serve its pinned models: %s", failure)
        worker_boot.report(failure)
        return
    for usage in usages:
        log.info("pinned model %s loaded in %d ms", usage.model, usage.load_ms)
    worker_boot.report()


worker_process_init.connect(load_pinned, weak=False, dispatch_uid="rehearse-gpu-load-pinned")

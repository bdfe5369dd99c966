"""The gpu worker's start: its context (one residency manager) and its pinned models, loaded.

Included by `rehearse worker gpu` (Celery's `--include`). Its solo pool sends
`worker_process_init` in the worker's own process while the worker is being built, before it
consumes anything. A step handler that cannot be loaded fails the start before any model loads.
Unpinned models still load on a job's demand: the residency manager may evict them, so loading
them here would buy nothing.
"""

import logging
from typing import Any

from celery.signals import worker_process_init

from rehearse.base.errors import JobError
from rehearse.base.settings import get_settings
from rehearse.contracts.job_kinds import GPU_QUEUE, LLM, SPEECH, WHISPER, steps_run_by
from rehearse.engines.catalog import build_residency, pinned_names
from rehearse.fleet.recovery import connect_recovery
from rehearse.runtime import worker_boot, worker_context
from rehearse.runtime.celery_app import celery_app
from rehearse.workers.gpu.scheduling import connect_scheduling
from rehearse.workers.gpu.whisper_languages import announce

log = logging.getLogger(__name__)


def start(**_: Any) -> None:
    """Build this process's context (its step handlers loaded), then load every pinned model;
    report either way."""
    settings = get_settings()
    announce(settings)  # the api then refuses languages this worker's Whisper cannot transcribe
    residency = build_residency(settings, [WHISPER, LLM, SPEECH])
    failure = worker_context.start(settings, residency, steps_run_by(GPU_QUEUE, settings.tts_queue))
    if failure:
        log.error("this worker cannot run its steps: %s", failure)
        worker_boot.report(failure)
        return
    names = pinned_names(settings)
    try:
        usages = residency.preload(names)
    except Exception as exc:  # an import error, missing files, a budget too small: all reported
        reason = exc.message if isinstance(exc, JobError) else f"{type(exc).__name__}: {exc}"
        failure = f"pinned models {', '.join(names)} failed to load: {reason[:500]}"
        log.error("this worker cannot serve its pinned models: %s", failure)
        worker_boot.report(failure)
        return
    for usage in usages:
        log.info("pinned model %s loaded in %d ms", usage.model, usage.load_ms)
    worker_boot.report()


worker_process_init.connect(start, weak=False, dispatch_uid="rehearse-gpu-start")
connect_recovery(celery_app)
connect_scheduling()

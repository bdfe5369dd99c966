"""Each cpu pool process builds its context and loads BGE-M3 when it starts, before any work.

Included by `rehearse worker cpu` (Celery's `--include`). Celery's parent writes a job to a
child only after the child's `worker_process_init` returned (its WORKER_UP message), so a job
never waits on a load; the presence beat counts the children that loaded before it calls the
worker ready (see `rehearse.runtime.worker_boot`).
"""

import logging
import time
from typing import Any

from celery.signals import worker_process_init

from rehearse.base.settings import get_settings
from rehearse.contracts.job_kinds import CPU_QUEUE, steps_run_by
from rehearse.delivery.measure import warm_up
from rehearse.fleet.recovery import connect_recovery
from rehearse.runtime import worker_boot, worker_context
from rehearse.runtime.celery_app import celery_app
from rehearse.storage.db import get_pool
from rehearse.workers.cpu.models import CpuEngines

log = logging.getLogger(__name__)


def _hush_libraries() -> None:
    """FlagEmbedding's INFO on every load, transformers' tokenizer advice: noise in each process."""
    logging.getLogger("FlagEmbedding").setLevel(logging.WARNING)
    try:
        from transformers.utils import logging as transformers_logging
    except ImportError:  # the load below reports it
        return
    transformers_logging.set_verbosity_error()


def start(**_: Any) -> None:
    """In a fresh pool process (after the fork: torch state must not cross it): load the step
    handlers, then the model; report."""
    settings = get_settings()
    _hush_libraries()
    engines = CpuEngines(settings)
    failure = worker_context.start(settings, engines, steps_run_by(CPU_QUEUE, settings.tts_queue))
    if failure:
        log.error("this process cannot run its steps: %s", failure)
        worker_boot.report(failure)
        return
    started = time.perf_counter()
    failure = engines.preload()
    if failure:
        log.error("this process cannot embed: %s", failure)
    else:
        # Most of it is importing torch and FlagEmbedding, which the engine's load_ms leaves out.
        # Named as configured: the tiny and synthetic profiles embed with random weights.
        took = time.perf_counter() - started
        log.info("embedding model %s ready in %.1f s", settings.embed_model, took)
    if settings.delivery and not failure:
        # Before ready, as the model's load: librosa's compiled code takes seconds to load (~30 s
        # to compile the first time after an install). Done in the background it took the CPU
        # from the first jobs after ready (an embed ran 17x slower than the next).
        warm_up()
    _open_database()
    worker_boot.report(failure)


def _open_database() -> None:
    """Open this process's connection pool now, so the first job does not wait on a connect."""
    try:
        get_pool().wait(timeout=10)
    except Exception:  # jobs connect on demand and report an outage themselves
        log.warning("could not reach PostgreSQL at start", exc_info=True)


worker_process_init.connect(start, weak=False, dispatch_uid="rehearse-cpu-start")
connect_recovery(celery_app)

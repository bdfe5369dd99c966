"""Celery tasks of the cpu queue."""

from common.celery_app import celery_app
from common.recovery import connect_recovery
from common.settings import get_settings
from common.task_names import CPU_QUEUE

connect_recovery(celery_app)

if get_settings().tts_queue == CPU_QUEUE:
    import gpu_worker.tasks  # noqa: F401  TTS needs no GPU: operators may run it here

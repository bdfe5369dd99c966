"""Celery task names and queues: the api sends by name and never imports worker code."""

GPU_QUEUE = "gpu"
CPU_QUEUE = "cpu"
QUEUES = (GPU_QUEUE, CPU_QUEUE)

TRANSCRIBE = "rehearse.gpu.transcribe"
CHAT = "rehearse.gpu.chat"
SPEAK = "rehearse.tts.speak"
EMBED = "rehearse.cpu.embed"
INGEST = "rehearse.cpu.ingest"
EMBED_QUERY = "rehearse.cpu.embed_query"
INTERVIEW_INGEST = "rehearse.cpu.interview_ingest"
INTERVIEW_OPEN = "rehearse.gpu.interview_open"
INTERVIEW_STT = "rehearse.gpu.interview_stt"
INTERVIEW_RETRIEVE = "rehearse.cpu.interview_retrieve"
INTERVIEW_FEEDBACK = "rehearse.gpu.interview_feedback"
INTERVIEW_SPEAK = "rehearse.tts.interview_speak"
INTERVIEW_REPORT = "rehearse.gpu.interview_report"


def queue_for(task_name: str, tts_queue: str = GPU_QUEUE) -> str:
    """The queue a task name is routed to; TTS follows the `TTS_QUEUE` setting."""
    if task_name.startswith("rehearse.gpu."):
        return GPU_QUEUE
    if task_name.startswith("rehearse.tts."):
        return tts_queue
    return CPU_QUEUE


BY_KIND = {
    "transcribe": TRANSCRIBE,
    "chat": CHAT,
    "speak": SPEAK,
    "embed": EMBED,
    "ingest": INGEST,
    "interview_report": INTERVIEW_REPORT,
}
"""The task that runs each job kind (used to re-enqueue jobs a dead worker left running)."""

PIPELINES = {
    "interview_start": (INTERVIEW_INGEST, INTERVIEW_OPEN, INTERVIEW_SPEAK),
    "interview_turn": (INTERVIEW_STT, INTERVIEW_RETRIEVE, INTERVIEW_FEEDBACK, INTERVIEW_SPEAK),
}
"""Jobs run as a Celery chain of steps across queues; each step passes its state on."""


def first_queue(kind: str, tts_queue: str = GPU_QUEUE) -> str:
    """The queue a job of `kind` waits on before it starts."""
    first = PIPELINES[kind][0] if kind in PIPELINES else BY_KIND[kind]
    return queue_for(first, tts_queue)


def kinds_waiting_on(queue: str, tts_queue: str = GPU_QUEUE) -> list[str]:
    """Every job kind whose first step waits on `queue`."""
    return sorted(k for k in (*BY_KIND, *PIPELINES) if first_queue(k, tts_queue) == queue)

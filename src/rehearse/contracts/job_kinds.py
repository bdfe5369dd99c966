"""The job-kind table: each kind declared once, its params, result and ordered steps.

A job's whole path reads from here: a step's Celery task is named `rehearse.<kind>.<step>`,
waits on the step's queue, gets the step's model from the runner (through residency) and runs
the step's handler. Handlers are named, not imported: the api reads this table too. Everything
else about kinds derives from KINDS: TABLE, the JobKind enum, routing and task names.
"""

from enum import StrEnum

from rehearse.contracts import interview_contract as interview
from rehearse.contracts import job_results as results
from rehearse.contracts import jobs
from rehearse.contracts.job_spec import Handler, JobKindSpec, Step

GPU_QUEUE = "gpu"
"""Not one queue but a pool: a gpu step waits on its model's queue, `gpu.<model>`."""
CPU_QUEUE = "cpu"
TTS = "tts"
"""Not a queue: a step on it waits on the queue the TTS_QUEUE setting names (gpu or cpu)."""

# Engine names, as the residency managers know them (see rehearse.engines.catalog).
WHISPER, LLM, SPEECH, BGE_M3 = "whisper", "llm", "speech", "bge_m3"


def gpu_queue(model: str) -> str:
    """The queue of the gpu steps that need `model`: the gpu worker picks queues by model."""
    return f"{GPU_QUEUE}.{model}"


GPU_QUEUES = tuple(gpu_queue(model) for model in (WHISPER, LLM, SPEECH))
"""Every queue the gpu worker consumes, one per model."""
QUEUES = (*GPU_QUEUES, CPU_QUEUE)
POOLS: dict[str, tuple[str, ...]] = {GPU_QUEUE: GPU_QUEUES, CPU_QUEUE: (CPU_QUEUE,)}
"""The queues each kind of worker consumes (`rehearse worker gpu|cpu`); readiness and admission
count per pool."""

KINDS: tuple[JobKindSpec, ...] = (
    JobKindSpec(
        kind="transcribe",
        params=jobs.TranscribeParams,
        result=results.TranscribeResult,
        steps=(
            Step("stt", GPU_QUEUE, WHISPER, Handler("rehearse.workers.gpu.handlers", "transcribe")),
        ),
    ),
    JobKindSpec(
        kind="chat",
        params=jobs.ChatParams,
        result=results.ChatResult,
        steps=(Step("llm", GPU_QUEUE, LLM, Handler("rehearse.workers.gpu.handlers", "chat")),),
    ),
    JobKindSpec(
        kind="embed",
        params=jobs.EmbedParams,
        result=results.EmbedResult,
        # Batched: run by the cpu worker's own batch task (celery-batches), not a generated one.
        steps=(
            Step(
                "embed",
                CPU_QUEUE,
                BGE_M3,
                Handler("rehearse.workers.cpu.handlers", "embed"),
                batched=True,
            ),
        ),
    ),
    JobKindSpec(
        kind="speak",
        params=jobs.SpeakParams,
        result=results.SpeakResult,
        steps=(Step("tts", TTS, SPEECH, Handler("rehearse.workers.gpu.handlers", "speak")),),
    ),
    JobKindSpec(
        kind="ingest",
        params=jobs.IngestParams,
        result=results.IngestResult,
        steps=(
            Step("ingest", CPU_QUEUE, BGE_M3, Handler("rehearse.workers.cpu.handlers", "ingest")),
        ),
    ),
    JobKindSpec(
        kind="interview_start",
        params=interview.StartParams,
        result=results.InterviewStartResult,
        steps=(
            Step(
                "ingest",
                CPU_QUEUE,
                BGE_M3,
                Handler("rehearse.workers.cpu.interview_handlers", "index_documents"),
            ),
            Step(
                "llm",
                GPU_QUEUE,
                LLM,
                Handler("rehearse.workers.gpu.interview_llm", "opening_question"),
            ),
            # Speak the opening question and open the interview, in one transaction.
            Step(
                "tts",
                TTS,
                SPEECH,
                Handler("rehearse.workers.gpu.interview_speech", "speak_opening"),
            ),
        ),
    ),
    JobKindSpec(
        kind="interview_turn",
        params=interview.TurnParams,
        result=results.TurnResult,
        steps=(
            Step(
                "stt",
                GPU_QUEUE,
                WHISPER,
                Handler("rehearse.workers.gpu.interview_speech", "transcribe_answer"),
            ),
            Step(
                "retrieve",
                CPU_QUEUE,
                BGE_M3,
                Handler("rehearse.workers.cpu.interview_handlers", "retrieve_passages"),
            ),
            Step(
                "llm",
                GPU_QUEUE,
                LLM,
                Handler("rehearse.workers.gpu.interview_llm", "assess_answer"),
            ),
            # Speak the next question (or reuse its early audio) and record the turn at once.
            Step(
                "tts",
                TTS,
                SPEECH,
                Handler("rehearse.workers.gpu.interview_speech", "speak_question"),
            ),
        ),
        # How the answer was said, on a cpu worker while the llm step runs (docs/delivery.md).
        # After retrieve, not stt: retrieve is the cpu step the llm step waits on.
        beside=(
            Step(
                "delivery",
                CPU_QUEUE,
                None,
                Handler("rehearse.workers.cpu.delivery_step", "measure_answer"),
                after="retrieve",
                switch="delivery",
            ),
        ),
    ),
    JobKindSpec(
        kind="interview_report",
        params=interview.ReportParams,
        result=results.ReportResult,
        steps=(
            Step(
                "llm",
                GPU_QUEUE,
                LLM,
                Handler("rehearse.workers.gpu.interview_report", "final_report"),
            ),
        ),
    ),
)
"""Every job kind, declared once; a kind with several steps runs them in order (a chain)."""

TABLE: dict[str, JobKindSpec] = {spec.kind: spec for spec in KINDS}
"""Every job kind by name, in the order of KINDS."""

JobKind = StrEnum("JobKind", [(spec.kind, spec.kind) for spec in KINDS], module=__name__)
"""The job kinds' names as an enum (a query parameter's choices), derived from KINDS."""

EMBED_QUERY = "rehearse.search.embed_query"
"""A search query's embedding: no job row, the api waits on its result (cpu queue, BGE-M3)."""
LIVE_TRANSCRIBE = "rehearse.live.transcribe"
"""A stretch of a live answer: no job row, the api waits on its result (Whisper's queue)."""


def task_name(kind: str, step: Step) -> str:
    """A step's Celery task name: `rehearse.<kind>.<step>`."""
    return f"rehearse.{kind}.{step.name}"


STEPS_BY_TASK: dict[str, tuple[JobKindSpec, int]] = {
    task_name(spec.kind, step): (spec, index)
    for spec in TABLE.values()
    for index, step in enumerate(spec.steps)
}
"""Every step's task name -> (its kind, its index among the kind's steps)."""
BESIDE_BY_TASK: dict[str, tuple[JobKindSpec, Step]] = {
    task_name(spec.kind, step): (spec, step) for spec in TABLE.values() for step in spec.beside
}
"""Every step beside a chain, by task name -> (its kind, the step)."""

TRANSCRIBE = task_name("transcribe", TABLE["transcribe"].steps[0])
SPEAK = task_name("speak", TABLE["speak"].steps[0])


def step_of(name: str) -> Step | None:
    """The step a task name runs (in a chain or beside one), or None outside the table."""
    found = STEPS_BY_TASK.get(name)
    if found:
        return found[0].steps[found[1]]
    beside = BESIDE_BY_TASK.get(name)
    return beside[1] if beside else None


def model_for(name: str) -> str | None:
    """The model a queued message of task `name` needs, read from the table alone."""
    step = step_of(name)
    return step.model if step else None


def resolve_queue(step: Step, tts_queue: str = GPU_QUEUE) -> str:
    """The queue a step waits on: `gpu.<model>` for gpu steps, TTS steps follow TTS_QUEUE."""
    queue = tts_queue if step.queue == TTS else step.queue
    return gpu_queue(step.model or SPEECH) if queue == GPU_QUEUE else queue


def pool_of(queue: str) -> str:
    """The pool (`gpu`, `cpu`) whose workers consume `queue`."""
    return next((pool for pool, queues in POOLS.items() if queue in queues), queue)


def queue_for(name: str, tts_queue: str = GPU_QUEUE) -> str:
    """The queue a task name is routed to; TTS steps follow the `TTS_QUEUE` setting."""
    if name == LIVE_TRANSCRIBE:
        return gpu_queue(WHISPER)
    step = step_of(name)
    return resolve_queue(step, tts_queue) if step else CPU_QUEUE


def first_queue(kind: str, tts_queue: str = GPU_QUEUE) -> str:
    """The queue a job of `kind` waits on before it starts."""
    return resolve_queue(TABLE[kind].steps[0], tts_queue)


def kinds_waiting_on(pool: str, tts_queue: str = GPU_QUEUE) -> list[str]:
    """Every job kind whose first step waits on a queue of `pool` (`gpu` or `cpu`)."""
    return sorted(k for k in TABLE if pool_of(first_queue(k, tts_queue)) == pool)


def steps_run_by(pool: str, tts_queue: str = GPU_QUEUE) -> list[Step]:
    """Every step a worker of `pool` runs (waits on one of its queues) under this TTS_QUEUE."""
    return [
        step
        for spec in KINDS
        for step in (*spec.steps, *spec.beside)
        if pool_of(resolve_queue(step, tts_queue)) == pool
    ]

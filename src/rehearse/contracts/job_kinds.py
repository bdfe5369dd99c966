"""The job-kind table: each kind's params, result, and ordered steps (queue, model, handler).

A job's whole path reads from here: a step's Celery task is named `rehearse.<kind>.<step>`,
waits on the step's queue, gets the step's model from the runner (through residency) and runs
the step's handler. Handlers are named, not imported: the api reads this table too.
"""

from dataclasses import dataclass

from pydantic import BaseModel

from rehearse.contracts import interview_contract as interview
from rehearse.contracts import jobs
from rehearse.contracts.job_results import RESULTS

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


@dataclass(frozen=True)
class Step:
    """One step of a job: its stage name, queue, the model it needs, `module:function` handler."""

    name: str
    queue: str
    model: str | None
    handler: str
    batched: bool = False
    """Run by a worker's own batching task (embed), not by the generic step task."""


@dataclass(frozen=True)
class JobKindSpec:
    """A job kind: its params and result models, its steps in order (several: a Celery chain)."""

    kind: str
    params: type[BaseModel]
    result: type[BaseModel]
    steps: tuple[Step, ...]

    @property
    def pipeline(self) -> bool:
        return len(self.steps) > 1


PARAMS: dict[str, type[BaseModel]] = {
    "transcribe": jobs.TranscribeParams,
    "chat": jobs.ChatParams,
    "speak": jobs.SpeakParams,
    "embed": jobs.EmbedParams,
    "ingest": jobs.IngestParams,
    "interview_start": interview.StartParams,
    "interview_turn": interview.TurnParams,
    "interview_report": interview.ReportParams,
}

# One row per step, in order within a kind; model `-`: none. `batched`: run by the cpu worker's
# own batch task (celery-batches), not the generated one.
STEPS = """
kind              step      queue  model    handler (rehearse.workers.<module>:function)
transcribe        stt       gpu    whisper  gpu.handlers:transcribe
chat              llm       gpu    llm      gpu.handlers:chat
speak             tts       tts    speech   gpu.handlers:speak
embed             embed     cpu    bge_m3   cpu.handlers:embed  batched
ingest            ingest    cpu    bge_m3   cpu.handlers:ingest
interview_start   ingest    cpu    bge_m3   cpu.interview_handlers:index_documents
interview_start   llm       gpu    llm      gpu.interview_llm:opening_question
interview_start   tts       tts    speech   gpu.interview_speech:speak_opening
interview_turn    stt       gpu    whisper  gpu.interview_speech:transcribe_answer
interview_turn    retrieve  cpu    bge_m3   cpu.interview_handlers:retrieve_passages
interview_turn    llm       gpu    llm      gpu.interview_llm:assess_answer
interview_turn    tts       tts    speech   gpu.interview_speech:speak_question
interview_report  llm       gpu    llm      gpu.interview_report:final_report
"""


def _table(rows: str) -> dict[str, JobKindSpec]:
    steps: dict[str, list[Step]] = {}
    for row in rows.strip().splitlines()[1:]:
        kind, name, queue, model, handler, *flags = row.split()
        handler = f"rehearse.workers.{handler}"
        step = Step(name, queue, None if model == "-" else model, handler, "batched" in flags)
        steps.setdefault(kind, []).append(step)
    return {
        kind: JobKindSpec(kind, PARAMS[kind], RESULTS[kind], tuple(found))
        for kind, found in steps.items()
    }


TABLE: dict[str, JobKindSpec] = _table(STEPS)
"""Every job kind, in the order of STEPS."""

EMBED_QUERY = "rehearse.search.embed_query"
"""A search query's embedding: no job row, the api waits on its result (cpu queue, BGE-M3)."""


def task_name(kind: str, step: Step) -> str:
    return f"rehearse.{kind}.{step.name}"


STEPS_BY_TASK: dict[str, tuple[JobKindSpec, int]] = {
    task_name(spec.kind, step): (spec, index)
    for spec in TABLE.values()
    for index, step in enumerate(spec.steps)
}
"""Every step's task name -> (its kind, its index among the kind's steps)."""

TRANSCRIBE = task_name("transcribe", TABLE["transcribe"].steps[0])
SPEAK = task_name("speak", TABLE["speak"].steps[0])


def step_of(name: str) -> Step | None:
    """The step a task name runs, or None for a task outside the table."""
    found = STEPS_BY_TASK.get(name)
    return found[0].steps[found[1]] if found else None


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
    step = step_of(name)
    return resolve_queue(step, tts_queue) if step else CPU_QUEUE


def first_queue(kind: str, tts_queue: str = GPU_QUEUE) -> str:
    """The queue a job of `kind` waits on before it starts."""
    return resolve_queue(TABLE[kind].steps[0], tts_queue)


def kinds_waiting_on(pool: str, tts_queue: str = GPU_QUEUE) -> list[str]:
    """Every job kind whose first step waits on a queue of `pool` (`gpu` or `cpu`)."""
    return sorted(k for k in TABLE if pool_of(first_queue(k, tts_queue)) == pool)

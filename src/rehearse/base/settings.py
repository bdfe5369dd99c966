"""Settings read once from the environment (and `.env`); every field is documented."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every tunable of the stack; the environment variable is the field name in upper case."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # connections
    database_url: str = Field(
        "postgresql://rehearse:rehearse@localhost:5432/rehearse",
        description="PostgreSQL (with pgvector) connection URL; the record of every job.",
    )
    redis_url: str = Field(
        "redis://localhost:6379/0",
        description="Redis URL used as Celery broker and for live event streams.",
    )
    db_pool_size: int = Field(8, description="Maximum PostgreSQL connections per process.")
    db_timeout_s: float = Field(
        2.0,
        description="Seconds to wait for a PostgreSQL connection (pool or connect) before "
        "answering 503 `database_unavailable`.",
    )

    auth_cache_s: float = Field(
        2.0,
        description="Seconds the api trusts a checked API key without asking PostgreSQL again: "
        "a revoked key is refused within this (0: check every request).",
    )

    # metrics
    metrics_port: int = Field(
        0,
        description="Port a worker serves Prometheus metrics on (0: off); prefork process N "
        "uses METRICS_PORT + N. The api serves `/metrics` on its own port.",
    )
    metrics_host: str = Field(
        "",
        description="Address Prometheus reaches a worker's metrics at, announced in its presence "
        "and listed by the api's `/metrics/targets` (empty: the worker's IP address on the "
        "network it reaches Redis through).",
    )

    # logs
    log_format: Literal["text", "json"] = Field(
        "text",
        description="Log lines of api and workers: `text`, or `json` (one object per line: ts, "
        "level, logger, message and extras such as job_id).",
    )

    # api
    api_host: str = Field("0.0.0.0", description="Address the api binds to.")
    api_port: int = Field(8000, description="Port the api listens on.")
    access_log: bool = Field(
        True,
        description="One log line per api request. `/metrics` times every route already; off "
        "saves the api a formatted, redacted line per request.",
    )
    max_upload_mb: float = Field(25.0, description="Largest accepted upload in MiB (413 above).")
    max_audio_seconds: int = Field(
        1800,
        description="Longest audio accepted for speech to text, in seconds: the api refuses a "
        "longer stated duration (413), the gpu worker stops decoding past it.",
    )
    max_document_chars: int = Field(
        1_000_000,
        description="Most characters extracted from one document; ingest fails "
        "`document_too_large` past it (extraction stops there, bounding memory).",
    )
    cors_origins: str = Field(
        "", description="Comma-separated origins allowed to call the api from a browser."
    )
    stream_keepalive_s: float = Field(
        10.0,
        gt=0,
        le=15,
        description="Most seconds a job's event stream stays silent: then the api sends a "
        "keep-alive (an SSE comment, a WebSocket ping frame) so proxies and clients keep it open.",
    )
    live_sessions: int = Field(
        32,
        ge=1,
        description="Conversation-mode sockets one api process holds at most (each judges its "
        "candidate's audio on this process's CPU); past it a socket closes with 1013.",
    )
    live_burst_s: float = Field(
        3.0,
        ge=0,
        description="How far a live socket's audio may run ahead of the clock (a client sending "
        "faster than real time gets `too_fast` and its frames are dropped).",
    )
    live_segment_timeout_s: float = Field(
        15.0,
        gt=0,
        description="How long a stretch of a live answer may wait for Whisper; later, the turn's "
        "own transcription covers it.",
    )
    live_segment_wait_s: float = Field(
        2.0,
        ge=0,
        description="At the end of a live answer, how long to wait for stretches still being "
        "transcribed before handing the rest to the turn job.",
    )

    # jobs and queues
    job_time_limit_s: int = Field(
        600, description="Hard time limit of one job; the worker process is replaced past it."
    )
    visibility_timeout_s: int = Field(
        900,
        description="Seconds before Redis redelivers an unacknowledged task; kept above the "
        "job time limit so a slow job never runs twice.",
    )
    restore_interval_s: int = Field(
        10, description="Seconds between a worker's sweeps for unacknowledged tasks to redeliver."
    )
    max_attempts: int = Field(
        3, description="Attempts of a job whose worker died before it is failed as `worker_lost`."
    )
    event_ttl_s: int = Field(
        86400, description="Seconds a job's event stream is kept in Redis after its last event."
    )
    worker_name: str = Field(
        "",
        description="Celery node name of this worker (default `<kind>@<hostname>`); keep it stable "
        "across restarts so a restarted worker re-runs the job it died in at once.",
    )
    reconcile_interval_s: float = Field(
        5.0, description="Seconds between the reconciler's checks for jobs that lost their message."
    )
    reconcile_grace_s: float = Field(
        10.0, description="Age in seconds before a queued or running job is checked at all."
    )
    reconcile_confirm_s: float = Field(
        15.0,
        description="Seconds a job must stay neither queued in the broker nor leased by a worker "
        "before it is sent again (longer than a Redis restart's gap in worker leases).",
    )
    max_queued_jobs: int = Field(
        2000, description="Jobs waiting per queue before submissions get 429 (0: no limit)."
    )
    max_queued_jobs_per_key: int = Field(
        200, description="Jobs one API key may have waiting before it gets 429 (0: no limit)."
    )
    artifact_retention_days: float = Field(
        0,
        description="Delete artifacts (recorded answers, spoken questions, uploaded documents) "
        "older than this many days; the rows that named them remain (0: keep forever).",
    )
    housekeeping_interval_s: float = Field(
        600, description="Seconds between housekeeping passes (retention, old idempotency keys)."
    )
    idempotency_ttl_s: int = Field(
        86400, description="Seconds an `Idempotency-Key` is remembered and its response replayed."
    )
    max_prefer_wait_s: int = Field(
        60,
        ge=0,
        le=100,
        description="Most seconds a job submission with `Prefer: wait=<n>` is held for its job to "
        "finish (200 with the finished job, else 202); 0 ignores the preference.",
    )
    erase_wait_s: float = Field(
        10.0,
        description="Seconds `DELETE /v1/interviews/{id}` waits for its canceled running jobs to "
        "stop before answering 409 `interview_busy`.",
    )
    cpu_concurrency: int = Field(2, description="Processes of one cpu worker (prefork pool).")
    tts_queue: str = Field(
        "gpu", description="Queue TTS jobs run on: `gpu` (`gpu.speech`, default) or `cpu`."
    )
    max_swap_wait_s: float = Field(
        10.0,
        ge=0,
        description="The gpu worker keeps serving the models it holds while their jobs wait, "
        "unless a job for another model has waited longer than this (seconds): then it swaps. "
        "0: no preference, jobs are taken in turn across the model queues (one load per job "
        "when the models do not fit together).",
    )
    priorities: bool = Field(
        True,
        description="Take jobs by priority class (`live` interview steps first, then "
        "`interactive`, then `batch`), fairly across owners within a class; `false`: every job "
        "in one class, in arrival order (job rows still record their class).",
    )
    interactive_aging_s: float = Field(
        60.0,
        ge=0,
        description="An `interactive` job waiting longer than this (seconds) is moved to the "
        "front of its queue, one per queue per reconciler pass (0: never).",
    )
    batch_aging_s: float = Field(
        120.0,
        ge=0,
        description="A `batch` job waiting longer than this (seconds) is moved to the front of "
        "its queue, one per queue per reconciler pass, so batch never starves (0: never).",
    )

    # models
    models_dir: Path = Field(Path("/models"), description="Folder holding every model file.")
    device: str = Field(
        "auto", description="Where gpu-worker engines run: `auto` (cuda if present), `cuda`, `cpu`."
    )
    gpu_memory_budget_mb: int = Field(
        5600, description="GPU memory the residency manager may fill with models, in MiB."
    )
    cpu_memory_budget_mb: int = Field(
        0,
        description="Host memory the gpu worker's models placed on the CPU may fill, in MiB "
        "(measured as the worker's RSS growth); 0: the same figure as GPU_MEMORY_BUDGET_MB, so a "
        "run without a GPU keeps or swaps models where the card would.",
    )
    model_sizes_file: str = Field(
        "",
        description="Where the gpu worker remembers each model's measured memory (per file, "
        "device and settings), so the next start plans with measured sizes; empty: "
        "`~/.cache/rehearse/model-sizes.json`.",
    )
    model_idle_ttl_s: int = Field(
        0, description="Unload a model idle this many seconds (0 keeps it until evicted)."
    )
    pinned_models: str = Field(
        "", description="Comma-separated model names the residency manager never evicts."
    )
    whisper_model: str = Field(
        "faster-whisper-small", description="Folder under MODELS_DIR of the CTranslate2 Whisper."
    )
    whisper_compute_type: str = Field(
        "auto",
        description="CTranslate2 compute type; `auto` is int8_float16 on cuda, int8 on cpu.",
    )
    whisper_device: str = Field(
        "",
        description="Where Whisper runs (`cpu`, `cuda`, `auto`); empty: DEVICE. `cpu` frees the "
        "card for the LLM (no swaps) at the cost of slower transcription.",
    )
    whisper_memory_mb: int = Field(
        0,
        description="Memory of the Whisper model, MiB. 0: measured at each load and remembered "
        "(MODEL_SIZES_FILE); until then estimated from its files. A number is taken as is.",
    )
    whisper_beam_size: int = Field(5, description="Beam size for transcription.")
    whisper_vad: bool = Field(True, description="Skip silence with the Silero VAD by default.")
    delivery: bool = Field(
        True,
        description="Measure how each interview answer was said (pace, pauses, fillers, pitch; "
        "docs/delivery.md) on a cpu worker while the feedback generates. `false` skips it: turns "
        "then carry `delivery: null`.",
    )
    transcript_check: bool = Field(
        True,
        description="Judge an interview answer's transcript before the LLM sees it: runs of "
        "numbers, a phrase looping, Whisper's own loop, no-speech and low-confidence signals "
        "fail the turn "
        "`unclear_audio` (answer again; docs/interview-turns.md). `false` lets every transcript "
        "through (`rehearse dev --models synthetic` sets it: its Whisper repeats one phrase).",
    )

    llm_model: str = Field(
        "Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf", description="GGUF file under MODELS_DIR."
    )
    llm_n_ctx: int = Field(4096, description="LLM context window in tokens (prompt + answer).")
    llm_n_gpu_layers: int = Field(
        -1, description="Layers offloaded to the GPU (-1 all, 0 none); ignored on CPU builds."
    )
    llm_threads: int = Field(0, description="CPU threads for the LLM (0: llama.cpp decides).")
    llm_device: str = Field(
        "", description="Where the LLM runs (`cpu`, `cuda`, `auto`); empty: DEVICE."
    )
    llm_kv_type: Literal["f16", "q8_0", "q4_0"] = Field(
        "f16",
        description="KV cache type of the LLM: `q8_0` halves its memory (272 MiB instead of 512 "
        "for Llama-3.1-8B at 4096 tokens), `q4_0` quarters it; quantized needs LLM_FLASH_ATTN.",
    )
    llm_flash_attn: bool = Field(
        False, description="Flash attention in llama.cpp: smaller compute buffers, quantized KV."
    )
    llm_n_batch: int = Field(
        512, description="Prompt tokens the LLM evaluates per step; smaller: smaller buffers."
    )
    llm_memory_mb: int = Field(
        0,
        description="Memory of the LLM with its KV cache, MiB. 0: measured at each load and "
        "remembered (MODEL_SIZES_FILE); until then estimated from its file. A number is taken "
        "as is.",
    )
    output_gates: bool = Field(
        True,
        description="Check every generated text a candidate sees or hears (questions, feedback, "
        "report) for natural language in the interview's language and regenerate what fails; "
        "`off` for random-weight synthetic models, whose output is gibberish by design.",
    )
    card_pace: Literal["", "6gb"] = Field(
        "",
        description="Benchmarks only: each gpu step lasts at least what it would on the named "
        "card (`6gb`: docs/capacity.md), sleeping out the rest, so gpu workers on one host "
        "stand for cards of their own (bench/capacity.py --card-pace). Empty (off) anywhere "
        "candidates are served.",
    )
    output_gate_attempts: int = Field(
        4,
        ge=1,
        description="Generations (each with a new seed) an interview LLM step tries before it "
        "fails `low_quality_output`.",
    )
    early_question_audio: bool = Field(
        True,
        description="Speak an interview turn's next question as soon as the LLM has written it "
        "(it comes first in the feedback JSON) and announce it with an `audio` event, while the "
        "feedback still generates; off: the tts step speaks it after the feedback.",
    )
    tts_voice: str = Field(
        "ko-KR-SunHiNeural",
        description="Default edge-tts voice; its language picks the offline voice.",
    )
    tts_edge_enabled: bool = Field(
        True, description="Try edge-tts (online) first; false speaks with the offline engine only."
    )
    tts_edge_timeout_s: float = Field(
        10.0, description="Seconds edge-tts may take for one piece before the offline fallback."
    )
    embed_model: str = Field("bge-m3", description="BGE-M3 folder under MODELS_DIR.")
    worker_start_timeout_s: float = Field(
        300.0,
        description="Seconds a cpu pool process may take to load its models at start before "
        "Celery kills and replaces it.",
    )
    embed_batch_size: int = Field(32, description="Most texts encoded in one BGE-M3 call.")
    embed_batch_wait_ms: int = Field(
        20, description="Longest a lone embed request waits for others to batch with, in ms."
    )
    embed_max_length: int = Field(8192, description="Token limit of one text for BGE-M3.")
    chunk_tokens: int = Field(400, description="Token budget of one document chunk.")
    chunk_overlap_tokens: int = Field(60, description="Tokens shared by consecutive chunks.")
    search_timeout_s: float = Field(
        10.0, description="Seconds search waits for the query embedding before answering 503."
    )
    hnsw_ef_search: int = Field(
        100, description="pgvector `hnsw.ef_search` for searches (recall against speed)."
    )
    turn_silence_ms: int = Field(
        900,
        gt=0,
        description="Conversation mode: ms of silence after speech that end a turn whose words "
        "read as finished (docs/conversation.md).",
    )
    turn_thinking_ms: int = Field(
        6000,
        gt=0,
        description="Conversation mode: ms of silence after speech that end a turn whose words "
        "read as unfinished (the candidate may be thinking); a session may set its own.",
    )

    @model_validator(mode="after")
    def _visibility_above_time_limit(self) -> "Settings":
        if self.visibility_timeout_s <= self.job_time_limit_s:
            raise ValueError(
                f"VISIBILITY_TIMEOUT_S ({self.visibility_timeout_s}) must exceed "
                f"JOB_TIME_LIMIT_S ({self.job_time_limit_s}): a job still running when Redis "
                "redelivers it would run twice"
            )
        return self

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()

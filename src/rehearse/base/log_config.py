"""Logging of api, workers and dev: text or JSON lines, no secrets, no candidate content."""

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Query values of token-like parameters (`?access_token=`, `&invite_token=`), Bearer headers,
# API keys and URL passwords wherever they appear: uvicorn logs every URL with its query string.
_SECRETS = (
    (re.compile(r"(\b[a-z][\w+.-]*://[^:/@\s]*:)[^@\s/]+@", re.I), r"\1***@"),
    (re.compile(r"([?&;][\w.-]*(?:token|key|secret|password)=)[^&;\s\"'#]+", re.I), r"\1***"),
    (re.compile(r"(Bearer\s+)[\w.~+/=-]+", re.I), r"\1***"),
    (re.compile(r"\brh_[\w-]{8,}"), "rh_***"),
)

# Celery's lines that carry a task's return value (transcripts, retrieved chunks, feedback):
# the same line without it.
_CONTENT_FREE = {
    "Task %(name)s[%(id)s] succeeded in %(runtime)ss: %(return_value)s": (
        "Task %(name)s[%(id)s] succeeded in %(runtime)ss"
    ),
}

_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}
# Celery passes its whole log context (args, kwargs, return value) as the extra `data`.
_NEVER_EMITTED = {"data"}


def redact(text: str) -> str:
    """The text with token query values, Bearer credentials, API keys, URL passwords masked."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


def _current_job_id() -> str | None:
    """The job id of the Celery task this process is running, if any."""
    from celery import current_task

    request = getattr(current_task, "request", None)
    payload = (getattr(request, "kwargs", None) or {}).get("payload")
    return payload.get("job_id") if isinstance(payload, dict) else None


class ContentFilter(logging.Filter):
    """Drop task return values and arguments from Celery's records; add the job id instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg in _CONTENT_FREE:
            record.msg = _CONTENT_FREE[record.msg]
        context = record.__dict__.get("data")
        if isinstance(context, dict):
            record.task, record.task_id = context.get("name"), context.get("id")
        for name in _NEVER_EMITTED:
            record.__dict__.pop(name, None)
        if not hasattr(record, "job_id") and (job_id := _current_job_id()):
            record.job_id = job_id
        return True


# Polled every few seconds by health checks, `rehearse dev` and Prometheus: their answers are
# the state itself (a 503 from /readyz is "workers still loading"), not events worth a line.
_PROBES = frozenset({"/healthz", "/readyz", "/metrics", "/metrics/targets"})
_PROBE_ANSWERS = ("2", "503")


class ProbeFilter(logging.Filter):
    """Drop uvicorn's access lines for probes answered 2xx or 503; other failures stay."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if record.name != "uvicorn.access" or not isinstance(args, tuple) or len(args) != 5:
            return True
        _, method, path, _, status = args
        probe = method == "GET" and str(path).split("?")[0] in _PROBES
        return not (probe and str(status).startswith(_PROBE_ANSWERS))


class TextFormatter(logging.Formatter):
    """One human-readable line per record (tracebacks follow it), secrets masked."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ts, level, logger, message, extras; tracebacks inside it."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in _NEVER_EMITTED and not key.startswith("_"):
                scalar = isinstance(value, str | int | float | bool) or value is None
                entry[key] = value if scalar else str(value)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(_redacted(entry), ensure_ascii=False, default=str)


def _redacted(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: redact(v) if isinstance(v, str) else v for k, v in entry.items()}


class _Handler(logging.StreamHandler):
    """The one handler configure_logging installs (and replaces when called again)."""


_output: Any = None  # where records go, chosen once per process (pool children inherit it)


def configure_logging(
    log_format: str, level: int = logging.INFO, capture_stray: bool = False
) -> None:
    """Send every logger (uvicorn's, Celery's) to one handler; JSON may take stray output too."""
    global _output
    if _output is None:
        if capture_stray and log_format == "json":
            from rehearse.base.stray_output import capture_stray_output

            _output = capture_stray_output()
        else:
            _output = sys.stderr
    handler = _Handler(_output)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    handler.addFilter(ContentFilter())
    handler.addFilter(ProbeFilter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _Handler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # Libraries that configure their own handlers would print past ours.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "celery", "celery.task"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    # One INFO line per request it sends: noise in `rehearse demo` and `models pull`.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.captureWarnings(True)


def take_over_celery_logging(log_format: str) -> None:
    """Make Celery's workers (and their pool children) log through configure_logging."""
    from celery import signals

    def setup(**kwargs: Any) -> None:
        configure_logging(log_format)

    # A receiver means Celery installs no handler, no task logger, no stdout redirect of its own.
    signals.setup_logging.connect(setup, weak=False)

"""Output written past logging (native libraries, Celery's shutdown notes) turned into records."""

import atexit
import logging
import os
import sys
import threading

_READERS: list[threading.Thread] = []


class FdStream:
    """A text stream writing each record with one write(2): records of processes never mix."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def write(self, text: str) -> int:
        data = text.encode("utf-8", errors="replace")
        while data:
            data = data[os.write(self.fd, data) :]
        return len(text)

    def flush(self) -> None:
        pass


def _pipe_into_logger(fd: int, logger: logging.Logger, level: int) -> None:
    """Point `fd` at a pipe whose lines a thread logs; children inherit the pipe too."""
    read_fd, write_fd = os.pipe()
    os.dup2(write_fd, fd)
    os.close(write_fd)

    def pump() -> None:
        with os.fdopen(read_fd, "rb") as pipe:
            for raw in pipe:
                line = raw.decode(errors="replace").rstrip()
                if line.strip():
                    logger.log(level, line)

    reader = threading.Thread(target=pump, name=f"stray-fd{fd}", daemon=True)
    reader.start()
    _READERS.append(reader)


def _drain() -> None:
    """At exit: close our ends of the pipes and let the readers log what is left."""
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    devnull = os.open(os.devnull, os.O_WRONLY)
    for fd in (1, 2):
        os.dup2(devnull, fd)
    for reader in _READERS:
        reader.join(timeout=2)  # a child still holding a write end must not hang the exit


def capture_stray_output() -> FdStream:
    """Send fds 1 and 2 through loggers `stdout`/`stderr`; returns a stream for the records."""
    records = FdStream(os.dup(2))
    _pipe_into_logger(1, logging.getLogger("stdout"), logging.INFO)
    _pipe_into_logger(2, logging.getLogger("stderr"), logging.WARNING)
    atexit.register(_drain)

    def log_uncaught(kind: type[BaseException], exc: BaseException, tb: object) -> None:
        # One record with its traceback instead of one record per traceback line.
        logging.getLogger("uncaught").critical("uncaught %s", kind.__name__, exc_info=exc)

    sys.excepthook = log_uncaught
    return records

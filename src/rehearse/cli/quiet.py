"""`--quiet` for the api and the workers `rehearse dev` starts: no banners or start-up chatter.

`rehearse dev` prints what runs and where once everything is ready; uvicorn's start-up lines,
Celery's banner and its warning about running as root (a developer's own box) would bury it.
Warnings and errors still show.
"""

import logging
import warnings

QUIET_HELP = "no banner or start-up notices (warnings and errors still show)"


class _WarningsAndUp(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING


def quiet_start_up() -> None:
    """Drop uvicorn's INFO lines (start-up, sockets opened) and Celery's superuser warning."""
    from celery.exceptions import SecurityWarning

    logging.getLogger("uvicorn.error").addFilter(_WarningsAndUp())
    warnings.filterwarnings("ignore", category=SecurityWarning)

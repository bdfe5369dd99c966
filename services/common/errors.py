"""Errors that end a job or a request with a stable `{"code", "message"}` body."""


class JobError(Exception):
    """A job failed for a reason the client should see; `code` is stable, `message` human."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


class JobCanceled(Exception):
    """Raised inside a running job once its cancellation was requested."""

"""Errors that end a job or a request with a stable `{"code", "message"}` body.

Messages name the problem and what to send instead in plain words: never an exception's own
text (a library's errno, a parser's position), which tells a client nothing it can act on.
"""

# The audio formats PyAV reads for us, named in every "this is not audio" message.
AUDIO_FORMATS = "webm, ogg/opus, mp3, m4a, flac or wav"


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

"""A cheap look at an upload with PyAV before anything is stored or enqueued."""

import io
from dataclasses import dataclass

import av

from api.errors import ApiError


@dataclass(frozen=True)
class AudioInfo:
    container: str
    codec: str
    duration: float | None

    def content_type(self, declared: str | None) -> str:
        """The client's declared type, else one named after the container PyAV found."""
        return declared or f"audio/{self.container.split(',')[0]}"


def probe_audio(data: bytes) -> AudioInfo:
    """Container and codec of an audio upload; 415 when it is not audio PyAV can read."""
    if not data:
        raise ApiError(415, "unsupported_media_type", "the upload is empty")
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            streams = container.streams.audio
            if not streams:
                raise ApiError(415, "unsupported_media_type", "the upload has no audio stream")
            stream = streams[0]
            duration = None
            if container.duration is not None:
                duration = container.duration / av.time_base
            elif stream.duration is not None and stream.time_base is not None:
                duration = float(stream.duration * stream.time_base)
            return AudioInfo(container.format.name, stream.codec_context.name, duration)
    except ApiError:
        raise
    except Exception as exc:  # PyAV raises many error types for "not a media file"
        raise ApiError(
            415, "unsupported_media_type", f"the upload is not readable audio: {exc}"
        ) from exc

"""A cheap look at an audio upload with PyAV before anything is stored or enqueued."""

import io
import logging
from dataclasses import dataclass

import av
from fastapi import UploadFile

from rehearse.api.errors import ApiError
from rehearse.api.uploads import read_upload, upload_labels
from rehearse.base.errors import AUDIO_FORMATS

log = logging.getLogger(__name__)
NOT_AUDIO = f"the file is not audio we can read (send {AUDIO_FORMATS})"


@dataclass(frozen=True)
class AudioInfo:
    container: str
    codec: str
    duration: float | None

    def content_type(self, declared: str | None) -> str:
        """The client's declared type, else one named after the container PyAV found."""
        return declared or f"audio/{self.container.split(',')[0]}"


def probe_audio(data: bytes, max_seconds: float) -> AudioInfo:
    """Container, codec and stated duration; 415 when not audio, 413 when stated too long.

    A container that states no duration (a browser's live WebM) passes: the gpu worker stops
    decoding past the limit instead.
    """
    if not data:
        raise ApiError(415, "unsupported_media_type", f"the file is empty (send {AUDIO_FORMATS})")
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            streams = container.streams.audio
            if not streams:
                raise ApiError(415, "unsupported_media_type", NOT_AUDIO)
            stream = streams[0]
            duration = None
            if container.duration is not None:
                duration = container.duration / av.time_base
            elif stream.duration is not None and stream.time_base is not None:
                duration = float(stream.duration * stream.time_base)
            info = AudioInfo(container.format.name, stream.codec_context.name, duration)
    except ApiError:
        raise
    except Exception as exc:  # PyAV raises many error types for "not a media file"
        # Its text ("[Errno 1094995529] Invalid data found...") means nothing to a client.
        log.info("upload refused as audio: %s", type(exc).__name__)
        raise ApiError(415, "unsupported_media_type", NOT_AUDIO) from exc
    if info.duration is not None and info.duration > max_seconds:
        message = f"the audio lasts {info.duration:.0f} s; the limit is {max_seconds:g} s"
        raise ApiError(413, "audio_too_long", message)
    return info


async def read_audio(upload: UploadFile, max_bytes: int, max_seconds: float) -> tuple[bytes, str]:
    """(bytes, content type) of an audio upload within the size and duration limits."""
    _, declared = upload_labels(upload, "file")
    data = await read_upload(upload, max_bytes)
    return data, probe_audio(data, max_seconds).content_type(declared)

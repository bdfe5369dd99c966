"""`Range: bytes=...` for media elements: one range per request, as browsers ask for."""

import re

from rehearse.api.errors import ApiError

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive (first, last) byte a `Range` header asks for; None for the whole body.

    A header this parser does not understand (several ranges, other units) is ignored, as
    RFC 9110 allows; one that asks past the end answers 416.
    """
    match = _RANGE.fullmatch((header or "").strip())
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # a suffix: the last N bytes
        start, end = max(0, size - int(last)), size - 1
    else:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        raise ApiError(
            416,
            "range_not_satisfiable",
            f"the range {header!r} is outside the {size} bytes",
            {"Content-Range": f"bytes */{size}"},
        )
    return start, end

"""Whether frames that should be PCM s16le are float32 samples instead (a worklet posting its
Float32Array as is): the commonest wrong sample format, and one the bytes themselves betray.

A float32 sample in [-1, 1] read as two int16s has a high half made of its sign and exponent:
for anything audible (|x| between 2^-16 and 1) that half lies in 0x3780..0x3F80 (or the same
with the sign bit), a narrow band real 16-bit speech seldom stays in.
"""

from typing import Literal

import numpy as np

MIN_BYTES = 3200
"""0.1 s of 16-bit audio: fewer samples say too little either way."""


def sample_format(pcm: bytes) -> Literal["float32", "s16le"] | None:
    """`float32` when most non-silent 32-bit words of `pcm` have a float's sign-and-exponent
    half, `s16le` when they do not, None when `pcm` is too short or too quiet to tell."""
    usable = len(pcm) - len(pcm) % 4
    if usable < MIN_BYTES:
        return None
    high = np.frombuffer(pcm[:usable], dtype="<u2")[1::2] & 0x7FFF  # drop the sign bit
    audible = high[high != 0]
    if audible.size < 100:
        return None  # silence reads the same in both formats
    in_band = np.count_nonzero((audible >= 0x3780) & (audible <= 0x3F80))
    return "float32" if in_band / audible.size > 0.9 else "s16le"


def looks_like_float32(pcm: bytes) -> bool:
    return sample_format(pcm) == "float32"

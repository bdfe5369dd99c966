"""GBNF for numbers within bounds: integers of any range, numbers between whole bounds.

llama-cpp-python's schema converter ignores `minimum` and `maximum`; these rules hold them
instead. Integers are written digit by digit (no leading zero, at most 16 digits as the
converter's own rule); a number is an integer part in range with any fraction, or the upper
bound itself with a zero fraction, so its value never leaves [minimum, maximum].
"""

from collections.abc import Callable

MAX_DIGITS = 16  # the converter's integers: 1 to 16 digits
_FRACTION = '("." [0-9]{1,15})'
_ZEROS = '("." [0]{1,15})'


def digits_between(low: str, high: str) -> list[str]:
    """GBNF sequences for the decimal strings of len(low) digits from `low` to `high`."""
    if low == high:
        return [f'"{low}"']
    if len(low) == 1:
        return [f"[{low}-{high}]"]
    if low[0] == high[0]:
        return [f'"{low[0]}" {rest}' for rest in digits_between(low[1:], high[1:])]
    width = len(low) - 1
    first, last = int(low[0]), int(high[0])
    out = []
    if low[1:] != "0" * width:
        out += [f'"{low[0]}" {rest}' for rest in digits_between(low[1:], "9" * width)]
        first += 1
    whole_last = high[1:] == "9" * width
    top = last if whole_last else last - 1
    if first <= top:
        digit = f'"{first}"' if first == top else f"[{first}-{top}]"
        out.append(f"{digit} [0-9]{{{width}}}")
    if not whole_last:
        out += [f'"{high[0]}" {rest}' for rest in digits_between("0" * width, high[1:])]
    return out


def naturals(low: int, high: int | None) -> str:
    """Non-negative integers from `low` to `high` (None: any number of digits, up to 16)."""
    alternatives = []
    widest = max(MAX_DIGITS, len(str(low))) if high is None else len(str(high))
    for width in range(len(str(low)), widest + 1):
        start = max(low, 10 ** (width - 1) if width > 1 else 0)
        end = 10**width - 1 if high is None else min(high, 10**width - 1)
        if start <= end:
            alternatives += digits_between(str(start), str(end))
    return "(" + " | ".join(alternatives) + ")"


def integer_rule(low: int | None, high: int | None) -> str:
    """Integers in [low, high]; None is no bound on that side."""
    return _signed(low, high, naturals, nearest_negative=1)  # "-0" is no integer's text


def number_rule(low: int | None, high: int | None) -> str:
    """Numbers in [low, high], bounds whole; no exponent."""
    return _signed(low, high, _magnitudes, nearest_negative=0)  # -0.5 is above -1


def _signed(
    low: int | None,
    high: int | None,
    magnitudes: Callable[[int, int | None], str],
    nearest_negative: int,
) -> str:
    """Values in [low, high]: the non-negative ones, and "-" before the negatives' magnitudes."""
    alternatives = []
    if high is None or high >= 0:
        alternatives.append(magnitudes(max(low, 0) if low is not None else 0, high))
    if low is None or low < 0:
        smallest = nearest_negative if high is None or high >= 0 else -high
        alternatives.append(f'"-" {magnitudes(smallest, None if low is None else -low)}')
    return "(" + " | ".join(alternatives) + ")"


def _magnitudes(low: int, high: int | None) -> str:
    """Non-negative numbers from `low` to `high`: fractions only raise a value above its digits."""
    if high is None:
        return f"({naturals(low, None)} {_FRACTION}?)"
    below = [f"{naturals(low, high - 1)} {_FRACTION}?"] if low <= high - 1 else []
    return "(" + " | ".join([*below, f'"{high}" {_ZEROS}?']) + ")"

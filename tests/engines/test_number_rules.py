"""Number-range grammar rules, checked against every value near their bounds."""

import re

import pytest

from rehearse.engines.number_rules import integer_rule, number_rule


def as_regex(rule: str) -> re.Pattern[str]:
    """The rule as a Python regex: GBNF literals are quoted, sequences space-separated."""
    pattern = re.sub(r'"([^"]*)"', lambda m: re.escape(m.group(1)), rule).replace(" ", "")
    return re.compile(pattern)


@pytest.mark.parametrize(
    ("low", "high"),
    [(0, 0), (1, 5), (7, 23), (-15, 42), (95, 1203), (-1000, -7), (3, None), (None, -20),
     (None, 4), (-3, None), (100, 100)],
)  # fmt: skip
def test_integers_match_exactly_their_range(low, high):
    matches = as_regex(integer_rule(low, high)).fullmatch
    lo = -2000 if low is None else low
    hi = 2000 if high is None else high
    for value in range(lo - 30, hi + 31):
        inside = (low is None or value >= low) and (high is None or value <= high)
        assert bool(matches(str(value))) == inside, value
    for bad in ("01", "-0", "+1", "1.0", ""):
        assert not matches(bad)


@pytest.mark.parametrize(("low", "high"), [(0, 1), (-2, 3), (5, None), (None, -1), (-10, -4)])
def test_numbers_stay_within_whole_bounds(low, high):
    matches = as_regex(number_rule(low, high)).fullmatch
    for text in ("0", "0.5", "1", "1.0", "1.5", "-0.25", "-1", "-2.5", "3.000", "3.01", "4.9",
                 "5", "12.75", "-4", "-4.5", "-9.99", "-10", "-10.5"):  # fmt: skip
        inside = (low is None or float(text) >= low) and (high is None or float(text) <= high)
        assert bool(matches(text)) == inside, text
    assert not matches("1e3") and not matches(".5")


def test_a_lower_bound_beyond_sixteen_digits_still_has_values():
    low = 10**20 + 7
    matches = as_regex(integer_rule(low, None)).fullmatch
    assert matches(str(low)) and matches(str(low + 1)) and not matches(str(low - 1))
    assert not matches("")

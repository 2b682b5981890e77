"""Hours conversion and month-based pro rata, with the domain guide's numbers (sections 3.8, 6.4)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from berichten.validators.regional.hours import (
    NotEvaluable, Omvang, add_months, allocated_hours, days_inclusive, fmt_hours, fmt_months, months_in_period,
    standard_hours, yearly_rate,
)

D = date.fromisoformat


@pytest.mark.parametrize(
    "volume, eenheid, frequentie, start, end, expected",
    [
        (2, "04", "2", "2026-04-01", "2026-07-14", Fraction(30)),  # 300201: 105 days
        (2, "16", "2", "2026-04-01", "2026-07-19", Fraction(880, 7)),  # 300202: 125.7 h
        (15, "04", "4", "2026-01-01", "2027-06-30", Fraction(270)),  # 18 whole months
        (300, "04", "6", "2026-01-01", "2026-01-31", Fraction(300)),  # total, whatever the length
        (90, "01", "2", "2026-01-01", "2026-01-07", Fraction(3, 2)),  # 1.5 h per week
        (225, "04", "6", "2026-01-01", "2026-09-30", Fraction(225)),  # worked example 1, equal
        (6, "04", "2", "2026-01-01", "2026-09-30", Fraction(234)),  # worked example 1, 273 days
        (6, "04", "2", "2026-01-01", "2027-06-30", Fraction(468)),  # worked example 2, 546 days
        (3, "04", "2", "2026-03-01", "2027-02-28", Fraction(1095, 7)),  # worked example 3: 156.43 h
        (4, "04", "2", "2026-01-01", "2026-06-30", Fraction(724, 7)),  # worked example 4: 103.43 h
        (1, "04", "1", "2026-02-01", "2026-02-28", Fraction(28)),  # per dag x days inclusive
        (2, "16", "1", "2026-02-01", "2026-02-01", Fraction(8)),  # a single day, two dagdelen
    ],
)
def test_allocated_hours(volume, eenheid, frequentie, start, end, expected):
    assert allocated_hours(Omvang(volume, eenheid, frequentie), D(start), D(end)) == expected


def test_display_rounding_matches_the_guide():
    assert fmt_hours(Fraction(880, 7)) == "125.71"
    assert fmt_hours(Fraction(1095, 7)) == "156.43"
    assert fmt_hours(Fraction(724, 7)) == "103.43"
    assert fmt_hours(Fraction(1, 200)) == "0.01"  # half rounds up
    assert fmt_hours(Fraction(-1095, 7)) == "-156.43"


@pytest.mark.parametrize(
    "start, end, months",
    [
        ("2026-03-16", "2027-09-15", Fraction(18)),  # the guide: exactly 18 months
        ("2026-04-01", "2026-12-31", Fraction(9)),
        ("2026-01-01", "2026-09-30", Fraction(9)),
        ("2026-06-01", "2027-05-03", 11 + Fraction(3, 31)),
        ("2026-01-01", "2026-06-30", Fraction(6)),
        ("2026-03-01", "2027-02-28", Fraction(12)),
        ("2026-01-01", "2026-01-01", Fraction(1, 31)),
        ("2026-01-31", "2026-02-27", Fraction(1)),  # the clamp: 31 Jan + 1 month = 28 Feb, minus one day
        ("2026-02-01", "2026-01-31", Fraction(0)),  # empty period
    ],
)
def test_months_in_period(start, end, months):
    assert months_in_period(D(start), D(end)) == months


@pytest.mark.parametrize(
    "per_year, start, end, expected",
    [
        (300, "2026-03-16", "2027-09-15", Fraction(450)),  # 45A04 over 1.5 year: the covenant's own column
        (200, "2026-03-16", "2027-09-15", Fraction(300)),
        (300, "2026-04-01", "2026-12-31", Fraction(225)),
        (200, "2026-01-01", "2026-06-30", Fraction(100)),
        (200, "2026-03-01", "2027-02-28", Fraction(200)),  # a 365-day year is 200, not 199.86
        (300, "2026-06-01", "2027-05-03", Fraction(300) * (11 + Fraction(3, 31)) / 12),
    ],
)
def test_standard_hours(per_year, start, end, expected):
    assert standard_hours(per_year, D(start), D(end)) == expected


@pytest.mark.parametrize(
    "omvang, expected",
    [
        (Omvang(4, "04", "2"), Fraction(4 * 365, 7)),
        (Omvang(20, "04", "4"), Fraction(240)),
        (Omvang(30, "01", "1"), Fraction(365, 2)),
    ],
)
def test_yearly_rate_of_open_ended_allocations(omvang, expected):
    assert yearly_rate(omvang) == expected


@pytest.mark.parametrize(
    "omvang, end, fragment",
    [
        (None, "2026-12-31", "Budget"),
        (Omvang(10, "14", "2"), "2026-12-31", "Eenheid 14"),
        (Omvang(10, "83", "6"), "2026-12-31", "Eenheid 83"),
        (Omvang(10, "84", "4"), "2026-12-31", "Eenheid 84"),
        (Omvang(10, "04", "3"), "2026-12-31", "Frequentie 3"),
    ],
)
def test_not_evaluable(omvang, end, fragment):
    with pytest.raises(NotEvaluable) as exc:
        allocated_hours(omvang, D("2026-01-01"), D(end))
    assert fragment in exc.value.reason


def test_frequentie_6_without_einddatum_has_no_yearly_rate():
    with pytest.raises(NotEvaluable, match="Frequentie 6"):
        yearly_rate(Omvang(300, "04", "6"))
    with pytest.raises(NotEvaluable):
        allocated_hours(Omvang(300, "04", "6"), D("2026-01-01"), None)


def test_helpers():
    assert add_months(D("2026-01-31"), 1) == D("2026-02-28")
    assert add_months(D("2026-11-15"), 3) == D("2027-02-15")
    assert days_inclusive(D("2026-04-01"), D("2026-07-14")) == 105
    assert fmt_months(11 + Fraction(3, 31)) == "11 3/31"
    assert fmt_months(Fraction(18)) == "18"

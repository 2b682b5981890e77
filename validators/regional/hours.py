"""Hours of an allocation and the Nijmegen standard hours, computed exactly with fractions.

Two readings of the domain guide (sections 3.8 and 6.4) live here:

- *Months* of a period are counted from its first day: whole months (start + m months - 1 day
  still inside the period, the day clamped at month end) plus the covered share, in days, of the
  month that follows. 2026-03-16..2027-09-15 is exactly 18 months; that is what makes the
  covenant's 1.5-year column (300 / 450 h) come out exactly.
- *Allocated hours* turn Omvang into hours: Eenheid 01 = 1/60 h, 04 = 1 h, 16 (dagdeel) = 4 h;
  Frequentie 1 per dag x days, 2 per week x days / 7, 4 per maand x months, 6 totaal = Volume.

Anything else cannot be converted; the functions raise ``NotEvaluable`` with a Dutch reason.
Round only for display (``fmt_hours``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

HOURS_PER_UNIT: dict[str, Fraction] = {"01": Fraction(1, 60), "04": Fraction(1), "16": Fraction(4)}
UNIT_NAMES = {"01": "minuut", "04": "uur", "16": "dagdeel", "14": "etmaal", "82": "stuks (output)",
              "83": "euro", "84": "stuks (inspanning)"}
FREQUENCY_NAMES = {"1": "per dag", "2": "per week", "4": "per maand", "6": "totaal binnen de geldigheidsduur"}
DAYS_PER_YEAR = 365


class NotEvaluable(ValueError):
    """The hours cannot be computed; ``reason`` says why, in Dutch."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Omvang:
    volume: int
    eenheid: str
    frequentie: str

    def __reduce__(self) -> tuple:  # through the constructor, as ProductView (check --jobs)
        return Omvang, (self.volume, self.eenheid, self.frequentie)


def add_months(start: date, months: int) -> date:
    """``start`` plus whole months, the day clamped at the end of the target month."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, _days_in_month(year, month)))


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_in_month(year: int, month: int) -> int:
    # calendar.monthrange without the calendar module (and its locale import) at every start
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _MONTH_DAYS[month - 1]


def days_inclusive(start: date, end: date) -> int:
    """Days from ``start`` to ``end``, both included (0 when end lies before start)."""
    return max((end - start).days + 1, 0)


def months_in_period(start: date, end: date) -> Fraction:
    """Calendar months in ``[start, end]`` (end inclusive): whole months plus a day-based fraction."""
    if end < start:
        return Fraction(0)
    whole = 0
    # Each step is measured from the original start, so a clamp (31 Jan -> 28 Feb) never accumulates.
    while add_months(start, whole + 1) - timedelta(days=1) <= end:
        whole += 1
    rest_start = add_months(start, whole)
    next_month_days = (add_months(start, whole + 1) - rest_start).days
    covered = days_inclusive(rest_start, end)
    return whole + Fraction(covered, next_month_days)


def standard_hours(hours_per_year: int | Fraction, start: date, end: date) -> Fraction:
    """The pro-rata standard of a bounded period: hours per year x months / 12."""
    return Fraction(hours_per_year) * months_in_period(start, end) / 12


def _unit_hours(omvang: Omvang) -> Fraction:
    try:
        return HOURS_PER_UNIT[omvang.eenheid]
    except KeyError:
        name = UNIT_NAMES.get(omvang.eenheid, "onbekend")
        raise NotEvaluable(f"Eenheid {omvang.eenheid} ({name}) is geen tijdseenheid; alleen 01, 04 en 16 worden omgerekend") from None


def allocated_hours(omvang: Omvang | None, start: date, end: date | None) -> Fraction:
    """Hours an allocation grants over its whole validity ``[start, end]``; ``end`` must be known."""
    if omvang is None:
        raise NotEvaluable("de toewijzing heeft een Budget in plaats van een Omvang")
    unit = _unit_hours(omvang)
    if end is None:
        raise NotEvaluable("de toewijzing heeft geen Einddatum; vergelijk het jaartempo (yearly_rate)")
    per_unit = omvang.volume * unit
    if omvang.frequentie == "1":
        return per_unit * days_inclusive(start, end)
    if omvang.frequentie == "2":
        return per_unit * Fraction(days_inclusive(start, end), 7)
    if omvang.frequentie == "4":
        return per_unit * months_in_period(start, end)
    if omvang.frequentie == "6":
        return per_unit
    raise NotEvaluable(f"Frequentie {omvang.frequentie} is onbekend; alleen 1, 2, 4 en 6 worden omgerekend")


def yearly_rate(omvang: Omvang | None) -> Fraction:
    """Hours per year of an open-ended allocation: per dag x 365, per week x 365/7, per maand x 12."""
    if omvang is None:
        raise NotEvaluable("de toewijzing heeft een Budget in plaats van een Omvang")
    unit = _unit_hours(omvang)
    per_unit = omvang.volume * unit
    if omvang.frequentie == "1":
        return per_unit * DAYS_PER_YEAR
    if omvang.frequentie == "2":
        return per_unit * Fraction(DAYS_PER_YEAR, 7)
    if omvang.frequentie == "4":
        return per_unit * 12
    if omvang.frequentie == "6":
        raise NotEvaluable("Frequentie 6 (totaal) zonder Einddatum heeft geen periode om mee te vergelijken")
    raise NotEvaluable(f"Frequentie {omvang.frequentie} is onbekend; alleen 1, 2, 4 en 6 worden omgerekend")


def fmt_hours(value: Fraction) -> str:
    """Two decimals, half away from zero, for messages: ``Fraction(1095, 7)`` -> ``156.43``."""
    cents = (abs(value) * 100 * 2 + 1) // 2  # exact half-up on the absolute value
    sign = "-" if value < 0 else ""
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def fmt_months(value: Fraction) -> str:
    """``18`` or ``11 3/31`` for messages."""
    whole, rest = divmod(value, 1)
    if not rest:
        return str(whole)
    return f"{whole} {rest.numerator}/{rest.denominator}" if whole else f"{rest.numerator}/{rest.denominator}"

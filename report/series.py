"""Month series and episodes: the few months are made in Python, everything per month is SQL."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Date, String, and_, case, func, literal, select, union_all
from sqlalchemy.sql import Subquery

from berichten.report.sqldates import plus_days


@dataclass(frozen=True)
class Month:
    label: str  # YYYY-MM
    first: date
    last: date  # last day counted: the month's last day, or the peildatum in the running month

    @property
    def before(self) -> date:
        return self.first - timedelta(days=1)


def parse_month(value: str) -> date:
    """``2026-03`` -> 2026-03-01; raises ValueError with a Dutch message."""
    try:
        year, month = (int(p) for p in value.split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError):
        raise ValueError(f"'{value}' is geen maand; gebruik JJJJ-MM") from None


def month_end(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def default_period(peildatum: date, months: int = 12) -> tuple[date, date]:
    """The twelve months ending with the peildatum's month."""
    index = peildatum.year * 12 + peildatum.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1), peildatum.replace(day=1)


def months_between(van: date, tot: date, peildatum: date) -> list[Month]:
    """Months from ``van`` to ``tot`` (both first days), none after the peildatum's month."""
    out: list[Month] = []
    current = van.replace(day=1)
    while current <= tot and current <= peildatum:
        out.append(Month(current.strftime("%Y-%m"), current, min(month_end(current), peildatum)))
        current = month_end(current) + timedelta(days=1)
    return out


def months_table(months: Sequence[Month]) -> Subquery:
    """The months as a small SQL table (maand, eerste, laatste, vorige)."""
    rows = [
        select(
            literal(m.label, String).label("maand"),
            literal(m.first, Date).label("eerste"),
            literal(m.last, Date).label("laatste"),
            literal(m.before, Date).label("vorige"),
        )
        for m in months
    ]
    return (union_all(*rows) if len(rows) > 1 else rows[0]).subquery("maanden")


def episodes(alloc: Subquery, keys: Sequence[str], gap_days: int = 1) -> Subquery:
    """Maximal runs of days covered by the allocations per ``keys`` (gaps-and-islands in SQL).

    Allocations that overlap or touch merge; a gap of ``gap_days`` days or more without any
    allocation starts a new episode. Columns: the keys, ``start``, ``eind`` (OPEN_END when open).
    """
    part = [alloc.c[k] for k in keys]
    order = (alloc.c.ingangsdatum, alloc.c.eind)
    prev_end = func.max(alloc.c.eind).over(partition_by=part, order_by=order, rows=(None, -1)).label("prev_end")
    step1 = select(*part, alloc.c.ingangsdatum, alloc.c.eind, prev_end).subquery("ep1")
    new = case(
        (step1.c.prev_end.is_(None), 1),
        (step1.c.ingangsdatum > plus_days(step1.c.prev_end, gap_days), 1),
        else_=0,
    )
    part2 = [step1.c[k] for k in keys]
    grp = func.sum(new).over(partition_by=part2, order_by=(step1.c.ingangsdatum, step1.c.eind), rows=(None, 0)).label("grp")
    step2 = select(*part2, step1.c.ingangsdatum, step1.c.eind, grp).subquery("ep2")
    part3 = [step2.c[k] for k in keys]
    return (
        select(*part3, func.min(step2.c.ingangsdatum).label("start"), func.max(step2.c.eind).label("eind"))
        .group_by(*part3, step2.c.grp)
        .subquery("episodes")
    )


def flow_per_month(eps: Subquery, months: Sequence[Month], keys: Sequence[str]):
    """Per month and key: begin (active the day before the month), instroom, uitstroom, eind.

    Uitstroom is an episode whose first day without care falls in the month; with eind counted on
    the month's last counted day, eind = begin + instroom - uitstroom holds exactly.
    """
    m = months_table(months)
    s, e = eps.c.start, eps.c.eind
    exit_day = plus_days(e, 1)

    def count(cond):
        return func.sum(case((cond, 1), else_=0))

    cols = [eps.c[k] for k in keys]
    return (
        select(
            m.c.maand,
            *cols,
            count(and_(s <= m.c.vorige, e >= m.c.vorige)).label("begin"),
            count(and_(s >= m.c.eerste, s <= m.c.laatste)).label("instroom"),
            count(and_(exit_day >= m.c.eerste, exit_day <= m.c.laatste)).label("uitstroom"),
            count(and_(s <= m.c.laatste, e >= m.c.laatste)).label("eind"),
        )
        .select_from(m.join(eps, and_(s <= m.c.laatste, e >= m.c.vorige)))
        .group_by(m.c.maand, *cols)
    )

"""Date arithmetic that compiles to SQLite and PostgreSQL alike (SQLAlchemy Core constructs).

SQLite stores dates as ISO text and has ``julianday``/``date``; PostgreSQL has a real ``date``
type. The report needs day differences, adding days or months and month lengths inside
aggregate queries, so these small constructs render the right SQL per dialect. Integer
arguments must be SQL expressions (columns) or Python ints (inlined, never user text).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Float, Integer, case, cast, extract, literal_column, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import Subquery
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

# Open Einddatum in interval logic; far enough, and SQLite's date() still works one year past it.
OPEN_END = date(9000, 12, 31)


def _int(value: int | ColumnElement) -> ColumnElement:
    return literal_column(str(int(value)), Integer) if isinstance(value, int) else value


class days_between(FunctionElement):
    """``b - a`` in whole days."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between, "sqlite")
def _days_sqlite(element, compiler, **kw):
    a, b = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(julianday({b}) - julianday({a}) AS INTEGER)"


@compiles(days_between, "postgresql")
def _days_pg(element, compiler, **kw):
    a, b = (compiler.process(c, **kw) for c in element.clauses)
    return f"(CAST({b} AS DATE) - CAST({a} AS DATE))"


class add_days(FunctionElement):
    """``d + n`` days."""

    type = Date()
    inherit_cache = True
    name = "add_days"


@compiles(add_days, "sqlite")
def _add_days_sqlite(element, compiler, **kw):
    d, n = (compiler.process(c, **kw) for c in element.clauses)
    return f"date({d}, printf('%+d days', {n}))"


@compiles(add_days, "postgresql")
def _add_days_pg(element, compiler, **kw):
    d, n = (compiler.process(c, **kw) for c in element.clauses)
    return f"(CAST({d} AS DATE) + CAST({n} AS INTEGER))"


class add_months(FunctionElement):
    """``d`` plus whole months, the day clamped at the end of the target month (as hours.add_months)."""

    type = Date()
    inherit_cache = True
    name = "add_months"


@compiles(add_months, "sqlite")
def _add_months_sqlite(element, compiler, **kw):
    d, n = (compiler.process(c, **kw) for c in element.clauses)
    first = f"date({d}, 'start of month', printf('%+d months', {n}))"
    last_day = f"CAST(strftime('%d', {first}, '+1 month', '-1 day') AS INTEGER)"
    day = f"min(CAST(strftime('%d', {d}) AS INTEGER), {last_day})"
    return f"date({first}, printf('%+d days', {day} - 1))"


@compiles(add_months, "postgresql")
def _add_months_pg(element, compiler, **kw):
    d, n = (compiler.process(c, **kw) for c in element.clauses)
    # PostgreSQL clamps at month end itself: 2026-01-31 + 1 month = 2026-02-28.
    return f"CAST(CAST({d} AS DATE) + make_interval(months => CAST({n} AS INTEGER)) AS DATE)"


def plus_days(d: ColumnElement, n: int | ColumnElement) -> ColumnElement:
    return add_days(d, _int(n))


def plus_months(d: ColumnElement, n: int | ColumnElement) -> ColumnElement:
    return add_months(d, _int(n))


def days_inclusive(start: ColumnElement, end: ColumnElement) -> ColumnElement:
    return days_between(start, end) + 1


def part(field: str, d: ColumnElement) -> ColumnElement:
    return cast(extract(field, d), Integer)


def _whole_months(start: ColumnElement, end: ColumnElement) -> ColumnElement:
    """Whole months m in ``[start, end]``: the largest m with start + m months - 1 day <= end.

    With m0 the difference of the month numbers, m is m0 + 1 when start is the 1st and end the
    last day of its month, m0 when the start day (clamped to end's month length) is at most end's
    day + 1, else m0 - 1.
    """
    ys, ms, ds = part("year", start), part("month", start), part("day", start)
    ye, me, de = part("year", end), part("month", end), part("day", end)
    is_last_day = part("day", plus_days(end, 1)) == 1
    m0 = (ye - ys) * 12 + (me - ms)
    return case(((ds == 1) & is_last_day, m0 + 1), (ds <= de + 1, m0), (is_last_day, m0), else_=m0 - 1)


def with_months(sub: Subquery, start: str, end: str, label: str = "maanden") -> Subquery:
    """``sub`` plus a column ``label``: calendar months in ``[start, end]`` as
    validators.regional.hours.months_in_period (whole months plus the covered share, in days, of
    the next month), as a float; NULL when ``end`` is NULL.

    Built in three stacked subqueries so every step is computed once: inlining it as one
    expression repeats the month arithmetic so often that SQLite's parser gives up.
    """
    s1 = select(sub, _whole_months(sub.c[start], sub.c[end]).label("_hele")).subquery()
    s2 = select(
        s1,
        plus_months(s1.c[start], s1.c._hele).label("_rest"),
        plus_months(s1.c[start], s1.c._hele + 1).label("_volgende"),
    ).subquery()
    fraction = cast(days_between(s2.c._rest, s2.c[end]) + 1, Float) / cast(days_between(s2.c._rest, s2.c._volgende), Float)
    months = case(
        (s2.c[end].is_(None), None),
        (s2.c[end] < s2.c[start], literal_column("0.0", Float)),
        else_=cast(s2.c._hele, Float) + fraction,
    )
    keep = [c for c in s2.c if c.name not in ("_hele", "_rest", "_volgende")]
    return select(*keep, months.label(label)).subquery()

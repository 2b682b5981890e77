"""The SQL date arithmetic of the report against validators.regional.hours, on SQLite and PostgreSQL."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import Date, create_engine, literal, select, union_all

from berichten.report.series import default_period, months_between
from berichten.report.sqldates import days_between, plus_days, plus_months, with_months
from berichten.validators.regional.hours import add_months, months_in_period

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]

EDGES = [
    (date(2026, 3, 16), date(2027, 9, 15)),  # exactly 18 months (guide 6.4)
    (date(2026, 4, 1), date(2026, 12, 31)),  # 9 months
    (date(2026, 6, 1), date(2027, 5, 3)),  # 11 + 3/31
    (date(2026, 1, 31), date(2026, 2, 27)),  # clamped month end, one day short
    (date(2026, 1, 31), date(2026, 2, 28)),
    (date(2024, 1, 30), date(2024, 2, 28)),  # leap year
    (date(2024, 1, 30), date(2024, 2, 29)),
    (date(2026, 5, 5), date(2026, 5, 5)),  # one day
    (date(2026, 12, 31), date(2027, 1, 30)),
]


def _cases() -> list[tuple[date, date]]:
    rnd = random.Random(7)
    cases = list(EDGES)
    for _ in range(300):
        start = date(2023, 1, 1) + timedelta(days=rnd.randrange(1500))
        cases.append((start, start + timedelta(days=rnd.randrange(800))))
    return cases


@pytest.fixture(params=BACKENDS)
def engine(request):
    if request.param == "sqlite":
        eng = create_engine("sqlite://")
    else:
        from berichten.store.testing import PG_URL, postgres_unavailable

        reason = postgres_unavailable()
        if reason:
            pytest.skip(reason)
        eng = create_engine(PG_URL)
    yield eng
    eng.dispose()


def test_months_days_and_month_steps_match_python(engine):
    cases = _cases()
    rows = union_all(*[select(literal(s, Date).label("s"), literal(e, Date).label("e")) for s, e in cases]).subquery()
    u = with_months(rows, "s", "e")
    query = select(u.c.s, u.c.e, u.c.maanden, plus_months(u.c.s, 13), days_between(u.c.s, u.c.e), plus_days(u.c.e, 1))
    with engine.connect() as conn:
        result = conn.execute(query).all()
    assert len(result) == len(cases)
    for s, e, maanden, stepped, days, next_day in result:
        s, e = date.fromisoformat(str(s)), date.fromisoformat(str(e))
        assert maanden == pytest.approx(float(months_in_period(s, e)), abs=1e-12), (s, e)
        assert str(stepped) == add_months(s, 13).isoformat()
        assert days == (e - s).days
        assert str(next_day) == (e + timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("peildatum", "expected"),
    [
        (date(2026, 10, 31), ("2025-11", "2026-10", date(2026, 10, 31))),
        (date(2026, 10, 15), ("2025-11", "2026-10", date(2026, 10, 15))),  # the running month ends on the peildatum
        (date(2026, 1, 1), ("2025-02", "2026-01", date(2026, 1, 1))),
    ],
)
def test_default_period_is_twelve_months_up_to_the_peildatum(peildatum, expected):
    van, tot = default_period(peildatum)
    months = months_between(van, tot, peildatum)
    assert len(months) == 12
    assert (months[0].label, months[-1].label, months[-1].last) == expected

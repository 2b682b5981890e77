"""Verzilvering (domain guide 7.3): declared against allocated hours over the same months.

Both sides are summed per allocation first (hours from ``report.declaraties``), then per group
(product, aanbieder, Buurtteam-type, month). Only months that can have been declared count: the
months of the period before the peildatum's month (a month is declared after it ended).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from sqlalchemy import Connection, exists, func, literal, select
from sqlalchemy import Table as DbTable

from berichten.report.declaraties import allocated_per_month, on_allocation
from berichten.report.model import Chart, Column, Section, Table
from berichten.report.series import Month
from berichten.report.sqldates import part, plus_months
from berichten.report.state import materialise

BAND = (0.50, 0.65)  # the convenant: 50 to 65 % of allocated care is delivered
DEFAULT_ZONDER_DECLARATIE_MAANDEN = 3


def declarable_months(months: Sequence[Month], peildatum: date) -> list[Month]:
    """The months of the period that ended before the peildatum's month began."""
    return [m for m in months if m.first < peildatum.replace(day=1)]


def _share(declared: float | None, allocated: float | None) -> float | None:
    return declared / allocated if declared is not None and allocated else None


class Allocated:
    """The allocated hours of the scope, computed once: one row per allocation and month
    (``per_month``) and one per allocation (``per_alloc``), both materialised."""

    def __init__(self, conn: Connection, alloc: DbTable, months: Sequence[Month], keys: Sequence[str]):
        am = allocated_per_month(alloc, months)
        cols = [am.c.id, *(am.c[k] for k in keys)]
        self.keys = list(keys)
        self.per_month = materialise(conn, select(*cols, am.c.maand, am.c.uren_maand.label("uren")), "rapport_verz_maand")
        pm = self.per_month.c
        self.per_alloc = materialise(conn, select(*(pm[c.name] for c in cols), func.sum(pm.uren).label("uren"))
                                     .group_by(*(pm[c.name] for c in cols)), "rapport_verz_toewijzing")


def verzilvering_rows(conn: Connection, allocated: Allocated, alloc: DbTable, prest: DbTable, months: Sequence[Month],
                      key: str) -> dict[tuple, tuple[int, float | None, float | None, int]]:
    """Per value of ``key`` (one of ``allocated.keys``, or ``maand``): allocations with allocated
    hours in the months, allocated hours, declared hours, declared eurocent."""
    if not months:
        return {}
    # One row per allocation (and month) in these tables, so count() counts allocations.
    source = allocated.per_month if key == "maand" else allocated.per_alloc
    allocated_by = {(k,): (int(n), h) for k, n, h in conn.execute(
        select(source.c[key], func.count(), func.sum(source.c.uren)).group_by(source.c[key]))}
    if key == "maand":
        y, mo = part("year", prest.c.begindatum).label("j"), part("month", prest.c.begindatum).label("m")
        group = [y, mo]
    else:
        group = [alloc.c[key]]
    declared_q = (
        select(*group, func.sum(prest.c.uren), func.sum(prest.c.bedrag))
        .select_from(prest.join(alloc, on_allocation(prest, alloc)))
        .where(prest.c.begindatum >= months[0].first, prest.c.begindatum <= months[-1].last)
        .group_by(*group)
    )
    declared = {}
    for *k, hours, cents in conn.execute(declared_q):
        label = (f"{int(k[0])}-{int(k[1]):02d}",) if key == "maand" else tuple(k)
        declared[label] = (hours, int(cents or 0))
    out = {}
    for k in sorted(set(allocated_by) | set(declared), key=lambda k: tuple(str(v) for v in k)):
        n, a_hours = allocated_by.get(k, (0, None))
        d_hours, cents = declared.get(k, (None, 0))
        out[k] = (n, a_hours, d_hours, cents)
    return out


VERZILVERING_COLUMNS = [
    Column("toewijzingen", "Toewijzingen", "count"),
    Column("toegewezen_uren", "Toegewezen uren", "hours", basis="toewijzingen"),
    Column("gedeclareerde_uren", "Gedeclareerde uren", "hours", basis="toewijzingen"),
    Column("gedeclareerd_bedrag", "Gedeclareerd bedrag (€)", "euro", basis="toewijzingen"),
    Column("verzilvering", "Verzilvering", "share", basis="toewijzingen"),
]


def _table(table_id: str, title: str, lead: list[Column], data: dict, label: Callable[[tuple], list]) -> Table:
    rows = [[*label(k), n, a, d, c, _share(d, a)] for k, (n, a, d, c) in data.items()]
    return Table(table_id, title, [*lead, *VERZILVERING_COLUMNS], rows)


def without_declaration(conn: Connection, alloc: DbTable, prest: DbTable, peildatum: date, n_months: int):
    """Per aanbieder and product: allocations whose Ingangsdatum lies at least ``n_months`` months
    before the peildatum and that have no counted Prestatie at all."""
    a = alloc.c
    has = exists(select(literal(1)).where(on_allocation(prest, alloc)))
    q = (select(a.ontvanger, a.code, func.count())
         .where(plus_months(a.ingangsdatum, n_months) <= peildatum, ~has)
         .group_by(a.ontvanger, a.code).order_by(a.ontvanger, a.code))
    return [(agb, code, int(n)) for agb, code, n in conn.execute(q)]


def verzilvering_section(conn: Connection, cfg, alloc: DbTable, prest: DbTable, months: Sequence[Month],
                         peildatum: date, *, prefix: str, n_months: int, by_team: bool) -> Section:
    dm = declarable_months(months, peildatum)
    span = f"{dm[0].label} t/m {dm[-1].label}" if dm else "geen"
    section = Section(
        f"{prefix}-verzilvering", "Verzilvering: gedeclareerd tegenover toegewezen",
        f"Goedgekeurde declaraties (323 met een goedkeurende 325; credits ervan af) tegenover de toegewezen uren "
        f"van dezelfde toewijzingen in dezelfde maanden ({span}; de lopende maand is nog niet gedeclareerd). "
        f"Het convenant noemt een verzilvering van {BAND[0]:.0%} tot {BAND[1]:.0%}.",
    )
    names = {p.code: p.naam for p in cfg.producten}

    def prov(agb):
        a = cfg.aanbieder(agb)
        return a.naam if a else ""

    keys = ["code", "ontvanger", *(["buurtteam"] if by_team else [])]
    allocated = Allocated(conn, alloc, dm, keys) if dm else None

    def rows(key):
        return verzilvering_rows(conn, allocated, alloc, prest, dm, key) if allocated else {}

    section.tables.append(_table(f"{prefix}_verzilvering_product", "Per product",
                                 [Column("product", "Product"), Column("naam", "Naam")], rows("code"),
                                 lambda k: [k[0], names.get(k[0], "")]))
    section.tables.append(_table(f"{prefix}_verzilvering_aanbieder", "Per aanbieder",
                                 [Column("aanbieder", "Aanbieder (AGB)"), Column("naam", "Naam")], rows("ontvanger"),
                                 lambda k: [k[0], prov(k[0])]))
    if by_team:
        section.tables.append(_table(f"{prefix}_verzilvering_buurtteam", "Per Buurtteam-type",
                                     [Column("buurtteam", "Buurtteam")], rows("buurtteam"), lambda k: [k[0]]))
    monthly = rows("maand")
    mt = _table(f"{prefix}_verzilvering_maand", "Per maand (ProductPeriode)", [Column("maand", "Maand")],
                {(m.label,): monthly.get((m.label,), (0, None, None, 0)) for m in dm}, lambda k: [k[0]])
    section.tables.append(mt)
    pct = [(r[-1] * 100 if r[-1] is not None else None) for r in mt.rows]
    section.charts.append(Chart(
        f"{prefix}_verzilvering_chart", "Verzilvering per maand (%) met de band van het convenant", "line",
        [r[0] for r in mt.rows],
        [("verzilvering", pct), (f"ondergrens {BAND[0]:.0%}", [BAND[0] * 100] * len(pct)),
         (f"bovengrens {BAND[1]:.0%}", [BAND[1] * 100] * len(pct))], "% van toegewezen uren", counts=False,
        basis=[r[1] for r in mt.rows]))  # the first series rests on the month's allocations; the band does not
    missing = without_declaration(conn, alloc, prest, peildatum, n_months)
    rows = [[agb, prov(agb), code, n] for agb, code, n in missing]
    rows.append(["totaal", "", "", sum(r[3] for r in rows)])
    section.tables.append(Table(
        f"{prefix}_zonder_declaratie", f"Toewijzingen zonder declaratie na {n_months} maanden",
        [Column("aanbieder", "Aanbieder (AGB)"), Column("naam", "Naam"), Column("product", "Product"),
         Column("toewijzingen", "Toewijzingen", "count")], rows,
        note=f"Huidige toewijzingen met een Ingangsdatum minstens {n_months} maanden voor de peildatum zonder "
             "enige goedgekeurde Prestatie (instelbaar met --zonder-declaratie-maanden)."))
    return section

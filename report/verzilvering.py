"""Verzilvering (domain guide 7.3): declared against allocated hours over the same months.

Both sides are summed per allocation first (hours from ``report.declaraties``), then per group
(product, aanbieder, Buurtteam-type, month). Only months that can have been declared count: the
months of the period before the peildatum's month (a month is declared after it ended).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from sqlalchemy import Connection, and_, exists, func, literal, select
from sqlalchemy import Table as DbTable

from report.declaraties import allocated_per_month, on_allocation
from report.model import Chart, Column, Section, Table
from report.series import Month, months_table
from report.sqldates import plus_months

BAND = (0.50, 0.65)  # the convenant: 50 to 65 % of allocated care is delivered
DEFAULT_ZONDER_DECLARATIE_MAANDEN = 3


def declarable_months(months: Sequence[Month], peildatum: date) -> list[Month]:
    """The months of the period that ended before the peildatum's month began."""
    return [m for m in months if m.first < peildatum.replace(day=1)]


def _share(declared: float | None, allocated: float | None) -> float | None:
    return declared / allocated if declared is not None and allocated else None


def verzilvering_rows(conn: Connection, alloc: DbTable, prest: DbTable, months: Sequence[Month],
                      keys: Sequence[str]) -> dict[tuple, tuple[int, float | None, float | None, int]]:
    """Per group of ``keys`` (columns of ``alloc``, or ``maand``): allocations with allocated
    hours in the months, allocated hours, declared hours, declared eurocent."""
    if not months:
        return {}
    am = allocated_per_month(alloc, months)
    per_month = "maand" in keys
    alloc_keys = [k for k in keys if k != "maand"]
    ident = [am.c.standaard, am.c.afzender, am.c.toewijzing_nummer]
    group_a = [am.c[k] for k in alloc_keys] + ([am.c.maand] if per_month else [])
    # One row per allocation (and month): its hours; then count allocations per group.
    per_alloc = (select(*group_a, *ident, func.sum(am.c.uren_maand).label("uren"))
                 .group_by(*group_a, *ident).subquery("per_toewijzing"))
    pa = per_alloc.c
    allocated = {tuple(r[:-2]): (int(r[-2]), r[-1]) for r in conn.execute(
        select(*(pa[c.name] for c in group_a), func.count(), func.sum(pa.uren)).group_by(*(pa[c.name] for c in group_a)))}
    m = months_table(months)
    group_d = [alloc.c[k] for k in alloc_keys] + ([m.c.maand] if per_month else [])
    declared_q = (
        select(*group_d, func.sum(prest.c.uren), func.sum(prest.c.bedrag))
        .select_from(prest.join(alloc, on_allocation(prest, alloc))
                     .join(m, and_(prest.c.begindatum >= m.c.eerste, prest.c.begindatum <= m.c.laatste)))
        .group_by(*group_d)
    )
    declared = {tuple(r[:-2]): (r[-2], int(r[-1] or 0)) for r in conn.execute(declared_q)}
    out = {}
    for key in sorted(set(allocated) | set(declared), key=lambda k: tuple(str(v) for v in k)):
        n, a_hours = allocated.get(key, (0, None))
        d_hours, cents = declared.get(key, (None, 0))
        out[key] = (n, a_hours, d_hours, cents)
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

    product = verzilvering_rows(conn, alloc, prest, dm, ["code"])
    section.tables.append(_table(f"{prefix}_verzilvering_product", "Per product",
                                 [Column("product", "Product"), Column("naam", "Naam")], product,
                                 lambda k: [k[0], names.get(k[0], "")]))
    aanbieder = verzilvering_rows(conn, alloc, prest, dm, ["ontvanger"])
    section.tables.append(_table(f"{prefix}_verzilvering_aanbieder", "Per aanbieder",
                                 [Column("aanbieder", "Aanbieder (AGB)"), Column("naam", "Naam")], aanbieder,
                                 lambda k: [k[0], prov(k[0])]))
    if by_team:
        team = verzilvering_rows(conn, alloc, prest, dm, ["buurtteam"])
        section.tables.append(_table(f"{prefix}_verzilvering_buurtteam", "Per Buurtteam-type",
                                     [Column("buurtteam", "Buurtteam")], team, lambda k: [k[0]]))
    monthly = verzilvering_rows(conn, alloc, prest, dm, ["maand"])
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

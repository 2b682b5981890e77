"""Trajectduur and trajectintensiteit per product and Buurtteam-type (domain guide 7.3).

A trajectory is one current allocation with Ingangsdatum in the period (and not after the
peildatum). Start: the first valid 305 Begindatum, else the Ingangsdatum. Stop: the Einddatum of
the definitive 307 (RedenBeeindiging not 20), else the allocation's Einddatum when it has passed;
otherwise the trajectory is still open and counted apart. Intensity: counted (declared and
approved) hours per week of trajectory, over the part of it that can have been declared (up to the
last day of the month before the peildatum's month).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import Connection, Float, and_, case, cast, func, literal, select
from sqlalchemy import Table as DbTable
from sqlalchemy.sql import Subquery

from berichten.report.declaraties import on_allocation
from berichten.report.model import Column, Section, Table
from berichten.report.sqldates import days_inclusive
from berichten.report.state import definitive_stops, first_starts, materialise

ALLE = "alle"


def declared_until(peildatum: date) -> date:
    """The last day whose care can have been declared: the end of the month before the peildatum's."""
    return peildatum.replace(day=1) - timedelta(days=1)


def trajectories(alloc: DbTable, prest: DbTable, lo: date, hi: date, peildatum: date,
                 rejected: DbTable | None = None) -> Subquery:
    """One row per trajectory: buurtteam, code, status (beeindigd/open), duur (days, ended only),
    uren (counted hours up to ``declared_until``), weken (weeks of trajectory up to then)."""
    fs, ds = first_starts(rejected), definitive_stops(rejected)
    a = alloc.c

    def key(t):
        return and_(t.c.standaard == a.standaard, t.c.aanbieder == a.ontvanger, t.c.gemeente == a.afzender,
                    t.c.client == a.client, t.c.toewijzing_nummer == a.toewijzing_nummer)

    last = declared_until(peildatum)
    delivered = (select(func.sum(prest.c.uren)).where(on_allocation(prest, alloc), prest.c.begindatum <= last)
                 .scalar_subquery())
    base = (
        select(a.buurtteam, a.code, func.coalesce(fs.c.begindatum, a.ingangsdatum).label("start"),
               func.coalesce(ds.c.einddatum, case((a.einddatum <= peildatum, a.einddatum))).label("stop"),
               func.coalesce(delivered, literal(0.0, Float)).label("uren"))
        .select_from(alloc.outerjoin(fs, key(fs)).outerjoin(ds, key(ds)))
        .where(a.ingangsdatum >= lo, a.ingangsdatum <= hi, a.ingangsdatum <= peildatum)
        .subquery("traject_basis")
    )
    b = base.c
    window_end = case((and_(b.stop.is_not(None), b.stop < last), b.stop), else_=literal(last))
    weeks = case((window_end >= b.start, cast(days_inclusive(b.start, window_end), Float) / literal(7.0, Float)))
    return select(
        b.buurtteam, b.code, case((b.stop.is_not(None), "beeindigd"), else_="open").label("status"),
        case((b.stop.is_not(None), days_inclusive(b.start, b.stop))).label("duur"),
        b.uren, weeks.label("weken"),
    ).subquery("trajecten_product")


def quartiles(conn: Connection, t: DbTable, value: str, groups: Sequence[str]) -> dict[tuple, tuple]:
    """Nearest-rank first quartile, median and third quartile of ``value`` per ``groups``
    (the value at rank ceil(p x n)), skipping NULLs."""
    part = [t.c[g] for g in groups]
    rn = func.row_number().over(partition_by=part, order_by=t.c[value]).label("rn")
    n = func.count().over(partition_by=part).label("n")
    ranked = select(*part, t.c[value].label("v"), rn, n).where(t.c[value].is_not(None)).subquery("gerangschikt")
    r = ranked.c

    def at(num, plus, den):
        return func.min(case((r.rn >= (r.n * num + plus) // den, r.v)))

    gcols = [r[g] for g in groups]
    q = select(*gcols, at(1, 3, 4), at(1, 1, 2), at(3, 3, 4)).group_by(*gcols)
    return {tuple(row[: len(groups)]): tuple(row[len(groups):]) for row in conn.execute(q)}


def _intensity(hours: float | None, weeks: float | None) -> float | None:
    return hours / weeks if hours is not None and weeks else None


def traject_section(conn: Connection, alloc: DbTable, prest: DbTable, lo: date, hi: date, peildatum: date,
                    rejected: DbTable | None = None) -> Section:
    section = Section(
        "nijm-traject-product", "Trajectduur en trajectintensiteit per product",
        "Start: eerste Begindatum (305), anders de Ingangsdatum; einde: Einddatum van de definitieve stop (307, "
        "reden niet 20), anders de verstreken Einddatum van de toewijzing; zonder einde telt een traject als "
        f"lopend. Intensiteit: goedgekeurde gedeclareerde uren per week traject, tot en met "
        f"{declared_until(peildatum).isoformat()} (de laatste maand die gedeclareerd kan zijn).",
    )
    t = materialise(conn, select(trajectories(alloc, prest, lo, hi, peildatum, rejected)), "rapport_traject_product")
    ended = materialise(conn, select(t).where(t.c.status == "beeindigd"), "rapport_traject_beeindigd")
    per_week = materialise(conn, select(t, (t.c.uren / t.c.weken).label("per_week")).where(t.c.weken > 0),
                           "rapport_traject_intensiteit")
    counts: dict[tuple, dict[str, int]] = {}
    sums: dict[tuple, tuple] = {}
    for keys, groups in (((t.c.buurtteam, t.c.code), ("buurtteam", "code")), ((t.c.code,), ("code",))):
        for *k, status, n in conn.execute(select(*keys, t.c.status, func.count()).group_by(*keys, t.c.status)):
            key = tuple(k) if len(k) == 2 else (ALLE, k[0])
            counts.setdefault(key, {})[status] = int(n)
        pk = [per_week.c[g] for g in groups]
        for *k, n, uren, weken in conn.execute(
                select(*pk, func.count(), func.sum(per_week.c.uren), func.sum(per_week.c.weken)).group_by(*pk)):
            key = tuple(k) if len(k) == 2 else (ALLE, k[0])
            sums[key] = (int(n), uren, weken)
    dq = {**quartiles(conn, ended, "duur", ["buurtteam", "code"]),
          **{(ALLE, k[0]): v for k, v in quartiles(conn, ended, "duur", ["code"]).items()}}
    iq = {**quartiles(conn, per_week, "per_week", ["buurtteam", "code"]),
          **{(ALLE, k[0]): v for k, v in quartiles(conn, per_week, "per_week", ["code"]).items()}}
    order = sorted(counts, key=lambda k: (k[0] == ALLE, k[0], k[1]))
    drows, irows = [], []
    for key in order:
        c = counts[key]
        q1, med, q3 = dq.get(key, (None, None, None))
        drows.append([*key, c.get("beeindigd", 0), c.get("open", 0), q1, med, q3])
        n, uren, weken = sums.get(key, (0, None, None))
        i1, imed, i3 = iq.get(key, (None, None, None))
        irows.append([*key, n, uren, weken, _intensity(uren, weken), i1, imed, i3])
    lead = [Column("buurtteam", "Buurtteam"), Column("product", "Product")]
    section.tables.append(Table("nijm_trajectduur_product", "Trajectduur in dagen per Buurtteam-type en product", [
        *lead, Column("beeindigd", "Beëindigd", "count"), Column("open", "Lopend", "count"),
        Column("q1", "Eerste kwartiel", "days", basis="beeindigd"), Column("mediaan", "Mediaan", "days", basis="beeindigd"),
        Column("q3", "Derde kwartiel", "days", basis="beeindigd")], drows,
        note=f"Kwartielen over de beëindigde trajecten; '{ALLE}' = alle Buurtteam-typen samen."))
    section.tables.append(Table("nijm_intensiteit", "Trajectintensiteit (gedeclareerde uren per week)", [
        *lead, Column("trajecten", "Trajecten", "count"),
        Column("uren", "Gedeclareerde uren", "hours", basis="trajecten"),
        Column("weken", "Weken traject", "hours", basis="trajecten"),
        Column("uren_per_week", "Uren per week (totaal)", "ratio", basis="trajecten"),
        Column("q1", "Eerste kwartiel", "ratio", basis="trajecten"),
        Column("mediaan", "Mediaan", "ratio", basis="trajecten"),
        Column("q3", "Derde kwartiel", "ratio", basis="trajecten")], irows,
        note="Per traject: uren / weken; 'totaal' = alle uren / alle weken van de groep."))
    return section

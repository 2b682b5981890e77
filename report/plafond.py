"""Budgetplafonds (``[[plafond]]`` in the regional register): allocated and declared against a
yearly ceiling per aanbieder (optionally per product), and the month the trend reaches it.

The year is the calendar year of the peildatum. Allocated: hours of the aanbieder's current
allocations of the region in that year (``report.declaraties.allocated_in_window``). Declared:
counted Prestaties with a ProductPeriode in that year. Trend: the average declared per month over
the months of the year that can have been declared; the ceiling is reached in the first month
whose cumulative total (declared, then trend) is at or above it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from sqlalchemy import Connection, func, select
from sqlalchemy import Table as DbTable

from berichten.report.declaraties import allocated_in_window
from berichten.report.model import Column, Section, Table
from berichten.report.series import Month, month_end
from berichten.report.sqldates import part
from berichten.report.traject import declared_until

ALLE = "alle"


def year_months(year: int) -> list[Month]:
    return [Month(f"{year}-{m:02d}", date(year, m, 1), month_end(date(year, m, 1))) for m in range(1, 13)]


def _label(index: int) -> str:
    """Month label of a month index (year * 12 + month - 1)."""
    return f"{index // 12}-{index % 12 + 1:02d}"


def reach_month(monthly: Sequence[float], year: int, ceiling: float) -> tuple[str | None, float | None]:
    """(label of the month the ceiling is reached, average per month) from the declared amounts of
    the declarable months of ``year`` (January first). None when there is no trend to extend."""
    if not monthly:
        return None, None
    avg = sum(monthly) / len(monthly)
    total = 0.0
    for i, value in enumerate(monthly):
        total += value
        if total >= ceiling:
            return _label(year * 12 + i), avg
    if avg <= 0:
        return None, avg
    ahead = math.ceil((ceiling - total) / avg - 1e-9)
    return _label(year * 12 + len(monthly) - 1 + ahead), avg


def plafond_section(conn: Connection, cfg, alloc: DbTable, prest: DbTable, peildatum: date, *, prefix: str) -> Section:
    year = peildatum.year
    last = declared_until(peildatum)
    n_decl = last.month if last.year == year else 0
    section = Section(
        f"{prefix}-plafond", f"Budgetplafonds {year}",
        f"Per plafond uit het register: toegewezen en goedgekeurd gedeclareerd in {year}, en de maand waarin het "
        f"plafond bij het gemiddelde tempo van de gedeclareerde maanden ({n_decl}) wordt bereikt.",
    )
    if not cfg.plafonden:
        section.notes.append("Geen plafonds in het register (geen plafond-regels in de TOML).")
        return section
    months = year_months(year)
    am = allocated_in_window(alloc, months)
    allocated = {(agb, code): h for agb, code, h in conn.execute(
        select(am.c.ontvanger, am.c.code, func.sum(am.c.uren)).group_by(am.c.ontvanger, am.c.code))}
    month = part("month", prest.c.begindatum).label("maand")
    q = (select(prest.c.afzender, prest.c.code, month, func.sum(prest.c.uren), func.sum(prest.c.bedrag))
         .where(prest.c.afzender.in_(sorted({pl.aanbieder for pl in cfg.plafonden})),
                prest.c.begindatum >= date(year, 1, 1), prest.c.begindatum <= date(year, 12, 31))
         .group_by(prest.c.afzender, prest.c.code, month))
    declared: dict[tuple[str, str], dict[str, tuple[float, int]]] = {}
    for agb, code, maand, uren, bedrag in conn.execute(q):
        declared.setdefault((agb, code), {})[f"{year}-{int(maand):02d}"] = (uren or 0.0, int(bedrag or 0))
    labels = [mo.label for mo in months[:n_decl]]
    hour_rows, euro_rows = [], []
    for pl in cfg.plafonden:
        def fits(key, pl=pl):
            return key[0] == pl.aanbieder and (pl.product is None or key[1] == pl.product)

        a_hours = sum(h or 0.0 for k, h in allocated.items() if fits(k))
        per_month_h = [sum(v.get(lab, (0.0, 0))[0] for k, v in declared.items() if fits(k)) for lab in labels]
        per_month_c = [sum(v.get(lab, (0.0, 0))[1] for k, v in declared.items() if fits(k)) for lab in labels]
        all_h = sum(sum(x[0] for x in v.values()) for k, v in declared.items() if fits(k))
        all_c = sum(sum(x[1] for x in v.values()) for k, v in declared.items() if fits(k))
        a = cfg.aanbieder(pl.aanbieder)
        lead = [pl.aanbieder, a.naam if a else "", pl.product or ALLE]
        if pl.uren_per_jaar is not None:
            ceiling = float(pl.uren_per_jaar)
            when, avg = reach_month(per_month_h, year, ceiling)
            hour_rows.append([*lead, ceiling, a_hours, all_h, all_h / ceiling, avg, when or "niet te bepalen",
                              "ja" if when and when <= f"{year}-12" else "nee"])
        else:
            ceiling_c = pl.bedrag_per_jaar * 100
            when, avg = reach_month([float(c) for c in per_month_c], year, float(ceiling_c))
            # Allocations have hours, not euros: estimate them at the tariff realised in the declarations.
            estimate = round(a_hours * all_c / all_h) if all_h else None
            euro_rows.append([*lead, ceiling_c, estimate, all_c, all_c / ceiling_c,
                              round(avg) if avg is not None else None, when or "niet te bepalen",
                              "ja" if when and when <= f"{year}-12" else "nee"])
    lead_cols = [Column("aanbieder", "Aanbieder (AGB)"), Column("naam", "Naam"), Column("product", "Product")]
    tail = [Column("bereikt", "Plafond bereikt in"), Column("binnen_jaar", f"Binnen {year}")]
    if hour_rows:
        section.tables.append(Table(f"{prefix}_plafond_uren", "Plafonds in uren", [
            *lead_cols, Column("plafond", "Plafond (uren)", "hours"), Column("toegewezen", "Toegewezen uren", "hours"),
            Column("gedeclareerd", "Gedeclareerde uren", "hours"), Column("aandeel", "Gedeclareerd / plafond", "share"),
            Column("per_maand", "Gemiddeld per maand", "hours"), *tail], hour_rows))
    if euro_rows:
        section.tables.append(Table(f"{prefix}_plafond_bedrag", "Plafonds in euro", [
            *lead_cols, Column("plafond", "Plafond (€)", "euro"),
            Column("toegewezen", "Toegewezen (€, geschat)", "euro"),
            Column("gedeclareerd", "Gedeclareerd (€)", "euro"), Column("aandeel", "Gedeclareerd / plafond", "share"),
            Column("per_maand", "Gemiddeld per maand (€)", "euro"), *tail], euro_rows,
            note="Toegewezen in euro is geschat: toegewezen uren x het gemiddelde gedeclareerde uurtarief van dat jaar."))
    return section

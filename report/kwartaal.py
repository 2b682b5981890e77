"""GRJR kwartaalgesprek: per flex-aanbieder and opdracht the declared amounts and client counts per
quarter, with the change against the previous quarter.

Declared = counted Prestaties (``report.declaraties``) on a current GRJR allocation to the
flex-aanbieder, by the quarter of their ProductPeriode; the opdracht is the allocation's (the
aanmelding's, else the product's, as in the other GRJR tables). Clients = distinct clients with
a counted Prestatie in that quarter.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Connection, func, select
from sqlalchemy import Table as DbTable

from berichten.report.declaraties import on_allocation
from berichten.report.grjr import aanmelding_opdracht, opdracht_case
from berichten.report.model import Column, Section, Table
from berichten.report.series import Month
from berichten.report.sqldates import part
from berichten.report.verzilvering import declarable_months


def quarter_label(year: int, quarter: int) -> str:
    return f"{year}-K{quarter}"


def quarters(months: Sequence[Month]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for m in months:
        q = (m.first.year, (m.first.month - 1) // 3 + 1)
        if q not in out:
            out.append(q)
    return out


def _change(now: int | None, before: int | None) -> float | None:
    return (now - before) / before if now is not None and before else None


def kwartaal_section(conn: Connection, cfg, current: DbTable, prest: DbTable, flex: list[str],
                     months: Sequence[Month], peildatum: date) -> Section:
    section = Section(
        "grjr-kwartaal", "Kwartaaloverzicht flex-aanbieders: gedeclareerd per opdracht",
        "Goedgekeurde declaraties (323 met goedkeurende 325, credits ervan af) op huidige GRJR-toewijzingen aan "
        "flex-aanbieders, naar kwartaal van de ProductPeriode; cliënten = cliënten met een gedeclareerde Prestatie "
        "in dat kwartaal. Verschil = tegenover het vorige kwartaal.",
    )
    dm = declarable_months(months, peildatum)
    qs = quarters(dm)
    data: dict[tuple[str, str], dict[tuple[int, int], tuple[int, int, float | None]]] = {}
    if flex and qs:
        opdracht = opdracht_case(cfg, aanmelding_opdracht(conn, current), current.c.code).label("opdracht")
        scoped = (
            select(current.c.ontvanger, opdracht, prest.c.client, prest.c.bedrag, prest.c.uren,
                   part("year", prest.c.begindatum).label("jaar"),
                   ((part("month", prest.c.begindatum) - 1) / 3 + 1).label("kwartaal"))
            .select_from(prest.join(current, on_allocation(prest, current)))
            .where(prest.c.afzender.in_(flex), current.c.ontvanger.in_(flex),
                   prest.c.begindatum >= date(qs[0][0], 3 * qs[0][1] - 2, 1), prest.c.begindatum <= dm[-1].last)
            .subquery("flex_declaraties")
        )
        s = scoped.c
        q = (select(s.ontvanger, s.opdracht, s.jaar, s.kwartaal, func.count(func.distinct(s.client)), func.sum(s.bedrag),
                    func.sum(s.uren))
             .group_by(s.ontvanger, s.opdracht, s.jaar, s.kwartaal))
        for agb, opd, jaar, kw, n, bedrag, uren in conn.execute(q):
            data.setdefault((agb, opd), {})[(int(jaar), int(kw))] = (int(n), int(bedrag or 0), uren)
    names = {o.code: o.naam for o in cfg.opdrachten}
    rows = []
    order = {agb: i for i, agb in enumerate(flex)}
    for agb, opd in sorted(data, key=lambda k: (order.get(k[0], len(order)), k[1])):
        a = cfg.aanbieder(agb)
        previous: tuple[int, int, float | None] | None = None
        for q in qs:
            n, cents, uren = data[(agb, opd)].get(q, (0, 0, None))
            rows.append([agb, a.naam if a else "", opd, names.get(opd, ""), quarter_label(*q), n, cents, uren,
                         _change(cents, previous[1]) if previous else None,
                         (n - previous[0]) if previous else None])
            previous = (n, cents, uren)
    section.tables.append(Table("grjr_kwartaal", "Per flex-aanbieder, opdracht en kwartaal", [
        Column("aanbieder", "Aanbieder (AGB)"), Column("naam", "Naam"), Column("opdracht", "Opdracht"),
        Column("opdracht_naam", "Opdracht (naam)"), Column("kwartaal", "Kwartaal"),
        Column("clienten", "Cliënten", "count"),
        Column("bedrag", "Gedeclareerd (€)", "euro", basis="clienten"),
        Column("uren", "Gedeclareerde uren", "hours", basis="clienten"),
        Column("verschil_bedrag", "Verschil bedrag t.o.v. vorig kwartaal", "share", basis="clienten"),
        Column("verschil_clienten", "Verschil cliënten", "delta", basis="clienten")], rows,
        note="Het lopende kwartaal telt alleen de maanden die al gedeclareerd kunnen zijn."))
    if not flex:
        section.notes.append("Geen flex-aanbieders in het register.")
    return section

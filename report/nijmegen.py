"""Nijmegen figures (domain guide 7.3): hours against the standard, regulier/specialistisch,
trajectduur and starts within 42 days. Hours are computed per allocation inside the query
(report.sqldates mirrors validators.regional.hours) and summed there."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Connection, Float, String, and_, case, cast, func, inspect, literal, select
from sqlalchemy import Table as DbTable
from sqlalchemy.sql import Subquery

from berichten.report.declaraties import counted_prestaties, index_allocations, submitted_unassessed
from berichten.report.model import NIET_BESCHIKBAAR, Chart, Column, Section, Table
from berichten.report.plafond import plafond_section
from berichten.report.series import Month, months_table
from berichten.report.sqldates import days_inclusive, plus_days, with_months
from berichten.report.state import current_allocations, definitive_stops, first_starts, materialise, rejected_heen
from berichten.report.traject import traject_section
from berichten.report.verzilvering import DEFAULT_ZONDER_DECLARATIE_MAANDEN, verzilvering_section
from berichten.validators.regional.config import RegionConfig

REGULIER = ("02A03", "45A04")
SPECIALISTISCH = ("02A05", "45A05")
BUURTTEAMS = ("jeugd-gezin", "volwassenen", "onbekend")
START_TERMIJN_DAGEN = 42
EPSILON = 1e-9  # float sums of exact fractions: "equal to the standard" must not count as above it


def _f(value: float) -> object:
    return literal(value, Float)


def buurtteam_expr(conn: Connection, alloc: Subquery):
    """Buurtteam type from the acceptance register (client, aanbieder, product); 'onbekend' without a row."""
    if not inspect(conn).has_table("regio_acceptatie"):
        return literal("onbekend", String)
    from berichten.store.regio_tables import RegioAcceptatie

    acc = RegioAcceptatie.__table__
    found = (
        select(func.max(acc.c.buurtteam))
        .where(acc.c.client == alloc.c.client, acc.c.aanbieder == alloc.c.ontvanger, acc.c.product == alloc.c.code)
        .scalar_subquery()
    )
    return func.coalesce(found, "onbekend")


def hours_subquery(conn: Connection, cfg: RegionConfig, lo: date, hi: date, rejected: DbTable | None = None) -> Subquery:
    """Current in-scope allocations with Ingangsdatum in [lo, hi] and their hours (NULL when not evaluable)."""
    alloc = with_months(current_allocations(list(cfg.regio.gemeenten), codes=[p.code for p in cfg.producten],
                                            rejected=rejected), "ingangsdatum", "einddatum")
    a = alloc.c
    unit = case((a.eenheid == "01", _f(1 / 60)), (a.eenheid == "04", _f(1.0)), (a.eenheid == "16", _f(4.0)))
    rate = cast(a.volume, Float) * unit  # NULL with Budget or a non-time unit
    bounded = a.einddatum.is_not(None)
    months = a.maanden
    allocated = case(
        (~bounded, None),
        (a.frequentie == "1", rate * days_inclusive(a.ingangsdatum, a.einddatum)),
        (a.frequentie == "2", rate * days_inclusive(a.ingangsdatum, a.einddatum) / _f(7.0)),
        (a.frequentie == "4", rate * months),
        (a.frequentie == "6", rate),
    )
    yearly = case(
        (bounded, None),
        (a.frequentie == "1", rate * _f(365.0)),
        (a.frequentie == "2", rate * _f(365.0 / 7)),
        (a.frequentie == "4", rate * _f(12.0)),
    )
    per_year = case(*[(a.code == p.code, _f(float(p.uren_per_jaar))) for p in cfg.producten])
    standard = case((bounded, per_year * months / _f(12.0)))
    return (
        select(
            a.standaard, a.afzender, a.ontvanger, a.client, a.toewijzing_nummer, a.code, a.ingangsdatum, a.einddatum,
            buurtteam_expr(conn, alloc).label("buurtteam"),
            case((a.code.in_(REGULIER), "regulier"), (a.code.in_(SPECIALISTISCH), "specialistisch"), else_="overig").label("niveau"),
            allocated.label("uren"),
            standard.label("standaard_uren"),
            case((and_(bounded, allocated.is_not(None)), 1), (and_(~bounded, yearly.is_not(None)), 1), else_=0).label("beoordeelbaar"),
            case(
                (and_(bounded, allocated > standard + _f(EPSILON)), 1),
                (and_(~bounded, yearly > per_year + _f(EPSILON)), 1),
                else_=0,
            ).label("boven"),
        )
        .where(a.ingangsdatum >= lo, a.ingangsdatum <= hi)
        .subquery("uren")
    )


def _ratio(a: float | None, b: float | None) -> float | None:
    return (a / b) if a is not None and b else None


def build_nijmegen(conn: Connection, cfg: RegionConfig, peildatum: date, months: Sequence[Month],
                   zonder_declaratie_maanden: int = DEFAULT_ZONDER_DECLARATIE_MAANDEN) -> list[Section]:
    if not months:
        return [Section("nijm-leeg", "Geen maanden in de periode", notes=["De periode ligt na de peildatum."])]
    rejected = materialise(conn, rejected_heen(), "rapport_afgekeurd")
    u = materialise(conn, select(hours_subquery(conn, cfg, months[0].first, months[-1].last, rejected)), "rapport_nijm_uren")
    t = materialise(conn, select(_trajects(u, peildatum, rejected)), "rapport_nijm_trajecten")
    sections = [_hours(conn, cfg, u), _ratio_section(conn, u, months), _trajectduur(conn, t), _start_42(conn, t, peildatum)]
    sections.extend(_declaration_sections(conn, cfg, peildatum, months, rejected, zonder_declaratie_maanden))
    if not inspect(conn).has_table("regio_acceptatie"):
        sections[0].notes.append("Het acceptatieregister ontbreekt: het Buurtteam-type is overal 'onbekend'.")
    return sections


def scope_allocations(conn: Connection, cfg: RegionConfig, rejected: DbTable | None = None) -> DbTable:
    """Materialised current allocations of the covenant's products with their Buurtteam-type."""
    alloc = current_allocations(list(cfg.regio.gemeenten), codes=[p.code for p in cfg.producten], rejected=rejected)
    table = materialise(conn, select(alloc, buurtteam_expr(conn, alloc).label("buurtteam")), "rapport_nijm_toewijzing")
    index_allocations(conn, table)
    return table


def _declaration_sections(conn, cfg, peildatum, months, rejected, n_months) -> list[Section]:
    """Verzilvering, trajectduur/-intensiteit per product and budgetplafonds, from the stored 323s/325s."""
    gemeenten = list(cfg.regio.gemeenten)
    prest = counted_prestaties(conn, gemeenten)
    alloc = scope_allocations(conn, cfg, rejected)
    sections = [
        verzilvering_section(conn, cfg, alloc, prest, months, peildatum, prefix="nijm", n_months=n_months, by_team=True),
        traject_section(conn, alloc, prest, months[0].first, months[-1].last, peildatum, rejected),
    ]
    aanbieders = sorted({pl.aanbieder for pl in cfg.plafonden})
    ceiling_alloc = materialise(conn, select(current_allocations(gemeenten, ontvangers=aanbieders, rejected=rejected)),
                                "rapport_nijm_plafond_toewijzing")
    sections.append(plafond_section(conn, cfg, ceiling_alloc, prest, peildatum, prefix="nijm"))
    if not conn.execute(select(func.count()).select_from(prest)).scalar_one():
        sections[0].notes.append(f"{NIET_BESCHIKBAAR}: er zijn geen goedgekeurde declaraties (323 met 325) opgeslagen.")
    open_ = submitted_unassessed(conn, gemeenten)
    if open_:
        sections[0].notes.append(f"{open_} gedeclareerde Prestatie(s) zonder opgeslagen declaratie-antwoord (325) "
                                 "tellen nog niet mee.")
    return sections


def _hours(conn, cfg, u) -> Section:
    section = Section(
        "nijm-uren", "Toegewezen uren tegenover de standaard",
        "Per Buurtteam-type en product: huidige toewijzingen met Ingangsdatum in de periode. Uren en standaard "
        "(pro rata per kalendermaand) alleen voor toewijzingen met Einddatum; open toewijzingen tellen mee in "
        "'boven standaard' via het jaartempo.",
    )
    names = {p.code: p.naam for p in cfg.producten}
    q = (
        select(u.c.buurtteam, u.c.code, func.count(), func.sum(u.c.beoordeelbaar), func.sum(u.c.uren),
               func.sum(u.c.standaard_uren), func.sum(u.c.boven))
        .group_by(u.c.buurtteam, u.c.code).order_by(u.c.buurtteam, u.c.code)
    )
    rows = []
    for bt, code, n, ev, uren, std, boven in conn.execute(q):
        ev, boven = int(ev or 0), int(boven or 0)
        rows.append([bt, code, names.get(code, ""), int(n), ev, uren, std, _ratio(uren, std), boven,
                     (boven / ev) if ev else None])
    cols = [
        Column("buurtteam", "Buurtteam"), Column("product", "Product"), Column("naam", "Naam"),
        Column("toewijzingen", "Toewijzingen", "count"), Column("beoordeelbaar", "Beoordeelbaar", "count"),
        Column("uren", "Toegewezen uren", "hours", basis="toewijzingen"),
        Column("standaard_uren", "Standaarduren", "hours", basis="toewijzingen"),
        Column("verhouding", "Uren / standaard", "ratio", basis="toewijzingen"),
        Column("boven_standaard", "Boven standaard", "count"),
        Column("aandeel_boven", "Aandeel boven standaard", "share", basis="beoordeelbaar"),
    ]
    section.tables.append(Table("nijm_uren_product", "Uren per Buurtteam-type en product", cols, rows))
    q2 = (
        select(u.c.ontvanger, func.count(), func.sum(u.c.uren), func.sum(u.c.standaard_uren), func.sum(u.c.boven))
        .group_by(u.c.ontvanger).order_by(u.c.ontvanger)
    )
    prov = [[agb, (cfg.aanbieder(agb).naam if cfg.aanbieder(agb) else ""), int(n), uren, std, _ratio(uren, std), int(b or 0)]
            for agb, n, uren, std, b in conn.execute(q2)]
    section.tables.append(Table("nijm_uren_aanbieder", "Uren per aanbieder", [
        Column("aanbieder", "Aanbieder (AGB)"), Column("naam", "Naam"), Column("toewijzingen", "Toewijzingen", "count"),
        Column("uren", "Toegewezen uren", "hours", basis="toewijzingen"),
        Column("standaard_uren", "Standaarduren", "hours", basis="toewijzingen"),
        Column("verhouding", "Uren / standaard", "ratio", basis="toewijzingen"),
        Column("boven_standaard", "Boven standaard", "count")], prov))
    section.charts.append(Chart("nijm_uren_chart", "Toegewezen uren en standaard per product", "bar",
                                [f"{r[0]} {r[1]}" for r in rows],
                                [("toegewezen", [r[5] for r in rows]), ("standaard", [r[6] for r in rows])], "uren",
                                counts=False))
    return section


def _ratio_section(conn, u, months) -> Section:
    section = Section("nijm-ratio", "Regulier tegenover specialistisch",
                      "Regulier = 02A03 en 45A04, specialistisch = 02A05 en 45A05; toegewezen uren en aantallen.")

    def sums(group):
        reg, spec = u.c.niveau == "regulier", u.c.niveau == "specialistisch"
        return [func.sum(case((reg, 1), else_=0)), func.sum(case((spec, 1), else_=0)),
                func.sum(case((reg, u.c.uren))), func.sum(case((spec, u.c.uren)))]

    q = select(u.c.buurtteam, *sums(u)).group_by(u.c.buurtteam).order_by(u.c.buurtteam)
    rows = [[bt, int(rn or 0), int(sn or 0), ru, su, _ratio(ru, su)] for bt, rn, sn, ru, su in conn.execute(q)]
    cols = [Column("regulier", "Regulier (aantal)", "count"), Column("specialistisch", "Specialistisch (aantal)", "count"),
            Column("regulier_uren", "Regulier (uren)", "hours", basis="regulier"),
            Column("specialistisch_uren", "Specialistisch (uren)", "hours", basis="specialistisch"),
            Column("verhouding_uren", "Verhouding uren regulier/specialistisch", "ratio", basis="specialistisch")]
    section.tables.append(Table("nijm_ratio", "Per Buurtteam-type", [Column("buurtteam", "Buurtteam"), *cols], rows))
    m = months_table(months)
    qm = (
        select(m.c.maand, u.c.buurtteam, *sums(u))
        .select_from(m.join(u, and_(u.c.ingangsdatum >= m.c.eerste, u.c.ingangsdatum <= m.c.laatste)))
        .group_by(m.c.maand, u.c.buurtteam)
    )
    data = {(maand, bt): (int(rn or 0), int(sn or 0), ru, su) for maand, bt, rn, sn, ru, su in conn.execute(qm)}
    teams = sorted({bt for _, bt in data}) or ["jeugd-gezin", "volwassenen"]
    mrows = []
    for mo in months:
        for bt in teams:
            rn, sn, ru, su = data.get((mo.label, bt), (0, 0, None, None))
            mrows.append([mo.label, bt, rn, sn, ru, su, _ratio(ru, su)])
    section.tables.append(Table("nijm_ratio_maand", "Per maand van Ingangsdatum",
                                [Column("maand", "Maand"), Column("buurtteam", "Buurtteam"), *cols], mrows))
    labels = [mo.label for mo in months]

    def total(i):
        return [sum((data.get((lab, bt), (0, 0, None, None))[i] or 0) for bt in teams) for lab in labels]

    section.charts.append(Chart("nijm_ratio_chart", "Toegewezen uren per maand van Ingangsdatum", "stacked", labels,
                                [("regulier", total(2)), ("specialistisch", total(3))], "uren", counts=False))
    return section


def _trajects(u, peildatum: date, rejected: DbTable | None = None) -> Subquery:
    fs, ds = first_starts(rejected), definitive_stops(rejected)

    def key(t):
        return and_(t.c.standaard == u.c.standaard, t.c.aanbieder == u.c.ontvanger, t.c.gemeente == u.c.afzender,
                    t.c.client == u.c.client, t.c.toewijzing_nummer == u.c.toewijzing_nummer)

    end = func.coalesce(ds.c.einddatum, case((u.c.einddatum <= peildatum, u.c.einddatum)))
    status = case((fs.c.begindatum.is_(None), "nooit gestart"), (end.is_not(None), "beeindigd"), else_="open")
    return (
        select(u.c.buurtteam, u.c.ingangsdatum, fs.c.begindatum, status.label("status"),
               case((and_(fs.c.begindatum.is_not(None), end.is_not(None)), days_inclusive(fs.c.begindatum, end))).label("duur"))
        .select_from(u.outerjoin(fs, key(fs)).outerjoin(ds, key(ds)))
        .where(u.c.ingangsdatum <= peildatum)
        .subquery("trajecten")
    )


def _quartiles(conn, t, by_team: bool) -> dict[str, tuple]:
    part = [t.c.buurtteam] if by_team else []
    rn = func.row_number().over(partition_by=part or None, order_by=t.c.duur).label("rn")
    n = func.count().over(partition_by=part or None).label("n")
    ranked = select(t.c.buurtteam if by_team else literal("totaal").label("buurtteam"), t.c.duur, rn, n).where(
        t.c.duur.is_not(None)).subquery("gerangschikt")
    r = ranked.c

    def at(numerator_n, plus, denominator):  # nearest rank: the value at rank ceil(p * n)
        return func.min(case((r.rn >= (r.n * numerator_n + plus) // denominator, r.duur)))

    q = select(r.buurtteam, at(1, 3, 4), at(1, 1, 2), at(3, 3, 4), func.min(r.duur), func.max(r.duur)).group_by(r.buurtteam)
    return {bt: tuple(vals) for bt, *vals in conn.execute(q)}


def _trajectduur(conn, t) -> Section:
    section = Section("nijm-traject", "Trajectduur",
                      "Van de eerste Begindatum (305) tot de Einddatum van de definitieve stop (307, reden niet 20), "
                      "zonder stop tot de verstreken Einddatum van de toewijzing; in dagen, beide dagen meegeteld.")
    counts: dict[str, dict[str, int]] = {}
    for bt, status, n in conn.execute(select(t.c.buurtteam, t.c.status, func.count()).group_by(t.c.buurtteam, t.c.status)):
        counts.setdefault(bt, {})[status] = int(n)
    quart = {**_quartiles(conn, t, True), **_quartiles(conn, t, False)}
    rows = []
    teams = sorted(counts)
    totals = {s: sum(counts[bt].get(s, 0) for bt in teams) for s in ("beeindigd", "open", "nooit gestart")}
    for bt, c in [*((bt, counts[bt]) for bt in teams), ("totaal", totals)]:
        q1, med, q3, lo, hi = quart.get(bt, (None,) * 5)
        rows.append([bt, c.get("beeindigd", 0), c.get("open", 0), c.get("nooit gestart", 0), q1, med, q3, lo, hi])
    section.tables.append(Table("nijm_trajectduur", "Trajectduur in dagen", [
        Column("buurtteam", "Buurtteam"), Column("beeindigd", "Beëindigd", "count"), Column("open", "Lopend", "count"),
        Column("nooit_gestart", "Toegewezen, nooit gestart", "count"),
        Column("q1", "Eerste kwartiel", "days", basis="beeindigd"), Column("mediaan", "Mediaan", "days", basis="beeindigd"),
        Column("q3", "Derde kwartiel", "days", basis="beeindigd"), Column("min", "Kortste", "days", basis="beeindigd"),
        Column("max", "Langste", "days", basis="beeindigd")], rows))
    return section


def _start_42(conn, t, peildatum) -> Section:
    section = Section("nijm-start", f"Start binnen {START_TERMIJN_DAGEN} dagen na de Ingangsdatum",
                      f"Toewijzingen waarvan de Ingangsdatum minstens {START_TERMIJN_DAGEN} dagen voor de peildatum ligt.")
    deadline = plus_days(t.c.ingangsdatum, START_TERMIJN_DAGEN)
    started = t.c.begindatum.is_not(None)
    q = (
        select(t.c.buurtteam, func.count(), func.sum(case((and_(started, t.c.begindatum <= deadline), 1), else_=0)),
               func.sum(case((and_(started, t.c.begindatum > deadline), 1), else_=0)),
               func.sum(case((~started, 1), else_=0)))
        .where(deadline <= peildatum).group_by(t.c.buurtteam).order_by(t.c.buurtteam)
    )
    rows = [[bt, int(n), int(w or 0), int(l or 0), int(z or 0), (int(w or 0) / n) if n else None] for bt, n, w, l, z in conn.execute(q)]
    any_start = conn.execute(select(func.count()).select_from(t).where(t.c.begindatum.is_not(None))).scalar_one()
    if not any_start:
        section.notes.append(f"{NIET_BESCHIKBAAR}: er zijn geen startberichten (305) voor deze toewijzingen opgeslagen.")
    section.tables.append(Table("nijm_start42", "Start na toewijzing", [
        Column("buurtteam", "Buurtteam"), Column("toewijzingen", "Toewijzingen", "count"),
        Column("binnen", f"Gestart binnen {START_TERMIJN_DAGEN} dagen", "count"), Column("later", "Later gestart", "count"),
        Column("niet", "Niet gestart", "count"),
        Column("aandeel_binnen", "Aandeel binnen termijn", "share", basis="toewijzingen")], rows))
    return section

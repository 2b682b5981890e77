"""GRJR figures (domain guide 7.2): flex-aanbieders' clients, flow, opdrachten and flex share."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Connection, String, and_, case, cast, false, func, inspect, literal, or_, select
from sqlalchemy import Table as DbTable
from sqlalchemy.sql import Subquery

from berichten.report.flex import FLAGS, FLEX_CODES, aanmeldingen_present, failing, flex_scope, flex_verdicts
from berichten.report.model import NIET_BESCHIKBAAR, Chart, Column, Section, Table
from berichten.report.series import Month, episodes, flow_per_month, months_table
from berichten.report.state import active_on, current_allocations, materialise, rejected_heen, unanswered_heen
from berichten.validators.regional.config import RegionConfig

ONBEKEND = "onbekend"


def flex_providers(cfg: RegionConfig, days: Sequence[date]) -> list[str]:
    """AGB codes with the flex-aanbieder role on any of ``days`` (registry order)."""
    return [a.agb for a in cfg.aanbieders if any(a.has_role("flex-aanbieder", d) for d in days)]


def core_providers(cfg: RegionConfig) -> list[str]:
    return [a.agb for a in cfg.aanbieders if a.has_role("systeemaanbieder") or a.has_role("prestatieaanbieder")]


def _name(cfg: RegionConfig, agb: str) -> str:
    a = cfg.aanbieder(agb)
    return a.naam if a else ""


def aanmelding_opdracht(conn: Connection, alloc: Subquery):
    """The opdracht written in a matching aanmelding (same client, flex-aanbieder = Ontvanger, toewijzingnummer
    empty or equal), as a correlated subquery; NULL when there is none or no aanmeldingen table."""
    if not inspect(conn).has_table("regio_aanmelding"):
        return literal(None, String(64))
    from berichten.store.regio_tables import RegioAanmelding

    a = RegioAanmelding.__table__
    return (
        select(func.max(a.c.opdracht))
        .where(
            a.c.client == alloc.c.client,
            a.c.flex_aanbieder == alloc.c.ontvanger,
            or_(a.c.toewijzing_nummer.is_(None), a.c.toewijzing_nummer == alloc.c.toewijzing_nummer),
            a.c.opdracht != "",
        )
        .scalar_subquery()
    )


def opdracht_case(cfg: RegionConfig, from_aanmelding, code):
    """Opdracht code: the aanmelding's opdracht (code or name), else the product's opdracht, else 'onbekend'."""
    by_product = [(code.in_(list(o.producten)), o.code) for o in cfg.opdrachten if o.producten]
    from_product = case(*by_product, else_=literal(ONBEKEND)) if by_product else literal(ONBEKEND)
    whens = [(func.lower(from_aanmelding).in_([o.code.lower(), o.naam.lower()]), o.code) for o in cfg.opdrachten]
    return case(*whens, else_=from_product) if whens else from_product


def build_grjr(conn: Connection, cfg: RegionConfig, peildatum: date, months: Sequence[Month]) -> list[Section]:
    gemeenten = list(cfg.regio.gemeenten)
    flex_now = flex_providers(cfg, [peildatum])
    flex_any = flex_providers(cfg, [peildatum, *(m.last for m in months)])
    rejected = materialise(conn, rejected_heen(), "rapport_afgekeurd")
    current = materialise(conn, select(current_allocations(gemeenten, standaard="ijw", rejected=rejected)),
                          "rapport_grjr_huidig")
    sections = [
        _active(conn, cfg, current, flex_now, peildatum),
        _flow(conn, cfg, current, flex_any, months),
        _per_opdracht(conn, cfg, current, flex_any, peildatum, months),
        _flex_share(conn, cfg, current, flex_any, months),
        _flex_findings(conn, cfg, current),
        *_declaration_sections(conn, cfg, current, flex_any, peildatum, months),
    ]
    unanswered = conn.execute(unanswered_heen(gemeenten)).scalar_one()
    if unanswered:
        sections[0].notes.append(
            f"{unanswered} toewijzingsbericht(en) (301) zonder opgeslagen retourbericht tellen als geaccepteerd."
        )
    return sections


def _declaration_sections(conn, cfg, current, flex, peildatum, months) -> list[Section]:
    """The kwartaalgesprek table and the budgetplafonds, from the stored 323s/325s."""
    # Imported here: both modules build on this one's opdracht helpers.
    from berichten.report.declaraties import counted_prestaties, index_allocations, submitted_unassessed
    from berichten.report.kwartaal import kwartaal_section
    from berichten.report.plafond import plafond_section

    index_allocations(conn, current)
    prest = counted_prestaties(conn, list(cfg.regio.gemeenten))
    sections = [kwartaal_section(conn, cfg, current, prest, flex, months, peildatum)]
    aanbieders = sorted({pl.aanbieder for pl in cfg.plafonden})
    ceiling_alloc = select(current).where(current.c.ontvanger.in_(aanbieders)).subquery("plafond_toewijzing")
    sections.append(plafond_section(conn, cfg, ceiling_alloc, prest, peildatum, prefix="grjr"))
    waiting = submitted_unassessed(conn, list(cfg.regio.gemeenten))
    if waiting:
        sections[0].notes.append(f"{waiting} gedeclareerde Prestatie(s) zonder opgeslagen declaratie-antwoord (325) "
                                 "tellen nog niet mee.")
    return sections


def _flex_alloc(current: DbTable, flex: list[str]) -> Subquery:
    return select(current).where(current.c.ontvanger.in_(flex)).subquery("flex")


def _active(conn, cfg, current, flex, peildatum) -> Section:
    section = Section("grjr-actief", f"Actieve cliënten per flex-aanbieder op {peildatum.isoformat()}",
                      "Cliënten met minstens één geldige huidige toewijzing (iJw, afzender een GRJR-gemeente) op de peildatum.")
    if not flex:
        section.notes.append("Geen flex-aanbieders in het register op de peildatum.")
        rows: dict[str, int] = {}
    else:
        alloc = _flex_alloc(current, flex)
        q = (select(alloc.c.ontvanger, func.count(func.distinct(alloc.c.client)))
             .where(active_on(alloc, peildatum)).group_by(alloc.c.ontvanger))
        rows = dict(conn.execute(q).all())
    table = Table(
        "grjr_actief", "Actieve cliënten per flex-aanbieder",
        [Column("aanbieder", "Aanbieder (AGB)"), Column("naam", "Naam"), Column("actief", "Actieve cliënten", "count")],
        [[agb, _name(cfg, agb), int(rows.get(agb, 0))] for agb in flex],
    )
    table.rows.append(["totaal", "", sum(int(r[2]) for r in table.rows)])
    section.tables.append(table)
    section.charts.append(Chart("grjr_actief_chart", "Actieve cliënten per flex-aanbieder", "bar",
                                [r[0] if not r[1] else r[1] for r in table.rows[:-1]],
                                [("actief", [r[2] for r in table.rows[:-1]])], "cliënten"))
    return section


FLOW_COLUMNS = [
    Column("begin", "Begin (actief)", "count"),
    Column("instroom", "Instroom", "count"),
    Column("uitstroom", "Uitstroom", "count"),
    Column("eind", "Eind (actief)", "count"),
]


def _flow(conn, cfg, current, flex, months) -> Section:
    section = Section("grjr-verloop", "Verloop per maand per flex-aanbieder",
                      "Begin = actief op de dag voor de maand, eind = actief op de laatste dag (of de peildatum); "
                      "instroom en uitstroom tellen episodes. Eind = begin + instroom - uitstroom.")
    data: dict[tuple[str, str], tuple[int, int, int, int]] = {}
    if flex and months:
        eps = episodes(_flex_alloc(current, flex), ["ontvanger", "client"])
        for maand, agb, *counts in conn.execute(flow_per_month(eps, months, ["ontvanger"])):
            data[(maand, agb)] = tuple(int(c or 0) for c in counts)
    rows = []
    for m in months:
        for agb in flex:
            rows.append([m.label, agb, _name(cfg, agb), *data.get((m.label, agb), (0, 0, 0, 0))])
    section.tables.append(Table(
        "grjr_verloop", "Verloop per maand per flex-aanbieder",
        [Column("maand", "Maand"), Column("aanbieder", "Aanbieder (AGB)"), Column("naam", "Naam"), *FLOW_COLUMNS], rows,
    ))
    labels = [m.label for m in months]
    section.charts.append(Chart(
        "grjr_verloop_chart", "Actieve cliënten aan het eind van de maand", "line", labels,
        [(_name(cfg, agb) or agb, [data.get((lab, agb), (0, 0, 0, 0))[3] for lab in labels]) for agb in flex], "cliënten",
    ))
    totals_in = [sum(data.get((lab, agb), (0, 0, 0, 0))[1] for agb in flex) for lab in labels]
    totals_out = [sum(data.get((lab, agb), (0, 0, 0, 0))[2] for agb in flex) for lab in labels]
    section.charts.append(Chart("grjr_stroom_chart", "Instroom en uitstroom (alle flex-aanbieders)", "bar", labels,
                                [("instroom", totals_in), ("uitstroom", totals_out)], "episodes"))
    return section


def _per_opdracht(conn, cfg, current, flex, peildatum, months) -> Section:
    section = Section("grjr-opdracht", "Per opdracht en tafel",
                      "Opdracht uit de aanmelding bij de toewijzing, anders uit de productcode (configuratie), "
                      "anders 'onbekend'. Tellingen zijn cliënt-aanbiedercombinaties bij flex-aanbieders.")
    tafel = {o.code: o.tafel for o in cfg.opdrachten}
    codes = [o.code for o in cfg.opdrachten] + [ONBEKEND]
    active: dict[str, int] = {}
    data: dict[tuple[str, str], tuple[int, ...]] = {}
    if flex:
        alloc = _flex_alloc(current, flex)
        # The aanmelding lookup runs once per allocation (into a temporary table), the mapping after it.
        step = materialise(conn, select(alloc, aanmelding_opdracht(conn, alloc).label("aanmelding_opdracht")),
                           "rapport_grjr_aanmelding")
        labelled = select(
            step, cast(opdracht_case(cfg, step.c.aanmelding_opdracht, step.c.code), String(64)).label("opdracht")
        ).subquery("met_opdracht")
        q = (select(labelled.c.opdracht, func.count(func.distinct(labelled.c.ontvanger + "|" + labelled.c.client)))
             .where(active_on(labelled, peildatum)).group_by(labelled.c.opdracht))
        active = {k: int(v) for k, v in conn.execute(q)}
        if months:
            eps = episodes(labelled, ["opdracht", "ontvanger", "client"])
            for maand, opdracht, *counts in conn.execute(flow_per_month(eps, months, ["opdracht"])):
                data[(maand, opdracht)] = tuple(int(c or 0) for c in counts)
    extra = sorted({k for k in active if k not in codes} | {o for _, o in data if o not in codes})
    codes += extra
    section.tables.append(Table(
        "grjr_opdracht_actief", f"Actief op {peildatum.isoformat()} per opdracht",
        [Column("opdracht", "Opdracht"), Column("tafel", "Tafel"), Column("actief", "Actief", "count")],
        [[c, tafel.get(c, ""), active.get(c, 0)] for c in codes],
    ))
    section.tables.append(Table(
        "grjr_opdracht_verloop", "Verloop per maand per opdracht",
        [Column("maand", "Maand"), Column("opdracht", "Opdracht"), Column("tafel", "Tafel"), *FLOW_COLUMNS],
        [[m.label, c, tafel.get(c, ""), *data.get((m.label, c), (0, 0, 0, 0))] for m in months for c in codes
         if any(data.get((mm.label, c)) for mm in months) or c != ONBEKEND],
    ))
    return section


def _flex_share(conn, cfg, current, flex, months) -> Section:
    section = Section("grjr-aandeel", "Aandeel flex in nieuwe toewijzingen",
                      "Huidige toewijzingen (iJw, GRJR-gemeenten) naar maand van Ingangsdatum, naar rol van de ontvanger.")
    core = [a for a in core_providers(cfg) if a not in flex]
    data: dict[str, tuple[int, int, int]] = {}
    if months:
        alloc = current
        m = months_table(months)
        flex_c = alloc.c.ontvanger.in_(flex) if flex else false()
        core_c = alloc.c.ontvanger.in_(core) if core else false()

        def count(cond):
            return func.sum(case((cond, 1), else_=0))

        q = (
            select(m.c.maand, count(flex_c), count(and_(~flex_c, core_c)), func.count())
            .select_from(m.join(alloc, and_(alloc.c.ingangsdatum >= m.c.eerste, alloc.c.ingangsdatum <= m.c.laatste)))
            .group_by(m.c.maand)
        )
        data = {maand: (int(f or 0), int(c or 0), int(n)) for maand, f, c, n in conn.execute(q)}
    rows = []
    for mo in months:
        f, c, n = data.get(mo.label, (0, 0, 0))
        rows.append([mo.label, f, c, n - f - c, n, (f / (f + c)) if f + c else None])
    section.tables.append(Table(
        "grjr_aandeel_flex", "Nieuwe toewijzingen per maand naar rol",
        [Column("maand", "Maand"), Column("flex", "Flex-aanbieders", "count"),
         Column("systeem_prestatie", "Systeem-/prestatieaanbieders", "count"), Column("overig", "Overig", "count"),
         Column("totaal", "Totaal", "count"), Column("aandeel_flex", "Aandeel flex t.o.v. systeem/prestatie", "share", basis="flex")],
        rows,
    ))
    section.charts.append(Chart("grjr_aandeel_chart", "Nieuwe toewijzingen per rol", "stacked", [r[0] for r in rows],
                                [("flex", [r[1] for r in rows]), ("systeem/prestatie", [r[2] for r in rows]),
                                 ("overig", [r[3] for r in rows])], "toewijzingen"))
    return section


LIST_LIMIT = 200  # rows of the failing-allocation list; the rest is counted in a note
RULES = {
    "GRJR-FLEX-001": "geen passende aanmelding",
    "GRJR-FLEX-002": "niet aangeleverd door ZBT, RER of een systeem-/prestatieaanbieder",
    "GRJR-FLEX-003": "geen akkoord van de contractmanager",
    "GRJR-FLEX-004": "akkoord na de Toewijzingsdatum",
    "GRJR-FLEX-005": "ontvanger is een onderaannemer die de casus afwees",
}


def _flex_findings(conn, cfg, current) -> Section:
    section = Section("grjr-regels", "Toewijzingen die een flex-regel niet halen",
                      "Huidige toewijzingen (iJw, GRJR-gemeenten) aan een aanbieder die op de Ingangsdatum "
                      "flex-aanbieder is, getoetst aan GRJR-FLEX-001..005 met de aanmeldingen in de database; "
                      "zelfde uitkomst als `berichten check`.")
    providers = [a.agb for a in cfg.aanbieders if a.has_role("flex-aanbieder")]
    scope = flex_scope(conn, cfg, current)
    available = aanmeldingen_present(conn)
    totals: dict[str, int] = dict(conn.execute(select(scope.c.ontvanger, func.count()).group_by(scope.c.ontvanger)).all())
    failed: dict[str, int] = {}
    per_code: list = [NIET_BESCHIKBAAR] * len(FLEX_CODES)
    listed: list[list] = []
    more = 0
    if available:
        v = flex_verdicts(conn, cfg, scope)
        bad = failing(v)
        failed = dict(conn.execute(select(v.c.ontvanger, func.count()).where(bad).group_by(v.c.ontvanger)).all())
        per_code = [int(n or 0) for n in conn.execute(select(*(func.sum(v.c[k]) for k in FLAGS))).one()]
        q = (select(v.c.toewijzing_nummer, v.c.afzender, v.c.ontvanger, v.c.toewijzingsdatum, *(v.c[k] for k in FLAGS))
             .where(bad).order_by(v.c.ontvanger, v.c.toewijzingsdatum, v.c.toewijzing_nummer, v.c.afzender)
             .limit(LIST_LIMIT))
        for nummer, afzender, ontvanger, datum, *flags in conn.execute(q):
            codes = ", ".join(code for code, f in zip(FLEX_CODES, flags) if f)
            listed.append([int(nummer), afzender, ontvanger, datum.isoformat() if hasattr(datum, "isoformat") else str(datum), codes])
        more = sum(failed.values()) - len(listed)
    else:
        section.notes.append(f"{NIET_BESCHIKBAAR}: er staan geen aanmeldingen in de database "
                             "(laad ze met `berichten regio import-csv --aanmeldingen`); de regels zijn niet getoetst.")
    extra = sorted(set(totals) - set(providers))
    rows = [[agb, _name(cfg, agb), int(totals.get(agb, 0)), int(failed.get(agb, 0)) if available else NIET_BESCHIKBAAR]
            for agb in providers + extra]
    rows.append(["totaal", "", sum(r[2] for r in rows), sum(failed.values()) if available else NIET_BESCHIKBAAR])
    section.tables.append(Table("grjr_flex_aanbieder", "Huidige flex-toewijzingen en niet gehaalde regels per flex-aanbieder",
                                [Column("aanbieder", "Aanbieder (AGB)"), Column("naam", "Naam"),
                                 Column("toewijzingen", "Flex-toewijzingen", "count"),
                                 Column("niet_gehaald", "Regel niet gehaald", "count")], rows))
    section.tables.append(Table("grjr_flex_regels", "Toewijzingen per niet gehaalde regel",
                                [Column("code", "Regel"), Column("omschrijving", "Omschrijving"),
                                 Column("toewijzingen", "Toewijzingen", "count")],
                                [[code, RULES[code], n] for code, n in zip(FLEX_CODES, per_code)],
                                note="Een toewijzing kan meer dan één regel missen; zonder aanmelding (001) "
                                     "worden 002..005 niet getoetst."))
    lijst = Table("grjr_flex_lijst", "Toewijzingen die een flex-regel niet halen",
                  [Column("toewijzingnummer", "ToewijzingNummer"), Column("afzender", "Afzender"),
                   Column("ontvanger", "Ontvanger"), Column("toewijzingsdatum", "Toewijzingsdatum"),
                   Column("regels", "Regels niet gehaald")], listed, detail=True)
    if more > 0:
        lijst.note = f"De eerste {LIST_LIMIT} getoond; nog {more} toewijzing(en) niet in de lijst."
    section.tables.append(lijst)
    return section

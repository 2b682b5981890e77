"""Delivered care from stored 323s (domain guide 3.10): which Prestaties count, in hours and eurocent.

A Prestatie counts when a stored 325 approved it: the 325's DeclaratieAntwoord row approves the
declaration (8001, or 0200 with only the rejected Prestaties listed) and no Prestatie row of that
same 325 rejects its ReferentieNummer. An approved credit (DebetCredit C) counts negatively, and
only when its VorigReferentieNummer names a counted debet of the same aanbieder: debet minus the
credits that reverse it. Prestaties without a stored 325 are "ingediend, nog niet beoordeeld" and
do not count. Everything is SQL; the derived rows are materialised once per report.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Float, Index, and_, case, cast, exists, false, literal, select, union_all
from sqlalchemy import Table as DbTable
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement, Subquery

from berichten.report.series import Month, months_table
from berichten.report.sqldates import days_inclusive
from berichten.report.state import materialise
from berichten.store.models import DeclaratieAntwoord, Prestatie

P = Prestatie.__table__
DA = DeclaratieAntwoord.__table__

# Hours per unit of Eenheid (WJ756): 01 minuut, 04 uur, 16 dagdeel (4 uur). Etmaal (14), stuks (82,
# 84) and euro (83) are no hours: such Prestaties count in amounts only.
HOURS_PER_UNIT = {"01": 1 / 60, "04": 1.0, "16": 4.0}


def unit_hours(eenheid: ColumnElement) -> ColumnElement:
    """Hours per unit as a float; NULL for a unit that is not time."""
    return case(*[(eenheid == code, literal(h, Float)) for code, h in HOURS_PER_UNIT.items()])


def _approved(p=P):
    """The condition 'this prestatie row (``p``) was approved by a stored 325'."""
    ans = aliased(DA, name="antwoord")
    rej = aliased(DA, name="afgewezen")
    rejected_here = exists(select(literal(1)).where(
        rej.c.bericht_id == ans.c.bericht_id, rej.c.klasse == "Prestatie",
        rej.c.referentie_nummer == p.c.referentie_nummer, rej.c.goedgekeurd == false(),
    ).correlate_except(rej))  # two levels down: without this SQLAlchemy would add prestatie to its FROM
    return exists(select(literal(1)).where(
        ans.c.standaard == p.c.standaard, ans.c.ontvanger == p.c.afzender, ans.c.afzender == p.c.ontvanger,
        ans.c.declaratie_identificatie == p.c.identificatie, ans.c.klasse == "DeclaratieAntwoord",
        ans.c.goedgekeurd.is_(True), ~rejected_here,
    ).correlate_except(ans))


def counted_prestaties(conn: Connection, gemeenten: Sequence[str]) -> DbTable:
    """Materialised counted Prestaties of these gemeenten: one row each with ``uren`` (signed,
    NULL for a non-time unit) and ``bedrag`` (signed eurocent).

    One pass over ``prestatie``; only a credit looks up its debet (index on ReferentieNummer).
    """
    debet = aliased(P, name="debet")
    reverses = exists(select(literal(1)).where(
        debet.c.referentie_nummer == P.c.vorig_referentie_nummer, debet.c.afzender == P.c.afzender,
        debet.c.standaard == P.c.standaard, debet.c.debet_credit == "D", _approved(debet),
    ).correlate_except(debet))
    sign = case((P.c.debet_credit == "C", -1), else_=1)
    counted = materialise(conn, select(
        P.c.standaard, P.c.afzender, P.c.ontvanger, P.c.client, P.c.toewijzing_nummer, P.c.code, P.c.begindatum,
        (cast(P.c.volume, Float) * unit_hours(P.c.eenheid) * sign).label("uren"),
        (P.c.bedrag * sign).label("bedrag"),
    ).where(P.c.ontvanger.in_(list(gemeenten)), _approved(), (P.c.debet_credit == "D") | reverses), "rapport_prestatie")
    Index("ix_rapport_prestatie_toew", counted.c.toewijzing_nummer, counted.c.ontvanger, counted.c.standaard).create(conn)
    return counted


def submitted_unassessed(conn: Connection, gemeenten: Sequence[str]) -> int:
    """Prestaties of these gemeenten that no stored 325 answers yet (approved or not): counted per
    unanswered 323 message, so only the Prestaties of those messages are read."""
    from sqlalchemy import func

    from berichten.store.models import Bericht

    B = Bericht.__table__
    ans = aliased(DA, name="antwoord")
    answered = exists(select(literal(1)).where(
        ans.c.standaard == B.c.standaard, ans.c.ontvanger == B.c.afzender, ans.c.afzender == B.c.ontvanger,
        ans.c.declaratie_identificatie == B.c.identificatie, ans.c.klasse.in_(("Header", "DeclaratieAntwoord")),
    ))
    open_323 = select(B.c.id).where(B.c.nummer == "323", B.c.ontvanger.in_(list(gemeenten)), ~answered)
    return int(conn.execute(select(func.count()).select_from(P).where(P.c.bericht_id.in_(open_323))).scalar_one())


def on_allocation(prest: DbTable, alloc: DbTable | Subquery):
    """Join condition: a Prestatie belongs to the current allocation with its ToewijzingNummer of its
    gemeente (Ontvanger of the 323 = Afzender of the 301) in the same standaard."""
    return and_(prest.c.toewijzing_nummer == alloc.c.toewijzing_nummer, prest.c.ontvanger == alloc.c.afzender,
                prest.c.standaard == alloc.c.standaard)


def index_allocations(conn: Connection, alloc: DbTable) -> None:
    Index(f"ix_{alloc.name}_toew", alloc.c.toewijzing_nummer, alloc.c.afzender, alloc.c.standaard).create(conn)


def allocated_per_month(alloc: DbTable | Subquery, months: Sequence[Month]) -> Subquery:
    """Allocated hours of every allocation in every calendar month it overlaps (domain guide 3.8).

    Frequentie 1: rate x days; 2: rate x days / 7; 4: rate x days / days in the month; 6: rate x
    days / days of the whole validity (NULL without Einddatum). ``rate`` = Volume x hours per unit;
    NULL (not evaluable) with Budget or a unit that is not time. Columns: the allocation's
    ``toewijzing_nummer``, ``afzender``, ``standaard``, ``ontvanger``, ``code``, ``maand``, ``uren``.
    """
    m = months_table(months)
    a = alloc.c
    lo = case((a.ingangsdatum > m.c.eerste, a.ingangsdatum), else_=m.c.eerste)
    hi = case((a.eind < m.c.laatste, a.eind), else_=m.c.laatste)
    days = cast(days_inclusive(lo, hi), Float)
    rate = cast(a.volume, Float) * unit_hours(a.eenheid)
    month_days = cast(days_inclusive(m.c.eerste, m.c.laatste), Float)
    hours = case(
        (a.frequentie == "1", rate * days),
        (a.frequentie == "2", rate * days / literal(7.0, Float)),
        (a.frequentie == "4", rate * days / month_days),
        (and_(a.frequentie == "6", a.einddatum.is_not(None)),
         rate * days / cast(days_inclusive(a.ingangsdatum, a.einddatum), Float)),
    )
    cols = [c for c in alloc.c if c.name not in ("uren",)]
    return (
        select(*cols, m.c.maand, hours.label("uren_maand"))
        .select_from(alloc.join(m, and_(a.ingangsdatum <= m.c.laatste, a.eind >= m.c.eerste)))
        .subquery("toegewezen_maand")
    )


def allocated_in_window(alloc: DbTable | Subquery, months: Sequence[Month]) -> Subquery:
    """Allocated hours of every allocation over the contiguous ``months`` (``ontvanger``, ``code``,
    ``uren``): the same sum as ``allocated_per_month``, but only Frequentie 4 (per month) is split by
    month; the other frequencies are proportional to days and take the window at once."""
    lo, hi = months[0].first, months[-1].last
    a = alloc.c
    start = case((a.ingangsdatum > lo, a.ingangsdatum), else_=literal(lo))
    end = case((a.eind < hi, a.eind), else_=literal(hi))
    days = cast(days_inclusive(start, end), Float)
    rate = cast(a.volume, Float) * unit_hours(a.eenheid)
    hours = case(
        (a.frequentie == "1", rate * days),
        (a.frequentie == "2", rate * days / literal(7.0, Float)),
        (and_(a.frequentie == "6", a.einddatum.is_not(None)),
         rate * days / cast(days_inclusive(a.ingangsdatum, a.einddatum), Float)),
    )
    by_days = (select(a.ontvanger, a.code, hours.label("uren"))
               .where(a.frequentie != "4", a.ingangsdatum <= hi, a.eind >= lo))
    monthly = select(alloc).where(a.frequentie == "4").subquery("per_maand_toewijzing")
    am = allocated_per_month(monthly, months)
    both = union_all(by_days, select(am.c.ontvanger, am.c.code, am.c.uren_maand.label("uren"))).subquery("toegewezen")
    return both

"""Derived state as SQL subqueries (domain guide 7.1): current allocations and delivery state.

Everything here returns SQLAlchemy Core selectables; nothing is loaded into Python. The
report modules aggregate over them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Column, Connection, MetaData, Select, String, Table, and_, exists, func, insert, literal, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Subquery
from sqlalchemy.sql.sqltypes import NullType

from berichten.report.sqldates import OPEN_END
from berichten.store.models import STATUS_STORED, Bericht, Retour, Start, Stop, Toewijzing

T = Toewijzing.__table__
B = Bericht.__table__
R = Retour.__table__
START = Start.__table__
STOP = Stop.__table__

ACCEPTING_RETOURCODES = ("0200", "0233")


def _rejecting_codes():
    codes = R.c.retourcodes
    for ok in ACCEPTING_RETOURCODES:
        codes = func.replace(codes, ok, "")
    return func.replace(codes, " ", "") != ""


def _answered(rejecting_only: bool) -> Select:
    heen = aliased(B, name="heen")
    retour_bericht = aliased(B, name="retour_bericht")
    query = (
        select(heen.c.id)
        .select_from(
            R.join(retour_bericht, retour_bericht.c.id == R.c.bericht_id)
            .join(heen, and_(heen.c.afzender == retour_bericht.c.afzender, heen.c.berichtcode == R.c.heen_berichtcode,
                             heen.c.identificatie == R.c.heen_identificatie, heen.c.ontvanger == retour_bericht.c.ontvanger,
                             heen.c.standaard == R.c.standaard))
        )
        .distinct()
    )
    return query.where(_rejecting_codes()) if rejecting_only else query


def rejected_heen() -> Select:
    """Ids of heen messages rejected by a stored retour (any RetourCode other than 0200/0233).

    Driven from the retour table: each retour finds its heen message through the index on
    bericht (afzender, berichtcode, identificatie). A retour copies the header of its heen
    message, so both have the same Afzender and Ontvanger.
    """
    return _answered(rejecting_only=True)


def not_rejected(bericht_id, rejected: Table | None = None):
    """The row's message is not rejected; ``rejected`` is a materialised ``rejected_heen()``."""
    source = select(rejected.c.id) if rejected is not None else rejected_heen()
    return bericht_id.not_in(source)


def current_allocations(afzenders: Sequence[str], *, standaard: str | None = None, codes: Sequence[str] | None = None,
                        ontvangers: Sequence[str] | None = None, rejected: Table | None = None) -> Subquery:
    """The current version of every allocation (standaard, Afzender, ToewijzingNummer), not deleted.

    Versions from messages a retour rejected are left out before ranking: the previous version
    stays current. Columns: those of ``toewijzing`` plus ``eind`` (Einddatum, or OPEN_END).
    The product/provider filters apply to the current version only. (A row_number() window
    gives the same result but sorts the whole table; at a million rows that is slower than one
    index seek per row and grows faster than linearly.)
    """
    where = [T.c.afzender.in_(list(afzenders)), not_rejected(T.c.bericht_id, rejected)]
    if standaard:
        where.append(T.c.standaard == standaard)
    later = aliased(T, name="later")
    # A later version: same key, later (Toewijzingsdatum, Toewijzingstijd, Dagtekening, id). Found through
    # the index on the key, so each row costs one index seek; no sort of the whole table.
    newer = or_(
        later.c.toewijzingsdatum > T.c.toewijzingsdatum,
        and_(later.c.toewijzingsdatum == T.c.toewijzingsdatum, later.c.toewijzingstijd > T.c.toewijzingstijd),
        and_(later.c.toewijzingsdatum == T.c.toewijzingsdatum, later.c.toewijzingstijd == T.c.toewijzingstijd,
             later.c.dagtekening > T.c.dagtekening),
        and_(later.c.toewijzingsdatum == T.c.toewijzingsdatum, later.c.toewijzingstijd == T.c.toewijzingstijd,
             later.c.dagtekening == T.c.dagtekening, later.c.id > T.c.id),
    )
    superseded = exists(
        select(literal(1)).where(
            later.c.standaard == T.c.standaard, later.c.afzender == T.c.afzender,
            later.c.toewijzing_nummer == T.c.toewijzing_nummer, newer, not_rejected(later.c.bericht_id, rejected),
        )
    )
    deleted = and_(T.c.reden_wijziging.in_(("01", "13")), T.c.einddatum.is_not(None), T.c.einddatum == T.c.ingangsdatum)
    query = select(T, func.coalesce(T.c.einddatum, literal(OPEN_END)).label("eind")).where(
        *where, ~superseded, or_(T.c.reden_wijziging.is_(None), ~deleted)
    )
    if codes is not None:
        query = query.where(T.c.code.in_(list(codes)))
    if ontvangers is not None:
        query = query.where(T.c.ontvanger.in_(list(ontvangers)))
    return query.subquery("huidig")


def unanswered_heen(afzenders: Sequence[str]) -> Select:
    """Number of stored 301 messages from these gemeenten without any stored retour (counted as accepted)."""
    return select(func.count()).select_from(B).where(
        B.c.nummer == "301", B.c.status == STATUS_STORED, B.c.afzender.in_(list(afzenders)),
        B.c.id.not_in(_answered(rejecting_only=False)),
    )


def _delivery_rows(table, rejected: Table | None) -> Subquery:
    """Rows of start/stop that were delivered (StatusAanlevering 1) and not deleted by a later 3 with the same key."""
    later = aliased(table, name="later")
    deleted = exists(
        select(literal(1)).where(
            later.c.standaard == table.c.standaard,
            later.c.afzender == table.c.afzender,
            later.c.ontvanger == table.c.ontvanger,
            later.c.client == table.c.client,
            later.c.toewijzing_nummer == table.c.toewijzing_nummer,
            later.c.begindatum == table.c.begindatum,
            later.c.status_aanlevering == "3",
            later.c.id > table.c.id,
        )
    )
    return select(table).where(table.c.status_aanlevering == "1", ~deleted, not_rejected(table.c.bericht_id, rejected)).subquery()


def first_starts(rejected: Table | None = None) -> Subquery:
    """Per (standaard, aanbieder, gemeente, client, ToewijzingNummer): the first Begindatum of a valid start."""
    s = _delivery_rows(START, rejected)
    return (
        select(s.c.standaard, s.c.afzender.label("aanbieder"), s.c.ontvanger.label("gemeente"), s.c.client,
               s.c.toewijzing_nummer, func.min(s.c.begindatum).label("begindatum"))
        .group_by(s.c.standaard, s.c.afzender, s.c.ontvanger, s.c.client, s.c.toewijzing_nummer)
        .subquery("eerste_start")
    )


def definitive_stops(rejected: Table | None = None) -> Subquery:
    """Per allocation key: the last Einddatum of a valid stop whose RedenBeeindiging is not 20 (a pause)."""
    s = _delivery_rows(STOP, rejected)
    return (
        select(s.c.standaard, s.c.afzender.label("aanbieder"), s.c.ontvanger.label("gemeente"), s.c.client,
               s.c.toewijzing_nummer, func.max(s.c.einddatum).label("einddatum"))
        .where(s.c.reden_beeindiging != "20")
        .group_by(s.c.standaard, s.c.afzender, s.c.ontvanger, s.c.client, s.c.toewijzing_nummer)
        .subquery("definitieve_stop")
    )


def active_on(alloc: Subquery, day: date):
    """The condition 'allocation valid on ``day``'."""
    return and_(alloc.c.ingangsdatum <= day, alloc.c.eind >= day)



def materialise(conn: Connection, query: Select, name: str) -> Table:
    """Run ``query`` once into a temporary table on this connection and return the table.

    Every figure of a region starts from the same derived rows (current allocations, their
    hours, trajectories); computing them once instead of in every aggregate keeps the report
    linear in practice. Temporary tables live in the connection's own session and vanish with it.
    """
    columns = []
    for c in query.selected_columns:
        kind = c.type if not isinstance(c.type, NullType) else String(64)
        columns.append(Column(c.name, kind))
    table = Table(name, MetaData(), *columns, prefixes=["TEMPORARY"])
    table.create(conn)
    conn.execute(insert(table).from_select([c.name for c in columns], query))
    return table

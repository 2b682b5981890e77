"""Read queries over the business tables, shared by reports and monitoring."""

from __future__ import annotations

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session

from berichten.store.models import Toewijzing


def current_toewijzingen(
    session: Session,
    *,
    standaard: str | None = None,
    gemeente: str | None = None,
    aanbieder: str | None = None,
    client: str | None = None,
    include_deleted: bool = False,
) -> list[Toewijzing]:
    """The current version of every allocation (standaard, gemeente, ToewijzingNummer).

    Current = latest Toewijzingsdatum + Toewijzingstijd (domain guide 3.2); the later Dagtekening
    and then the later arrival break ties. Deleted allocations (RedenWijziging 01/13 with
    Einddatum = Ingangsdatum) count as never sent and are left out unless asked for.
    """
    filters = []
    if standaard is not None:
        filters.append(Toewijzing.standaard == standaard)
    if gemeente is not None:
        filters.append(Toewijzing.afzender == gemeente)
    if aanbieder is not None:
        filters.append(Toewijzing.ontvanger == aanbieder)
    if client is not None:
        filters.append(Toewijzing.client == client)
    ranked = (
        select(
            Toewijzing.id.label("id"),
            func.row_number()
            .over(
                partition_by=(Toewijzing.standaard, Toewijzing.afzender, Toewijzing.toewijzing_nummer),
                order_by=(
                    Toewijzing.toewijzingsdatum.desc(),
                    Toewijzing.toewijzingstijd.desc(),
                    Toewijzing.dagtekening.desc(),
                    Toewijzing.id.desc(),
                ),
            )
            .label("rang"),
        )
        .where(*filters)
        .subquery()
    )
    query = select(Toewijzing).join(ranked, and_(ranked.c.id == Toewijzing.id, ranked.c.rang == 1))
    if not include_deleted:
        deleted = and_(
            Toewijzing.reden_wijziging.in_(("01", "13")),
            Toewijzing.einddatum.is_not(None),
            Toewijzing.einddatum == Toewijzing.ingangsdatum,
        )
        query = query.where(or_(~deleted, Toewijzing.reden_wijziging.is_(None)))
    query = query.order_by(Toewijzing.standaard, Toewijzing.afzender, Toewijzing.toewijzing_nummer)
    return list(session.execute(query).scalars())

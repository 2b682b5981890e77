"""Read stored messages back exactly as they were received."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from berichten.store.db import make_engine
from berichten.store.errors import AmbiguousMessage, MessageNotFound
from berichten.store.models import Bericht


def find_ids(session: Session, *, identificatie: str, afzender: str | None = None, berichtcode: str | None = None) -> list[int]:
    query = select(Bericht.id).where(Bericht.identificatie == identificatie)
    if afzender is not None:
        query = query.where(Bericht.afzender == afzender)
    if berichtcode is not None:
        query = query.where(Bericht.berichtcode == berichtcode)
    return [i for (i,) in session.execute(query.order_by(Bericht.id))]


def export_bytes(
    url: str | None = None,
    id: int | None = None,
    identificatie: str | None = None,
    *,
    afzender: str | None = None,
    berichtcode: str | None = None,
) -> bytes:
    """The exact bytes of one stored message, by ``id`` or by Identificatie (+ afzender, berichtcode).

    Raises MessageNotFound, or AmbiguousMessage (with the candidate ids) when an Identificatie
    matches more than one message.
    """
    if (id is None) == (identificatie is None):
        raise ValueError("give exactly one of id and identificatie")
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            if id is None:
                ids = find_ids(session, identificatie=identificatie, afzender=afzender, berichtcode=berichtcode)
                if not ids:
                    raise MessageNotFound(f"geen bericht met Identificatie {identificatie!r}")
                if len(ids) > 1:
                    raise AmbiguousMessage(
                        f"{len(ids)} berichten met Identificatie {identificatie!r} (id {', '.join(map(str, ids))}); "
                        "kies er een met --id of beperk met --afzender",
                        ids,
                    )
                id = ids[0]
            raw = session.execute(select(Bericht.raw).where(Bericht.id == id)).scalar_one_or_none()
            if raw is None:
                raise MessageNotFound(f"geen bericht met id {id}")
            return bytes(raw)
    finally:
        engine.dispose()

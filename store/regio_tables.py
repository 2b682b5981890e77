"""Regional facts kept in the store: GRJR aanmeldingen and Nijmegen acceptaties.

Each table holds the latest import of its register (an import replaces the register unless
``append=True``). The client is the keyed pseudonym of the BSN made with the store's own
``Pseudonymiser`` (``BERICHTEN_PSEUDONIEM_SLEUTEL``), so rows match the ``client`` column of the
message tables; the BSN itself is never stored.

The tables join the store's Alembic migrations (lead: add a revision creating ``regio_aanmelding``
and ``regio_acceptatie``); tests create them with ``create_tables``.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path
from typing import Literal, Optional

from sqlalchemy import BigInteger, Date, DateTime, Index, String, delete, inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Field, Session, SQLModel

from berichten.store.config import Pseudonymiser
from berichten.store.db import make_engine
from berichten.validators.regional.errors import FactsError
from berichten.validators.regional.facts import Aanmelding, Acceptatie, Facts, parse_aanmeldingen, parse_acceptaties

Register = Literal["aanmeldingen", "acceptaties"]


class RegioAanmelding(SQLModel, table=True):
    """One GRJR case offered to a flex-aanbieder (a row of the aanmeldingen CSV)."""

    __tablename__ = "regio_aanmelding"
    __table_args__ = (Index("ix_regio_aanmelding_match", "client", "flex_aanbieder"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    casus: str = Field(sa_type=String(64), nullable=False)
    client: str = Field(sa_type=String(64), nullable=False)  # pseudonym
    opdracht: str = Field(default="", sa_type=String(64), nullable=False)
    tafel: str = Field(default="", sa_type=String(128), nullable=False)
    aangeleverd_door: str = Field(default="", sa_type=String(64), nullable=False)
    akkoord_contractmanager: Optional[date] = Field(default=None, sa_type=Date)
    flex_aanbieder: str = Field(sa_type=String(8), nullable=False)
    afgewezen_door: str = Field(default="", sa_type=String(1024), nullable=False)  # AGB codes, ';'-separated
    toewijzing_nummer: Optional[int] = Field(default=None, sa_type=BigInteger)
    bron: str = Field(default="", sa_type=String(1024), nullable=False)
    imported_at: datetime = Field(sa_type=DateTime(timezone=True), nullable=False)


class RegioAcceptatie(SQLModel, table=True):
    """One accepted Nijmegen referral (a row of the acceptaties CSV)."""

    __tablename__ = "regio_acceptatie"
    __table_args__ = (Index("ix_regio_acceptatie_match", "client", "aanbieder", "product"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    client: str = Field(sa_type=String(64), nullable=False)  # pseudonym
    aanbieder: str = Field(sa_type=String(8), nullable=False)
    product: str = Field(sa_type=String(5), nullable=False)
    acceptatiedatum: date = Field(sa_type=Date, nullable=False)
    buurtteam: str = Field(sa_type=String(16), nullable=False)
    casus: str = Field(sa_type=String(64), nullable=False)
    bron: str = Field(default="", sa_type=String(1024), nullable=False)
    imported_at: datetime = Field(sa_type=DateTime(timezone=True), nullable=False)


REGIO_TABLES = (RegioAanmelding.__table__, RegioAcceptatie.__table__)


def create_tables(url: str) -> None:
    """Create the two tables (tests and throw-away databases; real stores use the migrations)."""
    engine = make_engine(url)
    try:
        SQLModel.metadata.create_all(engine, tables=list(REGIO_TABLES))
    finally:
        engine.dispose()


def import_csv(
    url: str, path: str | Path, register: Register, *, pseudonym_key: str | bytes | None = None, append: bool = False,
) -> int:
    """Read a CSV register and store it; returns the number of rows. Bad rows: ``FactsError``, nothing stored."""
    pseudonymise = Pseudonymiser(pseudonym_key, url=url)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise FactsError([f"{path}: niet te lezen ({exc.strerror or exc})"]) from None
    now = datetime.now(timezone.utc)
    rows: list[SQLModel]
    if register == "aanmeldingen":
        table: type[SQLModel] = RegioAanmelding
        rows = [_aanmelding_row(a, now) for a in parse_aanmeldingen(data, str(path), pseudonymise)]
    else:
        table = RegioAcceptatie
        rows = [_acceptatie_row(a, now) for a in parse_acceptaties(data, str(path), pseudonymise)]
    engine = make_engine(url)
    try:
        _require_table(engine, table)
        with Session(engine) as session:
            if not append:
                session.execute(delete(table))
            session.add_all(rows)
            session.commit()
    except SQLAlchemyError as exc:
        raise FactsError([f"database: opslaan mislukt ({type(exc).__name__}: {str(exc).splitlines()[0]})"]) from None
    finally:
        engine.dispose()
    return len(rows)


def load_facts(url: str, *, pseudonym_key: str | bytes | None = None) -> Facts:
    """The registers stored at ``url``. An empty table counts as "not configured" (``None``)."""
    facts = Facts(Pseudonymiser(pseudonym_key, url=url))
    engine = make_engine(url)
    try:
        for table in (RegioAanmelding, RegioAcceptatie):
            _require_table(engine, table)
        with Session(engine) as session:
            aanmeldingen = [_aanmelding(r) for r in session.execute(select(RegioAanmelding).order_by(RegioAanmelding.id)).scalars()]
            acceptaties = [_acceptatie(r) for r in session.execute(select(RegioAcceptatie).order_by(RegioAcceptatie.id)).scalars()]
    except SQLAlchemyError as exc:
        raise FactsError([f"database: lezen mislukt ({type(exc).__name__}: {str(exc).splitlines()[0]})"]) from None
    finally:
        engine.dispose()
    facts.aanmeldingen = aanmeldingen or None
    facts.acceptaties = acceptaties or None
    facts.sources.append("database")
    return facts


def _require_table(engine, table: type[SQLModel]) -> None:
    name = table.__tablename__  # type: ignore[attr-defined]
    if not inspect(engine).has_table(name):
        raise FactsError([f"database: tabel {name} ontbreekt; voer eerst `berichten db upgrade` uit"])


def _aanmelding_row(a: Aanmelding, now: datetime) -> RegioAanmelding:
    return RegioAanmelding(
        casus=a.casus, client=a.client, opdracht=a.opdracht, tafel=a.tafel, aangeleverd_door=a.aangeleverd_door,
        akkoord_contractmanager=a.akkoord_contractmanager, flex_aanbieder=a.flex_aanbieder,
        afgewezen_door=";".join(sorted(a.afgewezen_door)), toewijzing_nummer=a.toewijzingnummer, bron=a.bron,
        imported_at=now,
    )


def _acceptatie_row(a: Acceptatie, now: datetime) -> RegioAcceptatie:
    return RegioAcceptatie(
        client=a.client, aanbieder=a.aanbieder, product=a.product, acceptatiedatum=a.acceptatiedatum,
        buurtteam=a.buurtteam, casus=a.casus, bron=a.bron, imported_at=now,
    )


def _aanmelding(r: RegioAanmelding) -> Aanmelding:
    return Aanmelding(
        casus=r.casus, client=r.client, opdracht=r.opdracht, tafel=r.tafel, aangeleverd_door=r.aangeleverd_door,
        akkoord_contractmanager=r.akkoord_contractmanager, flex_aanbieder=r.flex_aanbieder,
        afgewezen_door=frozenset(c for c in r.afgewezen_door.split(";") if c), toewijzingnummer=r.toewijzing_nummer,
        bron=r.bron or f"database:regio_aanmelding:{r.id}",
    )


def _acceptatie(r: RegioAcceptatie) -> Acceptatie:
    return Acceptatie(
        client=r.client, aanbieder=r.aanbieder, product=r.product, acceptatiedatum=r.acceptatiedatum,
        buurtteam=r.buurtteam, casus=r.casus, bron=r.bron or f"database:regio_acceptatie:{r.id}",
    )


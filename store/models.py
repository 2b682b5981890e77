"""The tables of the store (explicit schema; Alembic migrations in store/migrations create them).

``bericht`` keeps every message as received (raw bytes, unique SHA-256) with its verdict and
findings. The business tables hold what accepted messages say, one row per message class, with the
client as a pseudonym; they are derived data and can be rebuilt from ``bericht.raw``.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, Optional

from sqlalchemy import JSON, BigInteger, Date, DateTime, Index, Integer, LargeBinary, String, Time
from sqlmodel import Field, SQLModel

# Defined once, in the Core tables the importer uses (store/tables.py).
from berichten.store.tables import HEADER_WIDTH, STATUS_REJECTED, STATUS_STORED, TABLES  # noqa: F401


def _fk() -> Any:
    return Field(foreign_key="bericht.id", ondelete="CASCADE", nullable=False, index=True)


class Bericht(SQLModel, table=True):
    __tablename__ = "bericht"
    __table_args__ = (
        # Identificatie first: the importer looks up a batch of them at once (TR056).
        Index("ix_bericht_identificatie", "identificatie", "afzender", "berichtcode"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    sha256: str = Field(sa_type=String(64), nullable=False, unique=True)
    raw: bytes = Field(sa_type=LargeBinary, nullable=False)
    size: int = Field(sa_type=Integer, nullable=False)
    # Header values as received; for a message that failed level 1 they are cut to HEADER_WIDTH.
    standaard: Optional[str] = Field(default=None, sa_type=String(8))
    release: Optional[str] = Field(default=None, sa_type=String(8))
    nummer: Optional[str] = Field(default=None, sa_type=String(3))  # message type: 301, 305, ...
    berichtcode: Optional[str] = Field(default=None, sa_type=String(HEADER_WIDTH))
    afzender: Optional[str] = Field(default=None, sa_type=String(HEADER_WIDTH))
    ontvanger: Optional[str] = Field(default=None, sa_type=String(HEADER_WIDTH))
    identificatie: Optional[str] = Field(default=None, sa_type=String(HEADER_WIDTH))
    dagtekening: Optional[date] = Field(default=None, sa_type=Date)
    received_at: datetime = Field(sa_type=DateTime(timezone=True), nullable=False)  # UTC
    source: Optional[str] = Field(default=None, sa_type=String(1024))
    status: str = Field(sa_type=String(16), nullable=False, index=True)
    # Verdict per control level: True passed, False failed, None not evaluated (an earlier level failed).
    niveau1: Optional[bool] = Field(default=None)
    niveau2: Optional[bool] = Field(default=None)
    niveau3: Optional[bool] = Field(default=None)
    niveau4: Optional[bool] = Field(default=None)
    findings: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON, nullable=False)


class Toewijzing(SQLModel, table=True):
    """One ToegewezenProduct version from a stored 301 (every version is kept)."""

    __tablename__ = "toewijzing"
    __table_args__ = (
        # ToewijzingNummer first: the importer looks up a batch of numbers at once (TR019, TR332, TR379).
        Index("ix_toewijzing_key", "toewijzing_nummer", "afzender", "standaard"),
        Index("ix_toewijzing_ontvanger_client", "standaard", "ontvanger", "client"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    bericht_id: int = _fk()
    standaard: str = Field(sa_type=String(8), nullable=False)
    afzender: str = Field(sa_type=String(16), nullable=False)  # gemeente
    ontvanger: str = Field(sa_type=String(16), nullable=False)  # aanbieder (AGB)
    client: str = Field(sa_type=String(64), nullable=False)  # pseudonym
    toewijzing_nummer: int = Field(sa_type=BigInteger, nullable=False)
    referentie_aanbieder: Optional[str] = Field(default=None, sa_type=String(36))
    categorie: Optional[str] = Field(default=None, sa_type=String(2))
    code: Optional[str] = Field(default=None, sa_type=String(5))
    toewijzingsdatum: date = Field(sa_type=Date, nullable=False)
    toewijzingstijd: time = Field(sa_type=Time, nullable=False)
    ingangsdatum: date = Field(sa_type=Date, nullable=False)
    einddatum: Optional[date] = Field(default=None, sa_type=Date)
    reden_wijziging: Optional[str] = Field(default=None, sa_type=String(2))
    volume: Optional[int] = Field(default=None, sa_type=BigInteger)
    eenheid: Optional[str] = Field(default=None, sa_type=String(2))
    frequentie: Optional[str] = Field(default=None, sa_type=String(1))
    budget: Optional[int] = Field(default=None, sa_type=BigInteger)  # eurocent
    dagtekening: date = Field(sa_type=Date, nullable=False)  # of the 301; tie-break for versions


class _Levering(SQLModel):
    """Columns shared by StartProduct and StopProduct."""

    id: Optional[int] = Field(default=None, primary_key=True)
    standaard: str = Field(sa_type=String(8), nullable=False)
    afzender: str = Field(sa_type=String(16), nullable=False)  # aanbieder (AGB)
    ontvanger: str = Field(sa_type=String(16), nullable=False)  # gemeente
    client: str = Field(sa_type=String(64), nullable=False)
    toewijzing_nummer: Optional[int] = Field(default=None, sa_type=BigInteger)
    categorie: Optional[str] = Field(default=None, sa_type=String(2))
    code: Optional[str] = Field(default=None, sa_type=String(5))
    toewijzing_ingangsdatum: Optional[date] = Field(default=None, sa_type=Date)
    begindatum: date = Field(sa_type=Date, nullable=False)
    status_aanlevering: str = Field(sa_type=String(1), nullable=False)
    dagtekening: date = Field(sa_type=Date, nullable=False)


class Start(_Levering, table=True):
    """One StartProduct of a stored 305."""

    __tablename__ = "start"
    __table_args__ = (Index("ix_start_key", "standaard", "afzender", "ontvanger", "client", "toewijzing_nummer"),)

    bericht_id: int = _fk()


class Stop(_Levering, table=True):
    """One StopProduct of a stored 307."""

    __tablename__ = "stop"
    __table_args__ = (Index("ix_stop_key", "standaard", "afzender", "ontvanger", "client", "toewijzing_nummer"),)

    bericht_id: int = _fk()
    reden_beeindiging: str = Field(sa_type=String(2), nullable=False)
    einddatum: date = Field(sa_type=Date, nullable=False)


class _Request(SQLModel):
    """Columns shared by the requests of a provider: 315 (per product) and 317 (per message)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    standaard: str = Field(sa_type=String(8), nullable=False)
    afzender: str = Field(sa_type=String(16), nullable=False)  # aanbieder (AGB)
    ontvanger: str = Field(sa_type=String(16), nullable=False)  # gemeente
    client: str = Field(sa_type=String(64), nullable=False)
    referentie_aanbieder: str = Field(sa_type=String(36), nullable=False)


class Verzoek(_Request, table=True):
    """One AangevraagdProduct of a stored 315."""

    __tablename__ = "verzoek"
    __table_args__ = (
        Index("ix_verzoek_referentie", "standaard", "afzender", "referentie_aanbieder"),
        Index("ix_verzoek_client", "standaard", "afzender", "client"),
    )

    bericht_id: int = _fk()
    beschikking_nummer: Optional[int] = Field(default=None, sa_type=BigInteger)
    categorie: Optional[str] = Field(default=None, sa_type=String(2))
    code: Optional[str] = Field(default=None, sa_type=String(5))
    toewijzing_ingangsdatum: date = Field(sa_type=Date, nullable=False)
    toewijzing_einddatum: Optional[date] = Field(default=None, sa_type=Date)
    volume: Optional[int] = Field(default=None, sa_type=BigInteger)
    eenheid: Optional[str] = Field(default=None, sa_type=String(2))
    frequentie: Optional[str] = Field(default=None, sa_type=String(1))
    budget: Optional[int] = Field(default=None, sa_type=BigInteger)
    verwijzer_type: Optional[str] = Field(default=None, sa_type=String(2))
    dagtekening: date = Field(sa_type=Date, nullable=False)


class Wijzigingsverzoek(_Request, table=True):
    """The Verzoek of a stored 317 (verzoek om wijziging): one request per message, with its reference."""

    __tablename__ = "wijzigingsverzoek"
    __table_args__ = (
        Index("ix_wijzigingsverzoek_referentie", "standaard", "afzender", "referentie_aanbieder"),
        Index("ix_wijzigingsverzoek_client", "standaard", "afzender", "client"),
    )

    bericht_id: int = _fk()
    reden_verzoek: Optional[str] = Field(default=None, sa_type=String(2))
    dagtekening: date = Field(sa_type=Date, nullable=False)


class Antwoord(SQLModel, table=True):
    """The Antwoord of a stored 319: the gemeente's answer on a request (1 rejected, 2 under investigation)."""

    __tablename__ = "antwoord"
    __table_args__ = (Index("ix_antwoord_referentie", "standaard", "ontvanger", "referentie_aanbieder"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    bericht_id: int = _fk()
    standaard: str = Field(sa_type=String(8), nullable=False)
    afzender: str = Field(sa_type=String(16), nullable=False)  # gemeente
    ontvanger: str = Field(sa_type=String(16), nullable=False)  # aanbieder (AGB)
    referentie_aanbieder: str = Field(sa_type=String(36), nullable=False)
    verzoek_antwoord: str = Field(sa_type=String(1), nullable=False)
    reden_afwijzing: Optional[str] = Field(default=None, sa_type=String(2))
    dagtekening: date = Field(sa_type=Date, nullable=False)


class Retour(SQLModel, table=True):
    """One class with RetourCodes in a stored retour message (302, 306, 308, 316, 318, 320)."""

    __tablename__ = "retour"

    id: Optional[int] = Field(default=None, primary_key=True)
    bericht_id: int = _fk()
    standaard: str = Field(sa_type=String(8), nullable=False)
    heen_berichtcode: Optional[str] = Field(default=None, sa_type=String(3))
    heen_identificatie: Optional[str] = Field(default=None, sa_type=String(64))
    identificatie_retour: Optional[str] = Field(default=None, sa_type=String(64))
    klasse: str = Field(sa_type=String(64), nullable=False)  # Header, Client, ToegewezenProduct, ...
    locatie: str = Field(sa_type=String(256), nullable=False)
    retourcodes: str = Field(sa_type=String(256), nullable=False)  # space separated, in order
    toewijzing_nummer: Optional[int] = Field(default=None, sa_type=BigInteger)
    referentie_aanbieder: Optional[str] = Field(default=None, sa_type=String(36))


class Declaratie(SQLModel, table=True):
    """The Declaratie of a stored 323: one per message, from the aanbieder to the gemeente."""

    __tablename__ = "declaratie"
    __table_args__ = (
        # DeclaratieNummer first: the importer looks up a batch of numbers at once (TR333).
        Index("ix_declaratie_nummer", "declaratie_nummer", "afzender", "standaard"),
        Index("ix_declaratie_identificatie", "standaard", "afzender", "ontvanger", "identificatie"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    bericht_id: int = _fk()
    standaard: str = Field(sa_type=String(8), nullable=False)
    afzender: str = Field(sa_type=String(16), nullable=False)  # aanbieder (AGB)
    ontvanger: str = Field(sa_type=String(16), nullable=False)  # gemeente
    identificatie: str = Field(sa_type=String(64), nullable=False)  # of the 323 header; a 325 names it
    declaratie_nummer: str = Field(sa_type=String(12), nullable=False)
    periode_begin: date = Field(sa_type=Date, nullable=False)
    periode_eind: date = Field(sa_type=Date, nullable=False)
    totaal_bedrag: int = Field(sa_type=BigInteger, nullable=False)  # eurocent, TotaalIngediendBedrag
    debet_credit: str = Field(sa_type=String(1), nullable=False)
    dagtekening: date = Field(sa_type=Date, nullable=False)


class Prestatie(SQLModel, table=True):
    """One Prestatie of a stored 323 (amounts in eurocent; the 323's Identificatie repeated so
    reports and rules can join its 325 without the declaratie table)."""

    __tablename__ = "prestatie"
    __table_args__ = (
        # The batch lookups of level 3: by ReferentieNummer (TR314, TR323, TR366) and ToewijzingNummer.
        Index("ix_prestatie_referentie", "referentie_nummer", "afzender", "standaard"),
        Index("ix_prestatie_toewijzing", "toewijzing_nummer", "ontvanger", "standaard"),
        # Reports aggregate per gemeente, aanbieder and month.
        Index("ix_prestatie_periode", "standaard", "ontvanger", "afzender", "begindatum"),
        Index("ix_prestatie_declaratie", "standaard", "afzender", "ontvanger", "identificatie"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    bericht_id: int = _fk()
    standaard: str = Field(sa_type=String(8), nullable=False)
    afzender: str = Field(sa_type=String(16), nullable=False)  # aanbieder (AGB)
    ontvanger: str = Field(sa_type=String(16), nullable=False)  # gemeente
    identificatie: str = Field(sa_type=String(64), nullable=False)  # of the 323
    declaratie_nummer: str = Field(sa_type=String(12), nullable=False)
    client: str = Field(sa_type=String(64), nullable=False)  # pseudonym
    referentie_nummer: str = Field(sa_type=String(36), nullable=False)
    vorig_referentie_nummer: Optional[str] = Field(default=None, sa_type=String(36))
    toewijzing_nummer: Optional[int] = Field(default=None, sa_type=BigInteger)
    categorie: Optional[str] = Field(default=None, sa_type=String(2))
    code: Optional[str] = Field(default=None, sa_type=String(5))
    begindatum: date = Field(sa_type=Date, nullable=False)
    einddatum: date = Field(sa_type=Date, nullable=False)
    volume: int = Field(sa_type=BigInteger, nullable=False)
    eenheid: str = Field(sa_type=String(2), nullable=False)
    tarief: Optional[int] = Field(default=None, sa_type=BigInteger)  # eurocent
    bedrag: int = Field(sa_type=BigInteger, nullable=False)  # eurocent, IngediendBedrag
    debet_credit: str = Field(sa_type=String(1), nullable=False)
    dagtekening: date = Field(sa_type=Date, nullable=False)


class DeclaratieAntwoord(SQLModel, table=True):
    """What a stored 325 says: one row for its verdict on the whole declaration (klasse Header when
    it is only a header, else DeclaratieAntwoord) and one per Client and Prestatie it returns.

    A Prestatie of the answered 323 is approved when the DeclaratieAntwoord row is ``goedgekeurd``
    (8001, or 0200: only the rejected Prestaties are listed) and no Prestatie row of the same 325
    rejects its ReferentieNummer (``report.declaraties`` writes this in SQL for the reports; level 3
    asks ``store.history.rejected_prestatie``).
    """

    __tablename__ = "declaratie_antwoord"
    __table_args__ = (
        Index("ix_declaratie_antwoord_declaratie", "standaard", "ontvanger", "afzender", "declaratie_identificatie"),
        Index("ix_declaratie_antwoord_referentie", "bericht_id", "referentie_nummer"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    bericht_id: int = _fk()
    standaard: str = Field(sa_type=String(8), nullable=False)
    afzender: str = Field(sa_type=String(16), nullable=False)  # gemeente
    ontvanger: str = Field(sa_type=String(16), nullable=False)  # aanbieder (AGB)
    declaratie_identificatie: str = Field(sa_type=String(64), nullable=False)  # the 323's Identificatie
    declaratie_nummer: Optional[str] = Field(default=None, sa_type=String(12))
    klasse: str = Field(sa_type=String(32), nullable=False)  # Header, DeclaratieAntwoord, Client, Prestatie
    client: Optional[str] = Field(default=None, sa_type=String(64))  # pseudonym, Client and Prestatie rows
    referentie_nummer: Optional[str] = Field(default=None, sa_type=String(36))  # Prestatie rows
    retourcodes: str = Field(sa_type=String(256), nullable=False)  # space separated, in order
    goedgekeurd: bool = Field(nullable=False)
    toegekend_bedrag: Optional[int] = Field(default=None, sa_type=BigInteger)  # eurocent, DeclaratieAntwoord row
    dagtekening: date = Field(sa_type=Date, nullable=False)


"""The store's tables as SQLAlchemy Core ``Table`` objects, for the importer's path.

``store.models`` declares the same tables as SQLModel classes (the ORM of the reports, the
exports and the tests); importing SQLModel, pydantic and the ORM costs ``berichten import`` about
0.2 s CPU at every start, and the importer only needs the tables (its writes and lookups are
Core). So these are the same columns, types, keys and indexes on their own ``MetaData``;
``tests/test_store_tables.py`` keeps them identical to the models and to the migrated schema.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON, BigInteger, Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Table,
    Time,
)

STATUS_STORED = "stored"
STATUS_REJECTED = "rejected"
HEADER_WIDTH = 64
TABLES: tuple[str, ...] = (
    "bericht", "toewijzing", "start", "stop", "verzoek", "wijzigingsverzoek", "antwoord", "retour",
    "declaratie", "prestatie", "declaratie_antwoord",
    "regio_aanmelding", "regio_acceptatie",  # store/regio_tables.py: facts that are not in the messages
)

metadata = MetaData()


def _id() -> Column:
    return Column("id", Integer, primary_key=True)


def _bericht_id() -> Column:
    return Column("bericht_id", Integer, ForeignKey("bericht.id", ondelete="CASCADE"), nullable=False, index=True)


def _str(name: str, length: int, nullable: bool = False) -> Column:
    return Column(name, String(length), nullable=nullable)


def _date(name: str, nullable: bool = False) -> Column:
    return Column(name, Date, nullable=nullable)


def _big(name: str, nullable: bool = True) -> Column:
    return Column(name, BigInteger, nullable=nullable)


BERICHT = Table(
    "bericht", metadata,
    _id(),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("raw", LargeBinary, nullable=False),
    Column("size", Integer, nullable=False),
    _str("standaard", 8, True), _str("release", 8, True), _str("nummer", 3, True),
    _str("berichtcode", HEADER_WIDTH, True), _str("afzender", HEADER_WIDTH, True),
    _str("ontvanger", HEADER_WIDTH, True), _str("identificatie", HEADER_WIDTH, True),
    _date("dagtekening", True),
    Column("received_at", DateTime(timezone=True), nullable=False),
    _str("source", 1024, True),
    Column("status", String(16), nullable=False, index=True),
    *(Column(f"niveau{n}", Boolean, nullable=True) for n in (1, 2, 3, 4)),
    Column("findings", JSON, nullable=False),
    Index("ix_bericht_identificatie", "identificatie", "afzender", "berichtcode"),
)

TOEWIJZING = Table(
    "toewijzing", metadata,
    _id(), _bericht_id(),
    _str("standaard", 8), _str("afzender", 16), _str("ontvanger", 16), _str("client", 64),
    _big("toewijzing_nummer", False), _str("referentie_aanbieder", 36, True), _str("categorie", 2, True),
    _str("code", 5, True), _date("toewijzingsdatum"), Column("toewijzingstijd", Time, nullable=False),
    _date("ingangsdatum"), _date("einddatum", True), _str("reden_wijziging", 2, True), _big("volume"),
    _str("eenheid", 2, True), _str("frequentie", 1, True), _big("budget"), _date("dagtekening"),
    Index("ix_toewijzing_key", "toewijzing_nummer", "afzender", "standaard"),
    Index("ix_toewijzing_ontvanger_client", "standaard", "ontvanger", "client"),
)


def _levering(name: str, *extra: Column) -> Table:
    """StartProduct (305) and StopProduct (307) share their columns."""
    return Table(
        name, metadata,
        _id(), _str("standaard", 8), _str("afzender", 16), _str("ontvanger", 16), _str("client", 64),
        _big("toewijzing_nummer"), _str("categorie", 2, True), _str("code", 5, True),
        _date("toewijzing_ingangsdatum", True), _date("begindatum"), _str("status_aanlevering", 1),
        _date("dagtekening"), _bericht_id(), *extra,
        Index(f"ix_{name}_key", "standaard", "afzender", "ontvanger", "client", "toewijzing_nummer"),
    )


START = _levering("start")
STOP = _levering("stop", _str("reden_beeindiging", 2), _date("einddatum"))


def _request(name: str, *extra: Column) -> Table:
    """The 315 (per product) and the 317 (per message) share their first columns."""
    return Table(
        name, metadata,
        _id(), _str("standaard", 8), _str("afzender", 16), _str("ontvanger", 16), _str("client", 64),
        _str("referentie_aanbieder", 36), _bericht_id(), *extra,
        Index(f"ix_{name}_referentie", "standaard", "afzender", "referentie_aanbieder"),
        Index(f"ix_{name}_client", "standaard", "afzender", "client"),
    )


VERZOEK = _request(
    "verzoek",
    _big("beschikking_nummer"), _str("categorie", 2, True), _str("code", 5, True), _date("toewijzing_ingangsdatum"),
    _date("toewijzing_einddatum", True), _big("volume"), _str("eenheid", 2, True), _str("frequentie", 1, True),
    _big("budget"), _str("verwijzer_type", 2, True), _date("dagtekening"),
)
WIJZIGINGSVERZOEK = _request("wijzigingsverzoek", _str("reden_verzoek", 2, True), _date("dagtekening"))

ANTWOORD = Table(
    "antwoord", metadata,
    _id(), _bericht_id(), _str("standaard", 8), _str("afzender", 16), _str("ontvanger", 16),
    _str("referentie_aanbieder", 36), _str("verzoek_antwoord", 1), _str("reden_afwijzing", 2, True),
    _date("dagtekening"),
    Index("ix_antwoord_referentie", "standaard", "ontvanger", "referentie_aanbieder"),
)

RETOUR = Table(
    "retour", metadata,
    _id(), _bericht_id(), _str("standaard", 8), _str("heen_berichtcode", 3, True),
    _str("heen_identificatie", 64, True), _str("identificatie_retour", 64, True), _str("klasse", 64),
    _str("locatie", 256), _str("retourcodes", 256), _big("toewijzing_nummer"), _str("referentie_aanbieder", 36, True),
)

DECLARATIE = Table(
    "declaratie", metadata,
    _id(), _bericht_id(), _str("standaard", 8), _str("afzender", 16), _str("ontvanger", 16),
    _str("identificatie", 64), _str("declaratie_nummer", 12), _date("periode_begin"), _date("periode_eind"),
    _big("totaal_bedrag", False), _str("debet_credit", 1), _date("dagtekening"),
    Index("ix_declaratie_nummer", "declaratie_nummer", "afzender", "standaard"),
    Index("ix_declaratie_identificatie", "standaard", "afzender", "ontvanger", "identificatie"),
)

PRESTATIE = Table(
    "prestatie", metadata,
    _id(), _bericht_id(), _str("standaard", 8), _str("afzender", 16), _str("ontvanger", 16),
    _str("identificatie", 64), _str("declaratie_nummer", 12), _str("client", 64), _str("referentie_nummer", 36),
    _str("vorig_referentie_nummer", 36, True), _big("toewijzing_nummer"), _str("categorie", 2, True),
    _str("code", 5, True), _date("begindatum"), _date("einddatum"), _big("volume", False), _str("eenheid", 2),
    _big("tarief"), _big("bedrag", False), _str("debet_credit", 1), _date("dagtekening"),
    Index("ix_prestatie_referentie", "referentie_nummer", "afzender", "standaard"),
    Index("ix_prestatie_toewijzing", "toewijzing_nummer", "ontvanger", "standaard"),
    Index("ix_prestatie_periode", "standaard", "ontvanger", "afzender", "begindatum"),
    Index("ix_prestatie_declaratie", "standaard", "afzender", "ontvanger", "identificatie"),
)

DECLARATIE_ANTWOORD = Table(
    "declaratie_antwoord", metadata,
    _id(), _bericht_id(), _str("standaard", 8), _str("afzender", 16), _str("ontvanger", 16),
    _str("declaratie_identificatie", 64), _str("declaratie_nummer", 12, True), _str("klasse", 32),
    _str("client", 64, True), _str("referentie_nummer", 36, True), _str("retourcodes", 256),
    Column("goedgekeurd", Boolean, nullable=False), _big("toegekend_bedrag"), _date("dagtekening"),
    Index("ix_declaratie_antwoord_declaratie", "standaard", "ontvanger", "afzender", "declaratie_identificatie"),
    Index("ix_declaratie_antwoord_referentie", "bericht_id", "referentie_nummer"),
)

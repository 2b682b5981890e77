"""``validators.history.History`` over the database: what level-3 rules know of earlier messages.

Queries run on the importer's connection, inside its open transaction, so messages added earlier
in the same (uncommitted) batch count as history too. SQLAlchemy Core keeps this fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import (
    JSON, BigInteger, Connection, String, and_, any_, bindparam, cast, false, func, literal_column, or_, select, tuple_,
    union_all,
)
from sqlalchemy import ARRAY  # generic: PostgreSQL compiles it as its own; no dialect import for SQLite

from berichten.store.config import Pseudonymiser
from berichten.store.tables import (  # Core tables: the importer's path loads no SQLModel (store/tables.py)
    ANTWOORD, BERICHT, DECLARATIE, DECLARATIE_ANTWOORD, PRESTATIE, START, STOP, TOEWIJZING, VERZOEK, WIJZIGINGSVERZOEK,
)
from berichten.validators.history import AFGEWEZEN, Levering, PrestatieRef, ToewijzingVersie, VerzoekRef

B, T, SA, SO, V, W, A = (t.c for t in (BERICHT, TOEWIJZING, START, STOP, VERZOEK, WIJZIGINGSVERZOEK, ANTWOORD))
D, P, DA = (t.c for t in (DECLARATIE, PRESTATIE, DECLARATIE_ANTWOORD))

# Statements are built once with bind parameters: building them per call costs more than running them.
_IDENTIFICATIE = (
    select(B.id)
    .where(
        B.afzender == bindparam("afzender"),
        B.berichtcode == bindparam("berichtcode"),
        B.identificatie == bindparam("identificatie"),
        B.standaard == bindparam("standaard"),
        B.niveau1.is_(True),
        B.sha256 != bindparam("sha256"),
    )
    .limit(1)
)


def in_values(column, name: str, postgresql: bool):
    """``column IN (values)`` with the values in one parameter instead of one per value.

    PostgreSQL: ``= ANY(array)``, which psycopg and the server handle faster (measured 2.7 -> 1.6 ms
    for 500 SHA-256 values). SQLite: ``IN (SELECT value FROM json_each(:name))`` with the list sent
    as one JSON text; the statement's SQL is then the same for any number of values, so SQLAlchemy
    renders it once instead of expanding the IN list at every execution (about 40 % of the
    importer's prefetch). The column's affinity applies to the JSON values, and its index is used
    (``tests/test_store_history_in.py``)."""
    if postgresql:
        return column == any_(bindparam(name, type_=ARRAY(BigInteger if isinstance(column.type, BigInteger) else String)))
    values = func.json_each(bindparam(name, type_=JSON)).table_valued("value")
    return column.in_(select(values.c.value))


def in_keys(columns: tuple, name: str, postgresql: bool):
    """``(a, b, ...) IN (keys)`` for a list of key tuples in parameter ``name``.

    Batch lookups go by the whole key that a table's index starts with, so each key is an index
    search, not a scan of the table. SQLite: the keys as one JSON text, each part read with
    ``json_extract``; SQLite searches the index for a row-value ``IN (SELECT ...)``, while the
    ``IN (VALUES (...), ...)`` that an expanding tuple parameter renders scans the whole table
    (``tests/test_store_history_in.py`` checks the plans). PostgreSQL: the same JSON text through
    ``json_array_elements``, each part taken as text (``->>``) and cast to its column's type; an
    expanding tuple IN was five to seven times slower there (``bench/prefetch.py --postgres``)."""
    if postgresql:
        keys = func.json_array_elements(bindparam(name, type_=JSON)).table_valued("value")
        parts = []
        for i, column in enumerate(columns):
            part = keys.c.value.op("->>")(literal_column(str(i)))
            parts.append(part if isinstance(column.type, String) else cast(part, column.type))
        return tuple_(*columns).in_(select(*parts))
    keys = func.json_each(bindparam(name, type_=JSON)).table_valued("value")
    parts = [func.json_extract(keys.c.value, literal_column(f"'$[{i}]'")) for i in range(len(columns))]
    return tuple_(*columns).in_(select(*parts))


_IDENTIFICATIES = {
    pg: select(B.standaard, B.afzender, B.berichtcode, B.identificatie, B.sha256).where(
        in_values(B.identificatie, "identificaties", pg), B.niveau1.is_(True)
    )
    for pg in (False, True)
}
_TOEWIJZING_COLUMNS = (
    T.ontvanger, T.client, T.referentie_aanbieder, T.ingangsdatum, T.einddatum, T.reden_wijziging,
    T.toewijzingsdatum, T.toewijzingstijd, T.dagtekening, T.categorie, T.code, T.volume, T.eenheid, T.frequentie,
    T.budget,
)
_TOEWIJZINGEN_BY_NUMMER = {
    pg: select(T.standaard, T.afzender, T.toewijzing_nummer, *_TOEWIJZING_COLUMNS)
    .where(in_values(T.toewijzing_nummer, "nummers", pg))
    .order_by(T.id)
    for pg in (False, True)
}
_TOEWIJZINGEN = (
    select(*_TOEWIJZING_COLUMNS)
    .where(T.standaard == bindparam("standaard"), T.afzender == bindparam("gemeente"), T.toewijzing_nummer == bindparam("nummer"))
    .order_by(T.id)
)


def _levering_columns(c, stop: bool) -> list:
    """The columns of a ``Levering``, in its field order."""
    columns = [c.toewijzing_nummer, c.categorie, c.code, c.begindatum, c.status_aanlevering]
    return columns + [c.reden_beeindiging, c.einddatum] if stop else columns


def _leveringen_query(c, stop: bool):
    return select(*_levering_columns(c, stop)).where(
        c.standaard == bindparam("standaard"),
        c.afzender == bindparam("aanbieder"),
        c.ontvanger == bindparam("gemeente"),
        c.client == bindparam("client"),
        c.toewijzing_nummer == bindparam("nummer"),
    ).order_by(c.id)


_STARTS, _STOPS = _leveringen_query(SA, False), _leveringen_query(SO, True)


def _leveringen_by_key_query(c, stop: bool, pg: bool):
    key = (c.standaard, c.afzender, c.ontvanger, c.client)
    return select(*key, *_levering_columns(c, stop)).where(in_keys((*key, c.toewijzing_nummer), "keys", pg)).order_by(c.id)


# Requests are 315 products (verzoek) and 317s (wijzigingsverzoek); both carry the provider's
# ReferentieAanbieder. A request is answered by a 301 for the same client that carries its reference,
# or rejected by a 319 with VerzoekAntwoord 1 for its reference (a reference is unique per provider
# within the domain, TR347, so the 319 needs no client).
def _requests(*columns: str, where: Callable[[Any], tuple]):
    """UNION ALL of the request tables: the same ``columns`` of each plus ``bericht_id`` (to order
    by receipt), filtered by ``where(table_columns)``."""
    parts = [select(*(c[name] for name in columns), c.bericht_id).where(*where(c)) for c in (V, W)]
    return union_all(*parts).subquery("verzoeken")


def _answered(c):
    """The request row ``c`` has a 301 that carries its reference for its client."""
    return (
        select(T.id)
        .where(T.standaard == c.standaard, T.ontvanger == c.afzender, T.client == c.client,
               T.referentie_aanbieder == c.referentie_aanbieder)
        .exists()
    )


def _rejected(c):
    """The request row ``c`` was rejected by a 319 (VerzoekAntwoord 1)."""
    return (
        select(A.id)
        .where(A.standaard == c.standaard, A.ontvanger == c.afzender, A.referentie_aanbieder == c.referentie_aanbieder,
               A.verzoek_antwoord == AFGEWEZEN)
        .exists()
    )


def _verzoeken_query():
    r = _requests("ontvanger", "client", "referentie_aanbieder", where=lambda c: (
        c.standaard == bindparam("standaard"), c.afzender == bindparam("aanbieder"),
        c.referentie_aanbieder == bindparam("referentie"),
    ))
    return select(r.c.ontvanger, r.c.client, r.c.referentie_aanbieder).order_by(r.c.bericht_id)


def _open_verzoeken_query():
    r = _requests("referentie_aanbieder", where=lambda c: (
        c.standaard == bindparam("standaard"), c.afzender == bindparam("aanbieder"), c.client == bindparam("client"),
        ~_answered(c), ~_rejected(c),
    ))
    return select(r.c.referentie_aanbieder).order_by(r.c.bericht_id)


_VERZOEKEN = _verzoeken_query()
_OPEN_VERZOEKEN = _open_verzoeken_query()
_BEANTWOORDE_REFERENTIES = select(T.referentie_aanbieder).where(
    T.standaard == bindparam("standaard"),
    T.ontvanger == bindparam("aanbieder"),
    T.client == bindparam("client"),
    T.referentie_aanbieder.is_not(None),
)
_AFGEWEZEN = select(A.referentie_aanbieder).where(
    A.standaard == bindparam("standaard"),
    A.ontvanger == bindparam("aanbieder"),
    A.referentie_aanbieder == bindparam("referentie"),
    A.verzoek_antwoord == AFGEWEZEN,
).limit(1)


# The batch forms of the lookups above: one query for every key of an import batch, by the key
# the table's index starts with (standaard, provider, then reference, client or number).
def _verzoeken_by_referentie_query(pg: bool):
    r = _requests("standaard", "afzender", "referentie_aanbieder", "ontvanger", "client",
                  where=lambda c: (in_keys((c.standaard, c.afzender, c.referentie_aanbieder), "keys", pg),))
    return select(r.c.standaard, r.c.afzender, r.c.referentie_aanbieder, r.c.ontvanger, r.c.client).order_by(r.c.bericht_id)


def _open_verzoeken_by_client_query(pg: bool):
    r = _requests("standaard", "afzender", "client", "referentie_aanbieder",
                  where=lambda c: (in_keys((c.standaard, c.afzender, c.client), "keys", pg), ~_answered(c), ~_rejected(c)))
    return select(r.c.standaard, r.c.afzender, r.c.client, r.c.referentie_aanbieder).order_by(r.c.bericht_id)


_LEVERINGEN_BY_KEY = {
    (stop, pg): _leveringen_by_key_query(SO if stop else SA, stop, pg) for stop in (False, True) for pg in (False, True)
}
_VERZOEKEN_BY_REFERENTIE = {pg: _verzoeken_by_referentie_query(pg) for pg in (False, True)}
_OPEN_VERZOEKEN_BY_CLIENT = {pg: _open_verzoeken_by_client_query(pg) for pg in (False, True)}
_AFGEWEZEN_BY_REFERENTIE = {
    pg: select(A.standaard, A.ontvanger, A.referentie_aanbieder).where(
        in_keys((A.standaard, A.ontvanger, A.referentie_aanbieder), "keys", pg), A.verzoek_antwoord == AFGEWEZEN
    )
    for pg in (False, True)
}
_BEANTWOORDE_REFERENTIES_BY_CLIENT = {
    pg: select(T.standaard, T.ontvanger, T.client, T.referentie_aanbieder).where(
        in_keys((T.standaard, T.ontvanger, T.client), "keys", pg), T.referentie_aanbieder.is_not(None)
    )
    for pg in (False, True)
}


# Declarations (323) and their answers (325): validators/history_declaraties.py.
def rejected_prestatie(p):
    """The Prestatie row ``p`` was rejected by a stored 325 on its declaration: the whole declaration
    (header-only answer or a DeclaratieAntwoord that does not approve), its Client, or the line itself."""
    return (
        select(DA.id)
        .where(
            DA.standaard == p.standaard, DA.ontvanger == p.afzender, DA.afzender == p.ontvanger,
            DA.declaratie_identificatie == p.identificatie, DA.goedgekeurd == false(),
            or_(
                DA.klasse.in_(("Header", "DeclaratieAntwoord")),
                and_(DA.klasse == "Client", DA.client == p.client),
                and_(DA.klasse == "Prestatie", DA.referentie_nummer == p.referentie_nummer),
            ),
        )
        .exists()
    )


_PRESTATIE_COLUMNS = (
    P.afzender, P.ontvanger, P.identificatie, P.client, P.referentie_nummer, P.vorig_referentie_nummer,
    P.toewijzing_nummer, P.categorie, P.code, P.begindatum, P.einddatum, P.volume, P.eenheid, P.tarief, P.bedrag,
    P.debet_credit, rejected_prestatie(P).label("afgewezen"),
)


def _prestaties_query(*where, key=()):
    return select(*key, *_PRESTATIE_COLUMNS).where(*where).order_by(P.id)


_DECLARATIE_NUMMER = select(D.id).where(
    D.standaard == bindparam("standaard"), D.afzender == bindparam("aanbieder"), D.declaratie_nummer == bindparam("nummer"),
).limit(1)
_PRESTATIES = _prestaties_query(
    P.standaard == bindparam("standaard"), P.afzender == bindparam("aanbieder"), P.referentie_nummer == bindparam("referentie"))
_PRESTATIES_OP_TOEWIJZING = _prestaties_query(
    P.standaard == bindparam("standaard"), P.ontvanger == bindparam("gemeente"), P.toewijzing_nummer == bindparam("nummer"))
_DECLARATIE_PRESTATIES = _prestaties_query(
    P.standaard == bindparam("standaard"), P.afzender == bindparam("aanbieder"), P.ontvanger == bindparam("gemeente"),
    P.identificatie == bindparam("identificatie"))
_CLIENT_BEKEND = select(T.id).where(
    T.standaard == bindparam("standaard"), T.ontvanger == bindparam("aanbieder"), T.client == bindparam("client"),
    T.afzender == bindparam("gemeente"),
).limit(1)
_DECLARATIE_NUMMERS_BY_NUMMER = {
    pg: select(D.standaard, D.afzender, D.declaratie_nummer).where(in_values(D.declaratie_nummer, "nummers", pg))
    for pg in (False, True)
}
_PRESTATIES_BY_REFERENTIE = {
    pg: _prestaties_query(in_values(P.referentie_nummer, "referenties", pg), key=(P.standaard,)) for pg in (False, True)
}
_PRESTATIES_BY_TOEWIJZING = {
    pg: _prestaties_query(in_values(P.toewijzing_nummer, "nummers", pg), key=(P.standaard,)) for pg in (False, True)
}
# Keyed by tuples so the indexes (standaard, afzender, ontvanger, identificatie) and (standaard,
# ontvanger, client) are used from their first column; a batch has few distinct keys.
_PRESTATIES_BY_DECLARATIE = {
    pg: _prestaties_query(in_keys((P.standaard, P.afzender, P.ontvanger, P.identificatie), "keys", pg), key=(P.standaard,))
    for pg in (False, True)
}
_CLIENTS_BEKEND = {
    pg: select(T.standaard, T.afzender, T.ontvanger, T.client)
    .where(in_keys((T.standaard, T.ontvanger, T.client), "keys", pg))
    .distinct()
    for pg in (False, True)
}


def _prestatie(r) -> PrestatieRef:
    return PrestatieRef(
        aanbieder=r.afzender, gemeente=r.ontvanger, identificatie=r.identificatie, client=r.client,
        referentie_nummer=r.referentie_nummer, vorig_referentie_nummer=r.vorig_referentie_nummer,
        toewijzing_nummer=r.toewijzing_nummer, categorie=r.categorie, code=r.code, begindatum=r.begindatum,
        einddatum=r.einddatum, volume=r.volume, eenheid=r.eenheid, tarief=r.tarief, bedrag=r.bedrag,
        debet_credit=r.debet_credit, afgewezen=bool(r.afgewezen),
    )


class StoreHistory:
    def __init__(self, connection: Connection, pseudonym: Pseudonymiser) -> None:
        self.connection = connection
        self.pseudonym = pseudonym
        self._pg = connection.dialect.name == "postgresql"

    def client(self, bsn: str) -> str:
        return self.pseudonym(bsn) or ""

    def identificatie_seen(
        self, standaard: str, afzender: str, berichtcode: str, identificatie: str, exclude_sha256: str | None = None
    ) -> bool:
        # Messages that failed level 1 never reached the receiver's administration: they do not count.
        params = dict(afzender=afzender, berichtcode=berichtcode, identificatie=identificatie, standaard=standaard,
                      sha256=exclude_sha256 or "")
        return self.connection.execute(_IDENTIFICATIE, params).first() is not None

    def toewijzingen(self, standaard: str, gemeente: str, nummer: int) -> list[ToewijzingVersie]:
        rows = self.connection.execute(_TOEWIJZINGEN, dict(standaard=standaard, gemeente=gemeente, nummer=nummer))
        return [_versie(r) for r in rows]

    def identificaties_seen(self, identificaties: set[str]) -> dict[tuple, set[str]]:
        """(standaard, afzender, berichtcode, identificatie) -> sha256 values, for these Identificaties."""
        seen: dict[tuple, set[str]] = {}
        for st, afz, code, ident, sha in self._chunked(_IDENTIFICATIES[self._pg], "identificaties", identificaties):
            seen.setdefault((st, afz, code, ident), set()).add(sha)
        return seen

    def toewijzingen_by_nummer(self, nummers: set[int]) -> dict[tuple, list[ToewijzingVersie]]:
        """(standaard, gemeente, ToewijzingNummer) -> versions in order of receipt, for these numbers."""
        found: dict[tuple, list[ToewijzingVersie]] = {}
        for r in self._chunked(_TOEWIJZINGEN_BY_NUMMER[self._pg], "nummers", nummers):
            found.setdefault((r.standaard, r.afzender, r.toewijzing_nummer), []).append(_versie(r))
        return found

    def _chunked(self, query, name: str, values: set) -> Iterator:
        """Rows of ``query`` for ``values`` of its list parameter ``name``, 500 values per query."""
        ordered = sorted(values)
        for i in range(0, len(ordered), 500):
            yield from self.connection.execute(query, {name: ordered[i : i + 500]})

    def leveringen_by_key(self, keys: set[tuple], stops: bool) -> dict[tuple, list[Levering]]:
        """(standaard, aanbieder, gemeente, client, ToewijzingNummer) -> starts (or stops) in order of
        receipt, for these keys."""
        found: dict[tuple, list[Levering]] = {}
        for row in self._chunked(_LEVERINGEN_BY_KEY[(stops, self._pg)], "keys", keys):
            found.setdefault(tuple(row[:4]) + (row[4],), []).append(Levering(*row[4:]))
        return found

    def verzoeken_by_referentie(self, keys: set[tuple]) -> dict[tuple, list[VerzoekRef]]:
        """(standaard, aanbieder, ReferentieAanbieder) -> the stored requests with that reference, for these keys."""
        found: dict[tuple, list[VerzoekRef]] = {}
        for st, aanbieder, referentie, gemeente, client in self._chunked(_VERZOEKEN_BY_REFERENTIE[self._pg], "keys", keys):
            found.setdefault((st, aanbieder, referentie), []).append(VerzoekRef(gemeente=gemeente, client=client, referentie_aanbieder=referentie))
        return found

    def open_verzoeken_by_client(self, keys: set[tuple]) -> dict[tuple, list[str]]:
        """(standaard, aanbieder, client) -> ReferentieAanbieder of the requests no 301 has answered, for these keys."""
        found: dict[tuple, list[str]] = {}
        for st, aanbieder, client, referentie in self._chunked(_OPEN_VERZOEKEN_BY_CLIENT[self._pg], "keys", keys):
            found.setdefault((st, aanbieder, client), []).append(referentie)
        return found

    def afgewezen_by_referentie(self, keys: set[tuple]) -> set[tuple]:
        """(standaard, aanbieder, ReferentieAanbieder) of the requests among these keys that a 319 rejected."""
        return {tuple(row) for row in self._chunked(_AFGEWEZEN_BY_REFERENTIE[self._pg], "keys", keys)}

    def beantwoorde_referenties_by_client(self, keys: set[tuple]) -> dict[tuple, set[str]]:
        """(standaard, aanbieder, client) -> ReferentieAanbieder values that 301s carried, for these keys."""
        found: dict[tuple, set[str]] = {}
        for st, aanbieder, client, referentie in self._chunked(_BEANTWOORDE_REFERENTIES_BY_CLIENT[self._pg], "keys", keys):
            found.setdefault((st, aanbieder, client), set()).add(referentie)
        return found

    # -- declarations -------------------------------------------------------------------------------

    def declaratie_nummer_seen(self, standaard: str, aanbieder: str, nummer: str) -> bool:
        params = dict(standaard=standaard, aanbieder=aanbieder, nummer=nummer)
        return self.connection.execute(_DECLARATIE_NUMMER, params).first() is not None

    def prestaties(self, standaard: str, aanbieder: str, referentie: str) -> list[PrestatieRef]:
        rows = self.connection.execute(_PRESTATIES, dict(standaard=standaard, aanbieder=aanbieder, referentie=referentie))
        return [_prestatie(r) for r in rows]

    def prestaties_op_toewijzing(self, standaard: str, gemeente: str, nummer: int) -> list[PrestatieRef]:
        rows = self.connection.execute(_PRESTATIES_OP_TOEWIJZING, dict(standaard=standaard, gemeente=gemeente, nummer=nummer))
        return [_prestatie(r) for r in rows]

    def declaratie_prestaties(self, standaard: str, aanbieder: str, gemeente: str, identificatie: str) -> list[PrestatieRef]:
        params = dict(standaard=standaard, aanbieder=aanbieder, gemeente=gemeente, identificatie=identificatie)
        return [_prestatie(r) for r in self.connection.execute(_DECLARATIE_PRESTATIES, params)]

    def client_bekend(self, standaard: str, gemeente: str, aanbieder: str, client: str) -> bool:
        params = dict(standaard=standaard, gemeente=gemeente, aanbieder=aanbieder, client=client)
        return self.connection.execute(_CLIENT_BEKEND, params).first() is not None

    def declaratie_nummers_seen(self, nummers: set[str]) -> set[tuple]:
        """(standaard, aanbieder, DeclaratieNummer) of the stored 323s among these numbers."""
        return {tuple(r) for r in self._chunked(_DECLARATIE_NUMMERS_BY_NUMMER[self._pg], "nummers", nummers)}

    def prestaties_by_referentie(self, referenties: set[str]) -> dict[tuple, list[PrestatieRef]]:
        """(standaard, aanbieder, ReferentieNummer) -> stored Prestaties, in order of receipt."""
        found: dict[tuple, list[PrestatieRef]] = {}
        for r in self._chunked(_PRESTATIES_BY_REFERENTIE[self._pg], "referenties", referenties):
            found.setdefault((r.standaard, r.afzender, r.referentie_nummer), []).append(_prestatie(r))
        return found

    def prestaties_by_toewijzing(self, nummers: set[int]) -> dict[tuple, list[PrestatieRef]]:
        """(standaard, gemeente, ToewijzingNummer) -> stored Prestaties, in order of receipt."""
        found: dict[tuple, list[PrestatieRef]] = {}
        for r in self._chunked(_PRESTATIES_BY_TOEWIJZING[self._pg], "nummers", nummers):
            found.setdefault((r.standaard, r.ontvanger, r.toewijzing_nummer), []).append(_prestatie(r))
        return found

    def prestaties_by_declaratie(self, keys: set[tuple]) -> dict[tuple, list[PrestatieRef]]:
        """(standaard, aanbieder, gemeente, Identificatie of the 323) -> its stored Prestaties."""
        found: dict[tuple, list[PrestatieRef]] = {}
        for r in self._chunked(_PRESTATIES_BY_DECLARATIE[self._pg], "keys", keys):
            found.setdefault((r.standaard, r.afzender, r.ontvanger, r.identificatie), []).append(_prestatie(r))
        return found

    def clients_bekend(self, keys: set[tuple]) -> set[tuple]:
        """(standaard, gemeente, aanbieder, client) of the allocations among these (standaard, aanbieder, client) keys."""
        return {tuple(r) for r in self._chunked(_CLIENTS_BEKEND[self._pg], "keys", keys)}


    def _leveringen(self, query, standaard: str, aanbieder: str, gemeente: str, client: str, nummer: int | None) -> list[Levering]:
        if nummer is None:  # task-based deliveries have no number; no rule looks them up
            return []
        params = dict(standaard=standaard, aanbieder=aanbieder, gemeente=gemeente, client=client, nummer=nummer)
        return [Levering(*row) for row in self.connection.execute(query, params)]

    def starts(self, standaard: str, aanbieder: str, gemeente: str, client: str, nummer: int | None) -> list[Levering]:
        return self._leveringen(_STARTS, standaard, aanbieder, gemeente, client, nummer)

    def stops(self, standaard: str, aanbieder: str, gemeente: str, client: str, nummer: int | None) -> list[Levering]:
        return self._leveringen(_STOPS, standaard, aanbieder, gemeente, client, nummer)

    def verzoeken(self, standaard: str, aanbieder: str, referentie: str) -> list[VerzoekRef]:
        rows = self.connection.execute(_VERZOEKEN, dict(standaard=standaard, aanbieder=aanbieder, referentie=referentie))
        return [VerzoekRef(gemeente=g, client=c, referentie_aanbieder=r) for g, c, r in rows]

    def open_verzoeken(self, standaard: str, aanbieder: str, client: str) -> list[str]:
        # Open: no 301 for the client carries its reference and no 319 rejected it (see _answered, _rejected).
        rows = self.connection.execute(_OPEN_VERZOEKEN, dict(standaard=standaard, aanbieder=aanbieder, client=client))
        return [r for (r,) in rows]

    def afgewezen(self, standaard: str, aanbieder: str, referentie: str) -> bool:
        """Whether a 319 rejected the provider's request with this reference."""
        params = dict(standaard=standaard, aanbieder=aanbieder, referentie=referentie)
        return self.connection.execute(_AFGEWEZEN, params).first() is not None

    def beantwoorde_referenties(self, standaard: str, aanbieder: str, client: str) -> set[str]:
        """ReferentieAanbieder values that 301s to this provider for this client carried."""
        rows = self.connection.execute(_BEANTWOORDE_REFERENTIES, dict(standaard=standaard, aanbieder=aanbieder, client=client))
        return {r for (r,) in rows}


def _versie(r) -> ToewijzingVersie:
    return ToewijzingVersie(
        aanbieder=r.ontvanger,
        client=r.client,
        referentie_aanbieder=r.referentie_aanbieder,
        ingangsdatum=r.ingangsdatum,
        einddatum=r.einddatum,
        reden_wijziging=r.reden_wijziging,
        toewijzingsdatum=r.toewijzingsdatum,
        toewijzingstijd=r.toewijzingstijd.isoformat(),
        dagtekening=r.dagtekening,
        categorie=r.categorie,
        code=r.code,
        volume=r.volume,
        eenheid=r.eenheid,
        frequentie=r.frequentie,
        budget=r.budget,
    )

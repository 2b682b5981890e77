"""The history as the level-3 rules must see it during an import: the database plus the messages
of the current batch that are validated but not yet written.

Writing a batch at once (COPY or executemany, ``store/write.py``) is several times faster than writing each message before the
next is checked, above all on PostgreSQL where every statement is a round trip. The rules still see
every earlier message: ``PendingHistory`` answers from the database (``StoreHistory``) and adds the
matching rows of the batch, which always come later in receipt order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, timedelta

from berichten.store.extract import (
    ANTWOORD, DECLARATIE, DECLARATIE_ANTWOORD, PRESTATIE, START, STOP, TOEWIJZING, VERZOEK, WIJZIGINGSVERZOEK, Record,
)
from berichten.store.history import StoreHistory
from berichten.validators.history import AFGEWEZEN, VERWIJDERD, Levering, PrestatieRef, ToewijzingVersie, VerzoekRef


class PendingHistory:
    def __init__(self, db: StoreHistory) -> None:
        self.db = db
        self.reset()

    def reset(self) -> None:
        # Answers fetched for a whole batch at once (``prefetch``), with the values they were fetched
        # for; a value outside those sets is asked of the database per call.
        self._seen_db: dict[tuple, set[str]] = {}
        self._idents_db: set[str] = set()
        self._toewijzingen_db: dict[tuple, list[ToewijzingVersie]] = {}
        self._nummers_db: set[int] = set()
        self._starts_db: dict[tuple, list[Levering]] = {}
        self._stops_db: dict[tuple, list[Levering]] = {}
        self._levering_keys_db: set[tuple] = set()  # (standaard, aanbieder, gemeente, client, nummer)
        self._verzoeken_db: dict[tuple, list[VerzoekRef]] = {}
        self._referentie_keys_db: set[tuple] = set()  # (standaard, aanbieder, ReferentieAanbieder)
        self._open_db: dict[tuple, list[str]] = {}
        self._beantwoord_db: dict[tuple, set[str]] = {}
        self._afgewezen_db: set[tuple] = set()
        self._verzoek_clients_db: set[tuple] = set()  # (standaard, aanbieder, client)
        self._identificaties: set[tuple] = set()
        self._toewijzingen: dict[tuple, list[dict]] = defaultdict(list)
        self._beantwoord: dict[tuple, set[str]] = defaultdict(set)
        self._starts: dict[tuple, list[dict]] = defaultdict(list)
        self._stops: dict[tuple, list[dict]] = defaultdict(list)
        self._verzoeken: dict[tuple, list[dict]] = defaultdict(list)
        self._verzoeken_client: dict[tuple, list[str]] = defaultdict(list)
        self._afgewezen: set[tuple] = set()  # (standaard, aanbieder, referentie) rejected by a 319 in the batch
        # Declarations: the database's answers for the batch's keys, then the batch's own rows.
        self._declaratie_nummers_db: set[str] = set()
        self._declaratie_seen_db: set[tuple] = set()
        self._prestatie_referenties_db: set[str] = set()
        self._prestaties_ref_db: dict[tuple, list[PrestatieRef]] = {}
        self._prestatie_nummers_db: set[int] = set()
        self._prestaties_nummer_db: dict[tuple, list[PrestatieRef]] = {}
        self._declaraties_db: set[tuple] = set()
        self._prestaties_declaratie_db: dict[tuple, list[PrestatieRef]] = {}
        self._client_keys_db: set[tuple] = set()
        self._clients_bekend_db: set[tuple] = set()
        self._declaratie_nummers: set[tuple] = set()
        self._toewijzing_clients: set[tuple] = set()  # (standaard, gemeente, aanbieder, client) of the batch's 301s
        self._prestaties_ref: dict[tuple, list[PrestatieRef]] = defaultdict(list)
        self._prestaties_nummer: dict[tuple, list[PrestatieRef]] = defaultdict(list)
        self._prestaties_declaratie: dict[tuple, list[PrestatieRef]] = defaultdict(list)
        # What 325s in the batch rejected, keyed (standaard, aanbieder, gemeente, Identificatie of the 323)
        # plus nothing (the whole declaration), the client, or the ReferentieNummer.
        self._afgewezen_declaraties: set[tuple] = set()
        self._afgewezen_clients: set[tuple] = set()
        self._afgewezen_prestaties: set[tuple] = set()

    # -- feeding the batch ------------------------------------------------------------------------

    def prefetch(self, identificaties: set[tuple], records: Iterable[Record]) -> None:
        """Fetch at once what the level-3 rules will ask for this batch, one query per kind of lookup.

        ``identificaties``: (standaard, afzender, berichtcode, identificatie) of the batch's messages;
        ``records``: the business rows of those messages, whose ToewijzingNummers, references and
        clients are the keys of the rules' lookups. One query per message would cost a round trip each.
        """
        toewijzing_nummers: set[int] = set()
        levering_keys: set[tuple] = set()
        referentie_keys: set[tuple] = set()
        verzoek_clients: set[tuple] = set()
        declaratie_nummers: set[str] = set()
        prestatie_referenties: set[str] = set()
        prestatie_nummers: set[int] = set()
        declaraties: set[tuple] = set()
        client_keys: set[tuple] = set()
        for table, r in records:
            if table is TOEWIJZING:
                toewijzing_nummers.add(r["toewijzing_nummer"])
                if r["referentie_aanbieder"]:  # TR379: the request this 301 answers
                    referentie_keys.add((r["standaard"], r["ontvanger"], r["referentie_aanbieder"]))
                if r["reden_wijziging"] == VERWIJDERD:  # TR385: what was declared on it
                    prestatie_nummers.add(r["toewijzing_nummer"])
            elif (table is START or table is STOP) and r["toewijzing_nummer"] is not None:
                toewijzing_nummers.add(r["toewijzing_nummer"])  # TR019 looks up the allocation
                if r["client"] is not None:
                    levering_keys.add((r["standaard"], r["afzender"], r["ontvanger"], r["client"], r["toewijzing_nummer"]))
            elif table is VERZOEK or table is WIJZIGINGSVERZOEK:
                referentie_keys.add((r["standaard"], r["afzender"], r["referentie_aanbieder"]))
                verzoek_clients.add((r["standaard"], r["afzender"], r["client"]))
            elif table is PRESTATIE:
                # TR314/TR323 by reference, TR338-TR341/TR307/TR308 the allocation,
                # TR389/TR390/TR322/TR369 the Prestaties on it, TR304 the client.
                prestatie_referenties.add(r["referentie_nummer"])
                if r["vorig_referentie_nummer"]:
                    prestatie_referenties.add(r["vorig_referentie_nummer"])
                if r["toewijzing_nummer"] is not None:
                    toewijzing_nummers.add(r["toewijzing_nummer"])
                    prestatie_nummers.add(r["toewijzing_nummer"])
                if r["client"] is not None:
                    client_keys.add((r["standaard"], r["afzender"], r["client"]))
                    # TR387/TR388: a period that does not span whole months may begin on a start's
                    # Begindatum or end on a stop's Einddatum of the allocation.
                    if r["toewijzing_nummer"] is not None and not _whole_months(r["begindatum"], r["einddatum"]):
                        levering_keys.add((r["standaard"], r["afzender"], r["ontvanger"], r["client"], r["toewijzing_nummer"]))
            elif table is DECLARATIE:
                declaratie_nummers.add(r["declaratie_nummer"])
            elif table is DECLARATIE_ANTWOORD and r["declaratie_identificatie"]:
                declaraties.add((r["standaard"], r["ontvanger"], r["afzender"], r["declaratie_identificatie"]))
        self._idents_db = {key[3] for key in identificaties}
        self._seen_db = self.db.identificaties_seen(self._idents_db)
        self._nummers_db = toewijzing_nummers
        self._toewijzingen_db = self.db.toewijzingen_by_nummer(toewijzing_nummers)
        self._levering_keys_db = levering_keys
        self._starts_db = self.db.leveringen_by_key(levering_keys, stops=False)
        self._stops_db = self.db.leveringen_by_key(levering_keys, stops=True)
        self._referentie_keys_db = referentie_keys
        self._verzoeken_db = self.db.verzoeken_by_referentie(referentie_keys)
        self._verzoek_clients_db = verzoek_clients
        self._open_db = self.db.open_verzoeken_by_client(verzoek_clients)
        self._beantwoord_db = self.db.beantwoorde_referenties_by_client(verzoek_clients)
        self._afgewezen_db = self.db.afgewezen_by_referentie(referentie_keys)
        self._declaratie_nummers_db = declaratie_nummers
        self._declaratie_seen_db = self.db.declaratie_nummers_seen(declaratie_nummers)
        self._prestatie_referenties_db = prestatie_referenties
        self._prestaties_ref_db = self.db.prestaties_by_referentie(prestatie_referenties)
        self._prestatie_nummers_db = prestatie_nummers
        self._prestaties_nummer_db = self.db.prestaties_by_toewijzing(prestatie_nummers)
        self._declaraties_db = declaraties
        self._prestaties_declaratie_db = self.db.prestaties_by_declaratie(declaraties)
        self._client_keys_db = client_keys
        self._clients_bekend_db = self.db.clients_bekend(client_keys)

    def add_bericht(self, row: dict) -> None:
        if row["niveau1"]:
            self._identificaties.add((row["standaard"], row["afzender"], row["berichtcode"], row["identificatie"]))

    def add_records(self, records: list[Record]) -> None:
        for table, r in records:
            if table is TOEWIJZING:
                self._toewijzingen[(r["standaard"], r["afzender"], r["toewijzing_nummer"])].append(r)
                self._toewijzing_clients.add((r["standaard"], r["afzender"], r["ontvanger"], r["client"]))
                if r["referentie_aanbieder"]:
                    self._beantwoord[(r["standaard"], r["ontvanger"], r["client"])].add(r["referentie_aanbieder"])
            elif table is START or table is STOP:
                key = (r["standaard"], r["afzender"], r["ontvanger"], r["client"], r["toewijzing_nummer"])
                (self._starts if table is START else self._stops)[key].append(r)
            elif table is VERZOEK or table is WIJZIGINGSVERZOEK:
                self._verzoeken[(r["standaard"], r["afzender"], r["referentie_aanbieder"])].append(r)
                self._verzoeken_client[(r["standaard"], r["afzender"], r["client"])].append(r["referentie_aanbieder"])
            elif table is ANTWOORD and r["verzoek_antwoord"] == AFGEWEZEN:
                self._afgewezen.add((r["standaard"], r["ontvanger"], r["referentie_aanbieder"]))
            elif table is DECLARATIE:
                self._declaratie_nummers.add((r["standaard"], r["afzender"], r["declaratie_nummer"]))
            elif table is PRESTATIE:
                p = _prestatie(r)
                self._prestaties_ref[(r["standaard"], p.aanbieder, p.referentie_nummer)].append(p)
                self._prestaties_nummer[(r["standaard"], p.gemeente, p.toewijzing_nummer)].append(p)
                self._prestaties_declaratie[(r["standaard"], p.aanbieder, p.gemeente, p.identificatie)].append(p)
            elif table is DECLARATIE_ANTWOORD and not r["goedgekeurd"]:
                declaratie = (r["standaard"], r["ontvanger"], r["afzender"], r["declaratie_identificatie"])
                if r["klasse"] == "Client":
                    self._afgewezen_clients.add((*declaratie, r["client"]))
                elif r["klasse"] == "Prestatie":
                    self._afgewezen_prestaties.add((*declaratie, r["referentie_nummer"]))
                else:
                    self._afgewezen_declaraties.add(declaratie)

    # -- the History protocol ---------------------------------------------------------------------

    def client(self, bsn: str) -> str:
        return self.db.client(bsn)

    def identificatie_seen(
        self, standaard: str, afzender: str, berichtcode: str, identificatie: str, exclude_sha256: str | None = None
    ) -> bool:
        # A batch never holds the same bytes twice, so exclude_sha256 cannot match a pending message.
        key = (standaard, afzender, berichtcode, identificatie)
        if key in self._identificaties:
            return True
        if identificatie in self._idents_db:
            return bool(self._seen_db.get(key, set()) - {exclude_sha256})
        return self.db.identificatie_seen(standaard, afzender, berichtcode, identificatie, exclude_sha256)

    def toewijzingen(self, standaard: str, gemeente: str, nummer: int) -> list[ToewijzingVersie]:
        pending = [
            ToewijzingVersie(
                aanbieder=r["ontvanger"],
                client=r["client"],
                referentie_aanbieder=r["referentie_aanbieder"],
                ingangsdatum=r["ingangsdatum"],
                einddatum=r["einddatum"],
                reden_wijziging=r["reden_wijziging"],
                toewijzingsdatum=r["toewijzingsdatum"],
                toewijzingstijd=r["toewijzingstijd"].isoformat(),
                dagtekening=r["dagtekening"],
                categorie=r["categorie"],
                code=r["code"],
                volume=r["volume"],
                eenheid=r["eenheid"],
                frequentie=r["frequentie"],
                budget=r["budget"],
            )
            for r in self._toewijzingen.get((standaard, gemeente, nummer), ())
        ]
        if nummer in self._nummers_db:
            stored = self._toewijzingen_db.get((standaard, gemeente, nummer), [])
        else:
            stored = self.db.toewijzingen(standaard, gemeente, nummer)
        return stored + pending

    @staticmethod
    def _levering(r: dict) -> Levering:
        return Levering(
            toewijzing_nummer=r["toewijzing_nummer"],
            categorie=r["categorie"],
            code=r["code"],
            begindatum=r["begindatum"],
            status_aanlevering=r["status_aanlevering"],
            reden_beeindiging=r.get("reden_beeindiging"),
            einddatum=r.get("einddatum"),
        )

    def starts(self, standaard: str, aanbieder: str, gemeente: str, client: str, nummer: int | None) -> list[Levering]:
        key = (standaard, aanbieder, gemeente, client, nummer)
        if key in self._levering_keys_db:
            stored = list(self._starts_db.get(key, ()))
        else:
            stored = self.db.starts(standaard, aanbieder, gemeente, client, nummer)
        return stored + [self._levering(r) for r in self._starts.get(key, ())]

    def stops(self, standaard: str, aanbieder: str, gemeente: str, client: str, nummer: int | None) -> list[Levering]:
        key = (standaard, aanbieder, gemeente, client, nummer)
        if key in self._levering_keys_db:
            stored = list(self._stops_db.get(key, ()))
        else:
            stored = self.db.stops(standaard, aanbieder, gemeente, client, nummer)
        return stored + [self._levering(r) for r in self._stops.get(key, ())]

    def verzoeken(self, standaard: str, aanbieder: str, referentie: str) -> list[VerzoekRef]:
        pending = [
            VerzoekRef(gemeente=r["ontvanger"], client=r["client"], referentie_aanbieder=r["referentie_aanbieder"])
            for r in self._verzoeken.get((standaard, aanbieder, referentie), ())
        ]
        if (standaard, aanbieder, referentie) in self._referentie_keys_db:
            stored = list(self._verzoeken_db.get((standaard, aanbieder, referentie), ()))
        else:
            stored = self.db.verzoeken(standaard, aanbieder, referentie)
        return stored + pending

    def open_verzoeken(self, standaard: str, aanbieder: str, client: str) -> list[str]:
        """References of the provider's requests (315, 317) for the client that no 301 answered and
        no 319 rejected - in the database or in this batch."""
        key = (standaard, aanbieder, client)
        prefetched = key in self._verzoek_clients_db
        beantwoord = self._beantwoord.get(key, set())

        def closed_in_batch(referentie: str) -> bool:
            return referentie in beantwoord or (standaard, aanbieder, referentie) in self._afgewezen

        in_db = self._open_db.get(key, []) if prefetched else self.db.open_verzoeken(standaard, aanbieder, client)
        still_open = [r for r in in_db if not closed_in_batch(r)]
        pending = self._verzoeken_client.get(key, ())
        if pending:
            if prefetched:
                answered_in_db = self._beantwoord_db.get(key, set())
            else:
                answered_in_db = self.db.beantwoorde_referenties(standaard, aanbieder, client)
            for referentie in pending:
                if closed_in_batch(referentie) or referentie in answered_in_db:
                    continue
                if (standaard, aanbieder, referentie) in self._referentie_keys_db:
                    rejected_in_db = (standaard, aanbieder, referentie) in self._afgewezen_db
                else:
                    rejected_in_db = self.db.afgewezen(standaard, aanbieder, referentie)
                if not rejected_in_db:
                    still_open.append(referentie)
        return still_open

    # -- declarations -------------------------------------------------------------------------------

    def _fate(self, standaard: str, found: list[PrestatieRef]) -> list[PrestatieRef]:
        """The Prestaties with what the batch's 325s rejected marked too."""
        if not (self._afgewezen_declaraties or self._afgewezen_clients or self._afgewezen_prestaties):
            return found
        out = []
        for p in found:
            declaratie = (standaard, p.aanbieder, p.gemeente, p.identificatie)
            if not p.afgewezen and (
                declaratie in self._afgewezen_declaraties
                or (*declaratie, p.client) in self._afgewezen_clients
                or (*declaratie, p.referentie_nummer) in self._afgewezen_prestaties
            ):
                p = replace(p, afgewezen=True)
            out.append(p)
        return out

    def declaratie_nummer_seen(self, standaard: str, aanbieder: str, nummer: str) -> bool:
        key = (standaard, aanbieder, nummer)
        if key in self._declaratie_nummers:
            return True
        if nummer in self._declaratie_nummers_db:
            return key in self._declaratie_seen_db
        return self.db.declaratie_nummer_seen(standaard, aanbieder, nummer)

    def prestaties(self, standaard: str, aanbieder: str, referentie: str) -> list[PrestatieRef]:
        key = (standaard, aanbieder, referentie)
        if referentie in self._prestatie_referenties_db:
            stored = list(self._prestaties_ref_db.get(key, ()))
        else:
            stored = self.db.prestaties(standaard, aanbieder, referentie)
        return self._fate(standaard, stored + self._prestaties_ref.get(key, []))

    def prestaties_op_toewijzing(self, standaard: str, gemeente: str, nummer: int) -> list[PrestatieRef]:
        key = (standaard, gemeente, nummer)
        if nummer in self._prestatie_nummers_db:
            stored = list(self._prestaties_nummer_db.get(key, ()))
        else:
            stored = self.db.prestaties_op_toewijzing(standaard, gemeente, nummer)
        return self._fate(standaard, stored + self._prestaties_nummer.get(key, []))

    def declaratie_prestaties(self, standaard: str, aanbieder: str, gemeente: str, identificatie: str) -> list[PrestatieRef]:
        key = (standaard, aanbieder, gemeente, identificatie)
        if key in self._declaraties_db:
            stored = list(self._prestaties_declaratie_db.get(key, ()))
        else:
            stored = self.db.declaratie_prestaties(standaard, aanbieder, gemeente, identificatie)
        return self._fate(standaard, stored + self._prestaties_declaratie.get(key, []))

    def client_bekend(self, standaard: str, gemeente: str, aanbieder: str, client: str) -> bool:
        if (standaard, gemeente, aanbieder, client) in self._toewijzing_clients:
            return True
        if (standaard, aanbieder, client) in self._client_keys_db:
            return (standaard, gemeente, aanbieder, client) in self._clients_bekend_db
        return self.db.client_bekend(standaard, gemeente, aanbieder, client)


def _prestatie(r: dict) -> PrestatieRef:
    return PrestatieRef(
        aanbieder=r["afzender"], gemeente=r["ontvanger"], identificatie=r["identificatie"], client=r["client"],
        referentie_nummer=r["referentie_nummer"], vorig_referentie_nummer=r["vorig_referentie_nummer"],
        toewijzing_nummer=r["toewijzing_nummer"], categorie=r["categorie"], code=r["code"], begindatum=r["begindatum"],
        einddatum=r["einddatum"], volume=r["volume"], eenheid=r["eenheid"], tarief=r["tarief"], bedrag=r["bedrag"],
        debet_credit=r["debet_credit"],
    )


def _whole_months(begin: date, end: date) -> bool:
    """Whether a period begins on a first and ends on a last day of a month (then TR387 and TR388
    need no start or stop)."""
    return begin.day == 1 and (end + timedelta(days=1)).day == 1

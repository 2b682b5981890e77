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

from store.extract import ANTWOORD, START, STOP, TOEWIJZING, VERZOEK, WIJZIGINGSVERZOEK, Record
from store.history import StoreHistory
from validators.history import AFGEWEZEN, Levering, ToewijzingVersie, VerzoekRef


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
        self._levering_nummers_db: set[int] = set()
        self._verzoeken_db: dict[tuple, list[VerzoekRef]] = {}
        self._referenties_db: set[str] = set()
        self._open_db: dict[tuple, list[str]] = {}
        self._beantwoord_db: dict[tuple, set[str]] = {}
        self._afgewezen_db: set[tuple] = set()
        self._clients_db: set[str] = set()
        self._identificaties: set[tuple] = set()
        self._toewijzingen: dict[tuple, list[dict]] = defaultdict(list)
        self._beantwoord: dict[tuple, set[str]] = defaultdict(set)
        self._starts: dict[tuple, list[dict]] = defaultdict(list)
        self._stops: dict[tuple, list[dict]] = defaultdict(list)
        self._verzoeken: dict[tuple, list[dict]] = defaultdict(list)
        self._verzoeken_client: dict[tuple, list[str]] = defaultdict(list)
        self._afgewezen: set[tuple] = set()  # (standaard, aanbieder, referentie) rejected by a 319 in the batch

    # -- feeding the batch ------------------------------------------------------------------------

    def prefetch(self, identificaties: set[tuple], records: Iterable[Record]) -> None:
        """Fetch at once what the level-3 rules will ask for this batch, one query per kind of lookup.

        ``identificaties``: (standaard, afzender, berichtcode, identificatie) of the batch's messages;
        ``records``: the business rows of those messages, whose ToewijzingNummers, references and
        clients are the keys of the rules' lookups. One query per message would cost a round trip each.
        """
        toewijzing_nummers: set[int] = set()
        levering_nummers: set[int] = set()
        referenties: set[str] = set()
        clients: set[str] = set()
        for table, r in records:
            if table is TOEWIJZING:
                toewijzing_nummers.add(r["toewijzing_nummer"])
                if r["referentie_aanbieder"]:
                    referenties.add(r["referentie_aanbieder"])
            elif (table is START or table is STOP) and r["toewijzing_nummer"] is not None:
                toewijzing_nummers.add(r["toewijzing_nummer"])  # TR019 looks up the allocation
                levering_nummers.add(r["toewijzing_nummer"])
            elif table is VERZOEK or table is WIJZIGINGSVERZOEK:
                referenties.add(r["referentie_aanbieder"])
                clients.add(r["client"])
        self._idents_db = {key[3] for key in identificaties}
        self._seen_db = self.db.identificaties_seen(self._idents_db)
        self._nummers_db = toewijzing_nummers
        self._toewijzingen_db = self.db.toewijzingen_by_nummer(toewijzing_nummers)
        self._levering_nummers_db = levering_nummers
        self._starts_db = self.db.leveringen_by_nummer(levering_nummers, stops=False)
        self._stops_db = self.db.leveringen_by_nummer(levering_nummers, stops=True)
        self._referenties_db = referenties
        self._verzoeken_db = self.db.verzoeken_by_referentie(referenties)
        self._clients_db = clients
        self._open_db = self.db.open_verzoeken_by_client(clients)
        self._beantwoord_db = self.db.beantwoorde_referenties_by_client(clients)
        self._afgewezen_db = self.db.afgewezen_by_referentie(referenties)

    def add_bericht(self, row: dict) -> None:
        if row["niveau1"]:
            self._identificaties.add((row["standaard"], row["afzender"], row["berichtcode"], row["identificatie"]))

    def add_records(self, records: list[Record]) -> None:
        for table, r in records:
            if table is TOEWIJZING:
                self._toewijzingen[(r["standaard"], r["afzender"], r["toewijzing_nummer"])].append(r)
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
        if nummer in self._levering_nummers_db:
            stored = list(self._starts_db.get(key, ()))
        else:
            stored = self.db.starts(standaard, aanbieder, gemeente, client, nummer)
        return stored + [self._levering(r) for r in self._starts.get(key, ())]

    def stops(self, standaard: str, aanbieder: str, gemeente: str, client: str, nummer: int | None) -> list[Levering]:
        key = (standaard, aanbieder, gemeente, client, nummer)
        if nummer in self._levering_nummers_db:
            stored = list(self._stops_db.get(key, ()))
        else:
            stored = self.db.stops(standaard, aanbieder, gemeente, client, nummer)
        return stored + [self._levering(r) for r in self._stops.get(key, ())]

    def verzoeken(self, standaard: str, aanbieder: str, referentie: str) -> list[VerzoekRef]:
        pending = [
            VerzoekRef(gemeente=r["ontvanger"], client=r["client"], referentie_aanbieder=r["referentie_aanbieder"])
            for r in self._verzoeken.get((standaard, aanbieder, referentie), ())
        ]
        if referentie in self._referenties_db:
            stored = list(self._verzoeken_db.get((standaard, aanbieder, referentie), ()))
        else:
            stored = self.db.verzoeken(standaard, aanbieder, referentie)
        return stored + pending

    def open_verzoeken(self, standaard: str, aanbieder: str, client: str) -> list[str]:
        """References of the provider's requests (315, 317) for the client that no 301 answered and
        no 319 rejected - in the database or in this batch."""
        key = (standaard, aanbieder, client)
        prefetched = client in self._clients_db
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
                if referentie in self._referenties_db:
                    rejected_in_db = (standaard, aanbieder, referentie) in self._afgewezen_db
                else:
                    rejected_in_db = self.db.afgewezen(standaard, aanbieder, referentie)
                if not rejected_in_db:
                    still_open.append(referentie)
        return still_open

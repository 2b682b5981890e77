"""The history as the level-3 rules must see it during an import: the database plus the messages
of the current batch that are validated but not yet written.

Writing a batch at once (COPY or executemany, ``store/write.py``) is several times faster than writing each message before the
next is checked, above all on PostgreSQL where every statement is a round trip. The rules still see
every earlier message: ``PendingHistory`` answers from the database (``StoreHistory``) and adds the
matching rows of the batch, which always come later in receipt order.
"""

from __future__ import annotations

from collections import defaultdict

from store.extract import START, STOP, TOEWIJZING, VERZOEK, Record
from store.history import StoreHistory
from validators.history import Levering, ToewijzingVersie, VerzoekRef


class PendingHistory:
    def __init__(self, db: StoreHistory) -> None:
        self.db = db
        self.reset()

    def reset(self) -> None:
        # Answers fetched for a whole batch at once (``prefetch``); None: ask the database per call.
        self._seen_db: dict[tuple, set[str]] | None = None
        self._toewijzingen_db: dict[tuple, list[ToewijzingVersie]] | None = None
        self._nummers_db: set[int] = set()
        self._idents_db: set[str] = set()
        self._identificaties: set[tuple] = set()
        self._toewijzingen: dict[tuple, list[dict]] = defaultdict(list)
        self._beantwoord: dict[tuple, set[str]] = defaultdict(set)
        self._starts: dict[tuple, list[dict]] = defaultdict(list)
        self._stops: dict[tuple, list[dict]] = defaultdict(list)
        self._verzoeken: dict[tuple, list[dict]] = defaultdict(list)
        self._verzoeken_client: dict[tuple, list[str]] = defaultdict(list)

    # -- feeding the batch ------------------------------------------------------------------------

    def prefetch(self, identificaties: set[tuple], nummers: set[int]) -> None:
        """Fetch, in two queries, what TR056 and the allocation rules will ask for this batch.

        ``identificaties``: (standaard, afzender, berichtcode, identificatie) of the batch's messages;
        ``nummers``: every ToewijzingNummer in them. One query per message would cost a round trip each.
        """
        self._idents_db = {key[3] for key in identificaties}
        self._seen_db = self.db.identificaties_seen(self._idents_db)
        self._nummers_db = set(nummers)
        self._toewijzingen_db = self.db.toewijzingen_by_nummer(self._nummers_db)

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
            elif table is VERZOEK:
                self._verzoeken[(r["standaard"], r["afzender"], r["referentie_aanbieder"])].append(r)
                self._verzoeken_client[(r["standaard"], r["afzender"], r["client"])].append(r["referentie_aanbieder"])

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
        if self._seen_db is not None and identificatie in self._idents_db:
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
        if self._toewijzingen_db is not None and nummer in self._nummers_db:
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
        pending = self._starts.get((standaard, aanbieder, gemeente, client, nummer), ())
        return self.db.starts(standaard, aanbieder, gemeente, client, nummer) + [self._levering(r) for r in pending]

    def stops(self, standaard: str, aanbieder: str, gemeente: str, client: str, nummer: int | None) -> list[Levering]:
        pending = self._stops.get((standaard, aanbieder, gemeente, client, nummer), ())
        return self.db.stops(standaard, aanbieder, gemeente, client, nummer) + [self._levering(r) for r in pending]

    def verzoeken(self, standaard: str, aanbieder: str, referentie: str) -> list[VerzoekRef]:
        pending = [
            VerzoekRef(gemeente=r["ontvanger"], client=r["client"], referentie_aanbieder=r["referentie_aanbieder"])
            for r in self._verzoeken.get((standaard, aanbieder, referentie), ())
        ]
        return self.db.verzoeken(standaard, aanbieder, referentie) + pending

    def open_verzoeken(self, standaard: str, aanbieder: str, client: str) -> list[str]:
        beantwoord = self._beantwoord.get((standaard, aanbieder, client), set())
        open_in_db = [r for r in self.db.open_verzoeken(standaard, aanbieder, client) if r not in beantwoord]
        pending = self._verzoeken_client.get((standaard, aanbieder, client), ())
        if pending:
            beantwoord = beantwoord | self.db.beantwoorde_referenties(standaard, aanbieder, client)
        return open_in_db + [r for r in pending if r not in beantwoord]

"""Test support: write small, known sets of real messages (via berichten.generate) for the report tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from berichten.generate import generate
from berichten.store.testing import migrated_database  # noqa: F401 (re-exported for the report tests)

_BSN_BASE = 99990000


def bsn(n: int) -> str:
    """The n-th fake BSN (starting 9999) that passes the 11-proef."""
    found = 0
    for candidate in range(_BSN_BASE, _BSN_BASE + 10000):
        digits = [int(c) for c in str(candidate).zfill(8)]
        last = sum(d * w for d, w in zip(digits, range(9, 1, -1))) % 11
        if last < 10:
            if found == n:
                return f"{candidate:08d}{last}"
            found += 1
    raise ValueError(n)


def _client(nummer_bsn: str, contact: bool) -> dict[str, Any]:
    client: dict[str, Any] = {"bsn": nummer_bsn, "geboortedatum": {"datum": "2012-05-01"}, "geslacht": "1",
                              "naam": {"geslachtsnaam": {"achternaam": "Test"}, "voorletters": "T"}}
    if contact:
        client["naam"]["naam_gebruik"] = "1"
        client["contactgegevens"] = [{"soort": "01", "adres": {"huis": {"huisnummer": 1}, "postcode": "1234AB",
                                      "straatnaam": "Teststraat", "plaatsnaam": "Teststad", "land_code": "NL"}}]
    return client


def _category(code: str) -> str:
    return code[:2]


class MessageSet:
    """Writes numbered message files into a folder, so importing the folder keeps this order."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.n = 0

    def _write(self, data: dict[str, Any]) -> str:
        self.n += 1
        ident = data["header"]["bericht_identificatie"].get("identificatie") or f"ID{self.n:06d}"
        data["header"]["bericht_identificatie"]["identificatie"] = ident
        (self.folder / f"{self.n:04d}_{data['bericht']}.xml").write_bytes(generate(data))
        return ident

    def toewijzing(self, *, standaard: str = "ijw", gemeente: str, aanbieder: str, client: str, nummer: int, code: str,
                   ingang: str, eind: str | None, toegewezen: str, tijd: str = "09:00:00", reden: str | None = None,
                   omvang: tuple[int, str, str] = (3, "04", "2"), budget: int | None = None) -> str:
        """One 301 with one product; returns its Identificatie (for a retour)."""
        product: dict[str, Any] = {"toewijzing_nummer": nummer, "product": {"categorie": _category(code), "code": code},
                                   "toewijzingsdatum": toegewezen, "toewijzingstijd": tijd, "ingangsdatum": ingang}
        if eind:
            product["einddatum"] = eind
        if reden:
            product["reden_wijziging"] = reden
        if budget is not None:
            product["budget"] = budget
        else:
            product["omvang"] = {"volume": omvang[0], "eenheid": omvang[1], "frequentie": omvang[2]}
        return self._write({
            "standaard": standaard, "bericht": "301",
            "header": {"afzender": gemeente, "ontvanger": aanbieder, "bericht_identificatie": {"dagtekening": toegewezen}},
            "client": {**_client(client, True), "toegewezen_producten": [product]},
        })

    def retour(self, *, standaard: str = "ijw", gemeente: str, aanbieder: str, identificatie: str, dagtekening: str,
               code: str) -> None:
        """A 302 for a whole 301 with one header RetourCode (0200 accepts, others reject)."""
        self._write({
            "standaard": standaard, "bericht": "302",
            "header": {"afzender": gemeente, "ontvanger": aanbieder,
                       "bericht_identificatie": {"identificatie": identificatie, "dagtekening": dagtekening},
                       "identificatie_retour": f"R{self.n + 1:06d}", "dagtekening_retour": dagtekening,
                       "retour_codes": [code]},
        })

    def start(self, *, standaard: str = "ijw", gemeente: str, aanbieder: str, client: str, nummer: int, code: str,
              ingang: str, begin: str, status: str = "1", dag: str | None = None) -> None:
        self._write({
            "standaard": standaard, "bericht": "305",
            "header": {"afzender": aanbieder, "ontvanger": gemeente, "bericht_identificatie": {"dagtekening": dag or begin}},
            "client": {**_client(client, False), "start_producten": [{
                "toewijzing_nummer": nummer, "product": {"categorie": _category(code), "code": code},
                "toewijzing_ingangsdatum": ingang, "begindatum": begin, "status_aanlevering": status}]},
        })

    def stop(self, *, standaard: str = "ijw", gemeente: str, aanbieder: str, client: str, nummer: int, code: str,
             ingang: str, begin: str, eind: str, reden: str, dag: str | None = None) -> None:
        self._write({
            "standaard": standaard, "bericht": "307",
            "header": {"afzender": aanbieder, "ontvanger": gemeente, "bericht_identificatie": {"dagtekening": dag or eind}},
            "client": {**_client(client, False), "stop_producten": [{
                "toewijzing_nummer": nummer, "product": {"categorie": _category(code), "code": code},
                "toewijzing_ingangsdatum": ingang, "begindatum": begin, "reden_beeindiging": reden, "einddatum": eind,
                "status_aanlevering": "1"}]},
        })

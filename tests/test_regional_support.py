"""Shared helpers for the regional tests: real 301 files built with ``berichten.generate``, real CSVs.

Kept as a test module (it also tests its own output) so the other test_regional_* files can
import the builders.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from berichten.generate import generate
from berichten.validators.pipeline import Validator

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "regio"
BSN_A, BSN_B, BSN_C = "999900006", "999900018", "999900031"


def product(
    nummer: int, code: str | None, *, ingang: str, eind: str | None = None, toegewezen: str | None = None,
    omvang: tuple[int, str, str] | None = None, budget: int | None = None, categorie: str | None = None,
    reden: str | None = None,
) -> dict[str, Any]:
    p: dict[str, Any] = {
        "toewijzing_nummer": nummer,
        "product": {"categorie": categorie or (code[:2] if code else "45")} | ({"code": code} if code else {}),
        "toewijzingsdatum": toegewezen or ingang,
        "toewijzingstijd": "09:30:00",
        "ingangsdatum": ingang,
    }
    if eind:
        p["einddatum"] = eind
    if omvang:
        p["omvang"] = {"volume": omvang[0], "eenheid": omvang[1], "frequentie": omvang[2]}
    if budget is not None:
        p["budget"] = budget
    if reden:
        p["reden_wijziging"] = reden
    return p


def bericht_301(
    *, standaard: str = "ijw", afzender: str, ontvanger: str, bsn: str, producten: list[dict[str, Any]],
    dagtekening: str, identificatie: str = "TW-1",
) -> bytes:
    data = {
        "standaard": standaard, "bericht": "301",
        "header": {"afzender": afzender, "ontvanger": ontvanger,
                   "bericht_identificatie": {"identificatie": identificatie, "dagtekening": dagtekening}},
        "client": {
            "bsn": bsn, "geboortedatum": {"datum": "2012-05-20" if standaard == "ijw" else "1970-01-01"},
            "geslacht": "2",
            "naam": {"geslachtsnaam": {"achternaam": "Voorbeeld"}, "voorletters": "A", "naam_gebruik": "1"},
            "contactgegevens": [{"soort": "01", "adres": {
                "huis": {"huisnummer": 1}, "postcode": "3011AA", "straatnaam": "Proefstraat",
                "plaatsnaam": "Rotterdam" if afzender != "0268" else "Nijmegen", "land_code": "NL"}}],
            "toegewezen_producten": producten,
        },
    }
    return generate(data)


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def csv_text(rows: list[dict[str, str]], delimiter: str = ";") -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def aanmelding(**overrides: str) -> dict[str, str]:
    """The domain guide's GRJR worked example: 87654321 supplied, akkoord 2026-03-10, 11112222 declined."""
    row = {
        "casus": "GRJR-2026-014", "bsn": BSN_A, "opdracht": "BC", "tafel": "B/C-tafel",
        "aangeleverd_door": "87654321", "akkoord_contractmanager": "2026-03-10", "flex_aanbieder": "12345678",
        "afgewezen_door": "11112222", "toewijzingnummer": "",
    }
    return row | overrides


def test_built_messages_pass_levels_1_and_2():
    v = Validator()
    for standaard, code in (("ijw", "45A04"), ("iwmo", "02A03")):
        data = bericht_301(
            standaard=standaard, afzender="0268", ontvanger="87654321", bsn=BSN_A, dagtekening="2026-03-12",
            producten=[product(1, code, ingang="2026-03-16", eind="2026-12-31", toegewezen="2026-03-12",
                               omvang=(3, "04", "2"))],
        )
        result = v.validate_bytes(data)
        assert result.xsd_valid and result.ok, result.findings


def test_csv_text_quotes_the_list_cell_when_the_separator_is_a_semicolon():
    text = csv_text([aanmelding(afgewezen_door="11112222;33334444")])
    assert '"11112222;33334444"' in text

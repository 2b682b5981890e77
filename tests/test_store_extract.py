"""The mapper from a validated message to business rows: every field lands in its column."""

from __future__ import annotations

from datetime import date, time

import pytest

from berichten.xmlinput import read_document
from berichten.store.config import Pseudonymiser
from berichten.store.extract import (
    ANTWOORD, DECLARATIE, DECLARATIE_ANTWOORD, PRESTATIE, RETOUR, START, STOP, TOEWIJZING, VERZOEK, WIJZIGINGSVERZOEK,
    extract_records,
)
from berichten.store.testing import FIXTURES, build

PSEUDONYM = Pseudonymiser("k")


def records(data: bytes):
    doc = read_document(data)
    return extract_records(doc.root, doc.message, PSEUDONYM)


@pytest.mark.parametrize("standaard,categorie,code", [("ijw", "45", "45A04"), ("iwmo", "02", "02A03")])
def test_toewijzing_fields(standaard, categorie, code):
    data = build(standaard, "301", [{}, {"ToewijzingNummer": "7002", "RedenWijziging": "14", "Omvang/Volume": "9"}])
    (t1, r1), (t2, r2) = records(data)
    assert t1 is TOEWIJZING and t2 is TOEWIJZING
    assert r1 == {
        "standaard": standaard, "afzender": "0599", "ontvanger": "87650001", "dagtekening": date(2026, 3, 2),
        "client": PSEUDONYM("123456782"), "toewijzing_nummer": 7001, "referentie_aanbieder": None,
        "categorie": categorie, "code": code, "toewijzingsdatum": date(2026, 3, 1), "toewijzingstijd": time(9, 0),
        "ingangsdatum": date(2026, 3, 1), "einddatum": date(2026, 12, 31), "reden_wijziging": None,
        "volume": 3, "eenheid": "04", "frequentie": "2", "budget": None,
    }
    assert (r2["toewijzing_nummer"], r2["reden_wijziging"], r2["volume"]) == (7002, "14", 9)


def test_start_stop_and_verzoek_fields():
    ((t, start),) = records((FIXTURES / "ijw" / "305.xml").read_bytes())
    assert t is START and start["begindatum"] == date(2026, 3, 5) and start["status_aanlevering"] == "1"
    assert (start["afzender"], start["ontvanger"], start["toewijzing_ingangsdatum"]) == ("87650001", "0599", date(2026, 3, 1))
    ((t, stop),) = records((FIXTURES / "iwmo" / "307.xml").read_bytes())
    assert t is STOP and (stop["reden_beeindiging"], stop["einddatum"], stop["code"]) == ("36", date(2026, 6, 5), "02A03")
    ((t, verzoek),) = records((FIXTURES / "ijw" / "315.xml").read_bytes())
    assert t is VERZOEK
    assert (verzoek["referentie_aanbieder"], verzoek["verwijzer_type"], verzoek["toewijzing_einddatum"]) == (
        "REF-0001", "01", date(2026, 12, 31))


@pytest.mark.parametrize("standaard", ["ijw", "iwmo"])
def test_request_for_change_and_answer(standaard):
    ((t, vow),) = records((FIXTURES / standaard / "317.xml").read_bytes())
    assert t is WIJZIGINGSVERZOEK
    assert vow == {"standaard": standaard, "afzender": "87650001", "ontvanger": "0599", "dagtekening": date(2026, 3, 10),
                   "client": PSEUDONYM("123456782"), "referentie_aanbieder": "VOW-0001", "reden_verzoek": "1"}
    ((t, antwoord),) = records((FIXTURES / standaard / "319.xml").read_bytes())
    assert t is ANTWOORD  # no client in a 319: the reference names the request
    assert antwoord == {"standaard": standaard, "afzender": "0599", "ontvanger": "87650001", "dagtekening": date(2026, 2, 24),
                        "referentie_aanbieder": "REF-0001", "verzoek_antwoord": "1", "reden_afwijzing": "1"}


@pytest.mark.parametrize("standaard", ["ijw", "iwmo"])
def test_declaration_and_its_prestaties(standaard):
    (t1, decl), (t2, prestatie) = records((FIXTURES / standaard / "323.xml").read_bytes())
    assert (t1, t2) == (DECLARATIE, PRESTATIE)
    assert decl == {"standaard": standaard, "afzender": "87650001", "ontvanger": "0599", "dagtekening": date(2026, 4, 2),
                    "identificatie": "T323-0001", "declaratie_nummer": "DN0001", "periode_begin": date(2026, 3, 1),
                    "periode_eind": date(2026, 3, 31), "totaal_bedrag": 15000, "debet_credit": "D"}
    assert prestatie["client"] == PSEUDONYM("123456782") and prestatie["identificatie"] == "T323-0001"
    assert (prestatie["referentie_nummer"], prestatie["vorig_referentie_nummer"], prestatie["toewijzing_nummer"]) == (
        "RN0001", None, 7001)
    assert (prestatie["begindatum"], prestatie["einddatum"], prestatie["debet_credit"]) == (
        date(2026, 3, 1), date(2026, 3, 31), "D")
    assert (prestatie["volume"], prestatie["eenheid"], prestatie["tarief"], prestatie["bedrag"]) == (12, "04", 1250, 15000)


@pytest.mark.parametrize("standaard", ["ijw", "iwmo"])
def test_declaration_answer_verdict(standaard):
    ((t, antwoord),) = records((FIXTURES / standaard / "325.xml").read_bytes())
    assert t is DECLARATIE_ANTWOORD
    assert (antwoord["klasse"], antwoord["declaratie_identificatie"], antwoord["declaratie_nummer"]) == (
        "DeclaratieAntwoord", "T323-0001", "DN0001")
    assert (antwoord["retourcodes"], antwoord["goedgekeurd"], antwoord["toegekend_bedrag"]) == ("8001", True, 15000)


def test_retour_codes_per_class(reference):
    data = (reference.REFERENCE_DIR / "ijw-3.2" / "samples" / "JW302.xml").read_bytes()
    ((t, retour),) = records(data)
    assert t is RETOUR
    assert (retour["klasse"], retour["locatie"], retour["retourcodes"], retour["heen_berichtcode"]) == (
        "Header", "/Bericht/Header", "8848", "436")


def test_header_of_an_invalid_message():
    doc = read_document(b"<x:Bericht xmlns:x='urn:x'><x:Header><x:Afzender> 0599 </x:Afzender></x:Header></x:Bericht>")
    head = doc.header
    assert head.afzender == "0599" and head.identificatie is None and head.dagtekening is None

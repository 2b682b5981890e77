"""``berichten.header`` (the Header fields and the client's Bsn, read once per message) and the
one-pass text reader under it, ``berichten.texts``."""

from __future__ import annotations

from datetime import date

import pytest

from berichten.header import Header, read_header
from berichten.texts import child_texts
from berichten.xmlinput import read_document
from berichten.store.testing import build


@pytest.mark.parametrize("standaard", ["ijw", "iwmo"])
def test_a_valid_301(standaard):
    head = read_document(build(standaard, "301", [{}], identificatie="ID-7", bsn="999993653")).header
    assert head == Header(
        berichtcode="436" if standaard == "ijw" else "414", afzender="0599", ontvanger="87650001",
        identificatie="ID-7", dagtekening_tekst="2026-03-02", bsn="999993653",
    )
    assert head.dagtekening == date(2026, 3, 2)


@pytest.mark.parametrize(
    "xml,expected",
    [
        # other prefixes, whitespace, a comment between the fields: read by local name, stripped
        (b"<a:Bericht xmlns:a='urn:a' xmlns:z='urn:z'><a:Header><!-- x --><a:Afzender> 0599 </a:Afzender>"
         b"<a:BerichtIdentificatie><z:Identificatie>X</z:Identificatie><z:Dagtekening>2026-13-01</z:Dagtekening>"
         b"</a:BerichtIdentificatie></a:Header><a:Client><a:Bsn>1</a:Bsn></a:Client></a:Bericht>",
         Header(afzender="0599", identificatie="X", dagtekening_tekst="2026-13-01", bsn="1")),
        # no header at all, an empty element
        (b"<Bericht><Client><Bsn/></Client></Bericht>", Header()),
        # the first of a repeated element counts (the XSD rejects the message anyway)
        (b"<Bericht><Header><Afzender>1</Afzender><Afzender>2</Afzender></Header></Bericht>", Header(afzender="1")),
    ],
    ids=["prefixes-and-comments", "empty", "repeated"],
)
def test_invalid_trees_best_effort(xml, expected):
    head = read_document(xml).header
    assert head == expected
    assert head.dagtekening is None  # not a date: no exception, no value


def test_no_tree():
    assert read_header(None) == Header()
    assert read_document(b"<niet-welgevormd").header == Header()


def test_child_texts_reads_a_class_in_one_pass():
    el = read_document(
        b"<p:X xmlns:p='urn:p' xmlns:q='urn:q'><p:ToewijzingNummer> 7001 </p:ToewijzingNummer><!-- c -->"
        b"<p:Product><q:Categorie>45</q:Categorie><q:Code>45A04</q:Code></p:Product><p:Einddatum/>"
        b"<p:Budget>1</p:Budget><p:Budget>2</p:Budget><?pi x?></p:X>"
    ).root
    assert child_texts(el) == {
        "ToewijzingNummer": "7001",  # stripped
        "Product/Categorie": "45",  # a child with children gives its children, by path
        "Product/Code": "45A04",
        "Einddatum": None,  # empty
        "Budget": "1",  # the first of a repeated name, as findtext
    }


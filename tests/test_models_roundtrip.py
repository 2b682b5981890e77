"""Models, parse and to_xml against the published material: samples, XSDs and code lists."""

from __future__ import annotations

import csv
import datetime as dt
from functools import lru_cache
from pathlib import Path

import pytest
from lxml import etree

from berichten import Bericht, Finding, GenerateError, ParseError, parse, to_xml
from berichten.models import (
    MESSAGE_CLASSES, Jw301, Jw315, Jw317, Jw323, Jw325, Wmo315, Wmo323, codes, message_class, xml_fields,
)
from berichten.models.base import XmlModel
from berichten.models.types import LANDCODES, RETOURCODES
from berichten.release import get_release
from berichten.xmlinput import read_document
from berichten.validators.xsd import DEFAULT_XSD_DIR, SchemaSet

NUMMERS = ("301", "302", "305", "306", "307", "308", "315", "316", "317", "318", "319", "320", "323", "325")
# Every published sample, 301-325 of both standards. JW315 and JW318 are not here: the published
# ones are XSD-invalid (samples/invalid); the generated fixtures cover them (tests/test_generate.py).
SAMPLES = [
    (std, f"{pre}{n}")
    for std, pre in (("ijw", "JW"), ("iwmo", "WMO"))
    for n in NUMMERS
    if (std, n) not in (("ijw", "315"), ("ijw", "318"))
]
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

CRLF_LINE = b"\r\n"


def _sample(reference, std: str, name: str) -> bytes:
    return (reference.REFERENCE_DIR / f"{std}-3.2" / "samples" / f"{name}.xml").read_bytes()


def our_schema_verdict(data: bytes, bericht: Bericht) -> bool | None:
    """Verdict of our own xsd/ when it has the schema; None when it does not (yet)."""
    mt = bericht.message_type()
    if not (DEFAULT_XSD_DIR / f"{mt.standaard}-{mt.release}" / mt.schema_file).is_file():
        return None
    return SchemaSet().validate(etree.fromstring(data), mt) == []


def assert_written_like_the_standard(data: bytes, bericht: Bericht) -> None:
    mt = bericht.message_type()
    rel = get_release(mt.standaard, mt.release)
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\r\n')
    assert data.count(b"\n") == data.count(CRLF_LINE)
    root = etree.fromstring(data)
    assert root.prefix == mt.prefix  # jw301 / wmo305 ...
    assert root.nsmap == {mt.prefix: mt.namespace, rel.basis_prefix: rel.basis_namespace}
    lines = data.split(CRLF_LINE)
    assert lines[2].startswith(b"\t<" + mt.prefix.encode() + b":Header>")
    # one element per line: no line opens two elements
    assert all(line.count(b"<") <= 2 for line in lines)


@pytest.mark.parametrize(("std", "name"), SAMPLES, ids=[n for _, n in SAMPLES])
def test_published_sample_round_trips(reference, std, name):
    data = _sample(reference, std, name)
    bericht = parse(data)
    assert type(bericht) is message_class(std, name.lstrip("JWMO"))
    written = to_xml(bericht)
    assert parse(written) == bericht
    assert_written_like_the_standard(written, bericht)
    assert reference.published_xsd_verdict(written, std, f"{name}.xsd")
    assert our_schema_verdict(written, bericht) is True


@pytest.mark.parametrize(("std", "name"), SAMPLES, ids=[n for _, n in SAMPLES])
def test_written_sample_equals_published_text(reference, std, name):
    """Apart from line endings, trailing blank lines and the order of xmlns declarations, we
    write the samples exactly as published (same prefixes, tabs, element per line)."""
    def normal(data: bytes) -> list[bytes]:
        lines = [line.rstrip(b"\r").rstrip() for line in data.split(b"\n")]
        return [line for line in lines[2:] if line]  # skip declaration and root start tag

    published = _sample(reference, std, name)
    assert normal(to_xml(parse(published))) == normal(published)


def test_jw301_values(reference):
    b = parse(_sample(reference, "ijw", "JW301"))
    assert isinstance(b, Jw301)
    assert b.header.afzender == "0384" and b.header.ontvanger == "42420001"
    assert b.header.bericht_identificatie.dagtekening == dt.date(2026, 4, 1)
    first, second = b.client.toegewezen_producten
    assert first.toewijzing_nummer == 300201 and second.toewijzing_nummer == 300202
    assert first.toewijzingstijd == dt.time(12, 34, 56)
    assert (first.ingangsdatum, first.einddatum) == (dt.date(2026, 4, 1), dt.date(2026, 7, 14))
    assert first.product is not None and first.product.categorie is codes.ProductCategorieIjw.LANDELIJK
    assert first.omvang is not None
    assert (first.omvang.volume, first.omvang.eenheid, first.omvang.frequentie) == (
        2, codes.Eenheid.UUR, codes.Frequentie.PER_WEEK)
    assert second.omvang is not None and second.omvang.eenheid is codes.Eenheid.DAGDEEL
    assert b.client.geslacht is codes.Geslacht.MAN
    assert b.client.relaties is not None and [r.nummer for r in b.client.relaties] == ["1", "2"]
    assert b.client.relaties[0].naam.partnernaam is not None
    assert b.client.contactgegevens[1].periode is not None
    assert b.client.contactgegevens[1].periode.begindatum == dt.date(2018, 2, 3)
    assert b.client.naam.geslachtsnaam.voorvoegsel == "de"


def test_retour_and_315_values(reference):
    jw302 = parse(_sample(reference, "ijw", "JW302"))
    assert jw302.header.retour_codes == ["8848"] and jw302.client is None
    assert jw302.header.dagtekening_retour == dt.date(2023, 7, 16)
    wmo315 = parse(_sample(reference, "iwmo", "WMO315"))
    assert isinstance(wmo315, Wmo315)
    producten = wmo315.client.aangevraagde_producten
    assert [p.referentie_aanbieder for p in producten] == ["42420001", "42420002"]
    assert producten[0].verwijzer.type is codes.TypeVerwijzer.GECERTIFICEERDE_INSTELLING
    assert producten[0].product is not None and producten[0].product.categorie is codes.ProductCategorieIwmo.HUISHOUDEN
    jw316 = parse(_sample(reference, "ijw", "JW316"))
    assert jw316.client is not None and jw316.client.retour_codes
    assert all(p.retour_codes for p in jw316.client.aangevraagde_producten)


def test_317_319_values(reference):
    jw317 = parse(_sample(reference, "ijw", "JW317"))
    assert isinstance(jw317, Jw317)
    verzoek = jw317.client.verzoek
    assert verzoek.reden_verzoek is codes.RedenVerzoek.SITUATIE_CLIENT and verzoek.te_wijzigen_producten is None
    assert verzoek.ongewijzigde_producten is not None and [p.toewijzing_nummer for p in verzoek.ongewijzigde_producten] == [10071]
    assert verzoek.nieuwe_producten is not None
    nieuw = verzoek.nieuwe_producten[0]
    assert nieuw.product is not None and nieuw.product.categorie is codes.ProductCategorieIjw.AMBULANT
    assert nieuw.gewenste_ingangsdatum == dt.date(2026, 11, 1)
    jw320 = parse(_sample(reference, "ijw", "JW320"))
    assert jw320.antwoord is not None and jw320.antwoord.retour_codes == ["9360"]
    assert jw320.antwoord.verzoek_antwoord is codes.VerzoekAntwoord.IN_ONDERZOEK


def test_323_325_amounts_are_eurocent_integers_with_debet_credit(reference):
    jw323 = parse(_sample(reference, "ijw", "JW323"))
    assert isinstance(jw323, Jw323)
    d = jw323.declaratie
    assert d.declaratie_nummer == "DN001" and d.declaratie_periode.einddatum == dt.date(2026, 4, 30)
    assert (d.totaal_ingediend_bedrag.totaal_bedrag, d.totaal_ingediend_bedrag.debet_credit) == (79000, codes.DebetCredit.DEBET)
    prestaties = [p for c in d.clienten for p in c.prestaties]
    assert sum(p.ingediend_bedrag.bedrag for p in prestaties) == 79000
    first = prestaties[0]
    assert (first.toewijzing_nummer, first.product_categorie, first.geleverd_volume, first.eenheid, first.product_tarief) == (
        10072, codes.ProductCategorieIjw.AMBULANT, 4, codes.Eenheid.UUR, 1250)
    jw325 = parse(_sample(reference, "ijw", "JW325"))
    assert isinstance(jw325, Jw325)
    assert jw325.header.retour_codes == ["0200"] and jw325.header.declaratie_identificatie.identificatie == "765432198"
    antwoord = jw325.declaratie_antwoord
    assert antwoord is not None and antwoord.totaal_toegekend_bedrag.debet_credit is codes.DebetCredit.CREDIT
    assert antwoord.clienten is not None
    assert all(p.retour_codes for c in antwoord.clienten for p in c.prestaties)
    assert antwoord.clienten[0].prestaties[0].product_referentie.vorig_referentie_nummer == "RT001"
    wmo323 = parse(_sample(reference, "iwmo", "WMO323"))
    assert isinstance(wmo323, Wmo323)
    assert all(isinstance(p.product_categorie, codes.ProductCategorieIwmo) for c in wmo323.declaratie.clienten for p in c.prestaties)


def test_published_invalid_jw318_fails_on_the_misplaced_retourcode(reference):
    data = (reference.REFERENCE_DIR / "ijw-3.2" / "samples" / "invalid" / "JW318.xml").read_bytes()
    with pytest.raises(ParseError) as info:
        parse(data)
    assert [(f.code, f.locatie) for f in info.value.findings] == [("PRS001", "/Bericht/Client/Verzoek/RetourCode")]


def _schema_valid_fixtures() -> list[Path]:
    """Our own XML fixtures that our XSDs accept: every one of them must become a model."""
    found = []
    for path in sorted(FIXTURES.rglob("*.xml")):
        doc = read_document(path.read_bytes())
        if doc.root is None or doc.message is None or doc.has_entities or any(f.is_error for f in doc.findings):
            continue
        if SchemaSet().validate(doc.root, doc.message) == []:
            found.append(path)
    return found


def test_every_schema_valid_fixture_round_trips():
    paths = _schema_valid_fixtures()
    nummers = set()
    for path in paths:
        bericht = parse(path.read_bytes())
        written = to_xml(bericht)
        assert parse(written) == bericht, path
        assert SchemaSet().validate(etree.fromstring(written), bericht.message_type()) == [], path
        nummers.add(bericht.nummer)
    assert {"301", "317", "319", "323", "325"} <= nummers  # the fixtures cover the new messages too


def test_leading_zeros_keep_the_number_not_the_bytes(reference):
    data = _sample(reference, "ijw", "JW301").replace(b">300201<", b">0300201<")
    b = parse(data)
    assert b.client.toegewezen_producten[0].toewijzing_nummer == 300201
    assert b"<jw301:ToewijzingNummer>300201<" in to_xml(b)
    assert b == parse(_sample(reference, "ijw", "JW301"))


def test_whitespace_is_collapsed_only_where_the_xsd_collapses(reference):
    data = _sample(reference, "ijw", "JW301")
    padded = data.replace(b">2026-07-14<", b">\r\n 2026-07-14 <").replace(b">Wit<", b"> Wit<")
    b = parse(padded)
    assert b.client.toegewezen_producten[0].einddatum == dt.date(2026, 7, 14)
    assert b.client.naam.geslachtsnaam.achternaam == " Wit"
    commented = data.replace(b">300201<", b">300<!-- splitst de tekst -->201<")
    assert parse(commented).client.toegewezen_producten[0].toewijzing_nummer == 300201


# --- parse errors ----------------------------------------------------------------------------

JW301_EDITS = [
    # (id, old, new, finding code, locatie)
    ("verplicht-element-ontbreekt",
     b"<jw301:Toewijzingsdatum>2026-04-01</jw301:Toewijzingsdatum>\r\n\t\t\t\t<jw301:Toewijzingstijd>12:34:56</jw301:Toewijzingstijd>\r\n\t\t\t\t<jw301:Ingangsdatum>2026-04-01</jw301:Ingangsdatum>\r\n\t\t\t\t<jw301:Einddatum>2026-07-19",
     b"<jw301:Toewijzingsdatum>2026-04-01</jw301:Toewijzingsdatum>\r\n\t\t\t\t<jw301:Toewijzingstijd>12:34:56</jw301:Toewijzingstijd>\r\n\t\t\t\t<jw301:Einddatum>2026-07-19",
     "PRS001", "/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]/Ingangsdatum"),
    ("geen-datum", b">2026-07-14<", b">2026-02-30<", "PRS001",
     "/Bericht/Client/ToegewezenProducten/ToegewezenProduct[1]/Einddatum"),
    ("onbekende-code", b"<jw301:Geslacht>1</jw301:Geslacht>\r\n\t\t<jw301:Naam>",
     b"<jw301:Geslacht>7</jw301:Geslacht>\r\n\t\t<jw301:Naam>", "PRS001", "/Bericht/Client/Geslacht"),
    ("onverwacht-element", b"<jw301:Bsn>", b"<jw301:Extra>x</jw301:Extra><jw301:Bsn>", "PRS001", "/Bericht/Client/Extra"),
    ("berichtcode-past-niet", b">436<", b">437<", "PRS002", "/Bericht/Header/BerichtCode"),
    ("geen-xml", b"</jw301:Bericht>", b"", "XML001", None),
    ("basisschema-namespace-fout", b"<ijw:Datum>2010-02-14</ijw:Datum>", b"<jw301:Datum>2010-02-14</jw301:Datum>",
     "PRS001", "/Bericht/Client/Geboortedatum/Datum"),
]


@pytest.mark.parametrize(("old", "new", "code", "locatie"), [c[1:] for c in JW301_EDITS], ids=[c[0] for c in JW301_EDITS])
def test_parse_errors_are_findings_not_tracebacks(reference, old, new, code, locatie):
    data = _sample(reference, "ijw", "JW301")
    assert old in data
    with pytest.raises(ParseError) as info:
        parse(data.replace(old, new, 1))
    err = info.value
    assert isinstance(err, ValueError) and err.findings
    assert all(isinstance(f, Finding) and f.niveau == 1 and f.severity == "error" for f in err.findings)
    assert (err.findings[0].code, err.findings[0].locatie) == (code, locatie) or any(
        (f.code, f.locatie) == (code, locatie) for f in err.findings
    )


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "XML007"),
        (b'<Bericht xmlns="urn:iets-anders"/>', "MSG001"),
        (b'<?xml version="1.0"?><!DOCTYPE Bericht []><Bericht xmlns="http://www.istandaarden.nl/ijw/3_2/jw301/schema"/>', "XML002"),
        (b'<Bericht xmlns="http://www.istandaarden.nl/ijw/3_2/jw317/schema"/>', "PRS001"),  # known, but empty
        (b'<Bericht xmlns="http://www.istandaarden.nl/ijw/3_2/jw399/schema"/>', "MSG002"),
        (b'<Toewijzing xmlns="http://www.istandaarden.nl/ijw/3_2/jw301/schema"/>', "PRS001"),
    ],
    ids=["leeg", "andere-namespace", "doctype", "leeg-bericht", "onbekend-bericht", "ander-rootelement"],
)
def test_unusable_documents_raise_parse_error(data, code):
    with pytest.raises(ParseError) as info:
        parse(data)
    assert code in {f.code for f in info.value.findings}


def test_parse_errors_never_show_a_full_bsn(reference):
    data = _sample(reference, "ijw", "JW301").replace(b"999900006", b"99990000X")
    with pytest.raises(ParseError) as info:
        parse(data)
    text = str(info.value) + " ".join(f.melding for f in info.value.findings)
    assert "99990000X" not in text and "0X" in text


def test_published_invalid_jw315_names_both_bad_dates(reference):
    data = (reference.REFERENCE_DIR / "ijw-3.2" / "samples" / "invalid" / "JW315.xml").read_bytes()
    with pytest.raises(ParseError) as info:
        parse(data)
    assert [f.locatie for f in info.value.findings] == [
        f"/Bericht/Client/AangevraagdeProducten/AangevraagdProduct[{i}]/ToewijzingEinddatum" for i in (1, 2)
    ]


# --- models against the published XSDs and code lists ------------------------------------------


@lru_cache(maxsize=None)
def _xsd(reference_dir: Path, std: str, schema_file: str):
    import xmlschema

    return xmlschema.XMLSchema(str(reference_dir / f"{std}-3.2" / "xsd" / schema_file))


def _model_tree(cls: type[XmlModel], ns: tuple[str, str]) -> list[tuple]:
    """(namespace, name, min, max, children) per field, wrapped lists expanded like the XSD."""
    own = ns[1] if cls.children_in_basis else ns[0]
    out = []
    for f in xml_fields(cls):
        lo = 1 if f.required else 0
        sub = _model_tree(f.model, ns) if f.model else []
        if f.item:
            out.append((own, f.tag, lo, 1, [(own, f.item, 1, None, sub)]))
        else:
            out.append((own, f.tag, lo, None if f.many else 1, sub))
    return out


def _xsd_tree(element) -> list[tuple]:
    out = []
    content = element.type.content if element.type.is_complex() else None
    for child in content.iter_elements() if content is not None and hasattr(content, "iter_elements") else []:
        ns = child.name.split("}")[0][1:]
        out.append((ns, child.local_name, child.min_occurs, child.max_occurs, _xsd_tree(child)))
    return out


@pytest.mark.parametrize("key", sorted(MESSAGE_CLASSES), ids=lambda k: f"{k[0]}{k[2]}")
def test_model_structure_equals_published_xsd(reference, key):
    """Names, namespaces, order and cardinality of every element, from the XSD as oracle."""
    cls = MESSAGE_CLASSES[key]
    mt = cls.message_type()
    rel = get_release(mt.standaard, mt.release)
    schema = _xsd(reference.REFERENCE_DIR, mt.standaard, mt.schema_file)
    expected = _xsd_tree(schema.elements["Bericht"])
    body = {"319": "Antwoord", "320": "Antwoord", "323": "Declaratie", "325": "DeclaratieAntwoord"}
    assert [e[1] for e in expected] == ["Header", body.get(mt.nummer, "Client")]
    assert _model_tree(cls, (mt.namespace, rel.basis_namespace)) == expected


def _field_names(cls: type[XmlModel]) -> set[str]:
    """Every field name in the tree of a model."""
    names: set[str] = set()
    for f in xml_fields(cls):
        names.add(f.name)
        if f.model is not None:
            names |= _field_names(f.model)
    return names


@pytest.mark.parametrize(("veld", "nummers"), [("gezagsdrager_bekend", ("315", "316")), ("woonplaatsbeginsel", ("319", "320"))])
def test_ijw_only_elements_only_in_their_ijw_messages(veld, nummers):
    assert "gezagsdrager_bekend" in Jw315.model_fields["client"].annotation.model_fields  # type: ignore[union-attr]
    for key, cls in MESSAGE_CLASSES.items():
        assert (veld in _field_names(cls)) == (key[0] == "ijw" and key[2] in nummers), key


CODE_LISTS = [
    (codes.Geslacht, "COD046_geslacht.csv"),
    (codes.DatumGebruik, "COD170_datumgebruik.csv"),
    (codes.NaamGebruik, "COD700_naamgebruik.csv"),
    (codes.Communicatievorm, "COD747_communicatievorm.csv"),
    (codes.AdresSoort, "COD757_soort_adres.csv"),
    (codes.AanduidingWoonadres, "NUM061_aanduiding_woonadres.csv"),
    (codes.SoortRelatie, "COD472_soort_relatie.csv"),
    (codes.JuridischeStatus, "WJ232_juridische_status.csv"),
    (codes.WettelijkeVertegenwoordiging, "WJ003_wettelijke_vertegenwoordiging.csv"),
    (codes.Eenheid, "WJ756_eenheid.csv"),
    (codes.Frequentie, "WMO757_frequentie.csv"),
    (codes.StatusAanlevering, "COD467_status_aanlevering.csv"),
    (codes.TypeVerwijzer, "COD327_code_verwijzer.csv"),
    (codes.ProductCategorieIjw, "JZ020_productcategorie_ijw.csv"),
    (codes.ProductCategorieIwmo, "WMO020_productcategorie_iwmo.csv"),
    (codes.RedenWijzigingIjw, "JZ002_reden_wijziging_toewijzing_ijw.csv"),
    (codes.RedenWijzigingIwmo, "WMO002_reden_wijziging_toewijzing_iwmo.csv"),
    (codes.RedenBeeindigingIjw, "JZ588_reden_beeindiging_ijw.csv"),
    (codes.RedenBeeindigingIwmo, "WMO588_reden_beeindiging_iwmo.csv"),
    (codes.RedenVerzoek, "WJ758_reden_verzoek.csv"),
    (codes.RedenAfwijzingVerzoek, "WJ759_reden_afwijzing_verzoek.csv"),
    (codes.VerzoekAntwoord, "WJ760_verzoek_antwoord.csv"),
]


def _csv_codes(reference, name: str) -> list[str]:
    with open(reference.REFERENCE_DIR / "codelists" / name, encoding="utf-8", newline="") as fh:
        return [row["code"] for row in csv.DictReader(fh)]


@pytest.mark.parametrize(("enum", "csv_name"), CODE_LISTS, ids=[c[0].__name__ for c in CODE_LISTS])
def test_code_list_enum_equals_published_list(reference, enum, csv_name):
    assert [m.value for m in enum] == _csv_codes(reference, csv_name)
    assert all(m.label and m.label == m.label.strip() for m in enum)


def test_retourcodes_and_landcodes_equal_published_lists(reference):
    assert RETOURCODES == set(_csv_codes(reference, "WJ001_retourcode.csv"))
    basis = etree.parse(str(reference.REFERENCE_DIR / "ijw-3.2" / "xsd" / "basisschema.xsd"))
    xs = {"xs": "http://www.w3.org/2001/XMLSchema"}
    land = basis.xpath("//xs:simpleType[@name='LDT_LandCode']//xs:enumeration/@value", namespaces=xs)
    assert LANDCODES == set(land)
    dc = basis.xpath("//xs:simpleType[@name='LDT_DebetCredit']//xs:enumeration/@value", namespaces=xs)
    assert {m.value for m in codes.DebetCredit} == set(dc)


def test_exceptions_share_one_root():
    assert issubclass(ParseError, ValueError) and issubclass(GenerateError, ValueError)
    from berichten import BerichtenError

    assert issubclass(ParseError, BerichtenError) and issubclass(GenerateError, BerichtenError)


def test_from_xml_checks_the_message_type_and_repr_hides_the_bsn(reference):
    data = _sample(reference, "iwmo", "WMO305")
    bericht = message_class("iwmo", "305").from_xml(data)
    assert bericht.to_xml() == to_xml(bericht)
    with pytest.raises(ParseError, match="Verwacht ijw-3.2/305"):
        message_class("ijw", "305").from_xml(data)
    assert "999900006" in data.decode() and "999900006" not in repr(bericht)

"""Retour messages 302/306/308/316/318/320: content per outcome, bytes on the wire, and XSD validity.

Every retour built here is checked against our own retour XSD; the ``published`` tests check the
same retours against the published XSDs (skipped when the reference folder is absent).
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from berichten.findings import Finding
from berichten.release import RETOUR_VAN, get_release
from berichten.xpath import element_path
from berichten.retour import RETOUR_KLASSEN, XSLT_VERSIE, build_retour, resolve_locatie
from tests.conftest import FIXTURES
from berichten.validators import SchemaSet, Validator
from berichten.validators.retour import kan_retour, retour_identificatie, retour_voor

PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
DAG = date(2026, 7, 8)
ID = "RET-0001"

HEEN = [(s, n) for s in ("ijw", "iwmo") for n in ("301", "305", "307", "315", "317")]
# The second class instance of each message, where the synthetic level-3 finding lands.
KLASSE_PAD = {
    "301": "/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]/Ingangsdatum",
    "305": "/Bericht/Client/StartProducten/StartProduct[2]/StatusAanlevering",
    "307": "/Bericht/Client/StopProducten/StopProduct[2]/Einddatum",
    "315": "/Bericht/Client/AangevraagdeProducten/AangevraagdProduct[2]",
    "317": "/Bericht/Client/Verzoek/NieuweProducten/NieuwProduct[2]/Einddatum",
}
RETOUR = {"301": "302", "305": "306", "307": "308", "315": "316", "317": "318"}
GOLDEN = FIXTURES / "retour"


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


@pytest.fixture(scope="module")
def ours() -> SchemaSet:
    return SchemaSet()


def heen_path(standaard: str, bericht: str) -> Path:
    return FIXTURES / "regels" / f"{'jw' if standaard == 'ijw' else 'wmo'}{bericht}-geldig.xml"


def synthetic(locatie: str, code: str = "9063", niveau: int = 3) -> Finding:
    return Finding(code=f"TR{code[1:]}", niveau=niveau, severity="error", melding="proef", retourcode=code, locatie=locatie)


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, PARSER)


def local(el: etree._Element) -> str:
    return etree.QName(el).localname


def header_codes(root: etree._Element) -> list[str]:
    header = root[0]
    return [c.text for box in header if local(box) == "RetourCodes" for c in box]


def assert_retour_valid(data: bytes, standaard: str, retour_nummer: str, schemas: SchemaSet) -> None:
    message = get_release(standaard).message(retour_nummer)
    findings = schemas.validate(parse(data), message)
    assert not findings, findings


def build(standaard: str, bericht: str, validator: Validator, data: bytes | None = None, extra=()) -> bytes | None:
    result = validator.validate_bytes(data if data is not None else heen_path(standaard, bericht).read_bytes())
    return retour_voor(result, extra_findings=list(extra), identificatie_retour=ID, dagtekening_retour=DAG)


def bad_bsn(data: bytes) -> bytes:
    """Change the last digit of the Bsn: the 11-proef (CS002, level 2) fails."""
    return re.sub(rb"(Bsn>\d{8})(\d)<", lambda m: m[1] + str((int(m[2]) + 1) % 10).encode() + b"<", data, count=1)


@pytest.mark.parametrize("standaard,bericht", HEEN)
def test_valid_heen_gives_header_only_without_codes(standaard, bericht, validator, ours):
    heen = heen_path(standaard, bericht).read_bytes()
    result = validator.validate_bytes(heen)
    assert result.ok, result.findings
    data = build(standaard, bericht, validator)
    root = parse(data)
    assert [local(c) for c in root] == ["Header"]
    names = [local(c) for c in root[0]]
    assert names[-5:] == ["BerichtIdentificatie", "XsdVersie", "IdentificatieRetour", "DagtekeningRetour", "XsdVersieRetour"]
    assert "RetourCodes" not in names and "XsltVersie" not in names
    retour = get_release(standaard).message(RETOUR[bericht])
    assert root[0][0].text == retour.berichtcode
    # Afzender, Ontvanger and BerichtIdentificatie stay those of the heen message.
    heen_root = parse(heen)
    for name in ("Afzender", "Ontvanger"):
        assert root[0].findtext(f"{{{retour.namespace}}}{name}") == heen_root[0].findtext(f"{{{result.message.namespace}}}{name}")
    assert root[0].find(f"{{{retour.namespace}}}BerichtIdentificatie")[0].text == heen_root[0][5][0].text
    assert_retour_valid(data, standaard, RETOUR[bericht], ours)


@pytest.mark.parametrize("standaard,bericht", HEEN)
def test_level2_error_gives_0001_and_xslt_versie(standaard, bericht, validator, ours):
    heen = bad_bsn(heen_path(standaard, bericht).read_bytes())
    result = validator.validate_bytes(heen)
    assert result.xsd_valid and [f.code for f in result.findings] == ["CS002"]
    data = build(standaard, bericht, validator, heen)
    root = parse(data)
    assert [local(c) for c in root] == ["Header"]
    assert header_codes(root) == ["0001"]
    names = [local(c) for c in root[0]]
    assert names.index("XsltVersie") == names.index("DagtekeningRetour") + 1
    assert root[0][names.index("XsltVersie")].text == XSLT_VERSIE
    assert_retour_valid(data, standaard, RETOUR[bericht], ours)


@pytest.mark.parametrize("standaard,bericht", HEEN)
def test_level3_finding_on_a_class_gives_the_whole_client_with_codes(standaard, bericht, validator, ours):
    data = build(standaard, bericht, validator, extra=[synthetic(KLASSE_PAD[bericht])])
    root = parse(data)
    assert [local(c) for c in root] == ["Header", "Client"]
    assert header_codes(root) == ["0200"]
    assert "XsltVersie" not in [local(c) for c in root[0]]
    klassen = RETOUR_KLASSEN[RETOUR[bericht]]
    codes = {}
    for el in root[1].iter(etree.Element):
        if local(el) in klassen:
            box = el[len(el) - 1]
            assert local(box) == "RetourCodes", f"{local(el)} without RetourCodes as last child"
            codes[el] = [c.text for c in box]
    rejected = [el for el, c in codes.items() if c != ["0200"]]
    assert len(rejected) == 1 and codes[rejected[0]] == ["9063"]
    klasse = next(step for step in KLASSE_PAD[bericht].split("/") if "[" in step)
    assert local(rejected[0]) == klasse.split("[")[0]
    assert rejected[0].getparent().index(rejected[0]) == 1  # the second product
    assert len(codes) > 2  # Client plus every product (plus contacts and relaties in a 302)
    assert_retour_valid(data, standaard, RETOUR[bericht], ours)


@pytest.mark.parametrize("standaard,bericht", HEEN)
def test_xsd_invalid_heen_gets_no_retour(standaard, bericht, validator):
    heen = re.sub(rb"(Bsn>)\d(\d{8}<)", rb"\1\2", heen_path(standaard, bericht).read_bytes(), count=1)  # 8 digits
    result = validator.validate_bytes(heen)
    assert result.xsd_valid is False and not kan_retour(result)
    assert build(standaard, bericht, validator, heen) is None


def test_a_bom_is_a_level1_error_and_gets_no_retour(validator):
    heen = b"\xef\xbb\xbf" + heen_path("ijw", "305").read_bytes()
    assert build("ijw", "305", validator, heen) is None


def test_header_finding_gives_header_only_with_its_code(validator, ours):
    dagtekening = synthetic("/Bericht/Header/BerichtIdentificatie/Dagtekening", "8848", niveau=4)
    data = build("iwmo", "315", validator, extra=[dagtekening])
    root = parse(data)
    assert [local(c) for c in root] == ["Header"] and header_codes(root) == ["8848"]
    assert_retour_valid(data, "iwmo", "316", ours)


def test_header_and_class_findings_together(validator, ours):
    extra = [synthetic("/Bericht/Header/BerichtIdentificatie/Identificatie", "9056"),
             synthetic("/Bericht/Client/StopProducten/StopProduct[1]", "9413"),
             synthetic("/Bericht/Client/StopProducten/StopProduct[1]/Einddatum", "9414"),
             synthetic("/Bericht/Client/Bsn", "9019")]
    root = parse(build("ijw", "307", validator, extra=extra))
    assert header_codes(root) == ["9056"]
    client = root[1]
    assert [c.text for c in client[len(client) - 1]] == ["9019"]
    stops = client.find("{*}StopProducten")
    assert [c.text for c in stops[0][len(stops[0]) - 1]] == ["9413", "9414"]
    assert [c.text for c in stops[1][len(stops[1]) - 1]] == ["0200"]


def test_level2_wins_over_level3(validator):
    heen = bad_bsn(heen_path("ijw", "305").read_bytes())
    root = parse(build("ijw", "305", validator, heen, extra=[synthetic(KLASSE_PAD["305"])]))
    assert [local(c) for c in root] == ["Header"] and header_codes(root) == ["0001"]


@pytest.mark.parametrize("finding", [
    Finding("NIJM-BT-003", "regionaal", "warning", "meer uren", None, "/Bericht/Client"),
    Finding("GRJR-FLEX-001", "regionaal", "error", "geen aanmelding", None, "/Bericht/Client"),
    Finding("TR063", 3, "warning", "alleen een waarschuwing", "9063", KLASSE_PAD["305"]),
])
def test_warnings_and_regional_findings_do_not_change_the_retour(finding, validator):
    root = parse(build("ijw", "305", validator, extra=[finding]))
    assert [local(c) for c in root] == ["Header"] and header_codes(root) == []


def test_unplaceable_location_rejects_the_whole_message(validator):
    root = parse(build("ijw", "305", validator, extra=[synthetic("/Bericht/Client/Bestaat/Niet", "9326")]))
    assert [local(c) for c in root] == ["Header"] and header_codes(root) == ["9326"]


def test_level3_finding_without_retourcode_is_refused(validator):
    f = Finding("TR999", 3, "error", "zonder code", None, KLASSE_PAD["305"])
    with pytest.raises(ValueError, match="retourcode"):
        build("ijw", "305", validator, extra=[f])


@pytest.mark.parametrize("identificatie", ["", "   ", "1234567890123"])
def test_identificatie_retour_is_checked(identificatie):
    root = parse(heen_path("ijw", "305").read_bytes())
    with pytest.raises(ValueError):
        build_retour(root, get_release("ijw").message("305"), [], identificatie_retour=identificatie, dagtekening_retour=DAG)


def test_retour_of_a_retour_is_refused(validator):
    result = validator.validate_bytes(build("ijw", "305", validator))
    assert result.message.nummer == "306" and not kan_retour(result)
    with pytest.raises(KeyError):
        retour_voor(result, dagtekening_retour=DAG)


def test_bytes_on_the_wire(validator):
    data = build("iwmo", "307", validator, extra=[synthetic(KLASSE_PAD["307"])])
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\r\n<wmo308:Bericht ')
    assert data.count(b"\n") == data.count(b"\r\n") and data.endswith(b"</wmo308:Bericht>\r\n")
    assert b'xmlns:wmo308="http://www.istandaarden.nl/iwmo/3_2/wmo308/schema"' in data
    assert b'xmlns:iwmo="http://www.istandaarden.nl/iwmo/3_2/basisschema/schema"' in data
    assert b"<iwmo:Datum>1958-01-01</iwmo:Datum>" in data  # basisschema children keep their namespace


@pytest.mark.parametrize("standaard,pre,extra", [
    ("ijw", "jw", []), ("iwmo", "wmo", []), ("ijw", "jw", [synthetic(KLASSE_PAD["317"])]),
])
def test_318_bytes_on_the_wire(validator, standaard, pre, extra):
    """A 318, approved or with a class finding: UTF-8 without BOM, CR/LF, the samples' prefixes."""
    data = build(standaard, "317", validator, extra=extra)
    assert data.startswith(f'<?xml version="1.0" encoding="UTF-8"?>\r\n<{pre}318:Bericht '.encode())
    assert data.count(b"\n") == data.count(b"\r\n") and data.endswith(f"</{pre}318:Bericht>\r\n".encode())


def test_heen_in_other_form_gives_the_same_retour(validator):
    """Other prefixes, a default namespace, comments and LF line endings do not leak into the retour."""
    heen = heen_path("ijw", "315").read_bytes()
    other = (heen.decode().replace("jw315:", "").replace("xmlns:jw315=", "xmlns=").replace("ijw:", "b:")
             .replace("xmlns:b=", "xmlns:b=").replace("xmlns:ijw=", "xmlns:b=").replace("\r\n", "\n")
             .replace("<AangevraagdeProducten>", "<AangevraagdeProducten><!-- opmerking -->"))
    extra = [synthetic(KLASSE_PAD["315"], "9347")]
    assert build("ijw", "315", validator, other.encode(), extra) == build("ijw", "315", validator, heen, extra)


def test_heen_tree_is_not_changed(validator):
    result = validator.validate_path(heen_path("iwmo", "301"))
    before = etree.tostring(result.document.root)
    retour_voor(result, extra_findings=[synthetic(KLASSE_PAD["301"])], dagtekening_retour=DAG)
    assert etree.tostring(result.document.root) == before


def test_default_identificatie_is_short_and_stable():
    heen = heen_path("ijw", "305").read_bytes()
    a, b = retour_identificatie(heen, DAG), retour_identificatie(heen, DAG)
    assert a == b and len(a) == 12 and a != retour_identificatie(heen, date(2026, 7, 9))


@pytest.mark.parametrize("locatie,found", [
    ("/Bericht/Client/StartProducten/StartProduct[2]/Begindatum", True),
    ("/Bericht/Client/StartProducten/StartProduct[3]", True),
    ("/Bericht/Client/Bsn", True),
    ("/Bericht/Header/BerichtIdentificatie/Dagtekening", True),
    ("/Bericht", True),
    ("/Bericht/Client/StartProducten/StartProduct[4]", False),
    ("/Bericht/Client/StartProducten/StartProduct[0]", False),
    ("/Anders/Client", False),
    ("Bericht/Client", False),
    (None, False),
])
def test_resolve_locatie(locatie, found):
    """resolve_locatie is the inverse of element_path, which writes every finding's locatie."""
    root = parse(heen_path("ijw", "305").read_bytes())
    el = resolve_locatie(root, locatie)
    assert (el is not None) == found
    if found:
        assert element_path(el) == locatie


GOLDEN_CASES = {
    "jw305-geldig.306.xml": ("ijw", "305", None, []),
    "jw307-bsn-fout.308.xml": ("ijw", "307", bad_bsn, []),
    "wmo315-klasse-afgekeurd.316.xml": ("iwmo", "315", None, [synthetic(KLASSE_PAD["315"], "9347")]),
    "wmo301-klasse-afgekeurd.302.xml": ("iwmo", "301", None, [synthetic(KLASSE_PAD["301"], "9385")]),
}


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_golden_retours(name, validator):
    """Byte-for-byte examples in fixtures/retour/, readable references of what we send.

    After a deliberate change (or a changed heen fixture) rewrite them with
    ``BERICHTEN_UPDATE_GOLDEN=1 pytest tests/test_retour.py -k golden`` and review the diff.
    """
    standaard, bericht, edit, extra = GOLDEN_CASES[name]
    heen = heen_path(standaard, bericht).read_bytes()
    data = build(standaard, bericht, validator, edit(heen) if edit else heen, extra)
    if os.environ.get("BERICHTEN_UPDATE_GOLDEN") == "1":
        (GOLDEN / name).write_bytes(data)
    assert data == (GOLDEN / name).read_bytes()


# --- the same retours against the published XSDs ---------------------------------------------------


# 319 (answers; no level-2 rules exist for it): our fixtures in fixtures/store/; findings placed on a class.
VERZOEK_ANTWOORD = [(s, "319") for s in ("ijw", "iwmo")]
VERZOEK_ANTWOORD_PAD = {"319": ("/Bericht/Antwoord/VerzoekAntwoord", "Antwoord", "Antwoord")}


def store_heen(standaard: str, bericht: str) -> bytes:
    return (FIXTURES / "store" / standaard / f"{bericht}.xml").read_bytes()


def _verzoek_antwoord_retours(validator: Validator) -> list[tuple[str, str, str, bytes]]:
    """(standaard, retour, case, bytes): approved, level 2 (0001), a class finding, a header finding."""
    out = []
    for standaard, bericht in VERZOEK_ANTWOORD:
        heen = store_heen(standaard, bericht)
        level2 = Finding(code="CS002", niveau=2, severity="error", melding="proef", retourcode="0001", locatie="/Bericht/Header")
        for case, extra in (
            ("akkoord", []), ("niveau2", [level2]), ("klasse", [synthetic(VERZOEK_ANTWOORD_PAD[bericht][0], "9374")]),
            ("header", [synthetic("/Bericht/Header/BerichtIdentificatie/Identificatie", "9056")]),
        ):
            out.append((standaard, RETOUR_VAN[bericht], case, build(standaard, bericht, validator, heen, extra)))
    return out


def test_retours_on_319(validator, ours):
    for standaard, nummer, case, data in _verzoek_antwoord_retours(validator):
        root = parse(data)
        assert_retour_valid(data, standaard, nummer, ours)
        _, klasse, body = VERZOEK_ANTWOORD_PAD["319"]
        if case == "akkoord":
            assert [local(c) for c in root] == ["Header"] and header_codes(root) == []
        elif case == "niveau2":
            assert [local(c) for c in root] == ["Header"] and header_codes(root) == ["0001"]
        elif case == "header":
            assert [local(c) for c in root] == ["Header"] and header_codes(root) == ["9056"]
        else:
            assert [local(c) for c in root] == ["Header", body] and header_codes(root) == ["0200"]
            codes = {local(el): [c.text for c in el[len(el) - 1]] for el in root[1].iter(etree.Element)
                     if local(el) in RETOUR_KLASSEN[nummer]}
            assert codes[klasse] == ["9374"]
            assert all(c == ["0200"] for name, c in codes.items() if name != klasse), codes


@pytest.mark.parametrize("standaard,sample,code", [("ijw", "JW317", "CS003"), ("iwmo", "WMO317", "TR380")])
def test_published_317_sample_gets_a_318_with_0001(reference, validator, ours, standaard, sample, code):
    """The official XSLT rejects both published 317 samples; their 318 says so in the header only."""
    heen = (reference.REFERENCE_DIR / f"{standaard}-3.2" / "samples" / f"{sample}.xml").read_bytes()
    result = validator.validate_bytes(heen)
    assert kan_retour(result) and [f.code for f in result.findings if f.is_error] == [code]
    data = build(standaard, "317", validator, heen)
    root = parse(data)
    assert [local(c) for c in root] == ["Header"] and header_codes(root) == ["0001"]
    assert root[0].findtext("{*}XsltVersie") == XSLT_VERSIE
    assert_retour_valid(data, standaard, "318", ours)
    assert reference.published_xsd_verdict(data, standaard, f"{sample[:-3]}318.xsd")


def _all_retours(validator: Validator) -> list[tuple[str, str, bytes]]:
    out = [(standaard, nummer, data) for standaard, nummer, _, data in _verzoek_antwoord_retours(validator)]
    for standaard, bericht in HEEN:
        heen = heen_path(standaard, bericht).read_bytes()
        for data in (
            build(standaard, bericht, validator, heen),
            build(standaard, bericht, validator, bad_bsn(heen)),
            build(standaard, bericht, validator, heen, [synthetic(KLASSE_PAD[bericht])]),
            build(standaard, bericht, validator, heen, [synthetic("/Bericht/Header/BerichtIdentificatie/Dagtekening", "8848")]),
        ):
            out.append((standaard, RETOUR[bericht], data))
    return out


def test_every_retour_is_valid_against_the_published_xsd(reference, validator):
    retours = _all_retours(validator)
    assert len(retours) == 48
    for standaard, nummer, data in retours:
        schema_file = f"{'JW' if standaard == 'ijw' else 'WMO'}{nummer}.xsd"
        assert reference.published_xsd_verdict(data, standaard, schema_file), (standaard, nummer, data[:400])


def test_published_xsd_check_is_not_vacuous(reference, validator):
    data = build("ijw", "305", validator, extra=[synthetic(KLASSE_PAD["305"])])
    broken = data.replace(b"<jw306:RetourCode>9063</jw306:RetourCode>", b"")  # an empty RetourCodes
    assert reference.published_xsd_verdict(data, "ijw", "JW306.xsd")
    assert not reference.published_xsd_verdict(broken, "ijw", "JW306.xsd")

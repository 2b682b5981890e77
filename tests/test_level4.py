"""Level 4 (externe bron): the rules on small real messages and list files in fixtures/lijsten/."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import pytest

from berichten.retour import beoordeel
from berichten.validators.level4 import ListError, Lists, load_lists
from berichten.validators.level4.commands import list_status
from berichten.validators.pipeline import Validator
from berichten.validators.retour import retour_voor

PROJECT = Path(__file__).resolve().parent.parent
LIJSTEN = PROJECT / "fixtures" / "lijsten"
PRODUCT_CODE = "/Bericht/Client/ToegewezenProducten/ToegewezenProduct/Product/Code"
PRESTATIE = "/Bericht/Declaratie/Clienten/Client/Prestaties/Prestatie"
PRESTATIE_CODE = PRESTATIE + "/ProductCode"


def errors(result) -> set[tuple[str, str | None, str | None]]:
    return {(f.code, f.retourcode, f.locatie) for f in result.findings if f.is_error}


@pytest.fixture(scope="module")
def shipped() -> Validator:
    return Validator()


@pytest.fixture(scope="module")
def configured() -> Validator:
    return Validator(lists=load_lists(LIJSTEN / "lijsten.toml"))


# (fixture, findings with the shipped lists, findings with lijsten.toml: contracts and AGB codes too)
CASES = [
    ("jw301-bekend.xml", set(), set()),
    ("jw301-dagtekening-toekomst.xml",
     {("TR135", "8848", "/Bericht/Header/BerichtIdentificatie/Dagtekening")},
     {("TR135", "8848", "/Bericht/Header/BerichtIdentificatie/Dagtekening")}),
    ("jw301-gemeente-onbekend.xml",
     {("TR378", "S300", "/Bericht/Header/Afzender")},
     {("TR378", "S300", "/Bericht/Header/Afzender"), ("BER-L4-CONTRACT", "S329", PRODUCT_CODE)}),
    ("jw301-productcode-onbekend.xml",
     {("TR381", "S329", PRODUCT_CODE)},
     {("TR381", "S329", PRODUCT_CODE), ("BER-L4-CONTRACT", "S329", PRODUCT_CODE)}),
    ("jw301-niet-gecontracteerd.xml", set(), {("BER-L4-CONTRACT", "S329", PRODUCT_CODE)}),
    ("jw323-agb-bekend.xml", set(), set()),
    ("jw323-agb-onbekend.xml", set(),
     {("BER-L4-AGB", None, "/Bericht/Header/Afzender"), ("BER-L4-CONTRACT", "S329", PRESTATIE_CODE)}),
    ("jw323-bedrag-klopt-niet.xml", {("TR346", "9346", PRESTATIE + "/IngediendBedrag")},
     {("TR346", "9346", PRESTATIE + "/IngediendBedrag")}),
    ("jw323-tarief-niet-gecontracteerd.xml", set(), {("TR418", "0611", PRESTATIE + "/ProductTarief")}),
    # 50 minutes on an hourly tariff of 100,00: ProductTarief 167 (10000 / 60, rounded), amount
    # 10000 x 50 / 60 = 8333 (not 50 x 167 = 8350).
    ("jw323-minuten-uurtarief.xml", set(), set()),
]


@pytest.mark.parametrize("name,expected,_", CASES, ids=[c[0] for c in CASES])
def test_shipped_lists(shipped, name, expected, _):
    result = shipped.validate_path(LIJSTEN / name)
    assert errors(result) == expected
    assert result.niveaus == [1, 2, 4]
    assert all(f.niveau == 4 for f in result.findings if f.is_error)


@pytest.mark.parametrize("name,_,expected", CASES, ids=[c[0] for c in CASES])
def test_configured_lists(configured, name, _, expected):
    result = configured.validate_path(LIJSTEN / name)
    assert errors(result) == expected
    assert result.niet_gecontroleerd == []


def test_unconfigured_checks_are_named_not_passed(shipped):
    assert shipped.validate_path(LIJSTEN / "jw301-bekend.xml").niet_gecontroleerd == ["contracten"]
    assert shipped.validate_path(LIJSTEN / "jw323-agb-bekend.xml").niet_gecontroleerd == ["contracten", "AGB-codes"]


def test_a_retour_message_has_no_level_4(shipped):
    result = shipped.validate_path(PROJECT / "fixtures" / "retour" / "jw305-geldig.306.xml")
    assert result.niveaus == [1, 2] and result.niet_gecontroleerd == []


def test_level_4_waits_for_level_2(shipped):
    # A level-2 failure gets the 0001 retour only; the lists are not consulted.
    result = shipped.validate_path(PROJECT / "fixtures" / "regels" / "CS002-fout.xml")
    assert not result.ok and result.niveaus == [1, 2]


def test_switched_off():
    result = Validator(lists=Lists.off()).validate_path(LIJSTEN / "jw301-dagtekening-toekomst.xml")
    assert result.ok and result.niveaus == [1, 2] and result.niet_gecontroleerd == []


@pytest.mark.parametrize("toml,ok", [("herindeling.toml", True), ("lijsten.toml", False)])
def test_a_dissolved_gemeente_is_valid_on_an_earlier_ingangsdatum(toml, ok):
    # 0457 is valid until 2022-03-23 in the dated list; the allocation starts 2022-03-01 (TR378 allows that list).
    result = Validator(lists=load_lists(LIJSTEN / toml)).validate_path(LIJSTEN / "jw301-opgeheven-gemeente.xml")
    assert ("TR378" not in {f.code for f in result.findings}) is ok


def test_retour_carries_the_rules_own_code(shipped, configured):
    header = beoordeel_of(shipped, "jw301-dagtekening-toekomst.xml")
    assert header.header_codes == ("8848",) and header.class_codes is None
    klasse = beoordeel_of(shipped, "jw301-productcode-onbekend.xml")
    assert klasse.header_codes == ("0200",) and sorted(set(klasse.class_codes.values())) == [("0200",), ("S329",)]
    data = retour_voor(shipped.validate_path(LIJSTEN / "jw301-productcode-onbekend.xml"), dagtekening_retour=date(2026, 3, 3))
    assert b"<ijw:RetourCode>S329</ijw:RetourCode>" in data or b"RetourCode>S329<" in data


def beoordeel_of(validator: Validator, name: str):
    result = validator.validate_path(LIJSTEN / name)
    return beoordeel(result.document.root, result.message, result.findings)


# --- the list files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("toml,melding", [
    ("ontbrekend.toml", "bestaat-niet.csv: lijst niet gevonden"),
    ("kapot.toml", "contracten-kapot.csv, regel 4: agb '1234' is geen AGB-code van 8 cijfers"),
    ("bestaat-niet.toml", "bestaat-niet.toml: configuratie niet gevonden"),
])
def test_missing_or_malformed_list(toml, melding):
    with pytest.raises(ListError) as exc:
        load_lists(LIJSTEN / toml)
    assert str(exc.value).endswith(melding)


@pytest.mark.parametrize("text,melding", [
    ("gemeentecode;naam\n0599;Rotterdam\n", "regel 1: kolom geldig_vanaf, geldig_tot ontbreekt"),
    ("gemeentecode;geldig_vanaf;geldig_tot\n599;;\n", "regel 2: gemeentecode '599' is geen gemeentecode van 4 cijfers"),
    ("gemeentecode;geldig_vanaf;geldig_tot\n0599;2026-13-01;\n", "regel 2: geldig_vanaf '2026-13-01' is geen datum"),
    ("gemeentecode;geldig_vanaf;geldig_tot\n0599;2026-02-01;2026-01-01\n", "regel 2: geldig_tot 2026-01-01 ligt voor"),
    ("gemeentecode;geldig_vanaf;geldig_tot\n0599;;;;\n", "regel 2: 5 velden, de kopregel heeft er 3"),
    ("# alleen commentaar\n", "de lijst heeft geen kopregel"),
])
def test_malformed_gemeentecodes_name_the_line(tmp_path, text, melding):
    (tmp_path / "g.csv").write_text(text, encoding="utf-8")
    (tmp_path / "l.toml").write_text('[lijsten]\ngemeentecodes = "g.csv"\n', encoding="utf-8")
    with pytest.raises(ListError, match=melding):
        load_lists(tmp_path / "l.toml")


@pytest.mark.parametrize("toml,melding", [
    ('[lijsten]\ncontract = "c.csv"\n', "kent de sleutel contract niet"),
    ("[lijsten]\nmax_leeftijd = 0\n", "max_leeftijd moet een geheel aantal dagen"),
    ("[lijsten]\nagb = 3\n", "agb moet een bestandsnaam"),
    ("[lijsten\n", "ongeldige TOML"),
])
def test_malformed_configuration(tmp_path, toml, melding):
    (tmp_path / "l.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ListError, match=melding):
        load_lists(tmp_path / "l.toml")


def test_the_regional_configuration_carries_the_lists(tmp_path):
    from berichten.validators.regional.config import load_config

    text = (PROJECT / "fixtures" / "regio" / "grjr.toml").read_text(encoding="utf-8")
    contracten = (LIJSTEN / "contracten.csv").as_posix()
    (tmp_path / "regio.toml").write_text(text + f'\n[lijsten]\ncontracten = "{contracten}"\n', encoding="utf-8")
    assert load_config(tmp_path / "regio.toml").code == "grjr"  # the regional loader accepts [lijsten]
    assert load_lists(tmp_path / "regio.toml").contracten is not None


def test_list_age_uses_the_peildatum_or_else_the_file_date(tmp_path):
    lists = load_lists(LIJSTEN / "verouderd.toml")
    by_name = {s.naam: s for s in list_status(lists, 400, today=date(2026, 12, 1))}
    assert by_name["AGB-codes"].verouderd and by_name["AGB-codes"].leeftijd == 2526
    assert not by_name["gemeentecodes"].verouderd and by_name["contracten"].file is None
    (tmp_path / "a.csv").write_text("agb;geldig_vanaf;geldig_tot\n12345678;;\n", encoding="utf-8")
    os.utime(tmp_path / "a.csv", (0, 0))  # 1970: no peildatum line, so the modification date counts
    (tmp_path / "l.toml").write_text('[lijsten]\nagb = "a.csv"\n', encoding="utf-8")
    [agb] = [s for s in list_status(load_lists(tmp_path / "l.toml"), 400) if s.naam == "AGB-codes"]
    assert agb.verouderd and agb.file.peildatum == date(1970, 1, 1) and not agb.file.peildatum_uit_bestand


@pytest.mark.reference
def test_shipped_gemeentecodes_agree_with_the_reference(reference):
    import csv

    with (reference.REFERENCE_DIR / "codelists" / "CBS_gemeentecodes.csv").open(encoding="utf-8") as fh:
        expected = {row["code"]: row["omschrijving"] for row in csv.DictReader(fh)}
    shipped = Lists.shipped().gemeenten
    assert set(shipped.codes) == set(expected)
    assert shipped.file.path.read_bytes() != (reference.REFERENCE_DIR / "codelists" / "CBS_gemeentecodes.csv").read_bytes()


# --- which element is the gemeente ------------------------------------------------------------------

STORE = PROJECT / "fixtures" / "store"


@pytest.mark.parametrize("standaard", ["ijw", "iwmo"])
@pytest.mark.parametrize("bericht,element", [
    ("301", "Afzender"), ("305", "Ontvanger"), ("307", "Ontvanger"), ("315", "Ontvanger"), ("317", "Ontvanger"),
    ("319", "Afzender"),
])
def test_tr378_checks_the_gemeente_side_of_the_header(shipped, standaard, bericht, element):
    from lxml import etree

    data = (STORE / standaard / f"{bericht}.xml").read_bytes()
    assert shipped.validate_bytes(data).ok
    root = etree.fromstring(data)
    root.find(f"{{*}}Header/{{*}}{element}").text = "0001"
    mutated = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    assert errors(shipped.validate_bytes(mutated)) == {("TR378", "S300", f"/Bericht/Header/{element}")}


@pytest.mark.reference
def test_tr378_checks_the_woonplaatsbeginsel_of_a_319(shipped, reference):
    data = (reference.REFERENCE_DIR / "ijw-3.2" / "samples" / "JW319.xml").read_bytes()
    assert b"<jw319:Gemeente>1916<" in data and shipped.validate_bytes(data).ok
    result = shipped.validate_bytes(data.replace(b"<jw319:Gemeente>1916<", b"<jw319:Gemeente>0001<"))
    assert {(f.code, f.retourcode) for f in result.findings if f.is_error} == {("TR378", "S300")}
    assert [f.locatie for f in result.findings][0].endswith("/Woonplaatsbeginsel/Gemeente")


@pytest.mark.reference
@pytest.mark.parametrize("name", [c[0] for c in CASES] + ["jw301-opgeheven-gemeente.xml"])
def test_the_fixtures_pass_the_official_xslt(reference, name):
    # Their only problems are level-4 ones, whatever level-2 rules are added later.
    assert reference.xslt_fouten((LIJSTEN / name).read_bytes(), "ijw") == []


@pytest.mark.parametrize("volume,tarief,bedrag,eenheid,uurtarief,ok", [
    (50, 167, 8333, "01", None, True),    # 100,00 an hour: 10000 x 50 / 60 = 8333.3 -> 8333
    (50, 167, 8350, "01", None, True),    # 50 x 167: the plain product is always right
    (50, 167, 8334, "01", None, True),    # 10001..10008 an hour also round to 167 a minute and give 8334
    (50, 167, 8400, "01", None, False),   # no hourly rate with minute rate 167 gives 84,00
    (50, 167, 8334, "01", 10000, False),  # with the contracted 100,00 an hour only 8333 (or 8350) fits
    (50, 167, 8333, "04", None, False),   # the exception is for minutes only
    (1, 1455, 1455, "04", None, True),
    (90, 50, 4499, "01", None, True),     # 29,99 an hour (2999 / 60 = 49.98 -> 50): 2999 x 90 / 60 = 4498.5 -> 4499
])
def test_tr346_amounts(volume, tarief, bedrag, eenheid, uurtarief, ok):
    from berichten.validators.level4.rules import amount_fits

    assert amount_fits(volume, tarief, bedrag, eenheid, uurtarief) is ok


@pytest.mark.parametrize("text,cents", [("125", 12500), ("125,5", 12550), ("125,00", 12500), ("0.07", 7), ("1.455", None),
                                        ("12,50 euro", None)])
def test_contract_tariffs_are_read_in_euros(tmp_path, text, cents):
    from berichten.validators.level4.files import ListError
    from berichten.validators.level4.lists import load_contracten

    path = tmp_path / "c.csv"
    path.write_text("agb;gemeentecode;productcategorie;productcode;geldig_vanaf;geldig_tot;tarief;tariefeenheid\n"
                    f"12345678;0599;45;45A04;;;{text};04\n", encoding="utf-8")
    if cents is None:
        with pytest.raises(ListError, match="regel 2: kolom tarief"):
            load_contracten(path)
    else:
        assert load_contracten(path).contracts[0].tarief == cents


def test_the_most_specific_contract_row_sets_the_tariff(tmp_path):
    from berichten.validators.level4.lists import load_contracten

    path = tmp_path / "c.csv"
    path.write_text("agb;gemeentecode;productcategorie;productcode;geldig_vanaf;geldig_tot;tarief;tariefeenheid\n"
                    "12345678;;45;;;;90;04\n12345678;0599;45;45A*;;;95;04\n12345678;0599;45;45A04;;;100;04\n",
                    encoding="utf-8")
    lijst = load_contracten(path)
    day = date(2026, 3, 1)
    assert lijst.tarief("0599", "12345678", "45", "45A04", day).tarief == 10000
    assert lijst.tarief("0599", "12345678", "45", "45A07", day).tarief == 9500
    assert lijst.tarief("0363", "12345678", "45", "45B01", day).tarief == 9000
    assert lijst.tarief("0599", "87654321", "45", "45A04", day) is None


def test_a_contract_list_without_tariffs_names_tr418_as_not_checked(tmp_path):
    from berichten.validators.level4.lists import Lists, load_contracten

    path = tmp_path / "c.csv"
    path.write_text("agb;gemeentecode;productcategorie;productcode;geldig_vanaf;geldig_tot\n12345678;0599;45;;;\n",
                    encoding="utf-8")
    lists = Lists(contracten=load_contracten(path))
    assert "tarieven (TR418)" in lists.niet_gecontroleerd("ijw", "323")
    assert "tarieven (TR418)" not in lists.niet_gecontroleerd("ijw", "301")


# --- the walk: which element names each message's schema has -----------------------------------------

XS = "{http://www.w3.org/2001/XMLSchema}"


def _schema_names(xsd: Path) -> set[tuple[str, str]]:
    """(namespace, local name) of every element reachable from the message's Bericht, following the
    named complexTypes of the message schema and the schemas it imports."""
    from lxml import etree

    types, top, files, main = {}, None, [xsd], None
    while files:
        root = etree.parse(str(files.pop())).getroot()
        tns = root.get("targetNamespace")
        main = main or tns
        types.update({(tns, ct.get("name")): (ct, tns) for ct in root.iterchildren(XS + "complexType")})
        for el in root.iterchildren(XS + "element"):
            if tns == main and el.get("name") == "Bericht":
                top = (el, tns)
        files += [xsd.parent / imp.get("schemaLocation") for imp in root.iterchildren(XS + "import")]
    found: set[tuple[str, str]] = set()
    visited: set[tuple[str, str]] = set()
    todo = [top]
    while todo:
        node, tns = todo.pop()
        for el in node.iter(XS + "element"):  # local elements: elementFormDefault qualified
            found.add((tns, el.get("name")))
            prefix, _, local = (el.get("type") or "").rpartition(":")
            key = (el.nsmap.get(prefix or None), local)
            if key in types and key not in visited:
                visited.add(key)
                todo.append(types[key])
    return found


def _check_walk_names(xsd_dirs: dict[str, Path]) -> None:
    from berichten.validators.level4.rules import _WALKED, HEEN_BERICHTEN, WALK_NAMES

    prefix = {"ijw": "JW", "iwmo": "WMO"}
    for standaard, folder in xsd_dirs.items():
        for nummer in HEEN_BERICHTEN:
            names = {n for _, n in _schema_names(folder / f"{prefix[standaard]}{nummer}.xsd")} & set(_WALKED)
            # the walk may look for more than the schema has, never for less
            assert names <= set(WALK_NAMES[nummer]), (standaard, nummer, names)
            if standaard == "ijw":  # the table is no wider than iJw needs (the iWmo 319 has no Gemeente)
                assert names == set(WALK_NAMES[nummer]), (nummer, names)


def test_the_walk_looks_for_every_name_the_schemas_have():
    # Level 4 reads only the element names WALK_NAMES gives for the message (a walk costs per name);
    # a name the schema has but the table lacks would silently go unchecked.
    from berichten.validators.xsd import DEFAULT_XSD_DIR

    _check_walk_names({s: DEFAULT_XSD_DIR / f"{s}-3.2" for s in ("ijw", "iwmo")})


@pytest.mark.reference
def test_the_walk_names_hold_for_the_published_schemas(reference):
    _check_walk_names({s: reference.REFERENCE_DIR / f"{s}-3.2" / "xsd" for s in ("ijw", "iwmo")})


def test_comments_do_not_move_what_level_4_reads(shipped):
    # The header's children are read at the places the schema puts them; a comment shifts them,
    # and then the reading falls back to a scan with the same result.
    data = (LIJSTEN / "jw301-gemeente-onbekend.xml").read_bytes()
    commented = data.replace(b"<jw301:Header>", b"<jw301:Header><!-- a -->").replace(
        b"<jw301:BerichtIdentificatie>", b"<jw301:BerichtIdentificatie><!-- b -->")
    assert commented != data
    assert errors(shipped.validate_bytes(commented)) == errors(shipped.validate_bytes(data)) == {
        ("TR378", "S300", "/Bericht/Header/Afzender")}
    future = (LIJSTEN / "jw301-dagtekening-toekomst.xml").read_bytes().replace(
        b"<jw301:BerichtIdentificatie>", b"<jw301:BerichtIdentificatie><!-- b -->")
    assert errors(shipped.validate_bytes(future)) == {("TR135", "8848", "/Bericht/Header/BerichtIdentificatie/Dagtekening")}


def test_the_system_date_is_todays():
    from berichten.validators.level4 import rules

    assert rules.system_date() == date.today()
    day, since, until = rules._today
    assert since <= datetime.now().timestamp() < until and until - since in (23 * 3600, 24 * 3600, 25 * 3600)

"""generate(): JSON description -> valid message, and Dutch errors that name the field."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any, Callable

import pytest
from lxml import etree

from berichten import GenerateError, generate, json_schema, parse, to_xml
from berichten.generate import build
from berichten.models import MESSAGE_CLASSES
from tests.test_models_roundtrip import SAMPLES, assert_written_like_the_standard, our_schema_verdict

GENERATE = Path(__file__).resolve().parent.parent / "fixtures" / "generate"
FIXTURES = sorted(p.name for p in GENERATE.glob("*.json"))


def _load(name: str) -> dict[str, Any]:
    return json.loads((GENERATE / name).read_text(encoding="utf-8"))


# (standaard, bericht, fixture): every JSON example and the message it must give.
TABLE = [
    ("ijw", "301", "jw301-toewijzing.json"),
    ("iwmo", "301", "wmo301-toewijzing.json"),
    ("ijw", "305", "jw305-start.json"),
    ("ijw", "307", "jw307-stop.json"),
    ("ijw", "315", "jw315-verzoek.json"),
    ("ijw", "317", "jw317-wijzigingsverzoek.json"),
    ("iwmo", "317", "wmo317-wijzigingsverzoek.json"),
    ("ijw", "323", "jw323-declaratie.json"),
    ("iwmo", "323", "wmo323-declaratie.json"),
]


def test_the_table_names_every_fixture():
    assert sorted(name for _, _, name in TABLE) == FIXTURES


@pytest.mark.parametrize(("standaard", "nummer", "name"), TABLE, ids=[t[2] for t in TABLE])
def test_fixture_gives_its_message_valid_for_both_schema_sets(reference, standaard, nummer, name):
    from berichten.validators.xsd import SchemaSet

    data = generate((GENERATE / name).read_bytes())
    bericht = parse(data)
    assert (bericht.standaard, bericht.nummer) == (standaard, nummer)
    assert parse(to_xml(bericht)) == bericht and to_xml(bericht) == data
    root = etree.fromstring(data)
    assert SchemaSet().validate(root, bericht.message_type()) == []
    assert SchemaSet(reference.REFERENCE_DIR).validate(root, bericht.message_type()) == []


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_generates_a_valid_message(reference, name):
    data = generate((GENERATE / name).read_bytes())
    bericht = parse(data)
    assert parse(to_xml(bericht)) == bericht == build(_load(name))
    assert_written_like_the_standard(data, bericht)
    mt = bericht.message_type()
    assert reference.published_xsd_verdict(data, mt.standaard, mt.schema_file)
    assert our_schema_verdict(data, bericht) in (True, None)
    # Our fixtures are also clean for the official rule XSLT (11-proef, contact rules, Omvang ...).
    assert reference.xslt_fouten(data, mt.standaard) == []


def test_generate_checks_against_a_schema_set_when_given(reference):
    from berichten.validators.xsd import SchemaSet

    data = generate(_load("jw315-verzoek.json"), schemas=SchemaSet(reference.REFERENCE_DIR))
    assert b"<jw315:GezagsdragerBekend>1</jw315:GezagsdragerBekend>" in data


def test_dict_str_and_bytes_give_the_same_message():
    raw = (GENERATE / "jw305-start.json").read_bytes()
    assert generate(raw) == generate(raw.decode("utf-8")) == generate(json.loads(raw))


def test_xsd_names_are_accepted_as_well():
    doc = _load("jw305-start.json")
    doc["header"] = {"Afzender": "12345678", "Ontvanger": "0599",
                     "BerichtIdentificatie": {"Identificatie": "ST-2026-0042", "Dagtekening": "2026-03-20"}}
    assert generate(doc) == generate(_load("jw305-start.json"))


def test_header_defaults_come_from_the_release_registry():
    doc = _load("jw301-toewijzing.json")
    del doc["header"]["bericht_identificatie"]["dagtekening"]
    bericht = build(doc, today=dt.date(2026, 3, 13))
    h = bericht.header
    assert (h.bericht_code, h.bericht_versie, h.bericht_subversie) == ("436", 3, 2)
    assert (h.xsd_versie.basisschema_xsd_versie, h.xsd_versie.bericht_xsd_versie) == ("1.0.0", "1.0.0")
    assert h.bericht_identificatie.dagtekening == dt.date(2026, 3, 13)
    wmo = build(_load("wmo301-toewijzing.json"))
    assert wmo.header.bericht_code == "414"


def test_dagtekening_defaults_to_today():
    doc = _load("jw305-start.json")
    del doc["header"]["bericht_identificatie"]["dagtekening"]
    assert build(doc).header.bericht_identificatie.dagtekening == dt.date.today()


def test_a_retour_can_be_generated_with_its_defaults(reference):
    doc = {
        "standaard": "iwmo", "bericht": "306",
        "header": {"afzender": "87654321", "ontvanger": "0268",
                   "bericht_identificatie": {"identificatie": "ST-1", "dagtekening": "2026-05-04"},
                   "identificatie_retour": "R-1", "dagtekening_retour": "2026-05-05", "retour_codes": ["8848"]},
    }
    data = generate(doc)
    assert b"<wmo306:BerichtCode>419</wmo306:BerichtCode>" in data
    assert reference.published_xsd_verdict(data, "iwmo", "WMO306.xsd")


@pytest.mark.parametrize("key", sorted(MESSAGE_CLASSES), ids=lambda k: f"{k[0]}{k[2]}")
def test_json_schema_has_the_envelope_and_optional_defaults(key):
    standaard, _, nummer = key
    schema = json_schema(standaard, nummer)
    assert schema["properties"]["standaard"] == {"const": standaard, "description": "ijw of iwmo"}
    assert schema["properties"]["bericht"]["const"] == nummer
    assert {"standaard", "bericht", "header"} <= set(schema["required"])
    header = schema["$defs"][MESSAGE_CLASSES[key].model_fields["header"].annotation.__name__]
    assert {"afzender", "ontvanger", "bericht_identificatie"} <= set(header["required"])
    assert not {"bericht_code", "bericht_versie", "bericht_subversie", "xsd_versie"} & set(header["required"])
    assert schema["$defs"]["BerichtIdentificatie"]["required"] == ["identificatie"]
    json.dumps(schema)  # serialisable as is


# --- errors ------------------------------------------------------------------------------------


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """Mutation of the jw301 fixture: set (or, with value ..., delete) a dotted path."""
    def apply(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = doc
        for p in parents:
            node = node[int(p)] if isinstance(node, list) else node[p]
        if value is ...:
            del node[last]
        else:
            node[last] = value
    return apply


TP = "client.toegewezen_producten.0"
ERRORS = [
    ("datum-bestaat-niet", _set(f"{TP}.ingangsdatum", "2026-02-30"),
     f"{TP}.ingangsdatum: ongeldige datum '2026-02-30'"),
    ("datum-andere-vorm", _set(f"{TP}.einddatum", "15-09-2026"), f"{TP}.einddatum: ongeldige datum '15-09-2026'"),
    ("tijd", _set(f"{TP}.toewijzingstijd", "25:00"), f"{TP}.toewijzingstijd: ongeldige tijd '25:00' (verwacht UU:MM:SS)"),
    ("tijdzone", _set(f"{TP}.toewijzingstijd", "09:30:00+01:00"),
     f"{TP}.toewijzingstijd: tijd zonder tijdzone verwacht: '09:30:00+01:00'"),
    ("nummer-geen-getal", _set(f"{TP}.toewijzing_nummer", "abc"), f"{TP}.toewijzing_nummer: geen geheel getal: 'abc'"),
    ("nummer-te-groot", _set(f"{TP}.toewijzing_nummer", 1_000_000_000),
     f"{TP}.toewijzing_nummer: te groot: 1000000000 (maximaal 999999999)"),
    ("budget-negatief", _set("client.toegewezen_producten.1.budget", -5),
     "client.toegewezen_producten.1.budget: te klein: -5 (minimaal 0)"),
    ("bsn-vorm", _set("client.bsn", "12345"), "client.bsn: ongeldige waarde '***45', verwacht 9 cijfers"),
    ("bsn-als-getal", _set("client.bsn", 999955597),
     "client.bsn: tekst verwacht (tussen aanhalingstekens), niet *******97, verwacht 9 cijfers"),
    ("code-onbekend", _set("client.geslacht", "7"), "client.geslacht: ongeldige code '7' (COD046); toegestaan: 0, 1, 2"),
    ("code-als-getal", _set("client.geslacht", 2), 'client.geslacht: code als tekst verwacht, tussen aanhalingstekens: "2"'),
    ("categorie-van-wmo", _set(f"{TP}.product.categorie", "02"),
     f"{TP}.product.categorie: ongeldige code '02' (JZ020); toegestaan: 31, 32, 33, 34, 35, 36, 37, 38, 40, 41, 42, "
     "43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55"),
    ("eenheid", _set(f"{TP}.omvang.eenheid", "05"),
     f"{TP}.omvang.eenheid: ongeldige code '05' (WJ756); toegestaan: 01, 04, 14, 16, 82, 83, 84"),
    ("landcode", _set("client.contactgegevens.0.adres.land_code", "XX"),
     "client.contactgegevens.0.adres.land_code: geen geldige landcode (ISO 3166): 'XX'"),
    ("voorletters-met-punt", _set("client.naam.voorletters", "N."),
     "client.naam.voorletters: ongeldige waarde 'N.', verwacht 1 tot 6 letters, zonder punten"),
    ("commentaar-leeg", _set(f"{TP}.commentaar", "  "),
     f"{TP}.commentaar: ongeldige waarde '  ', verwacht tekst met minstens één teken dat geen spatie is"),
    ("identificatie-te-lang", _set("header.bericht_identificatie.identificatie", "X" * 13),
     "header.bericht_identificatie.identificatie: te lang: 13 tekens, maximaal 12"),
    ("identificatie-ontbreekt", _set("header.bericht_identificatie.identificatie", ...),
     "header.bericht_identificatie.identificatie: verplicht, maar ontbreekt"),
    ("afzender-is-agb", _set("header.afzender", "12345678"),
     "header.afzender: ongeldige waarde '12345678', verwacht 4 cijfers (CBS-gemeentecode)"),
    ("berichtcode-van-302", _set("header.bericht_code", "437"),
     "header.bericht_code: BerichtCode 437 hoort niet bij ijw-3.2/301 (verwacht 436)"),
    ("berichtversie", _set("header.bericht_versie", 4), "header.bericht_versie: BerichtVersie 4 hoort niet bij ijw-3.2/301 (verwacht 3)"),
    ("contactgegevens-ontbreken", _set("client.contactgegevens", ...), "client.contactgegevens: verplicht, maar ontbreekt"),
    ("geen-producten", _set("client.toegewezen_producten", []), "client.toegewezen_producten: minstens 1 nodig"),
    ("onbekend-veld", _set("client.kleur", "blauw"), "client.kleur: onbekend veld"),
    ("gezagsdrager-niet-in-301", _set("client.gezagsdrager_bekend", "1"), "client.gezagsdrager_bekend: onbekend veld"),
    ("object-verwacht", _set("client.naam", "Jansen"), "client.naam: object verwacht"),
    ("standaard-onbekend", _set("standaard", "jz"), "standaard: onbekende standaard 'jz'; kies ijw of iwmo"),
    ("bericht-onbekend", _set("bericht", "399"),
     "bericht: onbekend bericht '399'; mogelijk: 301, 302, 305, 306, 307, 308, 315, 316, 317, 318, 319, 320, 323, 325"),
    ("bericht-ontbreekt", _set("bericht", ...), 'bericht: verplicht, maar ontbreekt (berichtnummer, bijvoorbeeld "301")'),
]


@pytest.mark.parametrize(("mutate", "expected"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_bad_input_gets_a_dutch_error_naming_the_field(mutate, expected):
    doc = copy.deepcopy(_load("jw301-toewijzing.json"))
    mutate(doc)
    with pytest.raises(GenerateError) as info:
        generate(doc)
    assert info.value.problems == [expected]
    assert expected in str(info.value)


def test_all_problems_are_reported_at_once():
    doc = {"standaard": "iwmo", "bericht": "315", "header": {}, "client": {"gezagsdrager_bekend": "1"}}
    with pytest.raises(GenerateError) as info:
        generate(doc)
    assert "client.gezagsdrager_bekend: onbekend veld" in info.value.problems  # iJw only
    assert "client.aangevraagde_producten: verplicht, maar ontbreekt" in info.value.problems
    assert "header.bericht_identificatie: verplicht, maar ontbreekt" in info.value.problems


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"{", "invoer: geen geldige JSON (regel 1, kolom 2)"),
        ("[1, 2]", "invoer: een JSON-object verwacht met standaard, bericht, header en client"),
        (b"\xff\xfe{}", "invoer: geen UTF-8"),
    ],
    ids=["kapot", "geen-object", "geen-utf8"],
)
def test_unreadable_json(raw, expected):
    with pytest.raises(GenerateError) as info:
        generate(raw)
    assert info.value.problems == [expected]


def test_generated_xml_parses_without_lxml_surprises():
    data = generate(_load("wmo301-toewijzing.json"))
    root = etree.fromstring(data)
    assert root.tag == "{http://www.istandaarden.nl/iwmo/3_2/wmo301/schema}Bericht"
    assert b"<iwmo:Categorie>02</iwmo:Categorie>" in data


@pytest.mark.parametrize("name", [name for _, name in SAMPLES])
def test_describe_gives_the_json_that_generates_the_same_message(reference, name):
    """The JSON shape is the model's own: describe(parse(x)) -> generate -> the same model."""
    from berichten.generate import describe

    std = "ijw" if name.startswith("JW") else "iwmo"
    bericht = parse((reference.REFERENCE_DIR / f"{std}-3.2" / "samples" / f"{name}.xml").read_bytes())
    description = json.loads(json.dumps(describe(bericht)))
    assert description["standaard"] == std and description["bericht"] == name[-3:]
    assert build(description) == bericht
    assert generate(description) == to_xml(bericht)


# --- 317, 323 and 325 ---------------------------------------------------------------------------

PR = "declaratie.clienten.0.prestaties.0"
DECLARATIE_ERRORS = [
    ("onbekend-veld", _set(f"{PR}.kleur", "blauw"), f"{PR}.kleur: onbekend veld"),
    ("debet-credit", _set(f"{PR}.ingediend_bedrag.debet_credit", "X"),
     f"{PR}.ingediend_bedrag.debet_credit: ongeldige code 'X' (LDT_DebetCredit); toegestaan: D, C"),
    ("bedrag-met-komma", _set(f"{PR}.ingediend_bedrag.bedrag", 780.5), f"{PR}.ingediend_bedrag.bedrag: geen geheel getal: '780.5'"),
    ("bedrag-te-groot", _set(f"{PR}.product_tarief", 100_000_000), f"{PR}.product_tarief: te groot: 100000000 (maximaal 99999999)"),
    ("declaratienummer-met-streepje", _set("declaratie.declaratie_nummer", "D-2026"),
     "declaratie.declaratie_nummer: ongeldige waarde 'D-2026', verwacht 1 tot 12 letters of cijfers"),
    ("categorie-van-wmo", _set(f"{PR}.product_categorie", "02"),
     f"{PR}.product_categorie: ongeldige code '02' (JZ020); toegestaan: 31, 32, 33, 34, 35, 36, 37, 38, 40, 41, 42, "
     "43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55"),
    ("periode-zonder-einde", _set(f"{PR}.product_periode.einddatum", ...), f"{PR}.product_periode.einddatum: verplicht, maar ontbreekt"),
    ("geen-clienten", _set("declaratie.clienten", []), "declaratie.clienten: minstens 1 nodig"),
    ("client-in-plaats-van-declaratie", lambda d: d.update(client=d.pop("declaratie")), "declaratie: verplicht, maar ontbreekt"),
]


@pytest.mark.parametrize(("mutate", "expected"), [e[1:] for e in DECLARATIE_ERRORS], ids=[e[0] for e in DECLARATIE_ERRORS])
def test_bad_declaratie_gets_a_dutch_error_naming_the_field(mutate, expected):
    doc = _load("jw323-declaratie.json")
    mutate(doc)
    with pytest.raises(GenerateError) as info:
        generate(doc)
    assert expected in info.value.problems


def test_317_reden_verzoek_is_a_code_and_woonplaatsbeginsel_is_ijw_only():
    doc = _load("wmo317-wijzigingsverzoek.json")
    doc["client"]["verzoek"]["reden_verzoek"] = "3"
    with pytest.raises(GenerateError) as info:
        generate(doc)
    assert info.value.problems == ["client.verzoek.reden_verzoek: ongeldige code '3' (WJ758); toegestaan: 1, 2"]
    antwoord = {"referentie_aanbieder": "X", "verzoek_antwoord": "1", "reden_afwijzing_verzoek": "8",
                "woonplaatsbeginsel": {"gemeente": "0344"}}
    header = {"afzender": "0599", "ontvanger": "12345678", "bericht_identificatie": {"identificatie": "A-1"}}
    assert b"<jw319:Gemeente>0344</jw319:Gemeente>" in generate({"standaard": "ijw", "bericht": "319", "header": header, "antwoord": antwoord})
    with pytest.raises(GenerateError) as info:
        generate({"standaard": "iwmo", "bericht": "319", "header": header, "antwoord": antwoord})
    assert info.value.problems == ["antwoord.woonplaatsbeginsel: onbekend veld"]


def test_a_325_gets_its_defaults_but_must_name_the_323(reference):
    header = {"afzender": "0599", "ontvanger": "12345678",
              "bericht_identificatie": {"identificatie": "DA-1", "dagtekening": "2026-05-10"},
              "retour_codes": ["0200"]}
    antwoord = {"declaratie_nummer": "D2026A04",
                "totaal_ingediend_bedrag": {"totaal_bedrag": 92500, "debet_credit": "D"},
                "totaal_toegekend_bedrag": {"totaal_bedrag": 92500, "debet_credit": "D"},
                "retour_codes": ["8001"]}
    doc = {"standaard": "ijw", "bericht": "325", "header": header, "declaratie_antwoord": antwoord}
    with pytest.raises(GenerateError) as info:
        generate(doc)
    assert info.value.problems == ["header.declaratie_identificatie: verplicht, maar ontbreekt"]
    header["declaratie_identificatie"] = {"identificatie": "DCL-2026-04"}
    with pytest.raises(GenerateError) as info:
        generate(doc)  # the 323's Dagtekening is not today's: it must be given
    assert info.value.problems == ["header.declaratie_identificatie.dagtekening: verplicht, maar ontbreekt"]
    header["declaratie_identificatie"]["dagtekening"] = "2026-05-04"
    data = generate(doc)
    bericht = build(doc)
    assert bericht.header.bericht_code == "491" and bericht.header.xsd_versie_declaratie.bericht_xsd_versie == "1.0.0"
    assert reference.published_xsd_verdict(data, "ijw", "JW325.xsd")
    schema = json_schema("ijw", "325")
    assert "xsd_versie_declaratie" not in schema["$defs"]["DeclaratieAntwoordHeader"]["required"]
    assert schema["$defs"]["DeclaratieIdentificatie"]["required"] == ["identificatie", "dagtekening"]


def test_json_schema_of_a_323_describes_clienten_and_prestaties():
    schema = json_schema("iwmo", "323")
    assert schema["required"] == ["standaard", "bericht", "header", "declaratie"]
    declaratie = schema["$defs"]["Declaratie"]
    assert declaratie["properties"]["clienten"]["items"]["$ref"] == "#/$defs/DeclaratieClient"
    prestatie = schema["$defs"]["Prestatie"]
    assert {"product_referentie", "ingediend_bedrag", "product_categorie"} <= set(prestatie["required"])
    assert "product_tarief" not in prestatie["required"]
    assert "02 = " in schema["$defs"]["ProductCategorieIwmo"]["description"]

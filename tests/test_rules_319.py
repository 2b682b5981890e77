"""Level-2 rules of the 319 (CD085, CD086; iJw also TR377, TR409), as a table of cases, and against the official XSLT."""

from __future__ import annotations

import pytest
from lxml import etree

from berichten.release import get_release
from berichten.store.testing import build
from berichten.validators import SchemaSet
from berichten.validators.retour import retour_voor
from berichten.validators.pipeline import Validator

WPB = {"Woonplaatsbeginsel/Gemeente": "1916"}

# (id, standaard, edits of the Antwoord, expected level-2 codes)
CASES = [
    ("afgewezen-reden-1", "ijw", {}, set()),
    ("reden-8-met-gemeente", "ijw", {"RedenAfwijzingVerzoek": "8", **WPB}, set()),
    ("reden-8-zonder-gemeente", "ijw", {"RedenAfwijzingVerzoek": "8"}, {"TR377"}),
    ("reden-1-met-gemeente", "ijw", WPB, {"TR409"}),
    ("geen-reden-met-gemeente", "ijw", {"RedenAfwijzingVerzoek": None, "VerzoekAntwoord": "2", **WPB}, set()),
    ("in-onderzoek", "ijw", {"VerzoekAntwoord": "2", "RedenAfwijzingVerzoek": None}, set()),
    ("wmo-reden-8", "iwmo", {"RedenAfwijzingVerzoek": "8"}, set()),  # no Woonplaatsbeginsel in iWmo
    # CD085: a rejection names its reason; CD086: a request under investigation names none
    ("afgewezen-zonder-reden", "ijw", {"RedenAfwijzingVerzoek": None}, {"CD085"}),
    ("wmo-afgewezen-zonder-reden", "iwmo", {"RedenAfwijzingVerzoek": None}, {"CD085"}),
    ("afgewezen-zonder-reden-met-gemeente", "ijw", {"RedenAfwijzingVerzoek": None, **WPB}, {"CD085"}),
    ("in-onderzoek-met-reden", "ijw", {"VerzoekAntwoord": "2"}, {"CD086"}),
    ("wmo-in-onderzoek-met-reden", "iwmo", {"VerzoekAntwoord": "2", "RedenAfwijzingVerzoek": "5"}, {"CD086"}),
    ("in-onderzoek-reden-8", "ijw", {"VerzoekAntwoord": "2", "RedenAfwijzingVerzoek": "8"}, {"CD086", "TR377"}),
    ("in-onderzoek-reden-8-met-gemeente", "ijw", {"VerzoekAntwoord": "2", "RedenAfwijzingVerzoek": "8", **WPB}, {"CD086"}),
    ("in-onderzoek-reden-3-met-gemeente", "ijw", {"VerzoekAntwoord": "2", "RedenAfwijzingVerzoek": "3", **WPB}, {"CD086", "TR409"}),
]


def _message(standaard: str, edits: dict) -> bytes:
    data = build(standaard, "319", [{k: v for k, v in edits.items() if not k.startswith("Woonplaatsbeginsel")}])
    if any(k.startswith("Woonplaatsbeginsel") for k in edits):  # the fixture has none: add it after the reason
        data = data.replace(b"</m:Antwoord>", b"<m:Woonplaatsbeginsel><m:Gemeente>1916</m:Gemeente></m:Woonplaatsbeginsel></m:Antwoord>")
    return data


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


@pytest.mark.parametrize("standaard,edits,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_cases(standaard, edits, expected, validator):
    result = validator.validate_bytes(_message(standaard, edits))
    assert result.xsd_valid, result.findings
    assert {f.code for f in result.findings if f.niveau == 2} == expected


@pytest.mark.parametrize("standaard,edits", [c[1:3] for c in CASES], ids=[c[0] for c in CASES])
def test_agrees_with_the_xslt(standaard, edits, validator, reference):
    data = _message(standaard, edits)
    ours = sorted((f.code, f.locatie) for f in validator.validate_bytes(data).findings if f.niveau == 2)
    xslt = sorted((f.code, f.locaties[0] if f.locaties else None) for f in reference.xslt_fouten(data, standaard))
    assert ours == xslt


def test_published_samples_agree(validator, reference):
    for standaard in ("ijw", "iwmo"):
        for path in reference.samples(standaard, include_invalid=False):
            if path.stem.endswith("319"):
                data = path.read_bytes()
                ours = sorted((f.code, f.locatie) for f in validator.validate_bytes(data).findings if f.niveau == 2)
                assert ours == sorted((f.code, f.locaties[0]) for f in reference.xslt_fouten(data, standaard)), path.name


def test_a_rejected_319_gets_a_320_with_0001(validator):
    result = validator.validate_bytes(_message("ijw", {"RedenAfwijzingVerzoek": "8"}))
    root = etree.fromstring(retour_voor(result))
    assert [c.text for c in root.iter("{*}RetourCode")] == ["0001"]
    assert not SchemaSet().validate(root, get_release("ijw").message("320"))


def _sweep(standaard: str) -> list[tuple[str, bytes]]:
    """Every VerzoekAntwoord x RedenAfwijzingVerzoek (or none) x Woonplaatsbeginsel (iJw: with or without)."""
    out = []
    for antwoord in ("1", "2"):
        for reden in (None, *(str(i) for i in range(1, 10))):
            for wpb in ((False, True) if standaard == "ijw" else (False,)):
                edits = {"VerzoekAntwoord": antwoord, "RedenAfwijzingVerzoek": reden, **(WPB if wpb else {})}
                out.append((f"{standaard}-{antwoord}-{reden}-{'wpb' if wpb else 'geen'}", _message(standaard, edits)))
    return out


@pytest.mark.parametrize("standaard", ["ijw", "iwmo"])
def test_every_answer_and_reason_agrees_with_the_xslt(standaard, validator, reference):
    """The whole space of the four rules' inputs, compared finding by finding with the XSLT."""
    cases = _sweep(standaard)
    assert len(cases) == (40 if standaard == "ijw" else 20)
    seen: set[str] = set()
    for name, data in cases:
        result = validator.validate_bytes(data)
        assert result.xsd_valid, (name, result.findings)
        ours = sorted((f.code, f.locatie) for f in result.findings if f.niveau == 2)
        xslt = sorted((f.code, f.locaties[0] if f.locaties else None) for f in reference.xslt_fouten(data, standaard))
        assert ours == xslt, name
        seen |= {code for code, _ in xslt}
    assert seen == ({"CD085", "CD086", "TR377", "TR409"} if standaard == "ijw" else {"CD085", "CD086"})

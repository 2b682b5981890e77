"""Differential test: our XSDs give the same valid/invalid verdict as the published ones.

Inputs: every published sample (also samples/invalid/), and the mutants (tests/xsd_mutations.py) of
the valid samples of 301, 302, 305, 306, 307, 308, 315 and 316, of our own fixtures in fixtures/xsd/
(the only published iJw 315 is invalid; the others add the optional elements no sample shows) and of
full retours built from each heen input (most retour samples are header-only). A disagreement is
listed with the label of the mutant, which names the file, the element and the change.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest
from lxml import etree

from berichten.release import RELEASES, RETOUR_VAN, MessageType, Release
from tests.xsd_mutations import PARSER, Mutant, mutants, retour_from_heen
from berichten.validators.xsd import SchemaSet

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "xsd"
MUTATED = ("301", "302", "305", "306", "307", "308", "315", "316")
MIN_MUTANTS = 300  # per message type (the brief asks for 300 per standard)
STANDAARDEN = sorted({rel.standaard for rel in RELEASES.values()})


@lru_cache(maxsize=None)
def _ours() -> SchemaSet:
    return SchemaSet()


def _release(standaard: str) -> Release:
    return RELEASES[(standaard, "3.2")]


def message_of(path: Path, standaard: str) -> MessageType:
    """JW301.xml, WMO315.xml, jw315-geldig.xml -> the message type whose schema judges the file."""
    found = re.search(r"(?:jw|wmo)(\d{3})", path.name, re.IGNORECASE)
    assert found, path
    return _release(standaard).message(found.group(1))


def our_verdict(data: bytes, message: MessageType) -> bool:
    try:
        doc = etree.fromstring(data, PARSER)
    except etree.XMLSyntaxError:
        return False
    return _judge(_ours().schema(message), doc)


def _judge(schema: etree.XMLSchema, doc: etree._Element) -> bool:
    try:
        return bool(schema.validate(doc))
    except etree.XMLSchemaValidateError:
        return False


def _published_samples() -> list:
    from tests import reference

    if not reference.available():
        reason = f"reference material not found at {reference.REFERENCE_DIR} (set BERICHTEN_REFERENCE)"
        return [pytest.param("-", "-", marks=pytest.mark.skip(reason=reason))]
    return [(std, p.name) for std in STANDAARDEN for p in reference.samples(std)]


def mutation_bases(reference, standaard: str) -> list[Path]:
    """Valid published samples of the core messages, plus our own valid fixtures (the 315 among them)."""
    bases = [
        p for p in reference.samples(standaard, include_invalid=False) if message_of(p, standaard).nummer in MUTATED
    ]
    bases += sorted(FIXTURES.glob(f"{'jw' if standaard == 'ijw' else 'wmo'}3*.xml"))
    return bases


def mutation_inputs(reference, standaard: str) -> list[tuple[str, bytes, MessageType]]:
    """The bases, and for every heen base a full retour built from it (most retour samples are header-only)."""
    rel = _release(standaard)
    inputs = []
    for path in mutation_bases(reference, standaard):
        message = message_of(path, standaard)
        data = path.read_bytes()
        inputs.append((path.name, data, message))
        if message.nummer in RETOUR_VAN:
            retour = rel.message(RETOUR_VAN[message.nummer])
            built = retour_from_heen(
                data, nummer=retour.nummer, namespace=retour.namespace, berichtcode=retour.berichtcode
            )
            inputs.append((f"{path.name}->{retour.nummer}", built, retour))
    return inputs


def move_targets(rel: Release, message: MessageType) -> dict[str, str]:
    """Namespaces an element can wrongly be put in."""
    other = next(r for r in RELEASES.values() if r.standaard != rel.standaard)
    partner = {"301": "302", "302": "301", "305": "306", "306": "305", "307": "308", "308": "307",
               "315": "316", "316": "315"}[message.nummer]
    return {
        "basis": rel.basis_namespace,
        "msg": message.namespace,
        "other release": message.namespace.replace("/3_2/", "/3_1/"),
        "other standard": other.message(message.nummer).namespace,
        "partner message": rel.message(partner).namespace,
    }


@lru_cache(maxsize=None)
def message_mutants(standaard: str, nummer: str) -> list[Mutant]:
    """All mutants of the inputs of one message type; each path is mutated in the first input that has it."""
    from tests import reference

    rel = _release(standaard)
    codes = [m.berichtcode for r in RELEASES.values() for m in r.messages()]
    seen: set[str] = set()
    out = []
    for name, data, message in mutation_inputs(reference, standaard):
        if message.nummer == nummer:
            out += mutants(data, name, namespaces=move_targets(rel, message), berichtcodes=codes, seen=seen)
    return out


@pytest.mark.parametrize(("standaard", "sample"), _published_samples())
def test_published_sample_same_verdict(reference, standaard: str, sample: str) -> None:
    path = next(p for p in reference.samples(standaard) if p.name == sample)
    message = message_of(path, standaard)
    data = path.read_bytes()
    published = reference.published_xsd_verdict(data, standaard, message.schema_file)
    assert our_verdict(data, message) == published, f"{standaard}/{sample}: published says {published}"


@pytest.mark.parametrize("standaard", STANDAARDEN)
def test_mutation_inputs_are_valid_for_both(reference, standaard: str) -> None:
    """Fixtures and built retours start valid, so each mutant differs from a valid message by one change."""
    inputs = mutation_inputs(reference, standaard)
    assert any("315" in name and name.endswith(".xml") for name, _, _ in inputs)
    for name, data, message in inputs:
        assert reference.published_xsd_verdict(data, standaard, message.schema_file), name
        assert our_verdict(data, message), name


def _word(valid: bool) -> str:
    return "valid" if valid else "invalid"


def unreached_simple_types(message: MessageType, reached_paths: set[str]) -> dict[str, list[str]]:
    """Simple types of a message that no mutant changes (type chain -> the element paths using it)."""
    from tests.test_xsd_structure import describe_message

    rel = _release(message.standaard)
    declared: dict[str, set[str]] = {}
    for line in describe_message(_ours().schema_path(message), rel, message):
        if " simple " in line:
            path, rest = line.split(" ", 1)
            type_chain = rest.split(" simple ", 1)[1]
            local = "/" + "/".join(re.sub(r"#\d+$", "", part).split(":")[-1] for part in path.strip("/").split("/"))
            declared.setdefault(type_chain, set()).add(local)
    assert len(declared) > 10
    return {chain: sorted(paths) for chain, paths in declared.items() if not paths & reached_paths}


@pytest.mark.parametrize(("standaard", "nummer"), [(s, n) for s in STANDAARDEN for n in MUTATED])
def test_mutants_same_verdict(reference, standaard: str, nummer: str) -> None:
    message = _release(standaard).message(nummer)
    batch = message_mutants(standaard, nummer)
    disagreements = []
    valid = 0
    published_schema = reference.published_schema(standaard, message.schema_file)
    for mutant in batch:
        # parsed once, judged by both (the way published_xsd_verdict does it); mutants are well-formed
        doc = etree.fromstring(mutant.data, PARSER)
        published = _judge(published_schema, doc)
        ours = _judge(_ours().schema(message), doc)
        valid += published
        if ours != published:
            verdicts = f"published={_word(published)} ours={_word(ours)}"
            disagreements.append(f"{verdicts} | {mutant.label}")
    print(f"\n{message.key}: {len(batch)} mutants, {valid} valid per the published XSD, "
          f"{len(disagreements)} disagreements")
    assert not disagreements, f"{len(disagreements)} disagreements:\n" + "\n".join(disagreements[:60])
    assert len(batch) >= MIN_MUTANTS
    # a generator that only produces rejects (or only accepts) would prove nothing
    assert 0.05 * len(batch) < valid < 0.9 * len(batch)
    missing = unreached_simple_types(message, {mutant.path for mutant in batch})
    assert not missing, "simple types no mutant reaches:\n" + "\n".join(f"{p}: {c}" for c, p in missing.items())


# Our schemas on their own, so they stay tested where the published material is absent. Each row:
# fixture, element (first with that local name), new text (None = unchanged), expected verdict.
OWN_CASES = [
    ("jw315-geldig.xml", None, None, True),
    ("wmo315-geldig.xml", None, None, True),
    ("jw301-wijziging-budget.xml", None, None, True),
    ("wmo301-wijziging-budget.xml", None, None, True),
    ("jw315-geldig.xml", "Bsn", "99999001", False),
    ("jw315-geldig.xml", "Bsn", "9999900190", False),
    ("jw315-geldig.xml", "ToewijzingEinddatum", "2027-06-31", False),
    ("jw315-geldig.xml", "ToewijzingEinddatum", "2027-06-30Z", False),
    ("jw315-geldig.xml", "ToewijzingEinddatum", " 2027-06-30 ", True),
    ("jw315-geldig.xml", "Categorie", "02", False),
    ("wmo315-geldig.xml", "Categorie", "02", True),
    ("wmo315-geldig.xml", "Categorie", "45", False),
    ("jw315-geldig.xml", "BerichtCode", "444", False),
    ("wmo315-geldig.xml", "BerichtCode", "444", True),
    ("jw315-geldig.xml", "GezagsdragerBekend", "3", False),
    ("jw315-geldig.xml", "Volume", "100000000", False),
    ("jw315-geldig.xml", "Volume", "099999999", True),
    ("jw315-geldig.xml", "ReferentieAanbieder", "a" * 36, True),
    ("jw315-geldig.xml", "ReferentieAanbieder", "a" * 37, False),
    ("jw315-geldig.xml", "ReferentieAanbieder", "   ", False),
    ("jw315-geldig.xml", "Voorletters", "A.", False),
    ("jw301-wijziging-budget.xml", "RedenWijziging", "4", False),
    ("jw301-wijziging-budget.xml", "RedenWijziging", "14", True),
    ("jw301-wijziging-budget.xml", "Toewijzingstijd", "09:15:00+01:00", False),
    ("jw301-wijziging-budget.xml", "LandCode", "nl", False),
    ("jw301-wijziging-budget.xml", "BasisschemaXsdVersie", "1.0", False),
]


@pytest.mark.parametrize(("fixture", "local", "text", "expected"), OWN_CASES)
def test_own_schemas_on_fixtures(fixture: str, local: str | None, text: str | None, expected: bool) -> None:
    path = FIXTURES / fixture
    standaard = "ijw" if fixture.startswith("jw") else "iwmo"
    root = etree.fromstring(path.read_bytes(), PARSER)
    if local is not None:
        target = next(e for e in root.iter(etree.Element) if etree.QName(e).localname == local)
        target.text = text
    assert our_verdict(etree.tostring(root), message_of(path, standaard)) is expected


def test_iwmo_315_has_no_gezagsdragerbekend() -> None:
    """The one structural difference of the 315 between the standards: iJw only."""
    root = etree.fromstring((FIXTURES / "wmo315-geldig.xml").read_bytes(), PARSER)
    naam = next(e for e in root.iter(etree.Element) if etree.QName(e).localname == "Naam")
    extra = etree.Element(etree.QName(etree.QName(naam.getparent()).namespace, "GezagsdragerBekend").text)
    extra.text = "1"
    naam.addnext(extra)
    assert not our_verdict(etree.tostring(root), _release("iwmo").message("315"))

"""Our 323/325 rules against the official rule XSLT, message by message.

Runs the published XSLT (tests.reference.xslt_fouten) and our engine over the published 323 and
325 samples, our valid fixtures and a few hundred seeded mutations per standard and message
(tests/rule_mutations_323_325.py). Only XSD-valid mutations count. Per message the multiset of
(code, first Locatie) must be equal, except for the codes of an expected deviation that applies
(EXPECTED_DEVIATIONS, written up in docs/afwijkingen.md, part "323/325"). Run with ``-s`` for
the summary.
"""

from __future__ import annotations

from collections import Counter

import pytest
from lxml import etree

import berichten.validators.rules  # noqa: F401  (registers the rules)
from berichten.release import get_release
from tests.conftest import FIXTURES
from tests.rule_mutations_323_325 import Mutation, mutations
from tests.xmledit import local
from tests.xslt_differential import (
    compare_registered, published_xsd_valid, registered_level2,
    STANDARDS, Deviation, Run, assert_agreement, differing_codes, padded_date,
)

BERICHTEN = ("323", "325")
PER_OPERATOR = 6

# Generic element-name templates of the XSLT, owned by common.py (of these only CS002 finds a Bsn in 323/325).
GENERIC = frozenset({"CS002", "CS139", "TR002", "CD005", "CD007", "CD025", "CS050", "CS089"})
CODES = {
    "323": frozenset({"CD060", "CD087", "CS100", "CS325", "CS337", "CS339", "CS340", "TR101", "TR134", "TR137",
                      "TR315", "TR316", "TR319", "TR335", "TR358", "TR416"}),
    "325": frozenset({"CD060", "CS325", "TR101", "TR134", "TR137", "TR342"}),
}


def _bedrag_als_tekst(root: etree._Element) -> bool:
    """An amount written with a leading zero or a plus sign (one xs:integer, another text)."""
    return any(
        local(el) in ("Bedrag", "TotaalBedrag") and el.text and el.text.strip() != str(int(el.text))
        for el in root.iter(etree.Element)
    )


def _nummer_als_tekst(root: etree._Element) -> bool:
    nummers = [el.text for el in root.iter(etree.Element) if local(el) == "ToewijzingNummer"]
    return len({int(n) for n in nummers}) < len(set(nummers))


def _referentie_spaties(root: etree._Element) -> bool:
    return any(
        local(el) in ("ReferentieNummer", "VorigReferentieNummer") and el.text and el.text != el.text.strip()
        for el in root.iter(etree.Element)
    )


EXPECTED_DEVIATIONS = {
    "datum-spaties": Deviation(
        "a date with surrounding whitespace is XSD-valid; the XSLT cuts or compares the text, we compare dates",
        frozenset({"CS337", "CS340", "TR134", "TR137", "TR319", "TR416"}),
        padded_date({"Dagtekening", "Begindatum", "Einddatum", "DeclaratieDagtekening"})),
    "bedrag-als-getal": Deviation(
        "amounts are xs:integer eurocents: 079000, +79000 and 79000 are one amount; the XSLT compares "
        "TR358's total as text and reads +n as no number (TR358, TR342, CS325, CS339)",
        frozenset({"TR358", "TR342", "CS325", "CS339"}), _bedrag_als_tekst),
    "nummer-als-getal": Deviation(
        "ToewijzingNummer is an xs:integer: 0400101 and 400101 are one key for TR416",
        frozenset({"TR416"}), _nummer_als_tekst),
    "referentie-spaties": Deviation(
        "TR315/TR316: the XSLT trims the later reference but not the earlier one; we compare both as "
        "written (xs:string), like TR101",
        frozenset({"TR315", "TR316"}), _referentie_spaties),
}


def _bases(reference, standaard: str, bericht: str) -> dict[str, bytes]:
    pre = STANDARDS[standaard]
    bases = {"fixture": (FIXTURES / "regels" / f"{pre.lower()}{bericht}-geldig.xml").read_bytes()}
    sample = reference.REFERENCE_DIR / f"{standaard}-3.2" / "samples" / f"{pre}{bericht}.xml"
    if sample.is_file():
        bases["sample"] = sample.read_bytes()
    return bases


@pytest.fixture(scope="module")
def runs(reference) -> dict[str, Run]:
    out: dict[str, Run] = {}
    for standaard in STANDARDS:
        for bericht in BERICHTEN:
            muts = list(mutations(_bases(reference, standaard, bericht), standaard, bericht, PER_OPERATOR))
            valid = [m for m in muts if published_xsd_valid(reference, m)]
            out[f"{standaard}/{bericht}"] = Run(len(muts), [compare_registered(reference, m, EXPECTED_DEVIATIONS, GENERIC) for m in valid])
    return out


def test_registered_codes_are_the_xslt_codes():
    for standaard in STANDARDS:
        for bericht in BERICHTEN:
            # The generic codes (e.g. CS002 on every Bsn) are common.py's, registered there or not.
            assert registered_level2(get_release(standaard).message(bericht)) - GENERIC == CODES[bericht], (standaard, bericht)


def test_published_samples_and_fixtures_agree(reference):
    checked = 0
    for standaard in STANDARDS:
        for bericht in BERICHTEN:
            for name, data in _bases(reference, standaard, bericht).items():
                m = Mutation(name, "geldig", standaard, bericht, name, data)
                assert published_xsd_valid(reference, m), (standaard, bericht, name)
                outcome = compare_registered(reference, m, EXPECTED_DEVIATIONS, GENERIC)
                assert outcome.exact, (standaard, bericht, name, outcome.ours, outcome.xslt)
                checked += 1
    assert checked == 8


def test_published_jw323_sample_has_one_duplicate_prestatie(reference):
    data = (reference.REFERENCE_DIR / "ijw-3.2" / "samples" / "JW323.xml").read_bytes()
    outcome = compare_registered(reference, Mutation("sample", "TR101", "ijw", "323", "sample", data), EXPECTED_DEVIATIONS, GENERIC)
    assert outcome.ours == [("TR101", "/Bericht/Declaratie/Clienten/Client[2]/Prestaties/Prestatie[2]")]


@pytest.mark.parametrize("bericht", BERICHTEN)
@pytest.mark.parametrize("standaard", sorted(STANDARDS))
def test_enough_xsd_valid_mutations(runs, standaard, bericht):
    run = runs[f"{standaard}/{bericht}"]
    assert len(run.outcomes) >= 200
    assert len(run.outcomes) >= 0.9 * run.generated


@pytest.mark.parametrize("bericht", BERICHTEN)
@pytest.mark.parametrize("standaard", sorted(STANDARDS))
def test_every_code_is_exercised_twice(runs, standaard, bericht):
    outcomes = runs[f"{standaard}/{bericht}"].outcomes
    seen = Counter(code for o in outcomes for code in {c for c, _ in o.xslt})
    assert set(seen) - GENERIC == CODES[bericht]
    assert min(n for code, n in seen.items() if code in CODES[bericht]) >= 2, seen
    assert sum(1 for o in outcomes if not o.xslt) >= 20  # valid variants too


@pytest.mark.parametrize("bericht", BERICHTEN)
@pytest.mark.parametrize("standaard", sorted(STANDARDS))
def test_mutations_agree_with_xslt(runs, standaard, bericht):
    run = runs[f"{standaard}/{bericht}"]
    plain = [o for o in run.outcomes if not o.deviations]
    exact = sum(o.exact for o in plain)
    print(f"\n[{standaard}/{bericht}] without an applying deviation: {exact} of {len(plain)} identical "
          f"({100 * exact / len(plain):.1f}%)")
    assert exact == len(plain)
    assert_agreement(f"{standaard}/{bericht}", run)


@pytest.mark.parametrize("name", sorted(EXPECTED_DEVIATIONS))
def test_expected_deviations_are_real(runs, name):
    """Each listed deviation changes a verdict at least once, and only in its own codes."""
    hits = [o for run in runs.values() for o in run.outcomes if name in o.deviations and not o.exact]
    assert hits, f"deviation {name} never changes a verdict"
    for o in hits:
        assert differing_codes(o) <= o.skip, (o.mutation.name, differing_codes(o))

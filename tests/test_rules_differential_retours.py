"""The generic rules on every message that has their elements, retours first, against the official XSLT.

A retour that arrives with an invalid Bsn is still a message to judge: the XSLT's generic templates
match by element name and fire on 302-325 as on 301. Bases per message: the published sample (the
JW318 sample is XSD-invalid, so the WMO318 sample rewritten as a JW318 stands in), and for 302, 306,
308, 316 and 320 a full retour built by ``validators.retour`` from our heen fixtures plus the retour
fixtures. ``tests/rule_mutations_generic.py`` seeds mutations aimed at each generic rule. Per message
the multiset of (code, first Locatie) of ours and of the XSLT must be equal; codes the XSLT can raise
on a message that we do not register yet are left out here (tests/test_rule_coverage.py reports them).
Run with ``-s`` for the summary.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

import berichten.validators.rules  # noqa: F401  (registers the rules)
from berichten.findings import Finding
from berichten.release import MessageType, get_release
from berichten.store.testing import build
from tests import xslt_coverage as cov
from tests.conftest import FIXTURES
from tests.rule_mutations_generic import Mutation, mutations
from tests.xslt_differential import (
    STANDARDS, Deviation, Outcome, Run, assert_agreement, compare, differing_codes, padded_date,
)
from berichten.validators.pipeline import Validator
from berichten.validators.retour import retour_voor

BERICHTEN = ("302", "306", "308", "316", "318", "320", "317", "323", "325")
HEEN = {"302": "301", "306": "305", "308": "307", "316": "315"}
GENERIC = frozenset({"CS002", "CS139", "TR002", "CD005", "CD007", "CD025", "CS050", "CS089"})
PER_OPERATOR = 3
BSN_ONLY = ("317", "318", "323", "325")  # of the generic rules only CS002 applies: more seeds

# Where we knowingly give another verdict than the XSLT: the generic rules' deviation for dates with
# whitespace (docs/afwijkingen.md, part 1, deviation 1) holds on the retours as on the 301.
EXPECTED_DEVIATIONS = {
    "datum-spaties": Deviation(
        "a date with surrounding whitespace is XSD-valid; the XSLT cuts or compares the text, we compare dates",
        frozenset({"TR002", "CS139"}), padded_date({"Dagtekening", "Datum"})),
}


def _message(standaard: str, bericht: str) -> MessageType:
    return get_release(standaard).message(bericht)


def _full_retour(heen: bytes) -> bytes:
    """A retour with the whole body: a level-3 finding on the Client (or Antwoord) puts it in."""
    result = Validator().validate_bytes(heen)
    body = "/Bericht/Antwoord" if result.message.nummer == "319" else "/Bericht/Client"
    data = retour_voor(result, findings=[Finding("TR056", 3, "error", "test", "9056", body)],
                       dagtekening_retour=date(2026, 7, 1))
    assert data is not None
    return data


def _wmo318_as_ijw(data: bytes) -> bytes:
    text = data.decode().replace("/iwmo/3_2/wmo318/", "/ijw/3_2/jw318/").replace("/iwmo/3_2/basisschema/", "/ijw/3_2/basisschema/")
    text = text.replace(">481</", ">487</").replace("wmo318:", "jw318:").replace("xmlns:wmo318=", "xmlns:jw318=")
    return text.replace("<iwmo:Categorie>01</", "<iwmo:Categorie>45</").replace("iwmo:", "ijw:").replace("xmlns:iwmo=", "xmlns:ijw=").encode()


def _bases(reference, standaard: str, bericht: str) -> dict[str, bytes]:
    pre = STANDARDS[standaard]
    bases: dict[str, bytes] = {}
    sample = reference.REFERENCE_DIR / f"{standaard}-3.2" / "samples" / f"{pre}{bericht}.xml"
    if sample.is_file():
        bases["sample"] = sample.read_bytes()
    elif (standaard, bericht) == ("ijw", "318"):  # samples/invalid/JW318.xml fails its own XSD
        bases["wmo-sample-als-ijw"] = _wmo318_as_ijw((reference.REFERENCE_DIR / "iwmo-3.2" / "samples" / "WMO318.xml").read_bytes())
    if bericht in HEEN:
        bases["retour-van-fixture"] = _full_retour((FIXTURES / "regels" / f"{pre.lower()}{HEEN[bericht]}-geldig.xml").read_bytes())
    if bericht == "320":
        bases["retour-van-319"] = _full_retour(build(standaard, "319"))
    fixture = FIXTURES / "regels" / f"{pre.lower()}{bericht}-geldig.xml"
    if bericht not in HEEN and fixture.is_file():  # a valid 317/323/325 of the rules' own tests
        bases["fixture"] = fixture.read_bytes()
    for path in sorted((FIXTURES / "retour").glob(f"{pre.lower()}*.{bericht}.xml")):
        bases[path.stem] = path.read_bytes()
    return bases


def _leave_out(message: MessageType) -> frozenset[str]:
    """XSLT codes on this message that no rule of ours covers yet (the coverage test lists them)."""
    return cov.xslt_codes(message.standaard, message.nummer) - cov.registered_codes(message)


def _xsd_valid(reference, m: Mutation) -> bool:
    return reference.published_xsd_verdict(m.data, m.standaard, f"{STANDARDS[m.standaard]}{m.bericht}.xsd")


def _compare(reference, m: Mutation) -> Outcome:
    return compare(reference, m, EXPECTED_DEVIATIONS, leave_out=_leave_out(_message(m.standaard, m.bericht)))


@pytest.fixture(scope="module")
def runs(reference) -> dict[str, Run]:
    out: dict[str, Run] = {}
    for standaard in STANDARDS:
        for bericht in BERICHTEN:
            message = _message(standaard, bericht)
            per_operator = 4 * PER_OPERATOR if bericht in BSN_ONLY else PER_OPERATOR
            muts = list(mutations(_bases(reference, standaard, bericht), message, per_operator))
            valid = [m for m in muts if _xsd_valid(reference, m)]
            out[f"{standaard}/{bericht}"] = Run(len(muts), [_compare(reference, m) for m in valid])
    return out


@pytest.mark.parametrize("bericht", BERICHTEN)
@pytest.mark.parametrize("standaard", sorted(STANDARDS))
def test_bases_are_valid_and_agree(reference, standaard, bericht):
    bases = _bases(reference, standaard, bericht)
    assert bases
    for name, data in bases.items():
        m = Mutation(name, "geldig", standaard, bericht, name, data)
        assert _xsd_valid(reference, m), (standaard, bericht, name)
        outcome = _compare(reference, m)
        assert outcome.exact, (standaard, bericht, name, outcome.ours, outcome.xslt)


@pytest.mark.parametrize("bericht", BERICHTEN)
@pytest.mark.parametrize("standaard", sorted(STANDARDS))
def test_every_generic_code_of_the_message_is_exercised(runs, standaard, bericht):
    """Each generic code the XSLT can raise on this message is hit at least twice, and variants without
    a generic finding exist (a published sample may carry message-specific findings of its own)."""
    outcomes = runs[f"{standaard}/{bericht}"].outcomes
    seen = Counter(code for o in outcomes for code in {c for c, _ in o.xslt})
    wanted = GENERIC & cov.xslt_codes(standaard, bericht)
    assert {c for c in wanted if seen[c] < 2} == set(), seen
    if bericht != "320":
        assert sum(1 for o in outcomes if not GENERIC & {c for c, _ in o.xslt}) >= 5


@pytest.mark.parametrize("standaard", sorted(STANDARDS))
def test_enough_xsd_valid_mutations(runs, standaard):
    total = sum(len(runs[f"{standaard}/{b}"].outcomes) for b in BERICHTEN)
    assert total >= 250


@pytest.mark.parametrize("bericht", BERICHTEN)
@pytest.mark.parametrize("standaard", sorted(STANDARDS))
def test_mutations_agree_with_xslt(runs, standaard, bericht):
    run = runs[f"{standaard}/{bericht}"]
    if not run.outcomes:  # the 320 has none of the generic elements: nothing to mutate
        assert bericht == "320"
        return
    assert_agreement(f"{standaard}/{bericht}", run)


def test_the_derivation_holds_on_every_mutation(runs):
    """No XSLT finding on any mutation lies outside the codes tests/xslt_coverage.py derives."""
    beyond = {
        (o.mutation.standaard, o.mutation.bericht, code)
        for run in runs.values() for o in run.outcomes for code, _ in o.xslt
        if code not in cov.xslt_codes(o.mutation.standaard, o.mutation.bericht)
    }
    assert not beyond


@pytest.mark.parametrize("name", sorted(EXPECTED_DEVIATIONS))
def test_expected_deviations_are_real(runs, name):
    """Each listed deviation changes a verdict at least once, and only in its own codes."""
    hits = [o for run in runs.values() for o in run.outcomes if name in o.deviations and not o.exact]
    assert hits, f"deviation {name} never changes a verdict"
    for o in hits:
        assert differing_codes(o) <= o.skip, (o.mutation.name, differing_codes(o))

"""Our 317 rules against the official rule XSLT, message by message.

Runs the published XSLT (tests.reference.xslt_fouten) and our engine over the published JW317 and
WMO317 samples, our valid fixtures and a few hundred seeded mutations per standard
(tests/rule_mutations_317.py). Only XSD-valid mutations count. Per message the multiset of
(code, first Locatie) must be equal, except for the codes of an expected deviation that applies
(EXPECTED_DEVIATIONS, written up in docs/afwijkingen.md, section 317). Run with ``-s`` for the summary.
"""

from __future__ import annotations

from collections import Counter

import pytest

import berichten.validators.rules  # noqa: F401  (registers the rules)
from berichten.release import get_release
from tests.conftest import FIXTURES
from tests.rule_mutations_317 import Mutation, mutations
from tests.xslt_differential import (
    compare_registered, published_xsd_valid, registered_level2,
    STANDARDS, Deviation, Run, assert_agreement, differing_codes, padded_date,
    same_number_other_text,
)

PER_OPERATOR = 6

# Generic element-name rules are registered per message in common.py; until then they are left out.
GENERIC = frozenset({"CS002", "CS139", "TR002", "CD005", "CD007", "CD025", "CS050", "CS089"})
CODES = frozenset({"CD041", "CD075", "CD076", "CD077", "CD078", "CD079", "CD096", "CS002", "CS003", "CS338",
                   "TR101", "TR352", "TR353", "TR380", "TR410"})

# Where we knowingly give another verdict than the XSLT (docs/afwijkingen.md, section 317).
EXPECTED_DEVIATIONS = {
    "datum-spaties": Deviation(
        "a date with surrounding whitespace is XSD-valid; the XSLT cuts the Einddatum to 10 characters "
        "(CS003) and compares GewensteIngangsdatum as text (TR101), we compare dates",
        frozenset({"CS003", "TR101"}),
        padded_date({"Dagtekening", "GewensteIngangsdatum", "Einddatum"})),
    "nummer-als-getal": Deviation(
        "ToewijzingNummer is an xs:integer: 0400101 and 400101 are one key for TR101",
        frozenset({"TR101"}), same_number_other_text),
}


def _bases(reference, standaard: str) -> dict[str, bytes]:
    pre = STANDARDS[standaard]
    return {
        "fixture": (FIXTURES / "regels" / f"{pre.lower()}317-geldig.xml").read_bytes(),
        "sample": (reference.REFERENCE_DIR / f"{standaard}-3.2" / "samples" / f"{pre}317.xml").read_bytes(),
    }


@pytest.fixture(scope="module")
def runs(reference) -> dict[str, Run]:
    out: dict[str, Run] = {}
    for standaard in STANDARDS:
        muts = list(mutations(_bases(reference, standaard), standaard, PER_OPERATOR))
        valid = [m for m in muts if published_xsd_valid(reference, m)]
        out[standaard] = Run(len(muts), [compare_registered(reference, m, EXPECTED_DEVIATIONS, GENERIC) for m in valid])
    return out


@pytest.mark.parametrize("standaard", sorted(STANDARDS))
def test_registered_codes_are_the_xslt_codes(standaard):
    """The codes the XSLT can raise on a 317, no more (generic ones once common.py registers them)."""
    registered = registered_level2(get_release(standaard).message("317"))
    assert CODES - GENERIC <= registered <= CODES


def test_published_samples_and_fixtures(reference):
    """The fixtures pass; the samples fail exactly as the XSLT says (JW317 CS003, WMO317 TR380)."""
    expected = {("ijw", "sample"): {"CS003"}, ("iwmo", "sample"): {"TR380"}}
    for standaard in STANDARDS:
        for name, data in _bases(reference, standaard).items():
            m = Mutation(name, "geldig", standaard, "317", name, data)
            assert published_xsd_valid(reference, m), (standaard, name)
            outcome = compare_registered(reference, m, EXPECTED_DEVIATIONS, GENERIC)
            assert outcome.exact, (standaard, name, outcome.ours, outcome.xslt)
            assert {c for c, _ in outcome.xslt} == expected.get((standaard, name), set())


@pytest.mark.parametrize("standaard", sorted(STANDARDS))
def test_enough_xsd_valid_mutations(runs, standaard):
    run = runs[standaard]
    assert len(run.outcomes) >= 300
    assert len(run.outcomes) >= 0.9 * run.generated


@pytest.mark.parametrize("standaard", sorted(STANDARDS))
def test_every_code_is_exercised_twice(runs, standaard):
    outcomes = runs[standaard].outcomes
    seen = Counter(code for o in outcomes for code in {c for c, _ in o.xslt})
    assert set(seen) == CODES
    assert min(seen.values()) >= 2, seen
    assert sum(1 for o in outcomes if not o.xslt) >= 20  # valid variants too


@pytest.mark.parametrize("standaard", sorted(STANDARDS))
def test_mutations_agree_with_xslt(runs, standaard):
    assert_agreement(f"{standaard}/317", runs[standaard])


@pytest.mark.parametrize("name", sorted(EXPECTED_DEVIATIONS))
def test_expected_deviations_are_real(runs, name):
    """Each listed deviation changes a verdict at least once, and only in its own codes."""
    hits = [o for run in runs.values() for o in run.outcomes if name in o.deviations and not o.exact]
    assert hits, f"deviation {name} never changes a verdict"
    for o in hits:
        assert differing_codes(o) <= o.skip, (o.mutation.name, differing_codes(o))

"""Our 301 rules against the official rule XSLT, message by message.

Runs the published XSLT (tests.reference.xslt_fouten) and our engine over the published 301 and
retour samples and over a few hundred seeded mutations per standard (tests/rule_mutations_301.py).
Only XSD-valid mutations count. Per message the multiset of (code, first Locatie) must be equal,
except for the codes named by an expected deviation that applies to that message
(EXPECTED_DEVIATIONS, explained in docs/afwijkingen.md). Run with ``-s`` to see the summary.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

import berichten.validators.rules  # noqa: F401  (registers the rules)
from tests.conftest import FIXTURES
from tests.rule_mutations_301 import TEXT_VARIANTS, Mutation, mutations_301, mutations_retour, to_other_standard
from tests.xmledit import PARSER, local
from tests.xslt_differential import (
    STANDARDS, Deviation, Outcome, Run, assert_agreement, compare, differing_codes, message_of, padded_date,
    same_number_other_text,
)

RETOUREN = ("302", "306", "308", "316")

CODES_301 = {
    "ijw": set("CD005 CD007 CD009 CD025 CD034 CD041 CD075 CD076 CD077 CD078 CD079 CD080 CS002 CS003 CS050 "
               "CS089 CS139 CS318 CS335 CS336 CS338 TR002 TR006 TR061 TR101 TR134 TR302".split()),
}
CODES_301["iwmo"] = CODES_301["ijw"] - {"CS318"}


def _13_zonder_einddatum(root: etree._Element) -> bool:
    for tp in root.iter():
        if local(tp) == "ToegewezenProduct":
            kids = {local(c): c for c in tp}
            if "RedenWijziging" in kids and kids["RedenWijziging"].text == "13" and "Einddatum" not in kids:
                return True
    return False


def _periode_zonder_begin(root: etree._Element) -> bool:
    for per in root.iter():
        if local(per) == "Periode":
            names = {local(c) for c in per}
            if "Einddatum" in names and "Begindatum" not in names:
                return True
    return False


def _iwmo_client_naamgebruik_6(root: etree._Element) -> bool:
    if "/iwmo/" not in (etree.QName(root).namespace or ""):
        return False
    for client in root:
        if local(client) == "Client":
            for naam in client:
                if local(naam) == "Naam":
                    return any(local(c) == "NaamGebruik" and (c.text or "").strip() == "6" for c in naam)
    return False


# Where we knowingly give another verdict than the XSLT (docs/afwijkingen.md has the examples).
EXPECTED_DEVIATIONS = {
    "datum-spaties": Deviation(
        "a date with surrounding spaces is XSD-valid; the XSLT cuts or compares the raw text",
        frozenset({"TR002", "TR134", "CS003", "CS139", "CS335", "TR302"}),
        padded_date({"Dagtekening", "Datum", "Ingangsdatum", "Einddatum", "Toewijzingsdatum", "Begindatum"})),
    "nummer-als-getal": Deviation(
        "ToewijzingNummer is an xs:integer: 0300201 and 300201 are the same number (TR101)",
        frozenset({"TR101"}), same_number_other_text),
    "13-zonder-einddatum": Deviation(
        "RedenWijziging 13 needs Einddatum = Ingangsdatum; without Einddatum the XSLT stays silent",
        frozenset({"CS335"}), _13_zonder_einddatum),
    "cs318-iwmo": Deviation(
        "CS318 is listed for WMO301 in the iWmo conditions ('bericht (niet in xslt)'); the iWmo "
        "XSLT has no template for it, we check it in both standards",
        frozenset({"CS318"}), _iwmo_client_naamgebruik_6),
    "periode-zonder-begindatum": Deviation(
        "CS003 compares an Einddatum with the Begindatum 'where applicable'; the XSLT fails a "
        "Periode that has no Begindatum at all",
        frozenset({"CS003"}), _periode_zonder_begin),
}


def _compare(reference, mutation: Mutation) -> Outcome:
    return compare(reference, mutation, EXPECTED_DEVIATIONS)


def _xsd_valid(reference, m: Mutation) -> bool:
    root = etree.fromstring(m.data, PARSER)
    return reference.published_xsd_verdict(m.data, m.standaard, message_of(root).schema_file)


def _bases_301(reference, standaard: str) -> dict[str, bytes]:
    pre = STANDARDS[standaard]
    return {
        "fixture": (FIXTURES / "regels" / f"{pre.lower()}301-geldig.xml").read_bytes(),
        "sample": (reference.REFERENCE_DIR / f"{standaard}-3.2" / "samples" / f"{pre}301.xml").read_bytes(),
    }


def _retour_bases(reference, standaard: str) -> dict[str, bytes]:
    """Retours that carry a Client: the iWmo 302 sample and the iJw 316 sample, each also rewritten
    into the other standard (the other published 302/316 are header-only)."""
    w302 = (reference.REFERENCE_DIR / "iwmo-3.2" / "samples" / "WMO302.xml").read_bytes()
    j316 = (reference.REFERENCE_DIR / "ijw-3.2" / "samples" / "JW316.xml").read_bytes()
    if standaard == "iwmo":
        return {"302": w302, "316": to_other_standard(j316, "iwmo")}
    return {"302": to_other_standard(w302, "ijw"), "316": j316}


@pytest.fixture(scope="module")
def runs(reference) -> dict[str, Run]:
    """Per standard: the 301 mutations, and separately the retour mutations ('<std>-retour')."""
    out: dict[str, Run] = {}
    for standaard in STANDARDS:
        for key, muts in (
            (standaard, list(mutations_301(_bases_301(reference, standaard), standaard))),
            (f"{standaard}-retour", list(mutations_retour(_retour_bases(reference, standaard), standaard))),
        ):
            valid = [m for m in muts if _xsd_valid(reference, m)]
            out[key] = Run(len(muts), [_compare(reference, m) for m in valid])
    return out


def _samples(reference) -> list[tuple[str, Path]]:
    wanted = ("301",) + RETOUREN
    return [
        (standaard, path)
        for standaard in STANDARDS
        for path in reference.samples(standaard, include_invalid=False)
        if path.stem[-3:] in wanted
    ]


def test_published_301_and_retour_samples_agree(reference):
    checked = 0
    for standaard, path in _samples(reference):
        data = path.read_bytes()
        m = Mutation(path.name, "sample", standaard, path.name, data)
        assert _xsd_valid(reference, m), path.name
        outcome = _compare(reference, m)
        assert outcome.exact, (path.name, outcome.ours, outcome.xslt)
        checked += 1
    assert checked == 10  # 301, 302, 306, 308, 316 for both standards


def test_xsd_check_is_not_vacuous(reference):
    data = (FIXTURES / "regels" / "jw301-geldig.xml").read_bytes()
    broken = data.replace(b"<jw301:Bsn>999990019<", b"<jw301:Bsn>99999001<")
    assert _xsd_valid(reference, Mutation("ok", "", "ijw", "", data))
    assert not _xsd_valid(reference, Mutation("kapot", "", "ijw", "", broken))


@pytest.mark.parametrize("standaard", sorted(STANDARDS))
def test_enough_xsd_valid_mutations(runs, standaard):
    run = runs[standaard]
    assert len(run.outcomes) >= 300
    assert len(run.outcomes) >= 0.8 * run.generated


@pytest.mark.parametrize("standaard", sorted(STANDARDS))
def test_every_301_code_is_exercised_twice(runs, standaard):
    seen = Counter(code for o in runs[standaard].outcomes for code in {c for c, _ in o.xslt})
    assert set(seen) == CODES_301[standaard]
    assert min(seen.values()) >= 2, seen
    assert sum(1 for o in runs[standaard].outcomes if not o.xslt) >= 20  # valid variants too


@pytest.mark.parametrize("standaard", sorted(STANDARDS))
def test_generic_codes_are_exercised_on_retours(runs, standaard):
    by_message = {"302": Counter(), "316": Counter()}
    for o in runs[f"{standaard}-retour"].outcomes:
        by_message[o.mutation.base].update({c for c, _ in o.xslt})
    assert set(by_message["302"]) == {"CD005", "CD007", "CD025", "CS002", "CS050", "CS089", "CS139", "TR002"}
    assert set(by_message["316"]) == {"CS002", "CS139", "TR002"}


@pytest.mark.parametrize("standaard", sorted(STANDARDS))
def test_valid_variants_are_covered(runs, standaard):
    """Other prefixes, default namespace, reordered declarations, LF/CRLF, comments, many products."""
    names = Counter(part.split("#")[0] for o in runs[standaard].outcomes for part in o.mutation.name.split("+"))
    for variant in [*TEXT_VARIANTS, "geldig-commentaar", "geldig-veel-producten"]:
        assert names[variant] >= 5, (variant, names[variant])
    quiet = [o for o in runs[standaard].outcomes if o.mutation.target == "geldig"]
    assert len(quiet) >= 40 and all(not o.xslt and not o.ours for o in quiet)


@pytest.mark.parametrize("key", ["ijw", "iwmo", "ijw-retour", "iwmo-retour"])
def test_mutations_agree_with_xslt(runs, key):
    assert_agreement(key, runs[key])


@pytest.mark.parametrize("name", sorted(EXPECTED_DEVIATIONS))
def test_expected_deviations_are_real(runs, name):
    """Each listed deviation shows up at least once, or the list has gone stale."""
    hits = [o for key in ("ijw", "iwmo") for o in runs[key].outcomes if name in o.deviations and not o.exact]
    assert hits, f"deviation {name} never changes a verdict"
    codes = EXPECTED_DEVIATIONS[name].codes
    for o in hits:
        differing = differing_codes(o)
        assert differing <= o.skip, (o.mutation.name, differing)
        assert differing & codes or len(o.deviations) > 1, (o.mutation.name, differing)

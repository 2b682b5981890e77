"""Coverage as a fact: every code the official XSLT can raise on a message is a rule of ours for it.

``tests/xslt_coverage.py`` derives per standaard x bericht (all 14 messages, heen and retour) which codes
the XSLT can raise; these tests compare that with the level-2 registry and with the deviations that
docs/afwijkingen.md (part 3) documents. The derivation itself is tested too: on known facts, and on
every XSD-valid message we have, where the XSLT must never raise a code the derivation says it cannot.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from berichten.release import MessageType
from berichten.cli import main
from tests import xslt_coverage as cov
from tests.conftest import FIXTURES
from berichten.validators.pipeline import Validator
from berichten.validators.rules import common

MESSAGES = [(m.standaard, m.nummer) for m in cov.messages()]
IDS = [f"{s}-{n}" for s, n in MESSAGES]


@pytest.fixture(scope="module")
def cells(reference) -> list[cov.Cell]:
    return cov.coverage()


def _listing(cells: list[cov.Cell], status: str) -> str:
    return ", ".join(f"({c.standaard}, {c.nummer}, {c.code})" for c in cells if c.status == status)


@pytest.mark.parametrize("standaard,nummer", MESSAGES, ids=IDS)
def test_every_xslt_code_is_a_rule_of_ours(standaard, nummer, cells):
    mine = [c for c in cells if (c.standaard, c.nummer) == (standaard, nummer)]
    missing = _listing(mine, "ontbreekt")
    assert not missing, f"the XSLT can raise these, we have no rule and docs/afwijkingen.md names none: {missing}"


@pytest.mark.parametrize("standaard,nummer", MESSAGES, ids=IDS)
def test_no_rule_where_the_xslt_cannot_raise_it(standaard, nummer, cells):
    mine = [c for c in cells if (c.standaard, c.nummer) == (standaard, nummer)]
    extra = _listing(mine, "onverwacht")
    assert not extra, f"we raise these where the XSLT cannot, and docs/afwijkingen.md names none: {extra}"


def test_every_documented_deviation_is_still_one(cells):
    stale = []
    for doc in cov.documented_deviations():
        for standaard in sorted(doc.standaarden):
            for nummer in sorted(doc.berichten):
                cell = next((c for c in cells if (c.standaard, c.nummer, c.code) == (standaard, nummer, doc.code)), None)
                if cell is None or cell.status != "afwijking":
                    stale.append(f"({standaard}, {nummer}, {doc.code}, {doc.kind})")
    assert not stale, f"docs/afwijkingen.md lists deviations that are none: {', '.join(stale)}"


# Facts about the XSLT that the derivation must reproduce (the cases among them).
FACTS = [
    ("ijw", "319", "CD085", True),
    ("iwmo", "319", "CD086", True),
    ("ijw", "319", "TR377", True),
    ("iwmo", "319", "TR377", False),  # no Woonplaatsbeginsel in the iWmo 319
    ("ijw", "319", "TR101", False),  # one Antwoord, one Woonplaatsbeginsel: no duplicates possible
    ("ijw", "318", "CS002", True),  # a retour with a Bsn
    ("iwmo", "302", "CS089", True),  # the address rules fire on the 302
    ("ijw", "306", "CD005", False),  # the 306 has no address
    ("ijw", "317", "TR002", False),  # the 317 has no Geboortedatum
    ("ijw", "301", "CS318", True),
    ("iwmo", "301", "CS318", False),
    ("ijw", "305", "TR101", True),  # StartProduct repeats
    ("ijw", "315", "TR386", True),  # a named template, reached by call-template only
    ("ijw", "325", "CS325", True),  # a generic template matching by local name
]


@pytest.mark.parametrize("standaard,nummer,code,can_fire", FACTS, ids=[f"{s}-{n}-{c}" for s, n, c, _ in FACTS])
def test_derivation_knows_the_facts(standaard, nummer, code, can_fire, reference):
    assert (code in cov.xslt_codes(standaard, nummer)) is can_fire


def test_320_gets_no_level_2_code(reference):
    assert cov.xslt_codes("ijw", "320") == cov.xslt_codes("iwmo", "320") == frozenset()


def _xsd_valid_messages(reference) -> list[tuple[Path, MessageType, bytes]]:
    files = [p for s in ("ijw", "iwmo") for p in reference.samples(s)] + sorted(FIXTURES.rglob("*.xml"))
    validator = Validator(run_rules=False)
    out = []
    for path in files:
        data = path.read_bytes()
        result = validator.validate_bytes(data)
        if result.xsd_valid and result.message is not None:
            out.append((path, result.message, data))
    return out


def test_the_xslt_raises_nothing_the_derivation_rules_out(reference):
    """Soundness on real messages: what the XSLT reports is always in the derived set."""
    messages = _xsd_valid_messages(reference)
    assert len(messages) >= 40
    wrong = []
    for path, message, data in messages:
        raised = {f.code for f in reference.xslt_fouten(data, message.standaard)}
        beyond = raised - cov.xslt_codes(message.standaard, message.nummer)
        if beyond:
            wrong.append(f"{path.name}: {sorted(beyond)}")
    assert not wrong, wrong


# Where rules.csv lists a message for a code because the XSLT has a template for it, but the template
# cannot fire: TR101 on the 319 needs a second Antwoord or Woonplaatsbeginsel, which the XSD forbids.
TEMPLATE_BUT_CANNOT_FIRE = {("ijw", "319", "TR101"), ("iwmo", "319", "TR101")}


def test_derivation_equals_the_xslt_column_of_rules_csv(reference):
    """An independent oracle: rules.csv names per code the messages the XSLT checks it on."""
    listed: set[tuple[str, str, str]] = set()
    with (reference.REFERENCE_DIR / "rules" / "rules.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["in_xslt"] == "ja":
                listed |= {(row["standaard"], b, row["code"]) for b in row["xslt_berichten"].split(";") if b}
    derived = {(s, n, code) for s, n in MESSAGES for code in cov.xslt_codes(s, n)}
    assert derived - listed == set()
    assert listed - derived == TEMPLATE_BUT_CANNOT_FIRE


@pytest.mark.parametrize("standaard,nummer", MESSAGES, ids=IDS)
def test_rules_command_lists_the_xslt_codes(standaard, nummer, cells):
    """`berichten rules --bericht N --niveau 2` shows every code the XSLT can raise on N."""
    result = CliRunner().invoke(
        main, ["rules", "--format", "jsonl", "--standaard", standaard, "--bericht", nummer, "--niveau", "2"]
    )
    assert result.exit_code == 0, result.output
    listed = {json.loads(line)["code"] for line in result.output.splitlines()}
    expected = {
        c.code for c in cells
        if (c.standaard, c.nummer) == (standaard, nummer) and c.xslt and c.status != "afwijking"
    }
    assert not expected - listed, f"not listed for ({standaard}, {nummer}): {sorted(expected - listed)}"


def test_dekking_md_is_the_generated_table(cells):
    """docs/dekking.md cannot drift: it is what docs/coverage.py generates now."""
    assert cov.DEKKING.read_text(encoding="utf-8") == cov.dekking_markdown(cells), (
        "docs/dekking.md is out of date: run .venv/bin/python docs/coverage.py"
    )


@pytest.mark.parametrize(
    "names,registered",
    [
        (("Bsn",), common.BSN_MESSAGES),
        (("Geboortedatum",), common.PERSON_MESSAGES),
        (("Adres", "Communicatie", "NaamGebruik"), common.ADDRESS_MESSAGES),
    ],
    ids=["bsn", "geboortedatum", "adres-naam"],
)
def test_generic_message_lists_follow_our_xsds(names, registered):
    """The generic rules' message lists are exactly the messages whose XSD has those elements (no reference needed)."""
    suffixes = tuple("}" + n for n in names)
    for standaard in ("ijw", "iwmo"):
        having = {
            m.nummer for m in cov.messages()
            if m.standaard == standaard and any(e.tag.endswith(suffixes) for e in cov.universal_instance(m).root.iter())
        }
        assert having == set(registered), standaard

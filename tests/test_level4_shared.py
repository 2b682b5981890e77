"""Level 4 on a 301 reads the header, products and start dates from level 2's context and records
(``Validator`` hands them on): it must see exactly what its own walk over the tree finds."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from berichten.validators.engine import REGISTRY, RuleContext
from berichten.validators.level4 import load_lists
from berichten.validators.level4.rules import ExternalContext, level4_findings, system_date
from berichten.validators.pipeline import Validator
from berichten.xmlinput import read_document

PROJECT = Path(__file__).resolve().parent.parent
READ = ("header", "dagtekening_element", "dagtekening", "gemeente_element", "aanbieder_element", "message_days",
        "gemeenten", "products")


@pytest.fixture(scope="module")
def messages() -> list[bytes]:
    """Every 301 of the fixtures and of the demo year (both standards, with relations and periods)."""
    from berichten.report.demo import write_demo

    found = [p.read_bytes() for p in sorted((PROJECT / "fixtures").rglob("*301*.xml"))]
    with tempfile.TemporaryDirectory() as tmp:
        write_demo(tmp)
        found += [p.read_bytes() for p in sorted(Path(tmp).rglob("*301.xml"))]
    return found


def located(ctx: ExternalContext) -> list[tuple]:
    """The products' texts and days, and the elements a finding on them would point at."""
    return [(ref.categorie, ref.code, ref.day, ctx.product_element(ref, "categorie"), ctx.product_element(ref, "code"))
            for ref in ctx.products]


def both_readings_agree(doc, validator: Validator) -> ExternalContext:
    """Level 4 reading level 2's context reads and finds what its own reading of the tree does."""
    level2 = RuleContext(doc.root, doc.message)
    REGISTRY.run(doc.root, doc.message, ctx=level2)
    today = system_date()
    own = ExternalContext(doc.root, doc.message, validator.lists, today)
    shared = ExternalContext(doc.root, doc.message, validator.lists, today, level2)
    for name in READ:
        if name == "products":  # where each product is comes from the records or the walk: compare what it finds
            assert located(shared) == located(own)
        else:
            assert getattr(shared, name) == getattr(own, name), name
    assert level4_findings(doc.root, doc.message, validator.lists, today, level2) == \
        level4_findings(doc.root, doc.message, validator.lists, today)
    return shared


def test_level4_reads_the_same_from_level2_as_from_the_tree(messages: list[bytes]) -> None:
    validator = Validator(lists=load_lists(PROJECT / "fixtures" / "lijsten" / "lijsten.toml"))
    compared = 0
    for data in messages:
        doc = read_document(data)
        if doc.root is None or doc.message is None or doc.message.nummer != "301":
            continue
        if validator.schemas.validate(doc.root, doc.message):
            continue  # level 4 runs on XSD-valid messages only
        both_readings_agree(doc, validator)
        compared += 1
    assert compared > 200


def test_a_context_of_another_tree_is_not_used() -> None:
    data = (PROJECT / "fixtures" / "lijsten" / "jw301-productcode-onbekend.xml").read_bytes()
    doc, other = read_document(data), read_document(data)
    level2 = RuleContext(other.root, other.message)
    ctx = ExternalContext(doc.root, doc.message, Validator().lists, system_date(), level2)
    assert ctx.products and all(ctx.product_element(ref, "categorie").getroottree().getroot() is doc.root
                                for ref in ctx.products)


@pytest.mark.parametrize("tag", ["<jw301:Afzender>", "<jw301:Ontvanger>", "<ijw:Dagtekening>", "<jw301:Header>",
                                 "<jw301:Client>"])
def test_comments_between_the_header_elements_are_skipped(tag: str) -> None:
    """Comments keep a message XSD-valid but shift the children: level 4 then scans by tag."""
    data = (PROJECT / "fixtures" / "lijsten" / "jw301-gemeente-onbekend.xml").read_text(encoding="utf-8")
    assert tag in data, tag
    doc = read_document(data.replace(tag, "<!-- opmerking -->" + tag, 1).encode("utf-8"))
    validator = Validator()
    assert not validator.schemas.validate(doc.root, doc.message)
    shared = both_readings_agree(doc, validator)
    assert shared.gemeente_element is not None and shared.dagtekening is not None
    assert [f.code for f in validator.validate_document(doc).findings if f.is_error] == ["TR378"]  # warnings (XML006) aside

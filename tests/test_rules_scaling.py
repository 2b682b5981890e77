"""Level 2 on big 301s: the work per product is bounded, checked by counting, not by timing.

A rule that walked the products again for every product, or compared every pair, would make a
100 000-product message take hours; these tests count the calls that touch the tree or group
values instead of measuring seconds, so they fail the same way on a fast and a slow machine.
"""

from __future__ import annotations

from collections import Counter
from copy import deepcopy

import pytest
from lxml import etree

from berichten.release import match_namespace
from tests.conftest import FIXTURES
from berichten.validators import REGISTRY
from berichten.validators.rules import _helpers, r301

CONTACTS = 2  # the fixtures have two Contacts, grouped by Soort for TR101
BASE = {"ijw": FIXTURES / "regels" / "jw301-geldig.xml", "iwmo": FIXTURES / "regels" / "wmo301-geldig.xml"}


def many_products(standaard: str, n: int, same_number_per: int = 1) -> etree._Element:
    """The fixture with its first product copied n times: own code each; numbers shared per group."""
    root = etree.fromstring(BASE[standaard].read_bytes())
    first = next(root.iter("{*}ToegewezenProduct"))
    parent = first.getparent()
    for old in list(parent):
        parent.remove(old)
    for i in range(n):
        product = deepcopy(first)
        next(product.iter("{*}ToewijzingNummer")).text = str(9_000_000 + i // same_number_per)
        category = next(product.iter("{*}Categorie")).text
        next(product.iter("{*}Code")).text = f"{category}{i:03X}"[:5]
        parent.append(product)
    return root


def run_counting(root: etree._Element, monkeypatch: pytest.MonkeyPatch) -> tuple[list, Counter]:
    calls: Counter = Counter()
    first_children, read_product, groups = r301._first_children, r301._read_product, _helpers.duplicate_groups

    def counting_children(parent):
        calls["first_children"] += 1
        return first_children(parent)

    def counting_products(*args):
        calls["read_product"] += 1
        return read_product(*args)

    def counting_groups(items):
        items = list(items)
        calls["grouped"] += len(items)
        return groups(items)

    monkeypatch.setattr(r301, "_first_children", counting_children)
    monkeypatch.setattr(r301, "_read_product", counting_products)
    monkeypatch.setattr(r301, "duplicate_groups", counting_groups)
    message = match_namespace(etree.QName(root).namespace).message
    return REGISTRY.run(root, message), calls


@pytest.mark.parametrize("standaard", ["ijw", "iwmo"])
def test_each_product_is_read_once(standaard: str, monkeypatch: pytest.MonkeyPatch) -> None:
    n = 3000
    findings, calls = run_counting(many_products(standaard, n), monkeypatch)
    assert findings == []
    # One pass per product, and a few record lookups for the rest of the message.
    assert calls["read_product"] == n
    assert calls["first_children"] <= 20
    assert calls["grouped"] == CONTACTS  # all numbers distinct: TR101 groups only the contacts


def test_duplicates_are_grouped_in_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    n = 2000
    findings, calls = run_counting(many_products("ijw", n, same_number_per=2), monkeypatch)
    tr101 = [f for f in findings if f.code == "TR101"]
    assert len(tr101) == n // 2  # one per pair, on its first product
    assert tr101[0].locatie.endswith("ToegewezenProduct[1]") and tr101[1].locatie.endswith("ToegewezenProduct[3]")
    assert calls["grouped"] == n + CONTACTS  # each product's number handed to the grouping once


def test_findings_on_every_product_list_the_products_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A finding finds its product by position; an index into the tree walks the children from the
    first, so the children are listed once per message, not walked again for every finding."""
    n = 2000
    root = many_products("ijw", n)
    for tp in root.iter("{*}ToegewezenProduct"):
        einde = next(tp.iter("{*}Einddatum"), None)
        assert einde is not None
        einde.text = "2000-01-01"  # before every Ingangsdatum: CS003 on every product
    listed = Counter()
    product_children = r301._product_children.__wrapped__

    def counting(ctx):
        listed["calls"] += 1
        return product_children(ctx)

    monkeypatch.setattr(r301, "_product_children", r301.per_message(counting))
    findings, _ = run_counting(root, monkeypatch)
    cs003 = [f for f in findings if f.code == "CS003"]
    assert len(cs003) == n
    assert cs003[-1].locatie.endswith(f"ToegewezenProduct[{n}]/Ingangsdatum")
    assert listed["calls"] == 1

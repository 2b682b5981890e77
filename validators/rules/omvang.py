"""The Omvang/Budget/Product conditions that 301 and 315 share (CD041, CD075-CD080/CD095, CS338/CS343).

A ToegewezenProduct (301) and an AangevraagdProduct (315) state the size of an allocation the same
way, only their end date is named differently (Einddatum, ToewijzingEinddatum). The checks live
here once; each message module registers them with its own codes and Dutch texts, passing the
list of its per-message records (``r301.Product``, ``r315.Aanvraag``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, Protocol

from lxml import etree

from berichten.validators.engine import CheckFunction, Hit, RuleContext, hit
from berichten.validators.rules._helpers import as_date, filled, value

Element = etree._Element

END_OF_2020 = date(2020, 12, 31)  # an end date on or before this day exempts old allocations (CD080/CD095, CS338/CS343)
UNITS_NOT_PER_DAY = frozenset({"14", "16", "83", "84"})  # etmaal, dagdeel, euro's, stuks (inspanning)
FREQUENCIES_FOR_THOSE = frozenset({"2", "4", "6"})  # per week, per maand, totaal


class SizedProduct(Protocol):
    """What these checks read of one product class (both record types have these fields)."""

    el: Element
    product: Element | None
    code: Element | None
    einde: Element | None
    omvang: Element | None
    eenheid: Element | None
    frequentie: Element | None
    budget: Element | None


def open_or_after_2020(end: Element | None) -> bool:
    """No end date, or one after 2020-12-31: the condition of CD080/CD095 and CS338/CS343."""
    if end is None:
        return True
    d = as_date(end)
    return d is not None and d > END_OF_2020


# Each check returns the elements to report, the first one being the location the XSLT names
# (the end date comes before Omvang in both messages), or None when the product passes.
Check = Callable[[SizedProduct], tuple[Element | None, ...] | None]

CHECKS: dict[str, Check] = {
    # CD041: a product code needs an Omvang
    "omvang_bij_code": lambda p: (p.code,) if filled(p.code) and p.omvang is None else None,
    # CD075: a Budget needs an end date
    "einde_bij_budget": lambda p: (p.budget,) if filled(p.budget) and not filled(p.einde) else None,
    # CD076: Frequentie 2 (per week) needs an end date
    "einde_bij_per_week": lambda p: (p.frequentie,) if value(p.frequentie) == "2" and not filled(p.einde) else None,
    # CD077: with a Budget no Omvang
    "geen_omvang_bij_budget": lambda p: (p.omvang,) if filled(p.budget) and p.omvang is not None else None,
    # CD078: with an Omvang no Budget
    "geen_budget_bij_omvang": lambda p: (p.omvang,) if p.omvang is not None and p.budget is not None else None,
    # CD079: without a Budget a Product
    "product_zonder_budget": lambda p: (p.el,) if not filled(p.budget) and p.product is None else None,
    # CD080 (301) / CD095 (315): no Omvang without a product code, unless it ended by 2020
    "geen_omvang_zonder_code": lambda p: (
        (p.einde, p.omvang) if p.omvang is not None and not filled(p.code) and open_or_after_2020(p.einde) else None
    ),
    # CS338 (301) / CS343 (315): units 14/16/83/84 only per week, per maand or in total
    "frequentie_bij_eenheid": lambda p: (
        (p.einde, p.eenheid)
        if value(p.eenheid) in UNITS_NOT_PER_DAY
        and value(p.frequentie) not in FREQUENCIES_FOR_THOSE
        and open_or_after_2020(p.einde)
        else None
    ),
}


def register(
    check: str,
    products: Callable[[RuleContext], list[Any]],
    rule: Callable[..., Callable[[CheckFunction], CheckFunction]],
    code: str,
    melding: str,
    elementen: tuple[str, ...],
    uitleg: str,
    **kw: Any,
) -> None:
    """Register one shared check under a message's own code and texts (``rule`` is e.g. ``rule301``)."""
    if check not in CHECKS:
        raise KeyError(check)
    all_hits = _all_hits(products)

    def run(ctx: RuleContext) -> list[Hit]:
        return all_hits(ctx)[check]

    run.__name__ = code.lower()
    rule(code, melding, elementen, uitleg, **kw)(run)


_ALL_HITS: dict[Callable[[RuleContext], list[Any]], Callable[[RuleContext], dict[str, list[Hit]]]] = {}


def _all_hits(products: Callable[[RuleContext], list[Any]]) -> Callable[[RuleContext], dict[str, list[Hit]]]:
    """Every check over the products in one pass per message, shared by the rules of that message.

    The rules still report separately and in product order; the pass just saves each of them a
    loop over the same records (most products pass all checks).
    """
    found = _ALL_HITS.get(products)
    if found is None:
        key = f"omvang.{products.__module__}.{products.__qualname__}"
        checks = tuple(CHECKS.items())

        def compute(ctx: RuleContext) -> dict[str, list[Hit]]:
            store = ctx.__dict__
            result = store.get(key)
            if result is None:
                result = store[key] = {name: [] for name in CHECKS}
                for p in products(ctx):
                    for name, test in checks:
                        elements = test(p)
                        if elements is not None:
                            result[name].append(hit(*elements))
            return result

        found = _ALL_HITS[products] = compute
    return found

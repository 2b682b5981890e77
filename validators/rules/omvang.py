"""The Omvang/Budget/Product conditions that 301 and 315 share (CD041, CD075-CD080/CD095, CS338/CS343).

A ToegewezenProduct (301) and an AangevraagdProduct (315) state the size of an allocation the same
way, only their end date is named differently (Einddatum, ToewijzingEinddatum). The checks live
here once; each message module registers them with its own codes and Dutch texts, passing the
list of its per-message records (``r301.Product``, ``r315.Aanvraag``).
"""

from __future__ import annotations

from collections.abc import Callable
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


# The eight checks by name; each message module registers them under its own codes.
CHECKS = (
    "omvang_bij_code",  # CD041: a product code needs an Omvang
    "einde_bij_budget",  # CD075: a Budget needs an end date
    "einde_bij_per_week",  # CD076: Frequentie 2 (per week) needs an end date
    "geen_omvang_bij_budget",  # CD077: with a Budget no Omvang
    "geen_budget_bij_omvang",  # CD078: with an Omvang no Budget
    "product_zonder_budget",  # CD079: without a Budget a Product
    "geen_omvang_zonder_code",  # CD080 (301) / CD095 (315): no Omvang without a product code, unless it ended by 2020
    "frequentie_bij_eenheid",  # CS338 (301) / CS343 (315): units 14/16/83/84 only per week, per maand or in total
)


def product_hits(p: SizedProduct) -> list[tuple[str, tuple[Element | None, ...]]]:
    """The checks one product fails, with the elements to report (the first is the location the
    XSLT names; the end date comes before Omvang in both messages). Usually an empty list.

    All eight in one function: each reads the same few fields, and most products pass them all.
    """
    found: list[tuple[str, tuple[Element | None, ...]]] = []
    code, omvang, budget, einde = p.code, p.omvang, p.budget, p.einde
    budget_filled = filled(budget)
    code_filled = filled(code)
    if code_filled and omvang is None:
        found.append(("omvang_bij_code", (code,)))
    if budget_filled and not filled(einde):
        found.append(("einde_bij_budget", (budget,)))
    if p.frequentie is not None and value(p.frequentie) == "2" and not filled(einde):
        found.append(("einde_bij_per_week", (p.frequentie,)))
    if omvang is not None:
        if budget_filled:
            found.append(("geen_omvang_bij_budget", (omvang,)))
        if budget is not None:
            found.append(("geen_budget_bij_omvang", (omvang,)))
    if not budget_filled and p.product is None:
        found.append(("product_zonder_budget", (p.el,)))
    if omvang is not None and not code_filled and open_or_after_2020(einde):
        found.append(("geen_omvang_zonder_code", (einde, omvang)))
    if (
        p.eenheid is not None
        and value(p.eenheid) in UNITS_NOT_PER_DAY
        and value(p.frequentie) not in FREQUENCIES_FOR_THOSE
        and open_or_after_2020(einde)
    ):
        found.append(("frequentie_bij_eenheid", (einde, p.eenheid)))
    return found


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
    key = _key(products)
    nothing: tuple[Hit, ...] = ()

    def run(ctx: RuleContext) -> list[Hit] | tuple[Hit, ...]:
        # Eight rules of every 301 and 315 ask for the shared pass: its lookup is written out here.
        result = ctx.__dict__.get(key)
        if result is None:
            result = all_hits(ctx)
        return result.get(check, nothing)

    run.__name__ = code.lower()
    rule(code, melding, elementen, uitleg, **kw)(run)


def _key(products: Callable[[RuleContext], list[Any]]) -> str:
    """Where the shared pass of these products is kept in the context (a dot: never an attribute)."""
    return f"omvang.{products.__module__}.{products.__qualname__}"


_ALL_HITS: dict[Callable[[RuleContext], list[Any]], Callable[[RuleContext], dict[str, list[Hit]]]] = {}


def _all_hits(products: Callable[[RuleContext], list[Any]]) -> Callable[[RuleContext], dict[str, list[Hit]]]:
    """Every check over the products in one pass per message, shared by the rules of that message.

    The rules still report separately and in product order; the pass just saves each of them a
    loop over the same records. Only checks that found something have a list.
    """
    found = _ALL_HITS.get(products)
    if found is None:
        key = _key(products)

        def compute(ctx: RuleContext) -> dict[str, list[Hit]]:
            store = ctx.__dict__
            result = store.get(key)
            if result is None:
                result = store[key] = {}
                for p in products(ctx):
                    for name, elements in product_hits(p):
                        result.setdefault(name, []).append(hit(*elements))
            return result

        found = _ALL_HITS[products] = compute
    return found

"""The Omvang/Budget/Product conditions that 301 and 315 share (CD041, CD075-CD080/CD095, CS338/CS343).

A ToegewezenProduct (301) and an AangevraagdProduct (315) state the size of an allocation the same
way, only their end date is named differently (Einddatum, ToewijzingEinddatum). The checks live
here once; each message module registers them with its own codes and Dutch texts, passing the
list of its per-message records (``r301.Product`` holds the texts; ``r315.Aanvraag`` and the 317 records hold elements, read through ``from_elements``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from lxml import etree

from berichten.validators.engine import CheckFunction, Hit, RuleContext, hit, parse_date
from berichten.validators.rules._helpers import filled_text, stripped

Element = etree._Element

END_OF_2020 = date(2020, 12, 31)  # an end date on or before this day exempts old allocations (CD080/CD095, CS338/CS343)
UNITS_NOT_PER_DAY = frozenset({"14", "16", "83", "84"})  # etmaal, dagdeel, euro's, stuks (inspanning)
FREQUENCIES_FOR_THOSE = frozenset({"2", "4", "6"})  # per week, per maand, totaal


class SizedProduct(Protocol):
    """What these checks read of one product: texts (None when the element is absent, '' when it
    is empty) and whether a Product and an Omvang are there."""

    product: bool
    code: str | None
    einde: str | None
    omvang: bool
    eenheid: str | None
    frequentie: str | None
    budget: str | None


Locate = Callable[[RuleContext, Any, tuple[str, ...]], tuple[Element | None, ...]]


@dataclass(frozen=True)
class Source:
    """A message's products for these checks: records with the ``SizedProduct`` texts, and how to
    find the elements of some of their fields again for a finding ("el": the product itself)."""

    products: Callable[[RuleContext], Sequence[Any]]
    locate: Locate
    key: str  # where the shared pass of these products is kept in the context (a dot: never an attribute)


def open_or_after_2020(end: str | None) -> bool:
    """No end date, or one after 2020-12-31: the condition of CD080/CD095 and CS338/CS343."""
    if end is None:
        return True
    d = parse_date(end)
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


def product_hits(p: SizedProduct) -> list[tuple[str, tuple[str, ...]]]:
    """The checks one product fails, with the fields to report (the first is the location the
    XSLT names; the end date comes before Omvang in both messages). Usually an empty list.

    All eight in one function: each reads the same few fields, and most products pass them all.
    """
    found: list[tuple[str, tuple[str, ...]]] = []
    omvang, budget, einde = p.omvang, p.budget, p.einde
    budget_filled = filled_text(budget)
    code_filled = filled_text(p.code)
    einde_filled = filled_text(einde)
    if code_filled and not omvang:
        found.append(("omvang_bij_code", ("code",)))
    if budget_filled and not einde_filled:
        found.append(("einde_bij_budget", ("budget",)))
    if p.frequentie is not None and stripped(p.frequentie) == "2" and not einde_filled:
        found.append(("einde_bij_per_week", ("frequentie",)))
    if omvang:
        if budget_filled:
            found.append(("geen_omvang_bij_budget", ("omvang",)))
        if budget is not None:
            found.append(("geen_budget_bij_omvang", ("omvang",)))
    if not budget_filled and not p.product:
        found.append(("product_zonder_budget", ("el",)))
    if omvang and not code_filled and open_or_after_2020(einde):
        found.append(("geen_omvang_zonder_code", ("einde", "omvang")))
    if (
        p.eenheid is not None
        and stripped(p.eenheid) in UNITS_NOT_PER_DAY
        and stripped(p.frequentie) not in FREQUENCIES_FOR_THOSE
        and open_or_after_2020(einde)
    ):
        found.append(("frequentie_bij_eenheid", ("einde", "eenheid")))
    return found


@dataclass(slots=True, eq=False)
class _Texts:
    """The texts of a record that holds elements (315, 317), as the checks read them."""

    record: Any
    product: bool
    code: str | None
    einde: str | None
    omvang: bool
    eenheid: str | None
    frequentie: str | None
    budget: str | None


def _text(el: Element | None) -> str | None:
    return None if el is None else (el.text or "")


def from_elements(products: Callable[[RuleContext], Sequence[Any]]) -> Source:
    """A ``Source`` over records whose fields are the elements themselves (``el``, ``product``,
    ``code``, ``einde``, ``omvang``, ``eenheid``, ``frequentie``, ``budget``)."""

    def texts(ctx: RuleContext) -> list[_Texts]:
        return [
            _Texts(r, r.product is not None, _text(r.code), _text(r.einde), r.omvang is not None, _text(r.eenheid),
                   _text(r.frequentie), _text(r.budget))
            for r in products(ctx)
        ]

    def locate(ctx: RuleContext, p: _Texts, fields: tuple[str, ...]) -> tuple[Element | None, ...]:
        return tuple(getattr(p.record, name) for name in fields)

    return Source(texts, locate, f"omvang.{products.__module__}.{products.__qualname__}")


def register(
    check: str,
    products: Source | Callable[[RuleContext], Sequence[Any]],
    rule: Callable[..., Callable[[CheckFunction], CheckFunction]],
    code: str,
    melding: str,
    elementen: tuple[str, ...],
    uitleg: str,
    **kw: Any,
) -> None:
    """Register one shared check under a message's own code and texts (``rule`` is e.g. ``rule301``).

    ``products``: a ``Source``, or a function giving records that hold the elements (``from_elements``)."""
    if check not in CHECKS:
        raise KeyError(check)
    source = products if isinstance(products, Source) else from_elements(products)
    all_hits = _all_hits(source)
    key = source.key
    nothing: tuple[Hit, ...] = ()

    def run(ctx: RuleContext) -> list[Hit] | tuple[Hit, ...]:
        # Eight rules of every 301 and 315 ask for the shared pass: its lookup is written out here.
        result = ctx.__dict__.get(key)
        if result is None:
            result = all_hits(ctx)
        return result.get(check, nothing)

    run.__name__ = code.lower()
    rule(code, melding, elementen, uitleg, **kw)(run)


_ALL_HITS: dict[str, Callable[[RuleContext], dict[str, list[Hit]]]] = {}


def _all_hits(source: Source) -> Callable[[RuleContext], dict[str, list[Hit]]]:
    """Every check over the products in one pass per message, shared by the rules of that message.

    The rules still report separately and in product order; the pass just saves each of them a
    loop over the same records. Only checks that found something have a list.
    """
    found = _ALL_HITS.get(source.key)
    if found is None:
        key, products, locate = source.key, source.products, source.locate

        def compute(ctx: RuleContext) -> dict[str, list[Hit]]:
            store = ctx.__dict__
            result = store.get(key)
            if result is None:
                result = store[key] = {}
                for p in products(ctx):
                    for name, fields in product_hits(p):
                        result.setdefault(name, []).append(hit(*locate(ctx, p, fields)))
            return result

        found = _ALL_HITS[key] = compute
    return found

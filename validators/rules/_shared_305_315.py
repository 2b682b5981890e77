"""Building blocks for the level-2 rules of 305, 307, 315 and 317.

The official XSLT reports a rule with a set of elements and lists them in document order; the
first one is the location we report. ``first_in_document_order`` gives that element, so each rule
can name the elements the way the rule reads and still point where the XSLT points.

Values are compared as their XSD type defines them: dates as dates, ``LDT_Nummer`` as an integer,
strings as written (docs/afwijkingen.md (part 2) lists where that changes a verdict).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Protocol

from lxml import etree

from berichten.validators.engine import Hit, RuleContext, hit
from berichten.validators.rules._helpers import Interval, as_date, as_int, cached, duplicate_groups, overlapping_pairs

__all__ = [
    "Interval", "as_date", "as_int", "cached", "duplicate_groups", "overlapping_pairs",  # from _helpers
    "dagtekening_element", "filled", "first_in_document_order", "hit_at", "kids", "not_after_dagtekening",
    "raw", "same_product_overlaps", "value",
]

Element = etree._Element

VERWIJZER_MET_ZORGVERLENERCODE = frozenset({"02", "03", "04", "05"})  # huisarts, jeugdarts, GI, medisch specialist
# iWmo hulpmiddelen and woonvoorzieningen (WMO020 11-14) may overlap in one request (TR386); iJw has no such codes.
OVERLAP_TOEGESTAAN = {"ijw": frozenset(), "iwmo": frozenset({"11", "12", "13", "14"})}


def value(el: Element | None) -> str:
    """The text with surrounding whitespace removed ('' when absent): the XSLT's normalize-space."""
    if el is None or el.text is None:
        return ""
    return " ".join(el.text.split())


def filled(el: Element | None) -> bool:
    """Present and more than whitespace (the XSLT's ``*`` test)."""
    return bool(value(el))


def raw(el: Element | None) -> str | None:
    """An xs:string as the schema sees it (whitespace kept); None when absent."""
    return None if el is None else (el.text or "")


def kids(parent: Element | None) -> dict[str, Element]:
    """The first child per tag, in one pass (cheaper than a find() per name for every product)."""
    out: dict[str, Element] = {}
    if parent is not None:
        for c in parent:
            if isinstance(c.tag, str):
                out.setdefault(c.tag, c)
    return out


def _document_key(el: Element) -> tuple[int, ...]:
    """Position of an element in the tree as a sortable tuple of child indexes."""
    path: list[int] = []
    node = el
    parent = node.getparent()
    while parent is not None:
        path.append(parent.index(node))
        node, parent = parent, parent.getparent()
    return tuple(reversed(path))


def first_in_document_order(*elements: Element | None) -> Element | None:
    """The element the XSLT names first when it reports a set of elements."""
    present = [e for e in elements if e is not None]
    if not present:
        return None
    return min(present, key=_document_key) if len(present) > 1 else present[0]


def hit_at(*elements: Element | None, melding: str | None = None) -> Hit:
    """A hit located where the XSLT puts its first Locatie for this set of elements."""
    return hit(first_in_document_order(*elements), melding=melding)


def dagtekening_element(ctx: RuleContext) -> Element | None:
    return ctx.dagtekening_element


def not_after_dagtekening(ctx: RuleContext, dates: Iterable[Element | None]) -> Iterator[Hit]:
    """TR134: each date lies on or before the Dagtekening (the XSLT points at the Dagtekening)."""
    dagtekening = ctx.dagtekening
    dag_el = dagtekening_element(ctx)
    if dagtekening is None or dag_el is None:
        return
    for el in dates:
        d = as_date(el)
        if d is not None and d > dagtekening:
            yield hit_at(dag_el, el)


class DatedProduct(Protocol):
    """A requested product with a period (315 AangevraagdProduct, 317 NieuwProduct)."""

    product: Element | None
    categorie: Element | None
    code: Element | None
    ingang: Element | None
    einde: Element | None


def same_product_overlaps(items: Sequence[DatedProduct], exempt: frozenset[str]) -> list[tuple[int, int]]:
    """(earlier, later) indexes of requests for the same product with overlapping periods (TR386, TR410).

    Same product: same Categorie and Code; without a Code on either side the same Categorie is
    enough; a request without Product matches every other request. Products of an ``exempt``
    category never count. A missing end is open; a missing or unreadable start leaves the request out.
    """
    zonder_product: list[Interval] = []
    per_categorie: dict[str, tuple[list[Interval], dict[str, list[Interval]]]] = {}
    met_product: list[Interval] = []
    for i, a in enumerate(items):
        begin = as_date(a.ingang)
        if begin is None or value(a.categorie) in exempt:
            continue
        einde = as_date(a.einde) if a.einde is not None else date.max
        iv = (i, begin, einde if einde is not None else date.max)
        if a.product is None:
            zonder_product.append(iv)
            continue
        met_product.append(iv)
        zonder_code, per_code = per_categorie.setdefault(raw(a.categorie) or "", ([], {}))
        if a.code is None:
            zonder_code.append(iv)
        else:
            per_code.setdefault(raw(a.code) or "", []).append(iv)
    pairs = _overlaps(zonder_product)
    if zonder_product and met_product:
        pairs += _overlaps(zonder_product, met_product)
    for zonder_code, per_code in per_categorie.values():
        pairs += _overlaps(zonder_code)
        for group in per_code.values():
            pairs += _overlaps(group)
            if zonder_code:
                pairs += _overlaps(zonder_code, group)
    return sorted(pairs, key=lambda p: (p[1], p[0]))


def _overlaps(red: Sequence[Interval], blue: Sequence[Interval] | None = None) -> list[tuple[int, int]]:
    """``overlapping_pairs``, also right for a period that ends before it starts (CS003 fails too).

    The XSLT calls two periods overlapping when each starts on or before the other's end; for an
    inverted period that is not what a sweep over start dates finds, so those few are compared
    with every other period directly.
    """
    def proper(ivs: Sequence[Interval]) -> list[Interval]:
        return [iv for iv in ivs if iv[1] <= iv[2]]

    def meet(a: Interval, b: Interval) -> bool:
        return a[1] <= b[2] and b[1] <= a[2]

    pairs = overlapping_pairs(proper(red), None if blue is None else proper(blue))
    if blue is None:
        inverted = [iv for iv in red if iv[1] > iv[2]]
        done: set[int] = set()
        for x in inverted:
            done.add(x[0])
            pairs += [(min(x[0], y[0]), max(x[0], y[0])) for y in red if y[0] not in done and meet(x, y)]
        return pairs
    inverted_blue = [y for y in blue if y[1] > y[2]]
    for x in red:
        others = blue if x[1] > x[2] else inverted_blue
        pairs += [(min(x[0], y[0]), max(x[0], y[0])) for y in others if meet(x, y)]
    return pairs

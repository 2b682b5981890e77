"""Building blocks for the level-2 rules of 305, 307 and 315.

The official XSLT reports a rule with a set of elements and lists them in document order; the
first one is the location we report. ``first_in_document_order`` gives that element, so each rule
can name the elements the way the rule reads and still point where the XSLT points.

Values are compared as their XSD type defines them: dates as dates, ``LDT_Nummer`` as an integer,
strings as written (docs/afwijkingen.md (part 2) lists where that changes a verdict).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from lxml import etree

from validators.engine import Hit, RuleContext, hit
from validators.rules._helpers import Interval, as_date, as_int, cached, duplicate_groups, overlapping_pairs

__all__ = [
    "Interval", "as_date", "as_int", "cached", "duplicate_groups", "overlapping_pairs",  # from _helpers
    "dagtekening_element", "filled", "first_in_document_order", "hit_at", "kids", "not_after_dagtekening",
    "raw", "value",
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

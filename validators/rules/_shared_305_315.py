"""Building blocks for the level-2 rules of 305, 307 and 315.

The official XSLT reports a rule with a set of elements and lists them in document order; the
first one is the location we report. ``first_in_document_order`` gives that element, so each rule
can name the elements the way the rule reads and still point where the XSLT points.

Values are compared as their XSD type defines them: dates as dates, ``LDT_Nummer`` as an integer,
strings as written (docs/afwijkingen.md (part 2) lists where that changes a verdict).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from datetime import date
from typing import TypeVar

from lxml import etree

from validators.engine import REGISTRY, Hit, RuleContext, hit, parse_date

Element = etree._Element
T = TypeVar("T")

END_OF_2020 = date(2020, 12, 31)  # an end date on or before this day exempts a request from CD095/CS343
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


def as_date(el: Element | None) -> date | None:
    return parse_date(el.text) if el is not None else None


def as_int(el: Element | None) -> int | None:
    """An ``LDT_Nummer`` (xs:integer): ``0300201`` and ``300201`` are the same number."""
    if el is None or el.text is None:
        return None
    try:
        return int(el.text.strip())
    except ValueError:
        return None


def raw(el: Element | None) -> str | None:
    """An xs:string as the schema sees it (whitespace kept); None when absent."""
    return None if el is None else (el.text or "")


def open_or_after_2020(end: Element | None) -> bool:
    """No end date, or one after 2020-12-31: the condition of CD095 and CS343."""
    if end is None:
        return True
    d = as_date(end)
    return d is not None and d > END_OF_2020


def kids(parent: Element | None) -> dict[str, Element]:
    """The first child per tag, in one pass (cheaper than a find() per name for every product)."""
    out: dict[str, Element] = {}
    if parent is not None:
        for c in parent:
            if isinstance(c.tag, str):
                out.setdefault(c.tag, c)
    return out


def cached(ctx: RuleContext, key: str, make: Callable[[], T]) -> T:
    """Compute something once per message: several rules walk the same products."""
    store = ctx.__dict__.setdefault("_cache_305_315", {})
    if key not in store:
        store[key] = make()
    return store[key]


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
    return ctx.header.find(f"{ctx.m('BerichtIdentificatie')}/{ctx.b('Dagtekening')}")


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


def duplicate_groups(items: Iterable[tuple[Hashable, Element]]) -> list[list[Element]]:
    """Groups of elements sharing a key (document order inside a group), in linear time.

    The XSLT reports a group once, at its last member, and names the first member first; groups
    are returned ordered by their last member so the findings come in the XSLT's order.
    """
    groups: dict[Hashable, list[tuple[int, Element]]] = {}
    for index, (key, el) in enumerate(items):
        groups.setdefault(key, []).append((index, el))
    dups = sorted((g for g in groups.values() if len(g) > 1), key=lambda g: g[-1][0])
    return [[el for _, el in g] for g in dups]


Interval = tuple[int, date, date]  # (document index, first day, last day); an open end is date.max


def overlapping_pairs(red: Sequence[Interval], blue: Sequence[Interval] | None = None) -> list[tuple[int, int]]:
    """Overlapping closed intervals as (smaller index, larger index).

    Without ``blue`` every overlapping pair within ``red``; with ``blue`` only pairs with one
    interval from each side. A sweep over start dates with a heap of running intervals per side
    costs O(n log n + pairs) instead of comparing every request with every other one.
    """
    events = [(start, 0, idx, end) for idx, start, end in red]
    if blue is not None:
        events += [(start, 1, idx, end) for idx, start, end in blue]
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    running: list[list[tuple[date, int]]] = [[], []]
    pairs: list[tuple[int, int]] = []
    for start, side, idx, end in events:
        for heap in running:
            while heap and heap[0][0] < start:
                heapq.heappop(heap)
        partners = running[0] if blue is None else running[1 - side]
        pairs.extend((min(idx, other), max(idx, other)) for _, other in partners)
        heapq.heappush(running[side], (end, idx))
    return pairs

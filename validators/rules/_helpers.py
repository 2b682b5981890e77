"""Small building blocks shared by the level-2 rule modules.

The official XSLT tests values in a handful of ways ("filled", "one of these codes", "exists");
these helpers name those tests once so the rules read like their definition. Dates are compared
as dates and numbers as numbers, not as strings (see docs/afwijkingen.md for where that matters).
"""

from __future__ import annotations

import functools
import heapq
from collections.abc import Callable, Hashable, Iterable, Sequence
from datetime import date
from typing import TypeVar

from lxml import etree

from berichten.validators.engine import RuleContext, parse_date

T = TypeVar("T")
Element = etree._Element


# Each read of ``el.text`` makes a new Python string from the tree, so these helpers read it once.


def value(el: Element | None) -> str:
    """The text of an element with surrounding whitespace removed ('' when absent)."""
    if el is None:
        return ""
    text = el.text
    return "" if text is None else text.strip()


def filled(el: Element | None) -> bool:
    """The element exists and holds more than whitespace (the XSLT's ``*`` test)."""
    if el is None:
        return False
    text = el.text
    return bool(text) and not text.isspace()


def is_one_of(el: Element | None, codes: frozenset[str]) -> bool:
    """The element's value is one of the given codes (the XSLT's comma-list test)."""
    return el is not None and value(el) in codes


def stripped(text: str | None) -> str:
    """``value`` of a text already read (None: no element)."""
    return "" if text is None else text.strip()


def filled_text(text: str | None) -> bool:
    """``filled`` of a text already read (None: no element)."""
    return bool(text) and not text.isspace()  # type: ignore[union-attr]


def text_int(text: str | None) -> int | None:
    """``as_int`` of a text already read."""
    if text is None:
        return None
    try:
        return int(text.strip())
    except ValueError:
        return None


def as_date(el: Element | None) -> date | None:
    return parse_date(el.text) if el is not None else None


def as_int(el: Element | None) -> int | None:
    """An xs:integer value (``0300201`` and ``300201`` are the same number)."""
    return None if el is None else text_int(el.text)


_MISSING = object()


def cached(ctx: RuleContext, key: str, make: Callable[[], T]) -> T:
    """Compute something once per message (several rules walk the same products)."""
    store = ctx.__dict__  # keys hold a dot, so they never meet an attribute name
    found = store.get(key, _MISSING)
    if found is _MISSING:
        found = store[key] = make()
    return found  # type: ignore[return-value]


def per_message(func: Callable[[RuleContext], T]) -> Callable[[RuleContext], T]:
    """Decorator: ``func(ctx)`` runs once per message; later calls return the same object.

    Cheaper than ``cached`` with a closure: the shared records are asked for by most rules of
    every message, so the lookup itself has to cost next to nothing.
    """
    key = f"{func.__module__}.{func.__qualname__}"

    def once_per_message(ctx: RuleContext) -> T:
        store = ctx.__dict__
        found = store.get(key, _MISSING)
        if found is _MISSING:
            found = store[key] = func(ctx)
        return found  # type: ignore[return-value]

    return functools.wraps(func)(once_per_message)


def children(parent: Element | None, tag: str) -> list[Element]:
    return [] if parent is None else parent.findall(tag)


def duplicate_groups(items: Iterable[tuple[Hashable, Element]]) -> list[list[Element]]:
    """Groups of elements that share a key, in document order inside each group.

    Groups are ordered by their last element, which is where the XSLT reports a duplicate
    (one report per group, pointing first at the earliest element of the group). Linear time.
    """
    groups: dict[Hashable, list[tuple[int, Element]]] = {}
    for index, (key, el) in enumerate(items):
        groups.setdefault(key, []).append((index, el))
    dups = [g for g in groups.values() if len(g) > 1]
    dups.sort(key=lambda g: g[-1][0])
    return [[el for _, el in g] for g in dups]


Interval = tuple[int, date, date]  # (document index, first day, last day); an open end is date.max


def overlapping_pairs(red: Sequence[Interval], blue: Sequence[Interval] | None = None) -> list[tuple[int, int]]:
    """Pairs of overlapping closed intervals, as (index, index) with the smaller index first.

    Without ``blue``: every overlapping pair within ``red``. With ``blue``: only pairs with one
    interval from each side. A sweep over start dates keeps the work at O(n log n + pairs)
    instead of comparing every product with every other one.
    """
    events: list[tuple[date, int, int, date]] = []  # (start, side, index, end)
    for idx, start, end in red:
        events.append((start, 0, idx, end))
    if blue is not None:
        for idx, start, end in blue:
            events.append((start, 1, idx, end))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    active: list[list[tuple[date, int]]] = [[], []]  # per side: heap of (end, index)
    pairs: list[tuple[int, int]] = []
    for start, side, idx, end in events:
        for heap in active:
            while heap and heap[0][0] < start:
                heapq.heappop(heap)
        partners = active[0] if blue is None else active[1 - side]
        for _, other in partners:
            pairs.append((min(idx, other), max(idx, other)))
        heapq.heappush(active[side], (end, idx))
    return pairs

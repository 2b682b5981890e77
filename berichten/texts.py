"""Element texts by local name, read in one pass over the children.

lxml spends about a microsecond on every tag or text it hands to Python, and a ``find`` or
``findtext`` adds an ElementPath lookup per call. Reading a class's children once, by local name,
is several times cheaper than a path per field; the header reader, the level-3 rules and the
store's row extraction all read message classes this way. Matching by local name makes the
prefixes a sender chose irrelevant and also works on XSD-invalid trees (best effort).
"""

from __future__ import annotations

from lxml import etree

_LOCAL: dict[str, str] = {}  # Clark name -> local name; the standards' vocabulary is small


def local_name(tag: object) -> str | None:
    """Local name of an element's tag; None for comments and processing instructions (no str tag)."""
    if not isinstance(tag, str):
        return None
    name = _LOCAL.get(tag)
    if name is None:
        name = tag.rpartition("}")[2]
        if len(_LOCAL) < 10000:  # an invalid message cannot make the cache grow without end
            _LOCAL[tag] = name
    return name


def text_of(el: etree._Element) -> str | None:
    """The element's own text, stripped; None when there is none."""
    text = el.text
    return (text.strip() or None) if text else None


def child_texts(el: etree._Element) -> dict[str, str | None]:
    """Texts of the children by local name; of a child with children (Product, Omvang, ...) the
    grandchildren instead, as ``"Product/Code"``. The first of a repeated name counts."""
    out: dict[str, str | None] = {}
    for child in el:
        name = local_name(child.tag)
        if name is None:
            continue
        if len(child):
            prefix = name + "/"
            for grandchild in child:
                sub = local_name(grandchild.tag)
                if sub is not None:
                    out.setdefault(prefix + sub, text_of(grandchild))
        else:
            out.setdefault(name, text_of(child))
    return out

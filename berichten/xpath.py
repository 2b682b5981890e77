"""Locations of elements as the official rule XSLT writes them: ``/Bericht/Client/Bsn``.

Local names only (prefixes differ between senders); a position ``[n]`` is added only where the
element has same-named siblings, so ``ToegewezenProduct[2]`` but plain ``Client``.
"""

from __future__ import annotations

from lxml import etree


def element_path(element: etree._Element) -> str:
    parts: list[str] = []
    node: etree._Element | None = element
    while node is not None:
        name = etree.QName(node).localname
        parent = node.getparent()
        if parent is not None:
            same = [s for s in parent.iterchildren(node.tag)]
            if len(same) > 1:
                name = f"{name}[{same.index(node) + 1}]"
        parts.append(name)
        node = parent
    return "/" + "/".join(reversed(parts))

"""A message as a tree for the page: element names, text and the same paths findings use.

Paths come from ``berichten.xpath.ElementPaths``, the function that writes every finding's
``locatie``, so the page can find a finding's element by plain string comparison. A Bsn is sent
masked; its full value travels separately so the page shows it only when the user asks.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from berichten.privacy import mask_bsn
from berichten.xpath import ElementPaths

BSN_ELEMENTS = frozenset({"Bsn"})
MAX_NODES = 20_000  # a page cannot show more in any readable way; the rest is summarised


def message_tree(root: etree._Element) -> dict[str, Any]:
    """``{"n": name, "p": path, "t": text?, "c": [children]?, "bsn": full?}`` for the root and below."""
    paths = ElementPaths()
    count = 0

    def node(element: etree._Element) -> dict[str, Any]:
        nonlocal count
        count += 1
        name = etree.QName(element).localname
        out: dict[str, Any] = {"n": name, "p": paths(element)}
        children = [c for c in element.iterchildren(etree.Element)]
        if children:
            kept = []
            for child in children:
                if count >= MAX_NODES:
                    out["meer"] = len(children) - len(kept)
                    break
                kept.append(node(child))
            out["c"] = kept
        else:
            text = (element.text or "").strip()
            if name in BSN_ELEMENTS and text:
                out["t"] = mask_bsn(text)
                out["bsn"] = text
            elif text:
                out["t"] = text
        return out

    return node(root)

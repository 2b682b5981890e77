"""Locations of elements as the official rule XSLT writes them: ``/Bericht/Client/Bsn``.

Local names only (prefixes differ between senders); a position ``[n]`` is added only where the
element has same-named siblings, so ``ToegewezenProduct[2]`` but plain ``Client``.
"""

from __future__ import annotations

from lxml import etree


def element_path(element: etree._Element) -> str:
    """The path of one element. For many paths in one tree use ``ElementPaths``."""
    return ElementPaths()(element)


class ElementPaths:
    """Paths of many elements of one tree; sibling positions are computed once per parent.

    A message with a thousand products can yield thousands of findings; counting siblings again
    for every one of them would make reporting quadratic.
    """

    def __init__(self) -> None:
        # parent -> {child: "Name" or "Name[n]"}; holding the proxies keeps them identical on reuse
        self._steps: dict[etree._Element, dict[etree._Element, str]] = {}

    def __call__(self, element: etree._Element) -> str:
        parts: list[str] = []
        node: etree._Element | None = element
        while node is not None:
            parent = node.getparent()
            if parent is None:
                parts.append(etree.QName(node).localname)
            else:
                steps = self._steps.get(parent)
                if steps is None:
                    steps = self._steps[parent] = _child_steps(parent)
                parts.append(steps[node])
            node = parent
        return "/" + "/".join(reversed(parts))


def _child_steps(parent: etree._Element) -> dict[etree._Element, str]:
    by_tag: dict[str, list[etree._Element]] = {}
    for child in parent.iterchildren(etree.Element):
        by_tag.setdefault(child.tag, []).append(child)
    steps: dict[etree._Element, str] = {}
    for children in by_tag.values():
        name = etree.QName(children[0]).localname
        if len(children) == 1:
            steps[children[0]] = name
        else:
            for i, child in enumerate(children, 1):
                steps[child] = f"{name}[{i}]"
    return steps

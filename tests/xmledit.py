"""Editing a message tree by local names, in XSD element order: the base of the mutation generators.

``MessageTree`` finds and sets children by local name (prefixes do not matter) and inserts a
missing child where the schema wants it, given the element order of the classes a generator edits
(``order``) and the classes whose children live in the basisschema namespace (``basis_parents``).
"""

from __future__ import annotations

from datetime import date

from lxml import etree

PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)


def local(el: etree._Element) -> str:
    """The local name of an element; "" for comments and processing instructions."""
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


class MessageTree:
    order: dict[str, list[str]] = {}  # class -> its children in XSD order
    basis_parents: frozenset[str] = frozenset()  # classes whose children are basisschema elements

    def __init__(self, data: bytes) -> None:
        self.root = etree.fromstring(data, PARSER)
        self.mns = etree.QName(self.root).namespace
        # .../ijw/3_2/jw301/schema -> .../ijw/3_2/basisschema/schema
        self.bns = self.mns.rsplit("/", 2)[0] + "/basisschema/schema"

    def m(self, name: str) -> str:
        return f"{{{self.mns}}}{name}"

    def b(self, name: str) -> str:
        return f"{{{self.bns}}}{name}"

    def q(self, parent: etree._Element, name: str) -> str:
        """Clark name of a new child: children of basisschema types are basisschema elements."""
        qn = etree.QName(parent)
        return self.b(name) if qn.namespace == self.bns or qn.localname in self.basis_parents else self.m(name)

    def find_all(self, path: str) -> list[etree._Element]:
        """Path of local names below the root, e.g. ``Client/ToegewezenProducten/ToegewezenProduct``."""
        nodes = [self.root]
        for step in path.split("/"):
            nodes = [c for n in nodes for c in n if local(c) == step]
        return nodes

    def child(self, parent: etree._Element, name: str) -> etree._Element | None:
        return next((c for c in parent if local(c) == name), None)

    def set(self, parent: etree._Element, name: str, text: str | None) -> etree._Element:
        """Set a child's text, creating the child in XSD order when needed."""
        el = self.child(parent, name)
        if el is None:
            el = etree.Element(self.q(parent, name))
            order = self.order[local(parent)]
            before = set(order[: order.index(name)])
            index = 0
            for i, c in enumerate(parent):
                if local(c) in before:
                    index = i + 1
            parent.insert(index, el)
        el.text = text
        return el

    def remove(self, parent: etree._Element, name: str) -> bool:
        el = self.child(parent, name)
        if el is None:
            return False
        parent.remove(el)
        return True

    @property
    def dagtekening(self) -> date:
        return date.fromisoformat(self.find_all("Header/BerichtIdentificatie/Dagtekening")[0].text.strip())

    def bytes(self) -> bytes:
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8")

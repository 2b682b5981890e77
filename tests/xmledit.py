"""Editing a message tree by local names, in XSD element order: the base of the mutation generators.

``MessageTree`` finds and sets children by local name (prefixes do not matter) and inserts a
missing child where the schema wants it, given the element order of the classes a generator edits
(``order``) and the classes whose children live in the basisschema namespace (``basis_parents``).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Mutation:
    """One mutated message of the 305-325 generators."""

    name: str  # operator and seed, e.g. "305/CS058#3"
    target: str  # the rule code aimed at, or "geldig..." / "afwijking..." / "combinatie"
    standaard: str
    bericht: str
    base: str  # which base message was mutated
    data: bytes


def finish(t: MessageTree, r: random.Random) -> bytes:
    """Serialise; half of the messages with CRLF, the others as the base had them."""
    data = t.bytes()
    if r.random() < 0.5:
        data = re.sub(rb"\r?\n", b"\r\n", data)
    return data


def seeded_mutations(
    operators: Mapping[str, Callable[[MessageTree, random.Random], bool]],
    bases: dict[str, bytes],
    standaard: str,
    bericht: str,
    per_operator: int,
    *,
    seed_prefix: str,
    tree: Callable[[bytes], MessageTree],
    stacked_per_operator: int = 2,
) -> Iterator[Mutation]:
    """``per_operator`` seeded mutations of every operator for every base, then stacked pairs of two
    operators on one message (to see rules interact). An operator that returns False does not apply
    to that base. ``seed_prefix`` keeps each generator's random streams (and so its mutations) stable."""
    for base_name, data in sorted(bases.items()):
        for op_name, op in operators.items():
            for i in range(per_operator):
                r = random.Random(f"{seed_prefix}/{base_name}/{op_name}/{i}")
                t = tree(data)
                if not op(t, r):
                    break
                target = op_name.split("-")[0] if not op_name.startswith(("geldig", "afwijking")) else op_name
                yield Mutation(f"{bericht}/{op_name}#{i}", target, standaard, bericht, base_name, finish(t, r))
        names = sorted(operators)
        for i in range(per_operator * stacked_per_operator):
            r = random.Random(f"{seed_prefix}/{base_name}/stack/{i}")
            t = tree(data)
            a, b = r.sample(names, 2)
            if operators[a](t, r) and operators[b](t, r):
                yield Mutation(f"{bericht}/{a}+{b}#{i}", "combinatie", standaard, bericht, base_name, finish(t, r))

"""The Header of a message (and the client's Bsn), read once per message and shared.

The store's ``bericht`` row, the level-3 rules and the business rows all need the parties,
BerichtCode, Identificatie and Dagtekening; reading them once here (``Document.header``) instead
of in each consumer saves a walk over the tree per consumer, which is most of what they cost.

Elements are matched by local name, so this also reads what it can of an XSD-invalid tree (a
rejected message is stored with what its header says) and ignores the prefixes a sender chose.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lxml import etree

# The header elements we read, by local name; those under BerichtIdentificatie separately.
_HEADER_FIELDS = {"BerichtCode": "berichtcode", "Afzender": "afzender", "Ontvanger": "ontvanger"}
_IDENT_FIELDS = {"Identificatie": "identificatie", "Dagtekening": "dagtekening_tekst"}


@dataclass(frozen=True, slots=True)
class Header:
    """Texts as received, stripped; None when the element is missing or empty."""

    berichtcode: str | None = None
    afzender: str | None = None
    ontvanger: str | None = None
    identificatie: str | None = None
    dagtekening_tekst: str | None = None
    bsn: str | None = None  # Client/Bsn; only for the pseudonym, never printed

    @property
    def dagtekening(self) -> date | None:
        try:
            return date.fromisoformat(self.dagtekening_tekst) if self.dagtekening_tekst else None
        except ValueError:
            return None


_LOCAL: dict[str, str] = {}  # Clark name -> local name; the standards' vocabulary is small


def _local(tag: object) -> str | None:
    """Local name of an element's tag; None for comments and processing instructions (no str tag)."""
    if not isinstance(tag, str):
        return None
    name = _LOCAL.get(tag)
    if name is None:
        name = tag.rpartition("}")[2]
        if len(_LOCAL) < 10000:  # an invalid message cannot make the cache grow without end
            _LOCAL[tag] = name
    return name


def _text(el: etree._Element) -> str | None:
    text = el.text
    return (text.strip() or None) if text else None


def read_header(root: etree._Element | None) -> Header:
    """The Header fields and the client's Bsn of a tree (best effort on invalid trees).

    Plain iteration over children: a tag filter or ``find`` costs more per call than reading
    the few tags of the header ourselves."""
    if root is None:
        return Header()
    values: dict[str, str | None] = {}
    for child in root:
        name = _local(child.tag)
        if name == "Header":
            for el in child:
                name = _local(el.tag)
                if name == "BerichtIdentificatie":
                    for part in el:
                        key = _IDENT_FIELDS.get(_local(part.tag))  # type: ignore[arg-type]
                        if key and key not in values:
                            values[key] = _text(part)
                else:
                    key = _HEADER_FIELDS.get(name)  # type: ignore[arg-type]
                    if key and key not in values:
                        values[key] = _text(el)
        elif name == "Client" and "bsn" not in values:
            for el in child:
                if _local(el.tag) == "Bsn":
                    values["bsn"] = _text(el)
                    break
    return Header(**values)

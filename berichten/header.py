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

from berichten.texts import child_texts, local_name, text_of


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


def read_header(root: etree._Element | None) -> Header:
    """The Header fields and the client's Bsn of a tree (best effort on invalid trees)."""
    if root is None:
        return Header()
    fields: dict[str, str | None] | None = None
    bsn = None
    for child in root:
        name = local_name(child.tag)
        if name == "Header" and fields is None:
            fields = child_texts(child)
        elif name == "Client" and bsn is None:
            bsn = next((text_of(el) for el in child if local_name(el.tag) == "Bsn"), None)
    fields = fields or {}
    return Header(
        berichtcode=fields.get("BerichtCode"),
        afzender=fields.get("Afzender"),
        ontvanger=fields.get("Ontvanger"),
        identificatie=fields.get("BerichtIdentificatie/Identificatie"),
        dagtekening_tekst=fields.get("BerichtIdentificatie/Dagtekening"),
        bsn=bsn,
    )

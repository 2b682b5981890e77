"""The parts of a 301 the regional rules read: header, client and each ToegewezenProduct.

Elements are found by local name, so the same code reads iJw and iWmo messages. Only messages
that passed levels 1 and 2 reach this module, so required elements are present and well-typed.
A ``ProductView`` holds no element, only values (the product's path included), so it can be made
in a worker process and cross the pipe (``check --jobs``; lxml elements do not pickle).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lxml import etree

from berichten.xpath import ElementPaths
from berichten.validators.engine import parse_date
from berichten.validators.regional.hours import Omvang


def child(el: etree._Element | None, name: str) -> etree._Element | None:
    if el is None:
        return None
    return next((c for c in el if isinstance(c.tag, str) and etree.QName(c).localname == name), None)


def children(el: etree._Element | None, name: str) -> list[etree._Element]:
    if el is None:
        return []
    return [c for c in el if isinstance(c.tag, str) and etree.QName(c).localname == name]


def text_of(el: etree._Element | None, *path: str) -> str | None:
    for name in path:
        el = child(el, name)
    return el.text.strip() if el is not None and el.text is not None else None


@dataclass(frozen=True, slots=True)
class ProductView:
    """One ToegewezenProduct with the header fields the rules need."""

    locatie: str  # the product's path, /Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]
    standaard: str
    afzender: str
    ontvanger: str
    bsn: str | None
    toewijzingnummer: int | None
    categorie: str | None
    code: str | None
    toewijzingsdatum: date | None
    ingangsdatum: date | None
    einddatum: date | None
    omvang: Omvang | None
    budget: int | None
    reden_wijziging: str | None = None

    def __reduce__(self) -> tuple:
        # Pickled through the constructor (check --jobs): a frozen dataclass's own __setstate__
        # is a Python loop over fields() for every product.
        return ProductView, tuple(getattr(self, name) for name in self.__slots__)

    @property
    def deleted(self) -> bool:
        """Deleted (RedenWijziging 13, or the withdrawn 01, with Einddatum = Ingangsdatum): counts as never sent."""
        return self.reden_wijziging in ("01", "13") and self.einddatum is not None and self.einddatum == self.ingangsdatum


def toegewezen_producten(root: etree._Element) -> list[etree._Element]:
    return children(child(child(root, "Client"), "ToegewezenProducten"), "ToegewezenProduct")


def read_products(root: etree._Element, standaard: str) -> list[ProductView]:
    header = child(root, "Header")
    client = child(root, "Client")
    paths = ElementPaths()  # sibling positions counted once, not once per product
    out = []
    for tp in toegewezen_producten(root):
        omvang_el = child(tp, "Omvang")
        omvang = None
        if omvang_el is not None:
            omvang = Omvang(
                volume=int(text_of(omvang_el, "Volume") or 0),
                eenheid=text_of(omvang_el, "Eenheid") or "",
                frequentie=text_of(omvang_el, "Frequentie") or "",
            )
        nummer = text_of(tp, "ToewijzingNummer")
        budget = text_of(tp, "Budget")
        out.append(ProductView(
            locatie=paths(tp),
            standaard=standaard,
            afzender=text_of(header, "Afzender") or "",
            ontvanger=text_of(header, "Ontvanger") or "",
            bsn=text_of(client, "Bsn"),
            toewijzingnummer=int(nummer) if nummer and nummer.isdigit() else None,
            categorie=text_of(tp, "Product", "Categorie"),
            code=text_of(tp, "Product", "Code"),
            toewijzingsdatum=parse_date(text_of(tp, "Toewijzingsdatum")),
            ingangsdatum=parse_date(text_of(tp, "Ingangsdatum")),
            einddatum=parse_date(text_of(tp, "Einddatum")),
            omvang=omvang,
            budget=int(budget) if budget and budget.lstrip("-").isdigit() else None,
            reden_wijziging=text_of(tp, "RedenWijziging"),
        ))
    return out

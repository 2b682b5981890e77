"""Level-2 rules of the 301 Toewijzing (iJw and iWmo), as the official XSLT checks them.

Each rule is one small function over the lxml tree of an XSD-valid message; the generic rules
(Bsn, Geboortedatum, address and name) live in ``common``. Where the XSLT compares dates or numbers
as text we compare values; docs/afwijkingen.md lists where that changes a verdict.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from lxml import etree

from berichten.validators.engine import REGISTRY, CheckFunction, Hit, RuleContext, hit, parse_date
from berichten.validators.rules._helpers import (
    as_date,
    per_message,
    duplicate_groups,
    filled,
    filled_text,
    overlapping_pairs,
    stripped,
    text_int,
    value,
)
from berichten.validators.rules import omvang
from berichten.validators.rules.common import GenericParts, register_parts, tr134_hits

Element = etree._Element

B301 = ("301",)
TP = "/Bericht/Client/ToegewezenProducten/ToegewezenProduct"
CONTACT = "/Bericht/Client/Contactgegevens/Contact"

IWMO_HULPMIDDEL_CATEGORIES = frozenset({"11", "12", "13", "14"})  # iWmo categories that may overlap (TR302)


# Records are filled once per message and only read afterwards; not frozen, because a frozen
# dataclass pays an object.__setattr__ per field on every product of every message.
@dataclass(slots=True, eq=False)
class Product:
    """What the rules read of one ToegewezenProduct: texts, read once per message.

    A text is None when its element is absent and '' when the element is empty. The record holds no
    element: a proxy kept alive (and the tag string lxml caches in it) costs about 180 bytes, ten
    per product, several times the file on a big message. A finding finds its elements again from
    ``position`` (``product_elements``).
    """

    position: int  # index among the children of ToegewezenProducten
    nummer: str | None
    product: bool  # a Product element is present
    categorie: str | None
    code: str | None
    toewijzingsdatum: str | None
    ingang: str | None
    einde: str | None
    reden: str | None
    omvang: bool  # an Omvang element is present
    eenheid: str | None
    frequentie: str | None
    budget: str | None


@dataclass(frozen=True, slots=True)
class _Tags:
    """The Clark names products() and contacts() look for, made once per namespace pair."""

    client: str
    bsn: str
    naam: str
    naamgebruik: str
    partnernaam: str
    geboortedatum: str
    datum: str
    datumgebruik: str
    communicatie: str
    vorm: str
    taal: str
    relaties: str
    relatie: str
    contactgegevens: str
    producten: str
    product_el: str
    nummer: str
    product: str
    toewijzingsdatum: str
    ingang: str
    einde: str
    reden: str
    omvang: str
    budget: str
    categorie: str
    code: str
    eenheid: str
    frequentie: str
    contact: str
    soort: str
    adres: str
    telefoon: str
    periode: str
    huis: str
    postcode: str
    landcode: str
    begin: str
    periode_einde: str


_TAGS: dict[str, _Tags] = {}


def _tags(ctx: RuleContext) -> _Tags:
    # Keyed by the message namespace alone: it names the standard and release, hence the basisschema.
    tags = _TAGS.get(ctx.mns)
    if tags is None:
        m, b = ctx.m, ctx.b
        tags = _TAGS[ctx.mns] = _Tags(
            client=m("Client"), bsn=m("Bsn"), naam=m("Naam"), naamgebruik=b("NaamGebruik"),
            partnernaam=b("Partnernaam"), geboortedatum=m("Geboortedatum"), datum=b("Datum"),
            datumgebruik=b("DatumGebruik"), communicatie=m("Communicatie"), vorm=b("Vorm"), taal=b("Taal"),
            relaties=m("Relaties"), relatie=m("Relatie"), contactgegevens=m("Contactgegevens"),
            producten=m("ToegewezenProducten"), product_el=m("ToegewezenProduct"),
            nummer=m("ToewijzingNummer"), product=m("Product"), toewijzingsdatum=m("Toewijzingsdatum"),
            ingang=m("Ingangsdatum"), einde=m("Einddatum"), reden=m("RedenWijziging"), omvang=m("Omvang"),
            budget=m("Budget"), categorie=b("Categorie"), code=b("Code"), eenheid=b("Eenheid"),
            frequentie=b("Frequentie"), contact=m("Contact"), soort=m("Soort"), adres=m("Adres"),
            telefoon=m("Telefoon"), periode=m("Periode"), huis=b("Huis"), postcode=b("Postcode"), landcode=b("LandCode"),
            begin=b("Begindatum"), periode_einde=b("Einddatum"),
        )
    return tags


@per_message
def products(ctx: RuleContext) -> list[Product]:
    """Every ToegewezenProduct of the message, in document order."""
    wrapper = _producten(ctx)
    if wrapper is None:
        return []
    t = _tags(ctx)
    slots = _slots(t)
    read = _read_product
    product_tag = t.product_el
    # The children's proxies live only while their texts are read: nothing of them is kept.
    return [read(tp, i, slots) for i, tp in enumerate(wrapper) if tp.tag == product_tag]


@per_message
def _producten(ctx: RuleContext) -> Element | None:
    return client_kids(ctx).get(_tags(ctx).producten)


# Where each text of a Product sits: (slot in the ToegewezenProduct, or in its Product / Omvang).
_NUMMER, _PRODUCT, _TOEWIJZINGSDATUM, _INGANG, _EINDE, _REDEN, _OMVANG, _BUDGET = range(8)
_Slots = tuple[dict[str, int], dict[str, int], dict[str, int]]
_SLOTS: dict[str, _Slots] = {}


def _slots(t: _Tags) -> _Slots:
    found = _SLOTS.get(t.product_el)
    if found is None:
        found = _SLOTS[t.product_el] = (
            {t.nummer: _NUMMER, t.product: _PRODUCT, t.toewijzingsdatum: _TOEWIJZINGSDATUM, t.ingang: _INGANG,
             t.einde: _EINDE, t.reden: _REDEN, t.omvang: _OMVANG, t.budget: _BUDGET},
            {t.categorie: 0, t.code: 1},
            {t.eenheid: 0, t.frequentie: 1},
        )
    return found


def _read_product(tp: Element, position: int, slots: _Slots) -> Product:
    """One pass over the children (the first of each tag counts, as a find() would give)."""
    top, in_product, in_omvang = slots
    texts: list[Any] = [None] * 8
    product = omvang = None
    for child in tp:
        slot = top.get(child.tag)
        if slot is None or texts[slot] is not None:
            continue
        if slot == _PRODUCT:
            product = child
            texts[slot] = True
        elif slot == _OMVANG:
            omvang = child
            texts[slot] = True
        else:
            texts[slot] = child.text or ""
    categorie, code = _first_texts(product, in_product)
    eenheid, frequentie = _first_texts(omvang, in_omvang)
    return Product(
        position, texts[_NUMMER], product is not None, categorie, code, texts[_TOEWIJZINGSDATUM], texts[_INGANG],
        texts[_EINDE], texts[_REDEN], omvang is not None, eenheid, frequentie, texts[_BUDGET],
    )


def _first_texts(parent: Element | None, slots: dict[str, int]) -> list[str | None]:
    """The texts of the first child of each of two tags ('' when empty, None when absent)."""
    found: list[str | None] = [None, None]
    if parent is not None:
        for child in parent:
            slot = slots.get(child.tag)
            if slot is not None and found[slot] is None:
                found[slot] = child.text or ""
    return found


# The element each Product field was read from, as tags below the ToegewezenProduct ("el": itself).
_FIELD_PATHS: dict[str, tuple[str, ...]] = {
    "el": (), "nummer": ("nummer",), "product": ("product",), "categorie": ("product", "categorie"),
    "code": ("product", "code"), "toewijzingsdatum": ("toewijzingsdatum",), "ingang": ("ingang",),
    "einde": ("einde",), "reden": ("reden",), "omvang": ("omvang",), "eenheid": ("omvang", "eenheid"),
    "frequentie": ("omvang", "frequentie"), "budget": ("budget",),
}


def product_elements(ctx: RuleContext, p: Product, *fields: str) -> tuple[Element | None, ...]:
    """The elements of these fields of one product (None where absent), found again for a finding."""
    t = _tags(ctx)
    tp = _product_children(ctx)[p.position]
    found = []
    for name in fields:
        el: Element | None = tp
        for attr in _FIELD_PATHS[name]:
            el = _first_child(el, getattr(t, attr))
        found.append(el)
    return tuple(found)


@per_message
def _product_children(ctx: RuleContext) -> list[Element]:
    """The children of ToegewezenProducten, listed when a finding first needs one: an index into
    the tree walks the children from the first, which over every product would be quadratic."""
    wrapper = _producten(ctx)
    return [] if wrapper is None else list(wrapper)


def _first_child(parent: Element | None, tag: str) -> Element | None:
    if parent is not None:
        for child in parent:
            if child.tag == tag:
                return child
    return None


def located(ctx: RuleContext, p: Product, *fields: str) -> Hit:
    """A hit on these fields of one product."""
    return hit(*product_elements(ctx, p, *fields))


@dataclass(slots=True, eq=False)
class Contact:
    """The parts of one Contact the rules look at, found once per message."""

    el: Element
    soort: Element | None
    adres: Element | None
    huis: Element | None
    postcode: Element | None
    landcode: Element | None
    telefoon: Element | None
    periode: Element | None
    begin: Element | None
    einde: Element | None


@per_message
def client_kids(ctx: RuleContext) -> dict[str, Element]:
    """The children of Client by tag; in a 301 each of them occurs at most once."""
    return _first_children(ctx.client)


@per_message
def contacts(ctx: RuleContext) -> list[Contact]:
    """Every Contact: those of the Relaties first (document order), then Contactgegevens.

    The schema puts Relaties before Contactgegevens and one Contact in each Relatie, so this is
    the document order of every Contact under Client.
    """
    items = relaties(ctx)
    if not items:
        return gegevens_contacts(ctx)
    t = _tags(ctx)
    out = [_contact(t, el) for r in items for el in r.iterchildren(t.contact)]
    return out + gegevens_contacts(ctx)


@per_message
def gegevens_contacts(ctx: RuleContext) -> list[Contact]:
    """The Contacts of Client/Contactgegevens, in document order."""
    t = _tags(ctx)
    cg = client_kids(ctx).get(t.contactgegevens)
    if cg is None:
        return []
    tag = t.contact
    return [_contact(t, el) for el in cg if el.tag == tag]


def _contact(t: _Tags, el: Element) -> Contact:
    get = _first_children(el).get
    adres, periode = get(t.adres), get(t.periode)
    aget = _first_children(adres).get
    pget = _first_children(periode).get
    return Contact(
        el, get(t.soort), adres, aget(t.huis), aget(t.postcode), aget(t.landcode), get(t.telefoon),
        periode, pget(t.begin), pget(t.periode_einde),
    )


class Parts301(GenericParts):
    """The generic parts, and the client's own NaamGebruik (CS318) found on the way."""

    __slots__ = ("client_naamgebruik",)

    def __init__(self) -> None:
        super().__init__()
        self.client_naamgebruik: Element | None = None


@per_message
def generic_parts(ctx: RuleContext) -> Parts301:
    """The elements of the generic checks (common.py), read from the 301's own records.

    The walk over the whole tree that finds them in other messages costs more than the rest of
    the generic checks together. In an XSD-valid 301 they sit at known places only: Bsn in
    Client; Geboortedatum and Naam in Client and in each Relatie (before its Contact);
    Communicatie in Client; Adres in each Contact (those of the Relaties come first in the
    document). Each list is in document order, as the walk gives it.
    """
    t = _tags(ctx)
    parts = Parts301()
    kids = client_kids(ctx)
    bsn = kids.get(t.bsn)
    if bsn is not None:
        parts.bsn.append(bsn)
    persons = [kids]
    for relatie in relaties(ctx):
        persons.append(_first_children(relatie))
    for person in persons:
        geboortedatum = person.get(t.geboortedatum)
        if geboortedatum is not None:
            gget = _first_children(geboortedatum).get
            datum, gebruik = gget(t.datum), gget(t.datumgebruik)
            if datum is not None:
                parts.birth_dates.append((geboortedatum, datum, gebruik))
                if gebruik is not None:
                    parts.dated_uses.append((datum, gebruik))
        naam = person.get(t.naam)
        if naam is not None:
            nget = _first_children(naam).get
            naamgebruik = nget(t.naamgebruik)
            if naamgebruik is not None:
                parts.names.append((naamgebruik, nget(t.partnernaam)))
                if person is kids:
                    parts.client_naamgebruik = naamgebruik
    communicatie = kids.get(t.communicatie)
    if communicatie is not None:
        cget = _first_children(communicatie).get
        vorm, taal = cget(t.vorm), cget(t.taal)
        if vorm is not None or taal is not None:
            parts.communications.append((vorm, taal))
    for c in contacts(ctx):
        if c.postcode is not None or c.landcode is not None:
            parts.addresses.append((c.postcode, c.landcode, c.adres))
    return parts


register_parts("301", generic_parts)


_NONE: dict[str, Element] = {}


def _first_children(parent: Element | None) -> dict[str, Element]:
    """The first child per tag in one pass; cheaper than a find() per name."""
    if parent is None:
        return _NONE  # read only
    kids: dict[str, Element] = {}
    for c in parent:
        kids.setdefault(c.tag, c)  # the first child of each tag stays
    return kids


def rule301(
    code: str, melding: str, elementen: tuple[str, ...], uitleg: str, **kw: Any
) -> Callable[[CheckFunction], CheckFunction]:
    """Register a 301 rule: code, Dutch one-liner, elements concerned, explanation."""
    return REGISTRY.rule(code, berichten=B301, melding=melding, elementen=elementen, uitleg=uitleg, **kw)


# --- Contact ---------------------------------------------------------------------------------------


@rule301(
    "CD009",
    "Contact/Periode mag alleen bij een tijdelijk adres (Soort 04).",
    (f"{CONTACT}/Periode", f"{CONTACT}/Soort"),
    "Een periode bij een contact zegt van wanneer tot wanneer een adres geldt. Dat heeft alleen zin "
    "bij een tijdelijk adres (Soort 04); bij andere soorten moet Periode ontbreken.",
)
def cd009(ctx: RuleContext) -> list[Hit]:
    return [hit(c.soort) for c in contacts(ctx) if c.periode is not None and value(c.soort) != "04"]


@rule301(
    "CD034",
    "Bij een BRP-adres of verblijfadres (Soort 01 of 03) is Adres/Postcode verplicht.",
    (f"{CONTACT}/Soort", f"{CONTACT}/Adres/Postcode"),
    "Een BRP-adres (01) en een verblijfadres (03) moeten vindbaar zijn, dus het Adres van zo'n "
    "contact moet een Postcode hebben.",
)
def cd034(ctx: RuleContext) -> list[Hit]:
    return [hit(c.soort) for c in contacts(ctx) if value(c.soort) in ("01", "03") and not filled(c.postcode)]


@rule301(
    "TR006",
    "Een Contact heeft een Telefoon nodig, of een Adres met Huis en Postcode.",
    (CONTACT, f"{CONTACT}/Telefoon", f"{CONTACT}/Adres/Huis", f"{CONTACT}/Adres/Postcode"),
    "Via elk contact moet de cliënt of relatie bereikbaar zijn: per telefoon, of per post met een "
    "adres dat zowel een huisnummer (Huis) als een postcode heeft. Ontbreken zowel Telefoon als Huis "
    "en Postcode, dan volgen twee meldingen, net als bij de officiële XSLT.",
)
def tr006(ctx: RuleContext) -> list[Hit]:
    found = []
    for c in contacts(ctx):
        if c.telefoon is not None:
            continue
        if c.huis is None:
            found.append(hit(c.el))
        if c.postcode is None:
            found.append(hit(c.el))
    return found


@rule301(
    "TR061",
    "De cliënt heeft minstens één Contact met Soort 01, 02 of 03.",
    (CONTACT, f"{CONTACT}/Soort"),
    "Een toewijzing moet de cliënt kunnen bereiken: onder Contactgegevens staat minstens één "
    "BRP-adres (01), correspondentieadres (02) of verblijfadres (03). Alleen een tijdelijk adres "
    "(04) is niet genoeg.",
)
def tr061(ctx: RuleContext) -> list[Hit]:
    items = gegevens_contacts(ctx)
    for c in items:
        if value(c.soort) in ("01", "02", "03"):
            return []
    if client_kids(ctx).get(_tags(ctx).contactgegevens) is None:
        return []
    return [hit(*(c.el for c in items))]


@rule301(
    "CS003",
    "Einddatum ligt vóór de Ingangsdatum (of Begindatum) van dezelfde periode.",
    (f"{TP}/Einddatum", f"{TP}/Ingangsdatum", f"{CONTACT}/Periode/Einddatum", f"{CONTACT}/Periode/Begindatum"),
    "Een periode kan niet eindigen voordat hij begint. Dat geldt voor de Einddatum van een "
    "toegewezen product ten opzichte van de Ingangsdatum en voor de Periode van een contact. Een "
    "Einddatum gelijk aan de begindatum mag. Een Periode zonder Begindatum toetsen we niet (de "
    "officiële XSLT keurt die af, zie docs/afwijkingen.md).",
)
def cs003(ctx: RuleContext) -> list[Hit]:
    found = []
    for c in contacts(ctx):
        if c.einde is not None and c.begin is not None:
            e, s = as_date(c.einde), as_date(c.begin)
            if e is not None and s is not None and e < s:
                found.append(hit(c.begin, c.einde))
    for p in products(ctx):
        if p.einde is not None:
            e, s = parse_date(p.einde), parse_date(p.ingang)
            if e is not None and s is not None and e < s:
                found.append(located(ctx, p, "ingang", "einde"))
    return found


# --- Client ----------------------------------------------------------------------------------------


@rule301(
    "CS318",
    "De naam van de cliënt mag geen NaamGebruik 6 (niet-natuurlijk persoon) hebben.",
    ("/Bericht/Client/Naam/NaamGebruik",),
    "De cliënt is altijd een natuurlijk persoon, dus NaamGebruik 6 is bij de cliënt niet toegestaan. "
    "Bij een relatie (bijvoorbeeld een instelling) mag 6 wel. De iWmo-XSLT kent deze regel niet "
    "(daar keurt CS050 een 6 zonder Partnernaam al af), maar de iWmo-condities noemen hem wel voor "
    "de 301; berichten controleert hem daarom in beide standaarden (docs/afwijkingen.md).",
)
def cs318(ctx: RuleContext) -> list[Hit]:
    el = generic_parts(ctx).client_naamgebruik
    return [hit(el)] if value(el) == "6" else []


@rule301(
    "TR134",
    "Geboortedatum en Toewijzingsdatum mogen niet na de Dagtekening van het bericht liggen.",
    ("/Bericht/Header/BerichtIdentificatie/Dagtekening", "/Bericht/Client/Geboortedatum/Datum",
     "/Bericht/Client/Relaties/Relatie/Geboortedatum/Datum", f"{TP}/Toewijzingsdatum"),
    "Een bericht kan niets vastleggen dat pas na de Dagtekening gebeurt: geboortedata van cliënt en "
    "relaties en de Toewijzingsdatum van elk product liggen op of vóór de Dagtekening. De melding "
    "wijst eerst de Dagtekening aan, net als de officiële XSLT.",
)
def tr134(ctx: RuleContext) -> list[Hit]:
    # The birth dates of the client and then of each Relatie, as the generic checks have them.
    found = tr134_hits(ctx, [datum for _, datum, _ in generic_parts(ctx).birth_dates])
    dagtekening = ctx.dagtekening
    if dagtekening is not None:
        for p in products(ctx):
            d = parse_date(p.toewijzingsdatum)
            if d is not None and d > dagtekening:  # the XSLT lists the Dagtekening first
                found.append(hit(ctx.dagtekening_element, *product_elements(ctx, p, "toewijzingsdatum")))
    return found


@per_message
def relaties(ctx: RuleContext) -> list[Element]:
    """Client/Relaties/Relatie, in document order (usually none)."""
    t = _tags(ctx)
    wrapper = client_kids(ctx).get(t.relaties)
    return [] if wrapper is None else list(wrapper.iterchildren(t.relatie))


# --- ToegewezenProduct: Omvang, Budget, Einddatum ---------------------------------------------------

# The checks are shared with the other message (validators/rules/omvang.py); codes and texts are this message's.

SIZED = omvang.Source(products, lambda ctx, p, fields: product_elements(ctx, p, *fields), "omvang.301.products")

omvang.register(
    "omvang_bij_code", SIZED, rule301, "CD041",
    "Een toegewezen product met Product/Code moet een Omvang hebben.",
    (f"{TP}/Product/Code", f"{TP}/Omvang"),
    "Bij een specifiek product (categorie en code) hoort een omvang: hoeveel eenheden per periode "
    "de aanbieder mag leveren. Zonder Omvang is niet duidelijk wat is toegewezen.",
    voorbeeld_fout="regels/CD041-fout.xml",
    voorbeeld_goed="regels/CD041-goed.xml",
)

omvang.register(
    "einde_bij_budget", SIZED, rule301, "CD075",
    "Bij een Budget is een Einddatum verplicht.",
    (f"{TP}/Budget", f"{TP}/Einddatum"),
    "Een budget geldt voor een afgebakende periode; een toewijzing met Budget moet daarom een "
    "Einddatum hebben.",
)

omvang.register(
    "einde_bij_per_week", SIZED, rule301, "CD076",
    "Bij Frequentie 2 (per week) is een Einddatum verplicht.",
    (f"{TP}/Omvang/Frequentie", f"{TP}/Einddatum"),
    "Een omvang per week zonder einddatum is onbegrensd. Bij Frequentie 2 moet het toegewezen "
    "product daarom een Einddatum hebben.",
)

omvang.register(
    "geen_omvang_bij_budget", SIZED, rule301, "CD077",
    "Omvang en Budget sluiten elkaar uit: bij een Budget geen Omvang.",
    (f"{TP}/Omvang", f"{TP}/Budget"),
    "Een toewijzing wordt uitgedrukt in een omvang (volume per periode) of in een budget (bedrag), "
    "nooit in beide. Deze regel kijkt vanuit het Budget; CD078 is dezelfde controle vanuit de "
    "Omvang, dus beide meldingen verschijnen samen.",
    voorbeeld_fout="regels/CD077-fout.xml",
    voorbeeld_goed="regels/CD077-goed.xml",
)

omvang.register(
    "geen_budget_bij_omvang", SIZED, rule301, "CD078",
    "Omvang en Budget sluiten elkaar uit: bij een Omvang geen Budget.",
    (f"{TP}/Omvang", f"{TP}/Budget"),
    "Een toewijzing wordt uitgedrukt in een omvang of in een budget, nooit in beide. Deze regel is "
    "de tegenhanger van CD077, gezien vanuit de Omvang.",
)

omvang.register(
    "product_zonder_budget", SIZED, rule301, "CD079",
    "Zonder Budget is Product verplicht.",
    (TP, f"{TP}/Product", f"{TP}/Budget"),
    "Alleen een generieke toewijzing (een budget zonder product) mag het Product weglaten. Zonder "
    "Budget moet het toegewezen product een Product met ten minste een categorie hebben.",
)

omvang.register(
    "geen_omvang_zonder_code", SIZED, rule301, "CD080",
    "Zonder Product/Code geen Omvang, tenzij de Einddatum op of vóór 31-12-2020 ligt.",
    (f"{TP}/Omvang", f"{TP}/Product/Code", f"{TP}/Einddatum"),
    "Een aspecifieke toewijzing (alleen een categorie) of generieke toewijzing krijgt geen Omvang: "
    "een volume zegt niets zonder productcode. Toewijzingen die uiterlijk 31 december 2020 "
    "eindigden vallen hier buiten. De melding wijst de Einddatum aan als die er is.",
)

omvang.register(
    "frequentie_bij_eenheid", SIZED, rule301, "CS338",
    "Bij Eenheid 14, 16, 83 of 84 moet Frequentie 2, 4 of 6 zijn.",
    (f"{TP}/Omvang/Eenheid", f"{TP}/Omvang/Frequentie", f"{TP}/Einddatum"),
    "Etmalen, dagdelen, euro's en stuks (inspanning) worden per week, per maand of voor de hele "
    "looptijd toegewezen, niet per dag. Toewijzingen die uiterlijk 31 december 2020 eindigden vallen "
    "hier buiten. De melding wijst de Einddatum aan als die er is.",
)


# --- ToegewezenProduct: RedenWijziging --------------------------------------------------------------


@rule301(
    "CS335",
    "RedenWijziging 13 (verwijderd) mag alleen als Einddatum gelijk is aan Ingangsdatum.",
    (f"{TP}/RedenWijziging", f"{TP}/Ingangsdatum", f"{TP}/Einddatum"),
    "Een toewijzing verwijderen gaat door de Einddatum gelijk te maken aan de Ingangsdatum en "
    "RedenWijziging 13 te vullen. Met een andere of ontbrekende Einddatum is 13 niet toegestaan "
    "(de officiële XSLT mist het geval zonder Einddatum, zie docs/afwijkingen.md).",
)
def cs335(ctx: RuleContext) -> list[Hit]:
    found = []
    for p in products(ctx):
        if p.reden == "13":
            if p.einde is None or parse_date(p.einde) != parse_date(p.ingang):
                found.append(located(ctx, p, "ingang", "einde"))
    return found


@rule301(
    "CS336",
    "RedenWijziging 01 (administratieve correctie) is vervallen en mag niet meer gebruikt worden.",
    (f"{TP}/RedenWijziging",),
    "Code 01 staat nog in de codelijst maar is vervallen. Een correctie wordt nu gedaan met een "
    "andere reden (bijvoorbeeld 14) of door de toewijzing te verwijderen (13).",
)
def cs336(ctx: RuleContext) -> list[Hit]:
    return [located(ctx, p, "reden") for p in products(ctx) if p.reden is not None and stripped(p.reden) == "01"]


# --- whole message: duplicates and overlap -----------------------------------------------------------


@rule301(
    "TR101",
    "Het bericht bevat een dubbele regel (zelfde ToewijzingNummer, contactsoort of relatienummer).",
    (f"{TP}/ToewijzingNummer", f"{CONTACT}/Soort", "/Bericht/Client/Relaties/Relatie/Nummer"),
    "Binnen één bericht mag elke regel maar één keer voorkomen: geen twee toegewezen producten met "
    "hetzelfde ToewijzingNummer, geen twee contacten met dezelfde Soort en geen twee relaties met "
    "hetzelfde Nummer. ToewijzingNummers vergelijken we als getal (0300201 is 300201). Per groep "
    "dubbelen volgt één melding, bij het eerste exemplaar.",
    voorbeeld_fout="regels/TR101-fout.xml",
    voorbeeld_goed="regels/TR101-goed.xml",
)
def tr101(ctx: RuleContext) -> list[Hit]:
    m = ctx.m
    found = []
    # A duplicate needs two of a kind: the usual message with one of each skips the grouping.
    items = relaties(ctx)
    if len(items) > 1:
        for group in duplicate_groups((r.findtext(m("Nummer")), r) for r in items):
            found.append(hit(group[0]))
    items = [c.el for c in gegevens_contacts(ctx)]
    if len(items) > 1:
        for group in duplicate_groups((c.findtext(m("Soort")), c) for c in items):
            found.append(hit(group[0]))
    items = products(ctx)
    if len(items) > 1:
        numbers = [text_int(p.nummer) for p in items]
        if len(set(numbers)) < len(numbers):  # group only when there is a duplicate: less to hold
            for group in duplicate_groups(zip(numbers, items)):
                found.append(located(ctx, group[0], "el"))
    return found


def _ignored_for_overlap(p: Product) -> bool:
    """A deleted (13) or withdrawn (01) allocation with Einddatum = Ingangsdatum is not current."""
    return (
        stripped(p.reden) in ("01", "13")
        and filled_text(p.einde)
        and parse_date(p.einde) == parse_date(p.ingang)
    )


def tr302_pairs(ctx: RuleContext) -> list[tuple[int, int]]:
    """(earlier, later) product indexes whose products match and whose periods overlap.

    Matching as the XSLT: a product without Product matches every product; otherwise the
    categories must be equal and the codes equal, unless one of them has no code. iWmo lets
    hulpmiddelen (categories 11-14) overlap. Sorted as the XSLT reports: by later, then earlier.
    """
    may_overlap = IWMO_HULPMIDDEL_CATEGORIES if ctx.message.standaard == "iwmo" else frozenset()
    no_product: list[tuple[int, date, date]] = []
    with_product: list[tuple[int, date, date]] = []
    no_code: dict[str, list[tuple[int, date, date]]] = {}
    with_code: dict[str, list[tuple[int, date, date]]] = {}
    by_code: dict[tuple[str, str], list[tuple[int, date, date]]] = {}
    for i, p in enumerate(products(ctx)):
        if _ignored_for_overlap(p):
            continue
        start = parse_date(p.ingang)
        if start is None:
            continue
        end = parse_date(p.einde) if p.einde is not None else date.max
        if end is None:
            continue
        iv = (i, start, end)
        if not p.product:
            no_product.append(iv)
            continue
        cat = stripped(p.categorie)
        if cat in may_overlap:
            continue
        with_product.append(iv)
        if p.code is None:
            no_code.setdefault(cat, []).append(iv)
        else:
            with_code.setdefault(cat, []).append(iv)
            by_code.setdefault((cat, p.code), []).append(iv)
    pairs: list[tuple[int, int]] = []
    if no_product:
        pairs += overlapping_pairs(no_product)
        pairs += overlapping_pairs(no_product, with_product)
    for cat, ivs in no_code.items():
        pairs += overlapping_pairs(ivs)
        if cat in with_code:
            pairs += overlapping_pairs(ivs, with_code[cat])
    for ivs in by_code.values():
        if len(ivs) > 1:
            pairs += overlapping_pairs(ivs)
    pairs.sort(key=lambda pair: (pair[1], pair[0]))
    return pairs


@rule301(
    "TR302",
    "Hetzelfde product komt meer dan eens voor met overlappende perioden.",
    (TP, f"{TP}/Product", f"{TP}/Ingangsdatum", f"{TP}/Einddatum"),
    "Een product mag vaker in een toewijzingsbericht staan, maar alleen als de perioden elkaar niet "
    "overlappen. Zonder productcode wordt op categorie vergeleken; een toegewezen product zonder "
    "Product overlapt met elk ander product. Verwijderde toewijzingen (RedenWijziging 13 of 01 met "
    "Einddatum gelijk aan Ingangsdatum) tellen niet mee. In iWmo mogen hulpmiddelen (categorie "
    "11 tot en met 14) overlappen. Per overlappend paar volgt één melding, bij het eerste product.",
    voorbeeld_fout="regels/TR302-fout.xml",
    voorbeeld_goed="regels/TR302-goed.xml",
)
def tr302(ctx: RuleContext) -> list[Hit]:
    items = products(ctx)
    if len(items) < 2:
        return []  # an overlap needs two products
    return [hit(*product_elements(ctx, items[earlier], "el"), *product_elements(ctx, items[later], "el"))
            for earlier, later in tr302_pairs(ctx)]

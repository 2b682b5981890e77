"""Rules that look at an element wherever it occurs, as the generic templates of the official XSLT.

The official XSLT matches these by element name (``Bsn``, ``Geboortedatum/Datum``, address and name
parts of the basisschema), so they also fire on retour messages. This module registers them for
every message whose XSD has the element (``BSN_MESSAGES``, ``PERSON_MESSAGES``,
``ADDRESS_MESSAGES``); a message added later gets them with one call:

    from berichten.validators.rules.common import register_generic
    register_generic(("CS002",), berichten=("327",))

``tr134_hits`` is the shared "date not after the Dagtekening" test behind TR134.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from lxml import etree

from berichten.validators.engine import REGISTRY, CheckFunction, Hit, RuleContext, child_at, hit
from berichten.validators.rules._helpers import as_date, filled, per_message, value

Element = etree._Element

# Messages the XSLT's generic templates fire on, heen and retour: every message whose XSD has the
# element they match by name (tests/test_rule_coverage.py derives this from the XSLT and the XSDs).
BSN_MESSAGES = ("301", "302", "305", "306", "307", "308", "315", "316", "317", "318", "323", "325")
# Geboortedatum exists in 301-316 only; 317, 318, 323 and 325 identify the client by Bsn alone.
PERSON_MESSAGES = ("301", "302", "305", "306", "307", "308", "315", "316")
ADDRESS_MESSAGES = ("301", "302")  # Adres, Communicatie and VolledigeNaam exist only in 301/302

_POSTCODE_NL = re.compile(r"[1-9][0-9]{3}[A-Za-z]{2}")


# --- one walk for all generic checks ----------------------------------------------------------------

# The basisschema elements the generic checks look for, by the list they land in; every other element
# the walk meets is a Bsn (matched in any namespace, like the XSLT's template).
_INDEXED = {
    "Datum": "datum", "DatumGebruik": "gebruik", "NaamGebruik": "naamgebruik",
    "Vorm": "vorm_taal", "Taal": "vorm_taal", "Postcode": "adres", "LandCode": "adres",
}
_INDEX_TAGS: dict[str, tuple[dict[str, str], tuple[str, ...]]] = {}
_NOTHING: Sequence[Element] = ()


@per_message
def _index(ctx: RuleContext) -> dict[str, list[Element]]:
    """The elements of the generic checks, per list in document order, from one walk over the tree.

    Seven checks would otherwise walk the whole message each; on an ordinary message most lists
    are short or empty, and an empty list means the check has nothing to do. Only lists that got
    an element are in the dictionary (``.get(name, _NOTHING)``): most messages fill three of them.
    """
    known = _INDEX_TAGS.get(ctx.bns)
    if known is None:
        tags = {ctx.b(name): bucket for name, bucket in _INDEXED.items()}
        known = _INDEX_TAGS[ctx.bns] = (tags, ("{*}Bsn", *tags))
    tags, wanted = known
    found: dict[str, list[Element]] = {}
    for el in ctx.root.iter(*wanted):
        bucket = tags.get(el.tag, "bsn")
        items = found.get(bucket)
        if items is None:
            found[bucket] = [el]
        else:
            items.append(el)
    return found


class GenericParts:
    """What the generic checks read, gathered once per message (each list in document order).

    By default from the walk above (``_index``); a message module whose schema fixes where these
    elements are can register a builder that reads them from records it makes anyway
    (``register_parts``), which spares the walk: the 301 does this (``r301.generic_parts``).
    """

    __slots__ = ("bsn", "birth_dates", "dated_uses", "names", "communications", "addresses")

    def __init__(self) -> None:
        self.bsn: list[Element] = []
        self.birth_dates: list[tuple[Element, Element, Element | None]] = []  # (Geboortedatum, Datum, DatumGebruik)
        self.dated_uses: list[tuple[Element, Element]] = []  # (Datum, DatumGebruik) by DatumGebruik
        self.names: list[tuple[Element, Element | None]] = []  # (NaamGebruik, Partnernaam)
        self.communications: list[tuple[Element | None, Element | None]] = []  # (Vorm, Taal) per parent
        self.addresses: list[tuple[Element | None, Element | None, Element]] = []  # (Postcode, LandCode, parent)


PartsBuilder = Callable[[RuleContext], GenericParts]
_PARTS_BUILDERS: dict[str, PartsBuilder] = {}


def register_parts(bericht: str, builder: PartsBuilder) -> None:
    """Let ``builder`` gather the generic checks' elements of this message instead of the walk.

    Only for a message whose XSD puts every Bsn, Geboortedatum, Naam, Communicatie and Adres at
    known places: the builder must find exactly what the walk would find in an XSD-valid message
    (the rule tables and the differential tests check both ways on the 301).
    """
    _PARTS_BUILDERS[bericht] = builder


_PARTS_KEY = "common.parts"  # a key with a dot never meets an attribute name in ctx.__dict__


def _parts(ctx: RuleContext) -> GenericParts | None:
    """The builder's parts of this message, or None where the walk gathers them (asked once per check)."""
    store = ctx.__dict__
    parts = store.get(_PARTS_KEY, _MISSING)
    if parts is _MISSING:
        builder = _PARTS_BUILDERS.get(ctx.message.nummer)
        parts = store[_PARTS_KEY] = None if builder is None else builder(ctx)
    return parts  # type: ignore[return-value]


_MISSING = object()


# --- check functions -----------------------------------------------------------------------------


# The check functions return lists: most find nothing, and an empty list costs less than a generator.


def _bsns(ctx: RuleContext) -> Sequence[Element]:
    parts = _parts(ctx)
    return parts.bsn if parts is not None else _index(ctx).get("bsn", _NOTHING)


def check_cs002(ctx: RuleContext) -> list[Hit]:
    """Every Bsn passes the 11-proef."""
    return [hit(bsn) for bsn in _bsns(ctx) if not elfproef(value(bsn))]


# 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 on the ASCII codes adds 43 * ord("0") to the sum of the digits.
_ELFPROEF_OFFSET = 43 * ord("0")


def elfproef(bsn: str) -> bool:
    """The 11-proef for a BSN: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11."""
    if len(bsn) != 9 or not (bsn.isascii() and bsn.isdigit()):
        return False
    d = bsn.encode("ascii")
    total = 9 * d[0] + 8 * d[1] + 7 * d[2] + 6 * d[3] + 5 * d[4] + 4 * d[5] + 3 * d[6] + 2 * d[7] - d[8]
    return (total - _ELFPROEF_OFFSET) % 11 == 0


def _birth_dates(ctx: RuleContext) -> list[tuple[Element, Element, Element | None]]:
    """(Geboortedatum, Datum, DatumGebruik) for every birth date in the message."""
    parts = _parts(ctx)
    if parts is not None:
        return parts.birth_dates
    gebruik_tag = ctx.b("DatumGebruik")
    found = []
    for datum in _index(ctx).get("datum", _NOTHING):
        parent = datum.getparent()
        if parent is not None and parent.tag.endswith("}Geboortedatum"):
            # CDT_Geboortedatum: Datum, DatumGebruik
            found.append((parent, datum, child_at(parent, 1, gebruik_tag)))
    return found


def _dated_uses(ctx: RuleContext) -> list[tuple[Element, Element]]:
    """(Datum, DatumGebruik) for every DatumGebruik with a Datum beside it."""
    parts = _parts(ctx)
    if parts is not None:
        return parts.dated_uses
    found = []
    for gebruik in _index(ctx).get("gebruik", _NOTHING):
        datum = child_at(gebruik.getparent(), 0, ctx.b("Datum"))
        if datum is not None:
            found.append((datum, gebruik))
    return found


def check_cs139(ctx: RuleContext) -> list[Hit]:
    """Datum agrees with DatumGebruik: 1 -> day 01, 2 -> 1 January, 3 -> 1900-01-01."""
    found = []
    for datum, gebruik in _dated_uses(ctx):
        d = as_date(datum)
        soort = value(gebruik)
        if d is None:
            continue
        if (
            (soort == "3" and (d.year, d.month, d.day) != (1900, 1, 1))
            or (soort == "2" and (d.month, d.day) != (1, 1))
            or (soort == "1" and d.day != 1)
        ):
            found.append(hit(datum))
    return found


def dagtekening_element(ctx: RuleContext) -> Element | None:
    return ctx.dagtekening_element


def check_tr002(ctx: RuleContext) -> list[Hit]:
    """A birth date lies at most 120 years before the Dagtekening, unless it is fully unknown."""
    birth_dates = _birth_dates(ctx)
    if not birth_dates:
        return []
    dagtekening = ctx.dagtekening
    if dagtekening is None:
        return []
    dag_el = dagtekening_element(ctx)
    found = []
    for _, datum, gebruik in birth_dates:
        d = as_date(datum)
        if d is None or (value(gebruik) == "3" and (d.year, d.month, d.day) == (1900, 1, 1)):
            continue
        # Compare (year + 120, month, day) with the Dagtekening: 29 February needs no special case.
        if (d.year + 120, d.month, d.day) < (dagtekening.year, dagtekening.month, dagtekening.day):
            # The XSLT names the Dagtekening first, then the birth date.
            found.append(hit(dag_el, datum))
    return found


def tr134_hits(ctx: RuleContext, dates: Iterable[Element]) -> list[Hit]:
    """TR134: each of these date elements lies on or before the Dagtekening of the message."""
    dagtekening = ctx.dagtekening
    if dagtekening is None:
        return []
    found = []
    for el in dates:
        d = as_date(el)
        if d is not None and d > dagtekening:
            found.append(hit(dagtekening_element(ctx), el))  # the XSLT lists the Dagtekening first
    return found


@per_message
def _addresses(ctx: RuleContext) -> list[tuple[Element | None, Element | None, Element]]:
    """(Postcode, LandCode, parent) for every element holding a basisschema Postcode or LandCode.

    Computed once per message: CD005, CD025 and CS089 all walk the same addresses. One pass: the
    first Postcode and the first LandCode child of each parent, in the order the parents are first
    met (what a find() of both on each parent gives, without the finds).
    """
    parts = _parts(ctx)
    if parts is not None:
        return parts.addresses
    postcode = ctx.b("Postcode")
    found: dict[Element, list[Element | None]] = {}
    for el in _index(ctx).get("adres", _NOTHING):
        parent = el.getparent()
        pair = found.get(parent)
        if pair is None:
            pair = found[parent] = [None, None]
        slot = 0 if el.tag == postcode else 1
        if pair[slot] is None:
            pair[slot] = el
    return [(pc, lc, parent) for parent, (pc, lc) in found.items()]


AddressTexts = tuple[Element | None, Element | None, Element, str | None, str]


@per_message
def _address_texts(ctx: RuleContext) -> list[AddressTexts]:
    """``_addresses`` with the raw Postcode text and the LandCode value, read once for three checks."""
    found = []
    for postcode, landcode, adres in _addresses(ctx):
        found.append((postcode, landcode, adres, None if postcode is None else postcode.text, value(landcode)))
    return found


def _filled_text(text: str | None) -> bool:
    """``filled`` on a text already read."""
    return bool(text) and not text.isspace()  # type: ignore[union-attr]


def check_cd005(ctx: RuleContext) -> list[Hit]:
    """LandCode is filled exactly when Postcode is filled."""
    found = []
    for postcode, landcode, _, postcode_text, landcode_value in _address_texts(ctx):
        # A LandCode value is stripped: it is filled exactly when the value is not empty.
        if _filled_text(postcode_text):
            if not landcode_value:
                found.append(hit(postcode))
        elif landcode_value:
            found.append(hit(landcode))
    return found


def check_cd025(ctx: RuleContext) -> list[Hit]:
    """An address in NL has a Huisnummer."""
    found = []
    for _, landcode, adres, _, landcode_value in _address_texts(ctx):
        if landcode_value == "NL":
            huis = child_at(adres, 0, ctx.b("Huis"))  # CDT_Adres starts with Huis, CDT_Huis with Huisnummer
            if not filled(None if huis is None else child_at(huis, 0, ctx.b("Huisnummer"))):
                found.append(hit(landcode))
    return found


def check_cs089(ctx: RuleContext) -> list[Hit]:
    """An address in NL has a Dutch postcode: four digits (not starting with 0) and two letters."""
    found = []
    for postcode, landcode, _, postcode_text, landcode_value in _address_texts(ctx):
        if landcode_value == "NL":
            # The raw text is tested: a space inside or around the postcode is not the Dutch form.
            if postcode is None or not _POSTCODE_NL.fullmatch(postcode_text or ""):
                found.append(hit(postcode if postcode is not None else landcode))
    return found


def _communications(ctx: RuleContext) -> list[tuple[Element | None, Element | None]]:
    """(Vorm, Taal) of every element holding a basisschema Vorm or Taal, in document order."""
    parts = _parts(ctx)
    if parts is not None:
        return parts.communications
    items = _index(ctx).get("vorm_taal")
    if items is None:
        return []
    seen: set[Element] = set()
    found = []
    for el in items:
        parent = el.getparent()
        if parent in seen:
            continue
        seen.add(parent)
        # CDT_Communicatie: Vorm, Taal
        found.append((child_at(parent, 0, ctx.b("Vorm")), child_at(parent, 1, ctx.b("Taal"))))
    return found


def check_cd007(ctx: RuleContext) -> list[Hit]:
    """Taal is filled exactly when Communicatie/Vorm is 1 (tolk)."""
    return [hit(vorm, taal) for vorm, taal in _communications(ctx) if filled(taal) != (value(vorm) == "1")]


_WITH_PARTNERNAAM = frozenset({"1", "2", "3", "4"})
# Without a Partnernaam iJw allows 1 or 6; the iWmo XSLT only 1 (docs/afwijkingen.md).
_WITHOUT_PARTNERNAAM = {"ijw": frozenset({"1", "6"}), "iwmo": frozenset({"1"})}
_CS050_MELDING = {
    "ijw": "NaamGebruik past niet bij de naam: met Partnernaam 1 t/m 4, zonder Partnernaam 1 of 6.",
    "iwmo": "NaamGebruik past niet bij de naam: met Partnernaam 1 t/m 4, zonder Partnernaam alleen 1.",
}


def _names(ctx: RuleContext) -> list[tuple[Element, Element | None]]:
    """(NaamGebruik, Partnernaam) for every NaamGebruik in the message."""
    parts = _parts(ctx)
    if parts is not None:
        return parts.names
    partnernaam_tag = ctx.b("Partnernaam")
    # CDT_VolledigeNaam: Geslachtsnaam, Partnernaam, ...
    return [(gebruik, child_at(gebruik.getparent(), 1, partnernaam_tag))
            for gebruik in _index(ctx).get("naamgebruik", _NOTHING)]


def check_cs050(ctx: RuleContext) -> list[Hit]:
    """With a Partnernaam NaamGebruik is 1-4; without one 1 or 6 (iJw) or only 1 (iWmo)."""
    without = _WITHOUT_PARTNERNAAM[ctx.message.standaard]
    melding = _CS050_MELDING[ctx.message.standaard]
    found = []
    for gebruik, partnernaam in _names(ctx):
        allowed = _WITH_PARTNERNAAM if partnernaam is not None else without
        if value(gebruik) not in allowed:
            found.append(hit(partnernaam, gebruik, melding=melding))
    return found


# --- registration ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GenericRule:
    """Everything needed to register a generic check for some messages."""

    code: str
    check: CheckFunction
    melding: str
    elementen: tuple[str, ...]
    uitleg: str
    standaarden: tuple[str, ...] = ("ijw", "iwmo")
    voorbeeld_fout: str = ""
    voorbeeld_goed: str = ""


GENERIC_RULES: dict[str, list[GenericRule]] = {}


def _generic(rule: GenericRule) -> None:
    GENERIC_RULES.setdefault(rule.code, []).append(rule)


_generic(GenericRule(
    code="CS002",
    check=check_cs002,
    melding="Het Bsn voldoet niet aan de 11-proef.",
    elementen=("/Bericht/Client/Bsn",),
    uitleg=(
        "Een burgerservicenummer heeft negen cijfers die samen de 11-proef halen: vermenigvuldig de "
        "cijfers met 9, 8, 7, 6, 5, 4, 3, 2 en -1 en tel op; de som moet deelbaar zijn door 11. "
        "Een tikfout in het Bsn valt zo bijna altijd op. De officiële XSLT controleert elk element "
        "met de naam Bsn, dus ook in retourberichten."
    ),
    voorbeeld_fout="regels/CS002-fout.xml",
    voorbeeld_goed="regels/CS002-goed.xml",
))
_generic(GenericRule(
    code="CS139",
    check=check_cs139,
    melding="Geboortedatum/Datum past niet bij DatumGebruik.",
    elementen=("/Bericht/Client/Geboortedatum/Datum", "/Bericht/Client/Geboortedatum/DatumGebruik"),
    uitleg=(
        "DatumGebruik zegt welk deel van de geboortedatum onbekend is. Bij 1 (dag onbekend) moet de "
        "dag 01 zijn, bij 2 (dag en maand onbekend) 1 januari en bij 3 (geheel onbekend) precies "
        "1900-01-01. Zonder DatumGebruik is de datum volledig bekend en geldt deze regel niet."
    ),
))
_generic(GenericRule(
    code="TR002",
    check=check_tr002,
    melding="De geboortedatum ligt meer dan 120 jaar vóór de Dagtekening.",
    elementen=("/Bericht/Header/BerichtIdentificatie/Dagtekening", "/Bericht/Client/Geboortedatum/Datum"),
    uitleg=(
        "Een geboortedatum die meer dan 120 jaar vóór de Dagtekening van het bericht ligt, is vrijwel "
        "zeker een invoerfout. Alleen een volledig onbekende datum (DatumGebruik 3 met 1900-01-01) "
        "mag zo ver terug liggen. De melding wijst eerst de Dagtekening aan, net als de XSLT."
    ),
))
_generic(GenericRule(
    code="CD005",
    check=check_cd005,
    melding="LandCode en Postcode moeten samen voorkomen: vul beide of geen van beide.",
    elementen=("/Bericht/Client/Contactgegevens/Contact/Adres/Postcode",
               "/Bericht/Client/Contactgegevens/Contact/Adres/LandCode"),
    uitleg=(
        "Een adres met een postcode heeft ook een landcode nodig om die postcode te kunnen lezen, en "
        "een landcode zonder postcode hoort er niet te staan. De controle werkt in beide richtingen "
        "en geldt voor elk adres in het bericht, ook bij relaties."
    ),
    standaarden=("ijw", "iwmo"),
))
_generic(GenericRule(
    code="CD007",
    check=check_cd007,
    melding="Taal is verplicht als Communicatie/Vorm 1 (tolk) is en anders niet toegestaan.",
    elementen=("/Bericht/Client/Communicatie/Vorm", "/Bericht/Client/Communicatie/Taal"),
    uitleg=(
        "Communicatievorm 1 betekent dat de cliënt een tolk nodig heeft; dan moet vermeld worden welke "
        "taal. Bij een andere vorm is een taal zinloos en moet Taal ontbreken."
    ),
))
_generic(GenericRule(
    code="CD025",
    check=check_cd025,
    melding="Een adres met LandCode NL moet een Huisnummer hebben.",
    elementen=("/Bericht/Client/Contactgegevens/Contact/Adres/LandCode",
               "/Bericht/Client/Contactgegevens/Contact/Adres/Huis/Huisnummer"),
    uitleg=(
        "Een Nederlands adres is pas bruikbaar met een huisnummer. Staat LandCode op NL, dan moet "
        "Adres/Huis/Huisnummer gevuld zijn."
    ),
))
_generic(GenericRule(
    code="CS089",
    check=check_cs089,
    melding="Bij LandCode NL moet de Postcode de Nederlandse vorm hebben (1234AB).",
    elementen=("/Bericht/Client/Contactgegevens/Contact/Adres/Postcode",
               "/Bericht/Client/Contactgegevens/Contact/Adres/LandCode"),
    uitleg=(
        "Een Nederlandse postcode bestaat uit vier cijfers, waarvan het eerste geen 0 is, direct "
        "gevolgd door twee letters, zonder spatie. Bij LandCode NL wordt de Postcode daarop getoetst; "
        "ontbreekt de Postcode, dan geldt dat ook als fout."
    ),
))
_generic(GenericRule(
    code="CS050",
    check=check_cs050,
    melding="NaamGebruik past niet bij de naam: met Partnernaam 1 t/m 4, zonder Partnernaam 1 (iJw ook 6).",
    elementen=("/Bericht/Client/Naam/NaamGebruik", "/Bericht/Client/Relaties/Relatie/Naam/NaamGebruik"),
    uitleg=(
        "NaamGebruik geeft aan hoe iemand aangeschreven wil worden. De waarden 2, 3 en 4 combineren de "
        "eigen naam met die van de partner en kunnen dus alleen als er een Partnernaam is. Zonder "
        "Partnernaam is 1 (eigen naam) toegestaan, en in iJw ook 6 (geen natuurlijk persoon, "
        "bijvoorbeeld een instelling als relatie). Voor iWmo volgen we de officiële iWmo-XSLT, die 6 "
        "niet accepteert; zie docs/afwijkingen.md."
    ),
))


def register_generic(codes: Iterable[str], berichten: Iterable[str]) -> None:
    """Register the generic checks with these codes for more messages (e.g. 305, 307, 315)."""
    berichten = tuple(berichten)
    for code in codes:
        for g in GENERIC_RULES[code]:
            REGISTRY.rule(
                g.code,
                berichten=berichten,
                melding=g.melding,
                standaarden=g.standaarden,
                elementen=g.elementen,
                uitleg=g.uitleg,
                voorbeeld_fout=g.voorbeeld_fout,
                voorbeeld_goed=g.voorbeeld_goed,
            )(g.check)


register_generic(("CS002",), BSN_MESSAGES)
register_generic(("CS139", "TR002"), PERSON_MESSAGES)
register_generic(("CD005", "CD007", "CD025", "CS050", "CS089"), ADDRESS_MESSAGES)

__all__ = [
    "ADDRESS_MESSAGES",
    "BSN_MESSAGES",
    "GENERIC_RULES",
    "PERSON_MESSAGES",
    "check_cd005",
    "check_cd007",
    "check_cd025",
    "check_cs002",
    "check_cs050",
    "check_cs089",
    "check_cs139",
    "check_tr002",
    "dagtekening_element",
    "elfproef",
    "GenericParts",
    "register_generic",
    "register_parts",
    "tr134_hits",
]

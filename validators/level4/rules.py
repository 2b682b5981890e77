"""Level-4 rules ("externe bron"): one message against the system date and the configured lists.

The rules have the shape of the other levels (``validators.engine.Rule``, ``niveau=4``, the rule's
own retourcode); their check function gets an ``ExternalContext``: a ``RuleContext`` plus the
``Lists`` and the system date. A rule whose list is not configured yields nothing; the caller
reports it as "niet gecontroleerd" (``Lists.niet_gecontroleerd``), never as passed.

Interpretations (project decisions, see docs/lijsten.md):

- TR378: the gemeente of the header (Afzender of a 301/319/325, Ontvanger otherwise) and the
  Gemeente of a 319's Woonplaatsbeginsel must be valid on the Dagtekening or on one of the
  message's Ingangsdatum/ToewijzingIngangsdatum/Begindatum values (the rule allows the CBS list of
  an earlier date after a herindeling).
- TR381 and the contract check look at every Product (Categorie, Code) and every Prestatie
  (ProductCategorie, ProductCode), on the start date of the class that holds it (Dagtekening when
  it has none).
- BER-L4-CONTRACT (project code, retourcode S329): the aanbieder (Ontvanger of a 301, Afzender
  otherwise) must have a contract with the gemeente for that product on that date.
- BER-L4-AGB (project code, no retourcode in the standard): the Afzender of a 323 must be in the
  AGB export. It rejects the declaration, which then gets no 325 (``validators.retour.zonder_retourcode``).
"""

from __future__ import annotations

from collections.abc import Iterator
import time
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from lxml import etree

from berichten.findings import Finding
from berichten.release import MessageType
from berichten.texts import local_name
from berichten.validators.engine import Hit, RuleContext, RuleRegistry, hit, parse_date
from berichten.validators.level4.lists import AGB_BERICHTEN, CONTRACT_BERICHTEN, PRODUCT_BERICHTEN, Lists

LEVEL4_REGISTRY = RuleRegistry()
BEIDE = ("ijw", "iwmo")
HEEN_BERICHTEN = ("301", "305", "307", "315", "317", "319", "323", "325")
GEMEENTE_IS_AFZENDER = ("301", "319", "325")  # the other heen messages go from aanbieder to gemeente
_START = ("Ingangsdatum", "ToewijzingIngangsdatum", "Begindatum")


_WALKED = (*_START, "ProductPeriode", "Product", "Prestatie", "Gemeente")  # what the level-4 rules read
# Which of those names the schema of each message has, anywhere and in either namespace (iJw and
# iWmo alike; the iWmo 319 has no Gemeente). tests/test_level4.py derives them from the XSDs.
WALK_NAMES: dict[str, tuple[str, ...]] = {
    "301": ("Begindatum", "Ingangsdatum", "Product"),  # Begindatum: a Contact's Periode
    "305": ("Begindatum", "Product", "ToewijzingIngangsdatum"),
    "307": ("Begindatum", "Product", "ToewijzingIngangsdatum"),
    "315": ("Product", "ToewijzingIngangsdatum"),
    "317": ("Product",),
    "319": ("Gemeente",),
    "323": ("Begindatum", "Prestatie", "ProductPeriode"),
    "325": ("Begindatum", "Prestatie", "ProductPeriode"),
}


class _Tags:
    """The Clark names level 4 looks for in one message namespace (and its basisschema), made once."""

    __slots__ = ("header", "afzender", "ontvanger", "ident", "dagtekening", "walk", "start", "gemeente",
                 "product", "prestatie", "periode", "begindatum", "categorie", "code")

    def __init__(self, mns: str, bns: str, nummer: str) -> None:
        def both(*names: str) -> tuple[str, ...]:
            return tuple(f"{{{ns}}}{n}" for ns in (mns, bns) for n in names)

        self.header, self.afzender, self.ontvanger, self.ident = (
            f"{{{mns}}}{n}" for n in ("Header", "Afzender", "Ontvanger", "BerichtIdentificatie"))
        self.dagtekening = f"{{{bns}}}Dagtekening"
        self.start = frozenset(both(*_START))
        self.gemeente = f"{{{mns}}}Gemeente"  # the Woonplaatsbeginsel of a 319 (message namespace only)
        self.product = frozenset(both("Product"))
        self.periode = frozenset(both("ProductPeriode"))
        self.begindatum = frozenset(both("Begindatum"))
        # One tag-filtered walk (lxml skips the other elements in C) finds everything level 4 reads;
        # with ProductPeriode, the walk also tells which start date is the first of its parent. By
        # local name: an XSD-valid message has elements of its two namespaces only, and lxml
        # matches "{*}name" for half the cost of two qualified names; each name costs its share
        # of the walk, so only the names the message's schema has.
        self.walk = tuple(f"{{*}}{n}" for n in WALK_NAMES.get(nummer, _WALKED))
        self.prestatie = frozenset(both("Prestatie"))
        # the (categorie, code) children of a Product (True) and of a Prestatie (False)
        self.categorie = {True: frozenset(both("Categorie")), False: frozenset(both("ProductCategorie"))}
        self.code = {True: frozenset(both("Code")), False: frozenset(both("ProductCode"))}


_TAGS: dict[str, _Tags] = {}
_PERIODE = object()  # in the walk: a parent whose first start-ish child is a ProductPeriode

class ProductRef(NamedTuple):
    """One Product (or Prestatie) as the rules read it: texts, the day, and where it is."""

    categorie: str  # the text of its categorie (never empty)
    code: str | None  # the text of its code, None when absent or empty
    day: date | None
    source: Any  # what ``ExternalContext.product_element`` finds the elements from (only for a finding)


class ExternalContext(RuleContext):
    """A message with what the level-4 rules read, taken from the tree once, as plain attributes:

    - ``gemeente_element``, ``aanbieder_element``: the header's Afzender/Ontvanger by role;
    - ``message_days``: the Dagtekening and every start date (the days a gemeentecode may be valid on);
    - ``gemeenten``: every Gemeente element of the message namespace (a 319's Woonplaatsbeginsel);
    - ``products``: (categorie element, code element or None, day) for every Product and Prestatie.

    Children are read by plain iteration: lxml's tag-filtered ``iterchildren`` costs more to set up
    (about a microsecond) than reading the few children of a header or a product.
    """

    def __init__(self, root: etree._Element, message: MessageType, lists: Lists, today: date,
                 level2: RuleContext | None = None) -> None:
        if level2 is not None and level2.root is root and (level2.message is message or level2.message == message):
            self.root, self.message, self.mns, self.bns = root, message, level2.mns, level2.bns
        else:
            level2 = None
            super().__init__(root, message)
        self.lists = lists
        self.today = today
        self._level2: RuleContext | None = None
        t = _TAGS.get(self.mns)
        if t is None:
            t = _TAGS[self.mns] = _Tags(self.mns, self.bns, message.nummer)
        self._t = t
        if level2 is not None and message.nummer == "301":
            self._read_301(level2, t)
            return
        self._read_header(root, t)
        # The walk: every start date (parsed once), Gemeente and product, and per parent the first
        # child that is a start date or a ProductPeriode (what decides a product's day).
        days: dict[date, None] = {self.dagtekening: None} if self.dagtekening else {}
        gemeenten: list[etree._Element] = []
        found: list[tuple[etree._Element, etree._Element | None, etree._Element]] = []  # cat, code, owner
        first: dict[etree._Element, date | None | object] = {}  # parent -> its first date, or _PERIODE
        start, periode, gemeente, product, prestatie = t.start, t.periode, t.gemeente, t.product, t.prestatie
        for el in root.iter(t.walk):
            tag = el.tag
            if tag in start:
                day = parse_date(el.text)
                if day:
                    days[day] = None
                first.setdefault(el.getparent(), day)
            elif tag in periode:
                first.setdefault(el.getparent(), _PERIODE)
            elif tag in product or tag in prestatie:
                is_product = tag in product
                cat, code = self._cat_code(el, is_product)
                if cat is not None and cat.text:  # the owner's day is known once the walk is done
                    found.append((cat, code if code is not None and code.text else None,
                                  el.getparent() if is_product else el))
            elif tag == gemeente:
                gemeenten.append(el)
        dagtekening = self.dagtekening
        for i, (cat, code, owner) in enumerate(found):  # in place: a big message has one list, not two
            # _day_of(owner), from what the walk saw unless a ProductPeriode comes first
            day = first.get(owner, dagtekening)
            if day is _PERIODE:
                day = self._day_of(owner)
            found[i] = ProductRef(cat.text, None if code is None else code.text, day, (cat, code))  # type: ignore[call-overload]
        products: list[ProductRef] = found  # type: ignore[assignment]
        self.message_days = list(days)
        self.gemeenten = gemeenten
        self.products = products

    def _read_301(self, level2: RuleContext, t: _Tags) -> None:
        """A 301 that level 2 has just checked: the header from its context, the products and start
        dates from its records (``validators/rules/r301.py``) instead of a walk over the tree.

        The same elements and values as the walk: in an XSD-valid 301, Product and Ingangsdatum
        occur only in a ToegewezenProduct (once each; the Ingangsdatum is the product's day) and
        Begindatum only in a Contact's Periode; the Relaties come before the Contactgegevens and
        both before the ToegewezenProducten, so the days keep document order.
        """
        r301 = _R301 or _level2_301()
        header = level2.header
        self.header = header
        self.dagtekening_element = level2.dagtekening_element
        dagtekening = self.dagtekening = level2.dagtekening
        self.gemeente_element, self.aanbieder_element = _child_at(header, 3, t.afzender), _child_at(header, 4, t.ontvanger)
        days: dict[date, None] = {dagtekening: None} if dagtekening else {}
        for contact in r301.contacts(level2):
            begin = contact.begin
            if begin is not None:
                day = parse_date(begin.text)
                if day:
                    days[day] = None
        products: list[ProductRef] = []
        for p in r301.products(level2):
            ingang = p.ingang
            day = parse_date(ingang) if ingang is not None else dagtekening
            if day:
                days[day] = None
            cat = p.categorie
            if p.product and cat:
                products.append(ProductRef(cat, p.code or None, day, p))
        self._level2 = level2  # its records find a product's elements again
        self.message_days = list(days)
        self.gemeenten = []
        self.products = products

    def product_element(self, ref: ProductRef, field: str) -> etree._Element | None:
        """The categorie or code element of a product, for a finding."""
        if self._level2 is not None:
            return _R301.product_elements(self._level2, ref.source, field)[0]
        cat, code = ref.source
        return cat if field == "categorie" else code

    def _read_header(self, root: etree._Element, t: _Tags) -> None:
        """Header, Afzender/Ontvanger by role and the Dagtekening, at the places the schema puts them."""
        header = _child_at(root, 0, t.header)
        if header is None:
            raise LookupError("bericht zonder Header")  # not XSD-valid: level 4 does not run on it
        ident = _child_at(header, 5, t.ident)
        dagtekening = None if ident is None else _child_at(ident, 1, t.dagtekening)
        # The RuleContext's cached attributes, set here rather than looked up again.
        self.header = header
        self.dagtekening_element = dagtekening
        self.dagtekening = parse_date(dagtekening.text) if dagtekening is not None else None
        afzender, ontvanger = _child_at(header, 3, t.afzender), _child_at(header, 4, t.ontvanger)
        if self.message.nummer in GEMEENTE_IS_AFZENDER:
            self.gemeente_element, self.aanbieder_element = afzender, ontvanger
        else:
            self.gemeente_element, self.aanbieder_element = ontvanger, afzender

    def _cat_code(self, el: etree._Element, is_product: bool) -> tuple[etree._Element | None, etree._Element | None]:
        """The first categorie and the first code child of a Product (or a Prestatie)."""
        cat = code = None
        cats, codes = self._t.categorie[is_product], self._t.code[is_product]
        for child in el:
            tag = child.tag
            if tag in cats:
                cat = cat if cat is not None else child
            elif tag in codes:
                code = code if code is not None else child
        return cat, code

    def _day_of(self, owner: etree._Element | None) -> date | None:
        """The first start date among the owner's children (a ProductPeriode's Begindatum counts), else
        the Dagtekening."""
        if owner is not None:
            start, periode, begindatum = self._t.start, self._t.periode, self._t.begindatum
            for child in owner:
                tag = child.tag
                if tag in start:
                    return parse_date(child.text)
                if tag in periode:
                    begin = next((c for c in child if c.tag in begindatum), None)
                    if begin is not None:
                        return parse_date(begin.text)
        return self.dagtekening


_R301: Any = None


def _level2_301() -> Any:
    """The level-2 301 module (its records), imported on first use: level 4 alone does not need it."""
    global _R301
    if _R301 is None:
        from berichten.validators.rules import r301

        _R301 = r301
    return _R301


_today: tuple[date, float, float] = (date.min, 0.0, 0.0)  # the system date, the time.time() span it holds for


def system_date() -> date:
    """``date.today()``, which asks the C library for the local time (a tenth of the rules' work on
    an ordinary message), taken again only when time.time() leaves the local day it gave."""
    global _today
    day, since, until = _today
    now = time.time()
    if since <= now < until:
        return day
    day = date.today()
    midnight = datetime.combine(day, datetime.min.time())
    _today = (day, midnight.timestamp(), (midnight + timedelta(days=1)).timestamp())
    return day


def _child_at(parent: etree._Element, index: int, tag: str) -> etree._Element | None:
    """The first child with this tag, tried first at the index where the schema puts it: a header
    has each of these children once, so a hit there is the first one, and indexing costs a fraction
    of a tag-filtered ``iterchildren``. Any other tree (a comment before it) falls back to the scan."""
    try:
        found = parent[index]
        if found.tag == tag:
            return found
    except IndexError:
        pass
    for found in parent:
        if found.tag == tag:
            return found
    return None


def _child(el: etree._Element, name: str) -> etree._Element | None:
    return next((c for c in el.iterchildren(etree.Element) if local_name(c.tag) == name), None)


def _text(el: etree._Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""


def run_level4(root: etree._Element, message: MessageType, lists: Lists, today: date | None = None) -> list[Finding]:
    """All level-4 findings on one message that passed levels 1 and 2."""
    return level4_findings(root, message, lists, today) or []


def level4_findings(root: etree._Element, message: MessageType, lists: Lists,
                    today: date | None = None, shared: RuleContext | None = None) -> list[Finding] | None:
    """``run_level4``, but None when level 4 has no rule for this message type (the retour messages).

    ``shared``: the level-2 context of this tree, after level 2 ran on it (``Validator`` passes it):
    level 4 then reads a 301's header, products and dates from it instead of from the tree."""
    if not lists.enabled:
        return []
    rules = LEVEL4_REGISTRY.for_message(message)
    if not rules:
        return None
    ctx = ExternalContext(root, message, lists, today or system_date(), shared)
    findings: list[Finding] = []
    for rule in rules:  # checks return lists: most find nothing
        for h in rule.check(ctx):
            findings.append(rule.finding(ctx, h))
    return findings


def _rule(code: str, retourcode: str | None, berichten, melding: str, elementen=(), voorbeeld_fout: str = "",
          voorbeeld_goed: str = ""):
    return LEVEL4_REGISTRY.rule(
        code, berichten=berichten, melding=melding, niveau=4, retourcode=retourcode, standaarden=BEIDE,
        elementen=elementen, voorbeeld_fout=voorbeeld_fout, voorbeeld_goed=voorbeeld_goed,
    )


@_rule("TR135", "8848", HEEN_BERICHTEN, "De Dagtekening mag niet na de systeemdatum van de ontvanger liggen.",
       ("/Bericht/Header/BerichtIdentificatie/Dagtekening",),
       "lijsten/jw301-dagtekening-toekomst.xml", "lijsten/jw301-bekend.xml")
def tr135(ctx: ExternalContext) -> list[Hit]:
    """Een bericht kan niet gedateerd zijn op een dag die bij de ontvanger nog moet komen. De
    Dagtekening wordt vergeleken met de systeemdatum op het moment van controleren; ligt ze later,
    dan wordt het hele bericht afgekeurd met retourcode 8848 op de header."""
    # The checks that run on every message return a list, not a generator: most find nothing.
    if ctx.dagtekening and ctx.dagtekening > ctx.today:
        return [hit(ctx.dagtekening_element, melding=f"De Dagtekening {ctx.dagtekening} ligt na de systeemdatum {ctx.today}.")]
    return []


@_rule("TR378", "S300", HEEN_BERICHTEN, "Een gemeentecode moet in de CBS-lijst staan die geldt op de (Toewijzing)Ingangsdatum.",
       ("/Bericht/Header/Afzender", "/Bericht/Header/Ontvanger"),
       "lijsten/jw301-gemeente-onbekend.xml", "lijsten/jw301-bekend.xml")
def tr378(ctx: ExternalContext) -> list[Hit]:
    """De gemeente in de header (de afzender van een 301, 319 of 325, anders de ontvanger) en de
    gemeente van het woonplaatsbeginsel in een 319 moeten bestaan volgens de CBS-indeling. Na een
    herindeling mag de lijst gelden die actueel was op een ingangsdatum in het bericht; daarom is
    een code goed als hij geldig is op de Dagtekening of op een van die datums. De lijst is
    `validators/level4/data/gemeentecodes.csv` of de lijst uit [lijsten] (zie `berichten lijsten`)."""
    lijst = ctx.lists.gemeenten
    if lijst is None:
        return []
    hits = []
    for el in (ctx.gemeente_element, *ctx.gemeenten):
        code = _text(el)
        if code and not lijst.valid_on(code, ctx.message_days):
            hits.append(hit(el, melding=f"Gemeentecode {code} staat niet in de gemeentelijst ({lijst.file.path.name}) "
                                        "op de datums van dit bericht."))
    return hits


@_rule("TR381", "S329", PRODUCT_BERICHTEN, "De ProductCode moet volgens de gebruikte productcodelijst bij de ProductCategorie horen.",
       ("/Bericht/Client/ToegewezenProduct/Product/Code",),
       "lijsten/jw301-productcode-onbekend.xml", "lijsten/jw301-bekend.xml")
def tr381(ctx: ExternalContext) -> list[Hit]:
    """Elke productcode wordt opgezocht in de productcodelijst van de standaard, bij zijn
    categorie en geldig op de begindatum van de klasse. De meegeleverde iJw-lijst controleert
    alleen dat de code met de twee cijfers van de categorie begint; de meegeleverde iWmo-lijst is
    leeg, zodat TR381 voor iWmo pas werkt met een eigen lijst (anders: niet gecontroleerd)."""
    lijst = ctx.lists.producten.get(ctx.message.standaard)
    if lijst is None or lijst.empty:
        return []
    hits = []
    for ref in ctx.products:
        if ref.code is None:
            continue
        cat, code = ref.categorie.strip(), ref.code.strip()
        if not lijst.known(cat, code, ref.day or ctx.today):
            hits.append(hit(ctx.product_element(ref, "code"), melding=f"ProductCode {code} hoort volgens "
                            f"{lijst.file.path.name} niet bij categorie {cat}."))
    return hits


@_rule("BER-L4-CONTRACT", "S329", CONTRACT_BERICHTEN,
       "De aanbieder moet voor dit product een contract met de gemeente hebben op de ingangsdatum.",
       ("/Bericht/Header/Afzender", "/Bericht/Header/Ontvanger", "/Bericht/Client/ToegewezenProduct/Product"),
       "lijsten/jw301-niet-gecontracteerd.xml", "lijsten/jw301-bekend.xml")
def contract(ctx: ExternalContext) -> list[Hit]:
    """Projectregel (geen regel van de standaard): met een contractenlijst in [lijsten] wordt elk
    product gezocht bij de aanbieder (AGB-code), de gemeente, de categorie en de code, geldig op de
    begindatum van de klasse. Zo valt een toewijzing aan een aanbieder zonder contract op voordat
    ze wordt verstuurd, en een start, verzoek of declaratie van zo'n aanbieder voordat ze wordt
    verwerkt. De retourcode is S329 (productcode ongeldig), de code van de standaard die er het
    dichtst bij ligt."""
    lijst = ctx.lists.contracten
    if lijst is None:
        return []
    hits = []
    agb, gemeente = _text(ctx.aanbieder_element), _text(ctx.gemeente_element)
    for ref in ctx.products:
        day = ref.day
        cat, code = ref.categorie.strip(), None if ref.code is None else ref.code.strip()
        product = f"{cat}/{code}" if code is not None else f"categorie {cat}"
        if not lijst.covers(gemeente, agb, cat, code or None, day or ctx.today):
            hits.append(hit(ctx.product_element(ref, "code" if code is not None else "categorie"),
                            melding=f"Aanbieder {agb} heeft volgens {lijst.file.path.name} geen contract met gemeente "
                                    f"{gemeente} voor product {product} op {day or ctx.today}."))
    return hits


@_rule("BER-L4-AGB", None, AGB_BERICHTEN, "De afzender van een declaratie moet in de AGB-lijst staan.",
       ("/Bericht/Header/Afzender",), "lijsten/jw323-agb-onbekend.xml", "lijsten/jw323-agb-bekend.xml")
def agb(ctx: ExternalContext) -> list[Hit]:
    """Projectregel (geen regel van de standaard): met een AGB-export in [lijsten] moet de AGB-code
    van de afzender van een 323 daarin staan, geldig op de Dagtekening. Een declaratie van een
    onbekende code wordt zo niet opgeslagen of betaald. De standaard heeft hiervoor geen
    retourcode; zo'n declaratie wordt afgekeurd en krijgt geen declaratie-antwoord (325), want
    een 325 zonder die code zou haar goedkeuren."""
    lijst = ctx.lists.agb
    if lijst is None:
        return []
    code = _text(ctx.aanbieder_element)
    if code and not lijst.valid_on(code, ctx.dagtekening or ctx.today):
        return [hit(ctx.aanbieder_element, melding=f"AGB-code {code} staat niet in de AGB-lijst ({lijst.file.path.name}).")]
    return []


# --- declarations: amounts and tariffs ---------------------------------------------------------------

MINUUT, UUR, EURO = "01", "04", "83"


def _half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to a whole number, halves up (amounts are never negative)."""
    return (2 * numerator + denominator) // (2 * denominator)


def amount_fits(volume: int, tarief: int, bedrag: int, eenheid: str, uurtarief: int | None = None) -> bool:
    """TR346 on one Prestatie (eurocent): ``bedrag == volume * tarief``, or, for minutes (01), the
    amount of an hourly rate whose minute rate rounds to ``tarief`` (IV081): the contracted
    ``uurtarief`` when known, else any of the at most 60 hourly rates that round to it."""
    if bedrag == volume * tarief:
        return True
    if eenheid != MINUUT:
        return False
    if uurtarief is not None:
        uurtarieven = [uurtarief]
    else:
        uurtarieven = [h for h in range(max(0, 60 * tarief - 30), 60 * tarief + 30) if _half_up(h, 60) == tarief]
    return any(_half_up(h * volume, 60) == bedrag for h in uurtarieven)


def _prestaties(ctx: ExternalContext) -> Iterator[tuple[etree._Element, dict[str, str]]]:
    """Each Prestatie of a 323 with the texts the tariff rules read (by local name)."""
    for el in ctx.root.iter(ctx.m("Prestatie")):
        values: dict[str, str] = {}
        for child in el.iterchildren(etree.Element):
            name = local_name(child.tag)
            if name == "IngediendBedrag":
                values["Bedrag"] = _text(_child(child, "Bedrag"))
            else:
                values[name] = _text(child)
        yield el, values


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _contract_tarief(ctx: ExternalContext, prestatie: etree._Element, v: dict[str, str]):
    lijst = ctx.lists.contracten
    if lijst is None or not v.get("ProductCode"):
        return None
    day = ctx._day_of(prestatie) or ctx.today
    return lijst.tarief(_text(ctx.gemeente_element), _text(ctx.aanbieder_element), v.get("ProductCategorie", ""),
                        v["ProductCode"], day)


@_rule("TR346", "9346", ("323",), "Het IngediendBedrag moet GeleverdVolume maal ProductTarief zijn (behalve bij Eenheid 83, euro's).",
       ("/Bericht/Declaratie/Clienten/Client/Prestaties/Prestatie/IngediendBedrag",),
       "lijsten/jw323-bedrag-klopt-niet.xml", "lijsten/jw323-agb-bekend.xml")
def tr346(ctx: ExternalContext) -> Iterator[Hit]:
    """Een declaratieregel rekent zichzelf uit: volume keer tarief, tot op de eurocent, zonder
    afronding. Eén uitzondering: is het tarief per uur afgesproken en wordt in minuten gedeclareerd,
    dan staat in ProductTarief het uurtarief gedeeld door 60 (afgerond op centen) en is het bedrag
    uurtarief keer minuten gedeeld door 60, afgerond op centen. Met een tarief per uur in de
    contractenlijst wordt met dat uurtarief gerekend; zonder lijst is het bedrag goed als er een
    uurtarief bestaat dat precies dit minuuttarief en dit bedrag oplevert."""
    for el, v in _prestaties(ctx):
        volume, tarief, bedrag = _int(v.get("GeleverdVolume", "")), _int(v.get("ProductTarief", "")), _int(v.get("Bedrag", ""))
        if v.get("Eenheid") == EURO or None in (volume, tarief, bedrag):
            continue
        uurtarief = None
        if v.get("Eenheid") == MINUUT and bedrag != volume * tarief:
            contract = _contract_tarief(ctx, el, v)
            if contract is not None and contract.tariefeenheid == UUR:
                uurtarief = contract.tarief
        if amount_fits(volume, tarief, bedrag, v.get("Eenheid", ""), uurtarief):
            continue
        target = _child(el, "IngediendBedrag")
        yield hit(target if target is not None else el,
                  melding=f"IngediendBedrag {bedrag} is niet GeleverdVolume {volume} x ProductTarief {tarief} "
                          f"(= {volume * tarief}, bedragen in eurocent).")


@_rule("TR418", "0611", ("323",), "Het ProductTarief moet het tarief zijn dat voor deze ProductCode is gecontracteerd.",
       ("/Bericht/Declaratie/Clienten/Client/Prestaties/Prestatie/ProductTarief",),
       "lijsten/jw323-tarief-niet-gecontracteerd.xml", "lijsten/jw323-agb-bekend.xml")
def tr418(ctx: ExternalContext) -> Iterator[Hit]:
    """Met tarieven in de contractenlijst (kolommen tarief in euro's en tariefeenheid) moet elke
    declaratieregel het gecontracteerde tarief van zijn product gebruiken, op de begindatum van de
    ProductPeriode; de meest specifieke regel van de lijst telt (een productcode vóór een hele
    categorie). Een uurtarief mag in minuten worden gedeclareerd: dan is het verwachte tarief het
    uurtarief gedeeld door 60, afgerond op centen. Zonder tarief in de lijst voor het product wordt
    de regel niet getoetst."""
    lijst = ctx.lists.contracten
    if lijst is None or not lijst.has_tariffs:
        return
    for el, v in _prestaties(ctx):
        tarief = _int(v.get("ProductTarief", ""))
        contract = _contract_tarief(ctx, el, v)
        if tarief is None or contract is None:
            continue
        eenheid = v.get("Eenheid", "")
        if contract.tariefeenheid in ("", eenheid):
            verwacht = contract.tarief
        elif contract.tariefeenheid == UUR and eenheid == MINUUT:
            verwacht = _half_up(contract.tarief, 60)
        else:
            verwacht = None  # a tariff per another unit: no declared tariff can match it
        if tarief != verwacht:
            per = f" per eenheid {contract.tariefeenheid}" if contract.tariefeenheid else ""
            yield hit(_child(el, "ProductTarief"),
                      melding=f"ProductTarief {tarief} wijkt af van het contracttarief {contract.tarief}{per} "
                              f"voor {v.get('ProductCode')} ({lijst.file.path.name}; bedragen in eurocent).")

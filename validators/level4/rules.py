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
from datetime import date
from functools import cached_property

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


class ExternalContext(RuleContext):
    def __init__(self, root: etree._Element, message: MessageType, lists: Lists, today: date) -> None:
        super().__init__(root, message)
        self.lists = lists
        self.today = today

    def _header_text(self, name: str) -> etree._Element | None:
        return next(self.header.iterchildren(self.m(name)), None)

    @cached_property
    def gemeente_element(self) -> etree._Element | None:
        return self._header_text("Afzender" if self.message.nummer in GEMEENTE_IS_AFZENDER else "Ontvanger")

    @cached_property
    def aanbieder_element(self) -> etree._Element | None:
        return self._header_text("Ontvanger" if self.message.nummer in GEMEENTE_IS_AFZENDER else "Afzender")

    @cached_property
    def message_days(self) -> list[date]:
        """The Dagtekening and every start date in the message (the days a gemeentecode may be valid on)."""
        days = [self.dagtekening] if self.dagtekening else []
        for el in self.root.iter(*self._tags(_START)):  # tag-filtered: lxml skips the rest in C
            day = parse_date(el.text)
            if day and day not in days:
                days.append(day)
        return days

    def _tags(self, names) -> list[str]:
        return [f"{{{ns}}}{n}" for ns in (self.mns, self.bns) for n in names]

    @cached_property
    def products(self) -> list[tuple[etree._Element, etree._Element | None, date | None]]:
        """(categorie element, code element or None, day) for every product in the message."""
        found = []
        for el in self.root.iter(*self._tags(("Product", "Prestatie"))):
            name = local_name(el.tag)
            if name == "Product":
                cat, code, owner = _child(el, "Categorie"), _child(el, "Code"), el.getparent()
            elif name == "Prestatie":
                cat, code, owner = _child(el, "ProductCategorie"), _child(el, "ProductCode"), el
            else:
                continue
            if cat is not None and cat.text:
                found.append((cat, code if code is not None and code.text else None, self._day_of(owner)))
        return found

    def _day_of(self, owner: etree._Element | None) -> date | None:
        if owner is not None:
            for child in owner.iterchildren(etree.Element):
                name = local_name(child.tag)
                if name in _START:
                    return parse_date(child.text)
                if name == "ProductPeriode":
                    begin = _child(child, "Begindatum")
                    if begin is not None:
                        return parse_date(begin.text)
        return self.dagtekening


def _child(el: etree._Element, name: str) -> etree._Element | None:
    return next((c for c in el.iterchildren(etree.Element) if local_name(c.tag) == name), None)


def _text(el: etree._Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""


def run_level4(root: etree._Element, message: MessageType, lists: Lists, today: date | None = None) -> list[Finding]:
    """All level-4 findings on one message that passed levels 1 and 2."""
    if not lists.enabled:
        return []
    ctx = ExternalContext(root, message, lists, today or date.today())
    findings: list[Finding] = []
    for rule in LEVEL4_REGISTRY.for_message(message):
        findings.extend(rule.findings(ctx))
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
def tr135(ctx: ExternalContext) -> Iterator[Hit]:
    """Een bericht kan niet gedateerd zijn op een dag die bij de ontvanger nog moet komen. De
    Dagtekening wordt vergeleken met de systeemdatum op het moment van controleren; ligt ze later,
    dan wordt het hele bericht afgekeurd met retourcode 8848 op de header."""
    if ctx.dagtekening and ctx.dagtekening > ctx.today:
        yield hit(ctx.dagtekening_element, melding=f"De Dagtekening {ctx.dagtekening} ligt na de systeemdatum {ctx.today}.")


@_rule("TR378", "S300", HEEN_BERICHTEN, "Een gemeentecode moet in de CBS-lijst staan die geldt op de (Toewijzing)Ingangsdatum.",
       ("/Bericht/Header/Afzender", "/Bericht/Header/Ontvanger"),
       "lijsten/jw301-gemeente-onbekend.xml", "lijsten/jw301-bekend.xml")
def tr378(ctx: ExternalContext) -> Iterator[Hit]:
    """De gemeente in de header (de afzender van een 301, 319 of 325, anders de ontvanger) en de
    gemeente van het woonplaatsbeginsel in een 319 moeten bestaan volgens de CBS-indeling. Na een
    herindeling mag de lijst gelden die actueel was op een ingangsdatum in het bericht; daarom is
    een code goed als hij geldig is op de Dagtekening of op een van die datums. De lijst is
    `validators/level4/data/gemeentecodes.csv` of de lijst uit [lijsten] (zie `berichten lijsten`)."""
    lijst = ctx.lists.gemeenten
    if lijst is None:
        return
    elements = [ctx.gemeente_element]
    elements += [el for el in ctx.root.iter(ctx.m("Gemeente"))]
    for el in elements:
        code = _text(el)
        if code and not lijst.valid_on(code, ctx.message_days):
            yield hit(el, melding=f"Gemeentecode {code} staat niet in de gemeentelijst ({lijst.file.path.name}) "
                                  "op de datums van dit bericht.")


@_rule("TR381", "S329", PRODUCT_BERICHTEN, "De ProductCode moet volgens de gebruikte productcodelijst bij de ProductCategorie horen.",
       ("/Bericht/Client/ToegewezenProduct/Product/Code",),
       "lijsten/jw301-productcode-onbekend.xml", "lijsten/jw301-bekend.xml")
def tr381(ctx: ExternalContext) -> Iterator[Hit]:
    """Elke productcode wordt opgezocht in de productcodelijst van de standaard, bij zijn
    categorie en geldig op de begindatum van de klasse. De meegeleverde iJw-lijst controleert
    alleen dat de code met de twee cijfers van de categorie begint; de meegeleverde iWmo-lijst is
    leeg, zodat TR381 voor iWmo pas werkt met een eigen lijst (anders: niet gecontroleerd)."""
    lijst = ctx.lists.producten.get(ctx.message.standaard)
    if lijst is None or lijst.empty:
        return
    for cat, code, day in ctx.products:
        if code is None:
            continue
        if not lijst.known(_text(cat), _text(code), day or ctx.today):
            yield hit(code, melding=f"ProductCode {_text(code)} hoort volgens {lijst.file.path.name} niet bij "
                                    f"categorie {_text(cat)}.")


@_rule("BER-L4-CONTRACT", "S329", CONTRACT_BERICHTEN,
       "De aanbieder moet voor dit product een contract met de gemeente hebben op de ingangsdatum.",
       ("/Bericht/Header/Afzender", "/Bericht/Header/Ontvanger", "/Bericht/Client/ToegewezenProduct/Product"),
       "lijsten/jw301-niet-gecontracteerd.xml", "lijsten/jw301-bekend.xml")
def contract(ctx: ExternalContext) -> Iterator[Hit]:
    """Projectregel (geen regel van de standaard): met een contractenlijst in [lijsten] wordt elk
    product gezocht bij de aanbieder (AGB-code), de gemeente, de categorie en de code, geldig op de
    begindatum van de klasse. Zo valt een toewijzing aan een aanbieder zonder contract op voordat
    ze wordt verstuurd, en een start, verzoek of declaratie van zo'n aanbieder voordat ze wordt
    verwerkt. De retourcode is S329 (productcode ongeldig), de code van de standaard die er het
    dichtst bij ligt."""
    lijst = ctx.lists.contracten
    if lijst is None:
        return
    agb, gemeente = _text(ctx.aanbieder_element), _text(ctx.gemeente_element)
    for cat, code, day in ctx.products:
        product = f"{_text(cat)}/{_text(code)}" if code is not None else f"categorie {_text(cat)}"
        if not lijst.covers(gemeente, agb, _text(cat), _text(code) or None, day or ctx.today):
            yield hit(code if code is not None else cat,
                      melding=f"Aanbieder {agb} heeft volgens {lijst.file.path.name} geen contract met gemeente "
                              f"{gemeente} voor product {product} op {day or ctx.today}.")


@_rule("BER-L4-AGB", None, AGB_BERICHTEN, "De afzender van een declaratie moet in de AGB-lijst staan.",
       ("/Bericht/Header/Afzender",), "lijsten/jw323-agb-onbekend.xml", "lijsten/jw323-agb-bekend.xml")
def agb(ctx: ExternalContext) -> Iterator[Hit]:
    """Projectregel (geen regel van de standaard): met een AGB-export in [lijsten] moet de AGB-code
    van de afzender van een 323 daarin staan, geldig op de Dagtekening. Een declaratie van een
    onbekende code wordt zo niet opgeslagen of betaald. De standaard heeft hiervoor geen
    retourcode; zo'n declaratie wordt afgekeurd en krijgt geen declaratie-antwoord (325), want
    een 325 zonder die code zou haar goedkeuren."""
    lijst = ctx.lists.agb
    if lijst is None:
        return
    code = _text(ctx.aanbieder_element)
    if code and not lijst.valid_on(code, ctx.dagtekening or ctx.today):
        yield hit(ctx.aanbieder_element, melding=f"AGB-code {code} staat niet in de AGB-lijst ({lijst.file.path.name}).")


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

"""Level-2 rules of the 317 Verzoek om wijziging (iJw and iWmo), as the official XSLT checks them.

A 317 names the allocations that stay as they are (OngewijzigdProduct), the ones to change
(TeWijzigenProduct: ToewijzingNummer, new period, Omvang or Budget) and new products
(NieuwProduct: like an AangevraagdProduct of a 315 without reference or referrer). The XSLT
checks the size of a TeWijzigenProduct and a NieuwProduct like that of a 301/315 product
(``omvang``), but only a NieuwProduct has a Product, so CD041, CD079 and CD096 look at new
products only. The standards differ only in TR410: iWmo lets products of categories 11-14 overlap.
TR101 on Client and Verzoek cannot fire: the XSD allows one of each. The generic Bsn check
(CS002) is registered by ``common``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

from berichten.validators.engine import REGISTRY, CheckFunction, Hit, RuleContext
from berichten.validators.rules import omvang
from berichten.validators.rules._shared_305_315 import (
    OVERLAP_TOEGESTAAN,
    as_date,
    as_int,
    cached,
    duplicate_groups,
    hit_at,
    kids,
    raw,
    same_product_overlaps,
)

Element = etree._Element

B317 = ("317",)
VERZOEK = "/Bericht/Client/Verzoek"
OP = f"{VERZOEK}/OngewijzigdeProducten/OngewijzigdProduct"
TP = f"{VERZOEK}/TeWijzigenProducten/TeWijzigenProduct"
NP = f"{VERZOEK}/NieuweProducten/NieuwProduct"


@dataclass(frozen=True, slots=True)
class Wijziging:
    """One TeWijzigenProduct or NieuwProduct, the parts the rules read found once per message.

    The field names are those ``omvang.SizedProduct`` reads; a TeWijzigenProduct has no Product.
    """

    el: Element
    toewijzingnummer: Element | None  # TeWijzigenProduct only
    product: Element | None  # NieuwProduct only
    categorie: Element | None
    code: Element | None
    ingang: Element | None  # GewensteIngangsdatum
    einde: Element | None
    omvang: Element | None
    eenheid: Element | None
    frequentie: Element | None
    budget: Element | None


@dataclass(frozen=True, slots=True)
class Verzoek:
    el: Element | None
    ongewijzigd: list[Element]
    te_wijzigen: list[Wijziging]
    nieuw: list[Wijziging]


def _wijziging(ctx: RuleContext, el: Element) -> Wijziging:
    m, b = ctx.m, ctx.b
    k = kids(el)
    product, omvang_el = k.get(m("Product")), k.get(m("Omvang"))
    pk, ok = kids(product), kids(omvang_el)
    return Wijziging(
        el=el,
        toewijzingnummer=k.get(m("ToewijzingNummer")),
        product=product,
        categorie=pk.get(b("Categorie")),
        code=pk.get(b("Code")),
        ingang=k.get(m("GewensteIngangsdatum")),
        einde=k.get(m("Einddatum")),
        omvang=omvang_el,
        eenheid=ok.get(b("Eenheid")),
        frequentie=ok.get(b("Frequentie")),
        budget=k.get(m("Budget")),
    )


def verzoek(ctx: RuleContext) -> Verzoek:
    def make() -> Verzoek:
        m = ctx.m
        client = next(ctx.root.iterchildren(m("Client")), None)
        el = None if client is None else next(client.iterchildren(m("Verzoek")), None)
        k = kids(el)

        def klassen(lijst: str, klasse: str) -> list[Element]:
            parent = k.get(m(lijst))
            return [] if parent is None else list(parent.iterchildren(m(klasse)))

        return Verzoek(
            el=el,
            ongewijzigd=klassen("OngewijzigdeProducten", "OngewijzigdProduct"),
            te_wijzigen=[_wijziging(ctx, e) for e in klassen("TeWijzigenProducten", "TeWijzigenProduct")],
            nieuw=[_wijziging(ctx, e) for e in klassen("NieuweProducten", "NieuwProduct")],
        )

    return cached(ctx, "317.verzoek", make)


def nieuwe(ctx: RuleContext) -> list[Wijziging]:
    return verzoek(ctx).nieuw


def beide(ctx: RuleContext) -> list[Wijziging]:
    """TeWijzigenProducten and NieuweProducten, in document order (the XSD puts the first before)."""
    v = verzoek(ctx)
    return v.te_wijzigen + v.nieuw


def rule317(
    code: str, melding: str, elementen: tuple[str, ...], uitleg: str, **kw: Any
) -> Callable[[CheckFunction], CheckFunction]:
    return REGISTRY.rule(code, berichten=B317, melding=melding, elementen=elementen, uitleg=uitleg, **kw)


# --- Omvang, Budget, Product (validators/rules/omvang.py, with this message's codes and texts) ------

omvang.register(
    "omvang_bij_code", nieuwe, rule317, "CD041",
    "Een nieuw product met Product/Code moet een Omvang hebben.",
    (f"{NP}/Product/Code", f"{NP}/Omvang"),
    "Wie in een wijzigingsverzoek een specifiek nieuw product vraagt (categorie én code), zegt ook "
    "hoeveel: Volume, Eenheid en Frequentie in Omvang. Een te wijzigen product heeft geen Product "
    "en valt buiten deze regel.",
)

omvang.register(
    "einde_bij_budget", beide, rule317, "CD075",
    "Een te wijzigen of nieuw product met Budget moet een Einddatum hebben.",
    (f"{TP}/Budget", f"{TP}/Einddatum", f"{NP}/Budget", f"{NP}/Einddatum"),
    "Een budget geldt voor een begrensde periode. Vraagt de aanbieder een Budget, voor een "
    "bestaande toewijzing of een nieuw product, dan noemt hij ook de Einddatum.",
)

omvang.register(
    "einde_bij_per_week", beide, rule317, "CD076",
    "Bij Frequentie 2 (per week) is een Einddatum verplicht.",
    (f"{TP}/Omvang/Frequentie", f"{TP}/Einddatum", f"{NP}/Omvang/Frequentie", f"{NP}/Einddatum"),
    "Een hoeveelheid per week zonder einde is in totaal onbegrensd. Een te wijzigen of nieuw "
    "product met Frequentie 2 heeft daarom een Einddatum.",
)

omvang.register(
    "geen_omvang_bij_budget", beide, rule317, "CD077",
    "Een te wijzigen of nieuw product heeft Budget of Omvang, niet allebei (Budget gevuld, Omvang aanwezig).",
    (f"{TP}/Budget", f"{TP}/Omvang", f"{NP}/Budget", f"{NP}/Omvang"),
    "De gewenste hoeveelheid is een bedrag (Budget) of een aantal eenheden (Omvang), nooit beide. "
    "Deze regel kijkt vanuit het Budget, CD078 vanuit de Omvang; de melding wijst de Omvang aan, "
    "zoals de officiële XSLT.",
)

omvang.register(
    "geen_budget_bij_omvang", beide, rule317, "CD078",
    "Een te wijzigen of nieuw product heeft Omvang of Budget, niet allebei (Omvang aanwezig, Budget aanwezig).",
    (f"{TP}/Omvang", f"{TP}/Budget", f"{NP}/Omvang", f"{NP}/Budget"),
    "Tegenhanger van CD077, bekeken vanuit de Omvang: naast een Omvang staat geen Budget. Beide "
    "regels slaan dus samen aan.",
)

omvang.register(
    "product_zonder_budget", nieuwe, rule317, "CD079",
    "Een nieuw product zonder Budget moet een Product hebben.",
    (NP, f"{NP}/Product", f"{NP}/Budget"),
    "Een nieuw product zonder categorie kan alleen een generiek budget zijn: zonder Budget noemt "
    "het verzoek het Product. De melding wijst het hele NieuwProduct aan.",
)

omvang.register(
    "geen_omvang_zonder_code", nieuwe, rule317, "CD096",
    "Een nieuw product zonder Product/Code heeft geen Omvang, tenzij de Einddatum uiterlijk 31-12-2020 is.",
    (f"{NP}/Omvang", f"{NP}/Product/Code", f"{NP}/Einddatum"),
    "Zonder productcode vraagt een nieuw product een budget of alleen een categorie, geen aantal "
    "eenheden; dat is de 317-versie van CD080 (301) en CD095 (315). Alleen een product dat vóór "
    "2021 eindigt valt nog onder de oude afspraak. Staat er een Einddatum, dan wijst de melding die "
    "aan, anders de Omvang.",
    voorbeeld_fout="regels/jw317-CD096-fout.xml",
    voorbeeld_goed="regels/jw317-CD096-goed.xml",
)

omvang.register(
    "frequentie_bij_eenheid", beide, rule317, "CS338",
    "Bij Eenheid 14, 16, 83 of 84 moet de Frequentie 2, 4 of 6 zijn (einddatum leeg of na 2020).",
    (f"{TP}/Omvang/Eenheid", f"{TP}/Omvang/Frequentie", f"{NP}/Omvang/Eenheid", f"{NP}/Omvang/Frequentie"),
    "Etmalen, dagdelen, euro's en stuks (inspanning) vraagt men per week, per maand of als totaal "
    "over de periode, niet per dag. Producten die uiterlijk 31-12-2020 eindigen zijn uitgezonderd. "
    "Staat er een Einddatum, dan wijst de melding die aan, anders de Eenheid.",
)


# --- Periode ------------------------------------------------------------------------------------------


@rule317(
    "CS003",
    "De Einddatum ligt vóór de GewensteIngangsdatum.",
    (f"{TP}/GewensteIngangsdatum", f"{TP}/Einddatum", f"{NP}/GewensteIngangsdatum", f"{NP}/Einddatum"),
    "Een gewenste periode kan niet eindigen voordat hij begint; op dezelfde dag beginnen en eindigen "
    "mag wel. Dat geldt voor te wijzigen en nieuwe producten. De melding wijst de "
    "GewensteIngangsdatum aan, zoals de officiële XSLT.",
)
def cs003(ctx: RuleContext) -> Iterator[Hit]:
    for w in beide(ctx):
        begin, einde = as_date(w.ingang), as_date(w.einde)
        if begin is not None and einde is not None and einde < begin:
            yield hit_at(w.ingang, w.einde)


@rule317(
    "TR380",
    "De GewensteIngangsdatum van een nieuw product moet na de Dagtekening van het bericht liggen.",
    ("/Bericht/Header/BerichtIdentificatie/Dagtekening", f"{NP}/GewensteIngangsdatum"),
    "Een nieuw product kan niet met terugwerkende kracht worden gevraagd: de gewenste ingangsdatum "
    "ligt minstens een dag na de Dagtekening, dezelfde dag is te vroeg. Voor een te wijzigen "
    "product geldt dit niet. De melding wijst de Dagtekening aan, zoals de officiële XSLT.",
    voorbeeld_fout="regels/jw317-TR380-fout.xml",
    voorbeeld_goed="regels/jw317-TR380-goed.xml",
)
def tr380(ctx: RuleContext) -> Iterator[Hit]:
    dagtekening, dag_el = ctx.dagtekening, ctx.dagtekening_element
    if dagtekening is None:
        return
    for w in nieuwe(ctx):
        begin = as_date(w.ingang)
        if begin is not None and begin <= dagtekening:
            yield hit_at(dag_el, w.ingang)


# --- Samenstelling van het verzoek ----------------------------------------------------------------


@rule317(
    "TR352",
    "Een wijzigingsverzoek noemt minstens één ongewijzigd of te wijzigen product.",
    (VERZOEK, OP, TP),
    "Een 317 gaat over een bestaande toewijzing: het verzoek noemt minstens één product dat blijft "
    "(OngewijzigdProduct) of verandert (TeWijzigenProduct). Alleen nieuwe producten vragen kan met "
    "een 315. De melding wijst het Verzoek aan.",
)
def tr352(ctx: RuleContext) -> Iterator[Hit]:
    v = verzoek(ctx)
    if v.el is not None and not v.ongewijzigd and not v.te_wijzigen:
        yield hit_at(v.el)


@rule317(
    "TR353",
    "Een wijzigingsverzoek noemt minstens één te wijzigen of nieuw product.",
    (VERZOEK, TP, NP),
    "Een verzoek dat alleen ongewijzigde producten noemt, vraagt niets. Er staat dus minstens één "
    "TeWijzigenProduct of NieuwProduct in. De melding wijst het Verzoek aan.",
)
def tr353(ctx: RuleContext) -> Iterator[Hit]:
    v = verzoek(ctx)
    if v.el is not None and not v.te_wijzigen and not v.nieuw:
        yield hit_at(v.el)


# TR101 has one registration per class: the key differs, and so do the texts.


@rule317(
    "TR101",
    "Het verzoek noemt hetzelfde ToewijzingNummer twee keer bij de ongewijzigde of bij de te wijzigen producten.",
    (f"{OP}/ToewijzingNummer", f"{TP}/ToewijzingNummer"),
    "Een bestaande toewijzing staat maar één keer bij de ongewijzigde en één keer bij de te "
    "wijzigen producten. Nummers vergelijken we als getal (0400101 is 400101). Per groep volgt één "
    "melding, bij het eerste product.",
)
def tr101_toewijzing(ctx: RuleContext) -> Iterator[Hit]:
    v = verzoek(ctx)
    nummer = ctx.m("ToewijzingNummer")
    ongewijzigd = ((as_int(next(el.iterchildren(nummer), None)), el) for el in v.ongewijzigd)
    for group in duplicate_groups(ongewijzigd):
        yield hit_at(*group)
    for group in duplicate_groups((as_int(w.toewijzingnummer), w.el) for w in v.te_wijzigen):
        yield hit_at(*group)


@rule317(
    "TR101",
    "Het verzoek vraagt twee keer hetzelfde nieuwe product (Product en GewensteIngangsdatum gelijk).",
    (f"{NP}/Product", f"{NP}/GewensteIngangsdatum"),
    "Een nieuw product wordt herkend aan Categorie, Code en GewensteIngangsdatum; ontbrekende delen "
    "tellen als gelijk. Twee NieuweProducten met dezelfde sleutel zijn een dubbele regel. Data "
    "vergelijken we als datum. Per groep volgt één melding, bij het eerste product.",
)
def tr101_nieuw(ctx: RuleContext) -> Iterator[Hit]:
    keyed = (((as_date(w.ingang), raw(w.categorie), raw(w.code)), w.el) for w in nieuwe(ctx))
    for group in duplicate_groups(keyed):
        yield hit_at(*group)


@rule317(
    "TR410",
    "Hetzelfde nieuwe product wordt twee keer gevraagd voor overlappende periodes.",
    (NP, f"{NP}/Product", f"{NP}/GewensteIngangsdatum", f"{NP}/Einddatum"),
    "Een nieuw product mag vaker in één verzoek staan als de gewenste periodes elkaar niet "
    "overlappen. Zonder productcode geldt dat per categorie, en een nieuw product zonder Product "
    "mag met geen ander overlappen. In iWmo mogen hulpmiddelen en woonvoorzieningen (categorie 11 "
    "t/m 14) wel overlappen. Per overlappend paar volgt een melding bij het eerste product.",
)
def tr410(ctx: RuleContext) -> Iterator[Hit]:
    items = nieuwe(ctx)
    for earlier, _later in same_product_overlaps(items, OVERLAP_TOEGESTAAN[ctx.message.standaard]):
        yield hit_at(items[earlier].el)

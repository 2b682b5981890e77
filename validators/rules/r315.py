"""Level-2 rules of the 315 Verzoek om toewijzing (iJw and iWmo), as the official XSLT checks them.

The templates are the same in both standards except TR386: iWmo lets products of categories
11-14 overlap. The generic Bsn and Geboortedatum checks (CS002, CS139, TR002) come from ``common``.
TR101 on Client cannot fire: the XSD allows one Client.
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
    VERWIJZER_MET_ZORGVERLENERCODE,
    as_date,
    cached,
    duplicate_groups,
    filled,
    hit_at,
    kids,
    not_after_dagtekening,
    raw,
    same_product_overlaps,
    value,
)

Element = etree._Element

B315 = ("315",)
AP = "/Bericht/Client/AangevraagdeProducten/AangevraagdProduct"



@dataclass(frozen=True, slots=True)
class Aanvraag:
    """The parts of one AangevraagdProduct the rules look at, found once per message."""

    el: Element
    referentie: Element | None
    beschikkingnummer: Element | None
    product: Element | None
    categorie: Element | None
    code: Element | None
    beschikking_ingang: Element | None
    ingang: Element | None
    einde: Element | None
    omvang: Element | None
    eenheid: Element | None
    frequentie: Element | None
    budget: Element | None
    verwijzer: Element | None
    type: Element | None
    naam: Element | None
    zorgverlenercode: Element | None


def aanvragen(ctx: RuleContext) -> list[Aanvraag]:
    def make() -> list[Aanvraag]:
        m, b = ctx.m, ctx.b
        out = []
        path = f"{m('Client')}/{m('AangevraagdeProducten')}/{m('AangevraagdProduct')}"
        for el in ctx.root.iterfind(path):
            k = kids(el)
            product, omvang, verwijzer = k.get(m("Product")), k.get(m("Omvang")), k.get(m("Verwijzer"))
            pk, ok, vk = kids(product), kids(omvang), kids(verwijzer)
            out.append(Aanvraag(
                el=el,
                referentie=k.get(m("ReferentieAanbieder")),
                beschikkingnummer=k.get(m("BeschikkingNummer")),
                product=product,
                categorie=pk.get(b("Categorie")),
                code=pk.get(b("Code")),
                beschikking_ingang=k.get(m("BeschikkingIngangsdatum")),
                ingang=k.get(m("ToewijzingIngangsdatum")),
                einde=k.get(m("ToewijzingEinddatum")),
                omvang=omvang,
                eenheid=ok.get(b("Eenheid")),
                frequentie=ok.get(b("Frequentie")),
                budget=k.get(m("Budget")),
                verwijzer=verwijzer,
                type=vk.get(b("Type")),
                naam=vk.get(b("Naam")),
                zorgverlenercode=vk.get(b("ZorgverlenerCode")),
            ))
        return out

    return cached(ctx, "315.aanvragen", make)


def rule315(
    code: str, melding: str, elementen: tuple[str, ...], uitleg: str, **kw: Any
) -> Callable[[CheckFunction], CheckFunction]:
    return REGISTRY.rule(code, berichten=B315, melding=melding, elementen=elementen, uitleg=uitleg, **kw)


# --- Omvang, Budget, Product ------------------------------------------------------------------------

# The checks are shared with the other message (validators/rules/omvang.py); codes and texts are this message's.

omvang.register(
    "omvang_bij_code", aanvragen, rule315, "CD041",
    "Een aangevraagd product met Product/Code moet een Omvang hebben.",
    (f"{AP}/Product/Code", f"{AP}/Omvang"),
    "Wie een specifiek product aanvraagt (categorie én code), geeft ook aan hoeveel: Volume, Eenheid "
    "en Frequentie in Omvang. Zonder Omvang weet de gemeente niet wat er gevraagd wordt.",
)

omvang.register(
    "einde_bij_budget", aanvragen, rule315, "CD075",
    "Een aangevraagd product met Budget moet een ToewijzingEinddatum hebben.",
    (f"{AP}/Budget", f"{AP}/ToewijzingEinddatum"),
    "Een budget is een bedrag voor een afgebakende periode. Wie een Budget vraagt, geeft daarom "
    "ook de ToewijzingEinddatum op.",
)

omvang.register(
    "einde_bij_per_week", aanvragen, rule315, "CD076",
    "Bij Frequentie 2 (per week) is een ToewijzingEinddatum verplicht.",
    (f"{AP}/Omvang/Frequentie", f"{AP}/ToewijzingEinddatum"),
    "Een omvang per week loopt door tot er een einde is; zonder ToewijzingEinddatum is de totale "
    "omvang onbegrensd. Een aanvraag met Frequentie 2 noemt daarom altijd een einddatum.",
)

omvang.register(
    "geen_omvang_bij_budget", aanvragen, rule315, "CD077",
    "Een aangevraagd product heeft Budget of Omvang, niet allebei (Budget gevuld, Omvang aanwezig).",
    (f"{AP}/Budget", f"{AP}/Omvang"),
    "Een aanvraag drukt de gevraagde hoeveelheid uit in een bedrag (Budget) of in eenheden (Omvang), "
    "nooit in beide tegelijk. Deze regel kijkt vanuit het Budget; CD078 vanuit de Omvang. De "
    "melding wijst de Omvang aan, zoals de officiële XSLT.",
)

omvang.register(
    "geen_budget_bij_omvang", aanvragen, rule315, "CD078",
    "Een aangevraagd product heeft Omvang of Budget, niet allebei (Omvang aanwezig, Budget aanwezig).",
    (f"{AP}/Omvang", f"{AP}/Budget"),
    "Tegenhanger van CD077, bekeken vanuit de Omvang: is er een Omvang, dan hoort er geen Budget bij. "
    "Beide regels slaan dus tegelijk aan.",
)

omvang.register(
    "product_zonder_budget", aanvragen, rule315, "CD079",
    "Een aangevraagd product zonder Budget moet een Product hebben.",
    (AP, f"{AP}/Product", f"{AP}/Budget"),
    "Zonder product (categorie) is een aanvraag alleen zinvol als een generiek budget: wie geen "
    "Budget vraagt, noemt het Product. De melding wijst het hele AangevraagdProduct aan.",
)

omvang.register(
    "geen_omvang_zonder_code", aanvragen, rule315, "CD095",
    "Zonder Product/Code geen Omvang, tenzij de ToewijzingEinddatum uiterlijk 31-12-2020 is.",
    (f"{AP}/Omvang", f"{AP}/Product/Code", f"{AP}/ToewijzingEinddatum"),
    "Een aspecifieke of generieke aanvraag (zonder productcode) vraagt een budget of alleen een "
    "categorie, geen aantal eenheden. Alleen aanvragen die vóór 2021 eindigen vallen nog onder de "
    "oude afspraak. Staat er een ToewijzingEinddatum, dan wijst de melding die aan, anders de Omvang.",
)

omvang.register(
    "frequentie_bij_eenheid", aanvragen, rule315, "CS343",
    "Bij Eenheid 14, 16, 83 of 84 moet de Frequentie 2, 4 of 6 zijn (einddatum leeg of na 2020).",
    (f"{AP}/Omvang/Eenheid", f"{AP}/Omvang/Frequentie", f"{AP}/ToewijzingEinddatum"),
    "Etmalen, dagdelen, euro's en stuks (inspanning) worden per week, per maand of als totaal over "
    "de periode gevraagd, niet per dag. Aanvragen die uiterlijk 31-12-2020 eindigen zijn "
    "uitgezonderd. Staat er een ToewijzingEinddatum, dan wijst de melding die aan, anders de Eenheid.",
)


# --- Beschikking, periode, Verwijzer ---------------------------------------------------------------


@rule315(
    "CD043",
    "BeschikkingIngangsdatum hoort er precies dan te staan als er een BeschikkingNummer is.",
    (f"{AP}/BeschikkingNummer", f"{AP}/BeschikkingIngangsdatum"),
    "Een beschikking wordt aangeduid met nummer én ingangsdatum. Staat het een er wel en het ander "
    "niet, dan is de verwijzing naar de beschikking onvolledig.",
)
def cd043(ctx: RuleContext) -> Iterator[Hit]:
    for a in aanvragen(ctx):
        if filled(a.beschikkingnummer) != filled(a.beschikking_ingang):
            yield hit_at(a.beschikkingnummer, a.beschikking_ingang)


@rule315(
    "CS003",
    "ToewijzingEinddatum ligt vóór de ToewijzingIngangsdatum.",
    (f"{AP}/ToewijzingIngangsdatum", f"{AP}/ToewijzingEinddatum"),
    "De gevraagde periode kan niet eindigen voordat hij begint; een einddatum gelijk aan de "
    "ingangsdatum mag wel. De melding wijst de ToewijzingIngangsdatum aan, zoals de officiële XSLT.",
)
def cs003(ctx: RuleContext) -> Iterator[Hit]:
    for a in aanvragen(ctx):
        begin, einde = as_date(a.ingang), as_date(a.einde)
        if begin is not None and einde is not None and einde < begin:
            yield hit_at(a.ingang, a.einde)


@rule315(
    "CD066",
    "Een verwijzer van Type 02 t/m 05 met ZorgverlenerCode heeft geen Naam.",
    (f"{AP}/Verwijzer/Type", f"{AP}/Verwijzer/Naam", f"{AP}/Verwijzer/ZorgverlenerCode"),
    "Huisarts, jeugdarts, gecertificeerde instelling en medisch specialist (Type 02-05) worden "
    "aangeduid met hun AGB-code. Is de ZorgverlenerCode gegeven, dan blijft de Naam leeg. De "
    "melding wijst het Type aan.",
)
def cd066(ctx: RuleContext) -> Iterator[Hit]:
    for a in aanvragen(ctx):
        if value(a.type) in VERWIJZER_MET_ZORGVERLENERCODE and filled(a.zorgverlenercode) and filled(a.naam):
            yield hit_at(a.type, a.naam, a.zorgverlenercode)


@rule315(
    "CD067",
    "Een verwijzer van Type 02 t/m 05 zonder ZorgverlenerCode moet een Naam hebben.",
    (f"{AP}/Verwijzer/Type", f"{AP}/Verwijzer/Naam", f"{AP}/Verwijzer/ZorgverlenerCode"),
    "Is de AGB-code van een verwijzer van Type 02-05 niet bekend, dan moet de gemeente de verwijzer "
    "aan zijn naam kunnen herkennen: dan is Naam verplicht. De melding wijst het Type aan.",
)
def cd067(ctx: RuleContext) -> Iterator[Hit]:
    for a in aanvragen(ctx):
        if value(a.type) in VERWIJZER_MET_ZORGVERLENERCODE and not filled(a.zorgverlenercode) and not filled(a.naam):
            yield hit_at(a.type, a.naam, a.zorgverlenercode)


@rule315(
    "CD068",
    "Alleen een verwijzer van Type 02 t/m 05 mag een ZorgverlenerCode hebben.",
    (f"{AP}/Verwijzer/Type", f"{AP}/Verwijzer/ZorgverlenerCode"),
    "Een AGB-code (ZorgverlenerCode) hoort bij een zorgverlener als verwijzer. De gemeente, een "
    "zelfverwijzer of een justitiële verwijzer (Type 01, 06, 08) heeft er geen. De melding wijst het "
    "Type aan.",
)
def cd068(ctx: RuleContext) -> Iterator[Hit]:
    for a in aanvragen(ctx):
        if a.type is not None and value(a.type) not in VERWIJZER_MET_ZORGVERLENERCODE and filled(a.zorgverlenercode):
            yield hit_at(a.type, a.zorgverlenercode)


# --- Over de aanvragen heen --------------------------------------------------------------------------


@rule315(
    "TR134",
    "De geboortedatum mag niet na de Dagtekening van het bericht liggen.",
    ("/Bericht/Header/BerichtIdentificatie/Dagtekening", "/Bericht/Client/Geboortedatum/Datum"),
    "Een cliënt voor wie zorg gevraagd wordt, is op de Dagtekening van het verzoek al geboren. De "
    "gevraagde ingangsdatum mag wel in de toekomst liggen. De melding wijst de Dagtekening aan, "
    "zoals de officiële XSLT.",
)
def tr134(ctx: RuleContext) -> Iterator[Hit]:
    return not_after_dagtekening(
        ctx, ctx.root.findall(f"{ctx.m('Client')}/{ctx.m('Geboortedatum')}/{ctx.b('Datum')}")
    )


@rule315(
    "TR101",
    "Het bericht bevat twee AangevraagdProducten met dezelfde ReferentieAanbieder.",
    (f"{AP}/ReferentieAanbieder",),
    "Elk aangevraagd product wordt herkend aan de ReferentieAanbieder; twee regels met dezelfde "
    "referentie zijn een dubbele regel. Per groep volgt één melding, bij het eerste product. TR383 "
    "meldt hetzelfde per paar.",
)
def tr101(ctx: RuleContext) -> Iterator[Hit]:
    for group in duplicate_groups((raw(a.referentie), a.el) for a in aanvragen(ctx)):
        yield hit_at(*group)


@rule315(
    "TR383",
    "De ReferentieAanbieder komt al voor bij een eerder AangevraagdProduct in dit bericht.",
    (f"{AP}/ReferentieAanbieder",),
    "De aanbieder geeft elk aangevraagd product een eigen referentie, zodat de gemeente per product "
    "kan antwoorden. Voor elk product waarvan de referentie al eerder in het bericht staat, volgt "
    "een melding per eerdere vindplaats, bij die eerdere ReferentieAanbieder.",
)
def tr383(ctx: RuleContext) -> Iterator[Hit]:
    seen: dict[str | None, list[Element]] = {}
    for a in aanvragen(ctx):
        if a.referentie is None:
            continue
        key = raw(a.referentie)
        for earlier in seen.get(key, ()):
            yield hit_at(earlier)
        seen.setdefault(key, []).append(a.referentie)


@rule315(
    "TR386",
    "Hetzelfde product wordt twee keer aangevraagd voor overlappende periodes.",
    (AP, f"{AP}/Product", f"{AP}/ToewijzingIngangsdatum", f"{AP}/ToewijzingEinddatum"),
    "Binnen één verzoek mag een product alleen vaker voorkomen als de gevraagde periodes elkaar niet "
    "overlappen. Zonder productcode geldt dat per categorie, en een aanvraag zonder Product mag met "
    "geen enkele andere overlappen. In iWmo mogen hulpmiddelen en woonvoorzieningen (categorie 11 "
    "t/m 14) wel overlappen. Per overlappend paar volgt een melding bij het eerste product.",
)
def tr386(ctx: RuleContext) -> Iterator[Hit]:
    items = aanvragen(ctx)
    for earlier, _later in same_product_overlaps(items, OVERLAP_TOEGESTAAN[ctx.message.standaard]):
        yield hit_at(items[earlier].el)

"""Level-2 rules of 305 Start zorg and 307 Stop zorg (iJw and iWmo), as the official XSLT checks them.

Both standards have the same templates for these messages. The generic Bsn and Geboortedatum
checks (CS002, CS139, TR002) come from ``common``. TR101 on Client cannot fire: the XSDs allow one Client.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from lxml import etree

from berichten.validators.engine import REGISTRY, CheckFunction, Hit, RuleContext
from berichten.validators.rules._shared_305_315 import (
    as_date,
    as_int,
    cached,
    duplicate_groups,
    hit_at,
    kids,
    not_after_dagtekening,
    raw,
    value,
)

Element = etree._Element

START = "/Bericht/Client/StartProducten/StartProduct"
STOP = "/Bericht/Client/StopProducten/StopProduct"
GEBOORTEDATUM = "/Bericht/Client/Geboortedatum/Datum"
DAGTEKENING = "/Bericht/Header/BerichtIdentificatie/Dagtekening"



def _rule(
    code: str, berichten: tuple[str, ...], melding: str, elementen: tuple[str, ...], uitleg: str, **kw: Any
) -> Callable[[CheckFunction], CheckFunction]:
    return REGISTRY.rule(code, berichten=berichten, melding=melding, elementen=elementen, uitleg=uitleg, **kw)


def regels(ctx: RuleContext) -> list[tuple[Element, dict[str, Element], dict[str, Element]]]:
    """(StartProduct or StopProduct, its children by tag, its Product's children by tag), once per message."""

    def make() -> list[tuple[Element, dict[str, Element], dict[str, Element]]]:
        m = ctx.m
        klasse = "StartProduct" if ctx.message.nummer == "305" else "StopProduct"
        path = f"{m('Client')}/{m(klasse + 'en')}/{m(klasse)}"
        out = []
        for el in ctx.root.iterfind(path):
            children = kids(el)
            out.append((el, children, kids(children.get(m("Product")))))
        return out

    return cached(ctx, "305_307.regels", make)


@_rule(
    "CS058",
    ("305", "307"),
    "StatusAanlevering moet 1 (eerste aanlevering) of 3 (verwijderen) zijn.",
    (f"{START}/StatusAanlevering", f"{STOP}/StatusAanlevering"),
    "Een start- of stopbericht meldt een levering voor het eerst (1) of trekt een eerdere melding "
    "in (3). Een wijziging (2) bestaat hier niet: corrigeren gaat door de oude regel te verwijderen "
    "en een nieuwe te sturen. Waarde 9 (niet van toepassing) hoort niet in deze berichten.",
)
def cs058(ctx: RuleContext) -> Iterator[Hit]:
    tag = ctx.m("StatusAanlevering")
    for _, children, _ in regels(ctx):
        status = children.get(tag)
        if status is not None and value(status) not in ("1", "3"):
            yield hit_at(status)


def _start_key(ctx: RuleContext, children: dict[str, Element], product: dict[str, Element]) -> tuple:
    m, b = ctx.m, ctx.b
    return (
        as_int(children.get(m("ToewijzingNummer"))),
        raw(product.get(b("Categorie"))),
        raw(product.get(b("Code"))),
        as_date(children.get(m("Begindatum"))),
    )


def _stop_key(ctx: RuleContext, children: dict[str, Element], product: dict[str, Element]) -> tuple:
    m = ctx.m
    return _start_key(ctx, children, product) + (
        as_date(children.get(m("Einddatum"))),
        raw(children.get(m("RedenBeeindiging"))),
    )


@_rule(
    "TR101",
    ("305",),
    "Het bericht bevat twee StartProducten met dezelfde sleutel (ToewijzingNummer, Product, Begindatum).",
    (f"{START}/ToewijzingNummer", f"{START}/Product", f"{START}/Begindatum"),
    "Een start wordt herkend aan ToewijzingNummer, Product (Categorie en Code) en Begindatum. Twee "
    "StartProducten waarin die allemaal gelijk zijn, zijn dezelfde melding; dat mag niet binnen één "
    "bericht, ook niet met een andere StatusAanlevering. Ontbrekende delen tellen als gelijk. "
    "Nummers vergelijken we als getal en data als datum. Per groep volgt één melding, bij de eerste.",
)
def tr101_305(ctx: RuleContext) -> Iterator[Hit]:
    keyed = ((_start_key(ctx, c, p), el) for el, c, p in regels(ctx))
    for group in duplicate_groups(keyed):
        yield hit_at(*group)


@_rule(
    "TR101",
    ("307",),
    "Het bericht bevat twee gelijke StopProducten (zelfde sleutel, Einddatum en RedenBeeindiging).",
    (f"{STOP}/ToewijzingNummer", f"{STOP}/Product", f"{STOP}/Begindatum", f"{STOP}/Einddatum",
     f"{STOP}/RedenBeeindiging"),
    "Twee StopProducten met hetzelfde ToewijzingNummer, Product, dezelfde Begindatum, Einddatum en "
    "RedenBeeindiging melden hetzelfde einde twee keer; dat mag niet binnen één bericht. "
    "Ontbrekende delen tellen als gelijk, nummers vergelijken we als getal en data als datum. Per "
    "groep volgt één melding, bij de eerste.",
)
def tr101_307(ctx: RuleContext) -> Iterator[Hit]:
    keyed = ((_stop_key(ctx, c, p), el) for el, c, p in regels(ctx))
    for group in duplicate_groups(keyed):
        yield hit_at(*group)


@_rule(
    "TR134",
    ("305",),
    "Geboortedatum en Begindatum mogen niet na de Dagtekening van het bericht liggen.",
    (DAGTEKENING, GEBOORTEDATUM, f"{START}/Begindatum"),
    "Een startbericht meldt zorg die al begonnen is: de Begindatum van elk StartProduct ligt op of "
    "vóór de Dagtekening, net als de geboortedatum van de cliënt. De melding wijst de Dagtekening "
    "aan, zoals de officiële XSLT.",
)
def tr134_305(ctx: RuleContext) -> Iterator[Hit]:
    dates = ctx.root.findall(f"{ctx.m('Client')}/{ctx.m('Geboortedatum')}/{ctx.b('Datum')}")
    dates += [c.get(ctx.m("Begindatum")) for _, c, _ in regels(ctx)]
    return not_after_dagtekening(ctx, dates)


@_rule(
    "TR134",
    ("307",),
    "Geboortedatum en Einddatum mogen niet na de Dagtekening van het bericht liggen.",
    (DAGTEKENING, GEBOORTEDATUM, f"{STOP}/Einddatum"),
    "Een stopbericht meldt een einde dat al heeft plaatsgevonden: de Einddatum van elk StopProduct "
    "ligt op of vóór de Dagtekening, net als de geboortedatum van de cliënt. De melding wijst de "
    "Dagtekening aan, zoals de officiële XSLT.",
)
def tr134_307(ctx: RuleContext) -> Iterator[Hit]:
    dates = ctx.root.findall(f"{ctx.m('Client')}/{ctx.m('Geboortedatum')}/{ctx.b('Datum')}")
    dates += [c.get(ctx.m("Einddatum")) for _, c, _ in regels(ctx)]
    return not_after_dagtekening(ctx, dates)


@_rule(
    "TR018",
    ("307",),
    "De Einddatum van een StopProduct ligt vóór de Begindatum.",
    (f"{STOP}/Begindatum", f"{STOP}/Einddatum"),
    "Een levering kan niet stoppen voordat ze begonnen is: de Einddatum van een StopProduct is "
    "gelijk aan of later dan de Begindatum. De melding wijst de Begindatum aan, zoals de officiële "
    "XSLT.",
)
def tr018(ctx: RuleContext) -> Iterator[Hit]:
    m = ctx.m
    for _, children, _ in regels(ctx):
        begin, einde = children.get(m("Begindatum")), children.get(m("Einddatum"))
        b, e = as_date(begin), as_date(einde)
        if b is not None and e is not None and e < b:
            yield hit_at(begin, einde)

"""Level-2 rules of the 319 Antwoordbericht, as the official XSLT checks them.

Both standards: a rejection (VerzoekAntwoord 1) gives its reason (CD085), a request still under
investigation (VerzoekAntwoord 2) gives none (CD086).

Only the iJw 319 has a Woonplaatsbeginsel: the gemeente that is responsible under the
woonplaatsbeginsel, named when a request is rejected for that reason (RedenAfwijzingVerzoek 8)
and only then (TR377, TR409). The iWmo 319 has neither the element nor these rules.

TR101 (duplicates) has XSLT templates for Antwoord and Woonplaatsbeginsel, but both occur at most
once in a 319, so it cannot fire and is not registered (tests/test_rule_coverage.py derives this).
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from berichten.validators.engine import REGISTRY, Hit, RuleContext
from berichten.validators.rules._shared_305_315 import filled, hit_at, kids, value

Element = etree._Element

ANTWOORD = "/Bericht/Antwoord"
WOONPLAATSBEGINSEL = "8"  # RedenAfwijzingVerzoek: another gemeente is responsible
AFGEWEZEN, IN_ONDERZOEK = "1", "2"  # VerzoekAntwoord (WJ760)


def _antwoord(ctx: RuleContext) -> tuple[Element | None, Element | None]:
    """(RedenAfwijzingVerzoek, Woonplaatsbeginsel) of the Antwoord."""
    antwoord = next(ctx.root.iterchildren(ctx.m("Antwoord")), None)
    children = kids(antwoord)
    return children.get(ctx.m("RedenAfwijzingVerzoek")), children.get(ctx.m("Woonplaatsbeginsel"))


def _verzoek_antwoord(ctx: RuleContext) -> tuple[Element | None, Element | None]:
    """(VerzoekAntwoord, RedenAfwijzingVerzoek) of the Antwoord."""
    children = kids(next(ctx.root.iterchildren(ctx.m("Antwoord")), None))
    return children.get(ctx.m("VerzoekAntwoord")), children.get(ctx.m("RedenAfwijzingVerzoek"))


@REGISTRY.rule(
    "CD085",
    berichten=("319",),
    melding="Bij VerzoekAntwoord 1 (verzoek afgewezen) moet RedenAfwijzingVerzoek gevuld zijn.",
    elementen=(f"{ANTWOORD}/VerzoekAntwoord", f"{ANTWOORD}/RedenAfwijzingVerzoek"),
    uitleg="Wie een verzoek om toewijzing of wijziging afwijst, zegt waarom: met VerzoekAntwoord 1 hoort "
    "een RedenAfwijzingVerzoek, zodat de aanbieder weet wat hij kan doen. De melding wijst het "
    "VerzoekAntwoord aan.",
)
def cd085(ctx: RuleContext) -> Iterator[Hit]:
    antwoord, reden = _verzoek_antwoord(ctx)
    if antwoord is not None and value(antwoord) == AFGEWEZEN and not filled(reden):
        yield hit_at(antwoord, reden)


@REGISTRY.rule(
    "CD086",
    berichten=("319",),
    melding="Bij VerzoekAntwoord 2 (aanvraag in onderzoek) mag RedenAfwijzingVerzoek niet gevuld zijn.",
    elementen=(f"{ANTWOORD}/VerzoekAntwoord", f"{ANTWOORD}/RedenAfwijzingVerzoek"),
    uitleg="Een verzoek dat nog in onderzoek is, is (nog) niet afgewezen, dus er is geen reden van "
    "afwijzing te noemen. Het definitieve antwoord volgt later, met een toewijzing of een afwijzing. "
    "De melding wijst het VerzoekAntwoord aan.",
)
def cd086(ctx: RuleContext) -> Iterator[Hit]:
    antwoord, reden = _verzoek_antwoord(ctx)
    if antwoord is not None and value(antwoord) == IN_ONDERZOEK and filled(reden):
        yield hit_at(antwoord, reden)


@REGISTRY.rule(
    "TR377",
    berichten=("319",),
    standaarden=("ijw",),
    melding="Bij RedenAfwijzingVerzoek 8 (woonplaatsbeginsel) moet Woonplaatsbeginsel gevuld zijn.",
    elementen=(f"{ANTWOORD}/RedenAfwijzingVerzoek", f"{ANTWOORD}/Woonplaatsbeginsel"),
    uitleg="Wijst de gemeente een verzoek af omdat een andere gemeente verantwoordelijk is volgens het "
    "woonplaatsbeginsel, dan noemt zij die gemeente in Woonplaatsbeginsel/Gemeente, zodat de aanbieder "
    "weet waar hij wel terecht kan.",
)
def tr377(ctx: RuleContext) -> Iterator[Hit]:
    reden, woonplaats = _antwoord(ctx)
    if reden is not None and value(reden) == WOONPLAATSBEGINSEL and woonplaats is None:
        yield hit_at(reden)


@REGISTRY.rule(
    "TR409",
    berichten=("319",),
    standaarden=("ijw",),
    melding="Woonplaatsbeginsel mag alleen gevuld zijn bij RedenAfwijzingVerzoek 8 (woonplaatsbeginsel).",
    elementen=(f"{ANTWOORD}/RedenAfwijzingVerzoek", f"{ANTWOORD}/Woonplaatsbeginsel"),
    uitleg="De tegenhanger van TR377: een andere reden van afwijzing noemt geen verantwoordelijke "
    "gemeente. De melding wijst de reden en het Woonplaatsbeginsel aan.",
)
def tr409(ctx: RuleContext) -> Iterator[Hit]:
    reden, woonplaats = _antwoord(ctx)
    if reden is not None and value(reden) != WOONPLAATSBEGINSEL and woonplaats is not None:
        yield hit_at(reden, woonplaats)

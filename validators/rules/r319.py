"""Level-2 rules of the 319 Antwoordbericht, as the official XSLT checks them (iJw only).

Only the iJw 319 has a Woonplaatsbeginsel: the gemeente that is responsible under the
woonplaatsbeginsel, named when a request is rejected for that reason (RedenAfwijzingVerzoek 8)
and only then. The iWmo 319 has neither the element nor these rules.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from validators.engine import REGISTRY, Hit, RuleContext
from validators.rules._shared_305_315 import hit_at, kids, value

Element = etree._Element

ANTWOORD = "/Bericht/Antwoord"
WOONPLAATSBEGINSEL = "8"  # RedenAfwijzingVerzoek: another gemeente is responsible


def _antwoord(ctx: RuleContext) -> tuple[Element | None, Element | None]:
    """(RedenAfwijzingVerzoek, Woonplaatsbeginsel) of the Antwoord."""
    antwoord = next(ctx.root.iterchildren(ctx.m("Antwoord")), None)
    children = kids(antwoord)
    return children.get(ctx.m("RedenAfwijzingVerzoek")), children.get(ctx.m("Woonplaatsbeginsel"))


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

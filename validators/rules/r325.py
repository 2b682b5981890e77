"""Level-2 rules of the 325 Declaratie-antwoord (iJw and iWmo), as the official XSLT checks them.

The answer lists only the rejected Prestaties; TR342 ties the two totals to them. CD060, TR101,
TR134, TR137 and CS325 are the checks of the 323 (validators/rules/r323.py) on this message.
"""

from __future__ import annotations

from collections.abc import Iterator

from berichten.validators.engine import REGISTRY, Hit, RuleContext
from berichten.validators.rules._shared_305_315 import hit_at, value
from berichten.validators.rules.r323 import body, netto, prestaties, register_shared, signed

B325 = ("325",)
ANTWOORD = "/Bericht/DeclaratieAntwoord"
PRESTATIE = f"{ANTWOORD}/Clienten/Client/Prestaties/Prestatie"
# Retourcodes on the DeclaratieAntwoord that do not reject the whole declaration.
NIET_AFGEWEZEN = frozenset({"0200", "8001"})

register_shared(B325, ANTWOORD, f"{PRESTATIE}/ProductPeriode/Begindatum")


@REGISTRY.rule(
    "TR342",
    berichten=B325,
    melding="De totalen passen niet bij de afgewezen Prestaties in het declaratie-antwoord.",
    elementen=(f"{ANTWOORD}/TotaalIngediendBedrag", f"{ANTWOORD}/TotaalToegekendBedrag",
               f"{ANTWOORD}/RetourCodes/RetourCode", f"{PRESTATIE}/IngediendBedrag"),
    uitleg="Het antwoord noemt alleen de prestaties die de gemeente afwijst. Het verschil tussen "
    "TotaalIngediendBedrag en TotaalToegekendBedrag (credit telt negatief) is daarom precies de "
    "som van de IngediendBedragen van die prestaties (debet min credit); anders wijst de melding "
    "het TotaalIngediendBedrag aan. Wijst de gemeente de hele declaratie af (een andere RetourCode "
    "dan 0200 of 8001 bij DeclaratieAntwoord), dan is het toegekende totaal 0; anders wijst de "
    "melding het TotaalToegekendBedrag aan. Bedragen vergelijken we als hele centen.",
    voorbeeld_fout="regels/jw325-TR342-fout.xml",
    voorbeeld_goed="regels/jw325-TR342-goed.xml",
)
def tr342(ctx: RuleContext) -> Iterator[Hit]:
    top = body(ctx)
    if top is None:
        return
    ingediend_el = top.find(ctx.m("TotaalIngediendBedrag"))
    toegekend_el = top.find(ctx.m("TotaalToegekendBedrag"))
    ingediend, toegekend = signed(ingediend_el, ctx), signed(toegekend_el, ctx)
    codes = {value(c) for c in top.iterfind(f"{ctx.m('RetourCodes')}/{ctx.m('RetourCode')}")}
    if codes <= NIET_AFGEWEZEN:
        som = netto(prestaties(ctx))
        if ingediend is not None and toegekend is not None and som is not None and som != ingediend - toegekend:
            yield hit_at(ingediend_el, toegekend_el)
    elif toegekend is not None and toegekend != 0:
        yield hit_at(toegekend_el)

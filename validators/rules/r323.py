"""Level-2 rules of the 323 Declaratie (iJw and iWmo), as the official XSLT checks them.

Both standards have the same templates for this message. Amounts are eurocent integers and dates
are compared as dates (docs/afwijkingen.md, part "323/325"). The Prestatie reading, CD060, TR101,
TR134/TR137 and CS325 are shared with the 325 (validators/rules/r325.py), which registers its own
copies with its own texts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from lxml import etree

from berichten.validators.engine import REGISTRY, CheckFunction, Hit, RuleContext
from berichten.validators.rules._shared_305_315 import as_date, as_int, cached, duplicate_groups, filled, hit_at, kids, raw, value
from berichten.validators.rules.common import tr134_hits

Element = etree._Element

B323 = ("323",)
DECLARATIE = "/Bericht/Declaratie"
PRESTATIE = f"{DECLARATIE}/Clienten/Client/Prestaties/Prestatie"
DAGTEKENING = "/Bericht/Header/BerichtIdentificatie/Dagtekening"
EUROS = "83"  # Eenheid: the volume is an amount in euros
EERSTE_DAG = date(2021, 1, 1)  # CS100: declarations under this standard start in 2021


@dataclass(frozen=True, slots=True)
class Prestatie:
    """The parts of one Prestatie (323 or 325) the rules look at, found once per message."""

    el: Element
    client: Element
    referentie: Element | None
    referentienummer: Element | None
    vorig: Element | None
    toewijzingnummer: Element | None
    categorie: Element | None
    code: Element | None
    periode: Element | None
    begin: Element | None
    einde: Element | None
    volume: Element | None
    eenheid: Element | None
    tarief: Element | None
    bedrag: Element | None
    debetcredit: Element | None


def body(ctx: RuleContext) -> Element | None:
    """Declaratie (323) or DeclaratieAntwoord (325)."""
    name = "Declaratie" if ctx.message.nummer == "323" else "DeclaratieAntwoord"
    return next(ctx.root.iterchildren(ctx.m(name)), None)


def clienten(ctx: RuleContext) -> list[Element]:
    def make() -> list[Element]:
        top = body(ctx)
        return [] if top is None else top.findall(f"{ctx.m('Clienten')}/{ctx.m('Client')}")

    return cached(ctx, "323.clienten", make)


def prestaties(ctx: RuleContext) -> list[Prestatie]:
    """Every Prestatie of the message in document order."""

    def make() -> list[Prestatie]:
        m, b = ctx.m, ctx.b
        out = []
        for client in clienten(ctx):
            for el in client.iterfind(f"{m('Prestaties')}/{m('Prestatie')}"):
                k = kids(el)
                ref, periode, bedrag = k.get(m("ProductReferentie")), k.get(m("ProductPeriode")), k.get(m("IngediendBedrag"))
                rk, pk, bk = kids(ref), kids(periode), kids(bedrag)
                out.append(Prestatie(
                    el=el, client=client, referentie=ref,
                    referentienummer=rk.get(b("ReferentieNummer")), vorig=rk.get(b("VorigReferentieNummer")),
                    toewijzingnummer=k.get(m("ToewijzingNummer")), categorie=k.get(m("ProductCategorie")),
                    code=k.get(m("ProductCode")), periode=periode,
                    begin=pk.get(b("Begindatum")), einde=pk.get(b("Einddatum")),
                    volume=k.get(m("GeleverdVolume")), eenheid=k.get(m("Eenheid")),
                    tarief=k.get(m("ProductTarief")),
                    bedrag=bk.get(b("Bedrag")), debetcredit=bk.get(b("DebetCredit")),
                ))
        return out

    return cached(ctx, "323.prestaties", make)


def periode(ctx: RuleContext) -> tuple[Element | None, Element | None, Element | None]:
    """(DeclaratiePeriode, its Begindatum, its Einddatum) of a 323."""
    top = body(ctx)
    el = None if top is None else top.find(ctx.m("DeclaratiePeriode"))
    k = kids(el)
    return el, k.get(ctx.b("Begindatum")), k.get(ctx.b("Einddatum"))


def is_credit(el: Element | None) -> bool:
    return value(el) == "C"


def is_debet(el: Element | None) -> bool:
    return value(el) == "D"


def netto(items: list[Prestatie]) -> int | None:
    """Sum of the IngediendBedrag of these Prestaties, debet minus credit, in eurocent."""
    total = 0
    for p in items:
        bedrag = as_int(p.bedrag)
        if bedrag is None:
            return None
        if is_debet(p.debetcredit):
            total += bedrag
        elif is_credit(p.debetcredit):
            total -= bedrag
    return total


def signed(totaal: Element | None, ctx: RuleContext) -> int | None:
    """A CDT_TotaalBedragMetDC as a signed number of eurocent (credit negative)."""
    k = kids(totaal)
    bedrag = as_int(k.get(ctx.b("TotaalBedrag")))
    if bedrag is None:
        return None
    return -bedrag if is_credit(k.get(ctx.b("DebetCredit"))) else bedrag


def _rule(
    code: str, berichten: tuple[str, ...], melding: str, elementen: tuple[str, ...], uitleg: str, **kw: Any
) -> Callable[[CheckFunction], CheckFunction]:
    return REGISTRY.rule(code, berichten=berichten, melding=melding, elementen=elementen, uitleg=uitleg, **kw)


# --- shared with the 325 --------------------------------------------------------------------------------


def check_cd060(ctx: RuleContext) -> Iterator[Hit]:
    """A credit line names the line it corrects (VorigReferentieNummer), a debit line does not."""
    for p in prestaties(ctx):
        if is_credit(p.debetcredit) != filled(p.vorig):
            yield hit_at(p.debetcredit, p.vorig)


def check_tr101(ctx: RuleContext) -> Iterator[Hit]:
    """No two Clients with one Bsn, no two Prestaties of one Client with the same references."""
    for group in duplicate_groups((raw(c.find(ctx.m("Bsn"))), c) for c in clienten(ctx)):
        yield hit_at(*group)
    per_client: dict[Element, list[Prestatie]] = {}
    for p in prestaties(ctx):
        per_client.setdefault(p.client, []).append(p)
    # The XSLT compares Prestaties among siblings only: the same references under two Clients are no duplicate.
    for items in per_client.values():
        for group in duplicate_groups(((raw(p.referentienummer), raw(p.vorig)), p.el) for p in items):
            yield hit_at(*group)


def check_tr134(ctx: RuleContext) -> Iterator[Hit]:
    """Begindatum of the DeclaratiePeriode (323) and of every ProductPeriode lies on or before the Dagtekening."""
    dates = []
    if ctx.message.nummer == "323":
        dates.append(periode(ctx)[1])
    dates += [p.begin for p in prestaties(ctx)]
    return tr134_hits(ctx, [d for d in dates if d is not None])


def check_tr137(ctx: RuleContext) -> Iterator[Hit]:
    """Each period ends on or after its start and on or before the Dagtekening."""
    periods = []
    if ctx.message.nummer == "323":
        periods.append(periode(ctx)[1:])
    periods += [(p.begin, p.einde) for p in prestaties(ctx)]
    dag_el, dagtekening = ctx.dagtekening_element, ctx.dagtekening
    for begin_el, einde_el in periods:
        begin, einde = as_date(begin_el), as_date(einde_el)
        if begin is not None and einde is not None and begin > einde:
            yield hit_at(begin_el, einde_el)
        if dagtekening is not None and einde is not None and einde > dagtekening:
            yield hit_at(dag_el, einde_el)


def bedragen(ctx: RuleContext) -> list[tuple[Element | None, Element | None]]:
    """(amount, DebetCredit) of every amount with a debit/credit indication in the message."""
    top = body(ctx)
    out: list[tuple[Element | None, Element | None]] = []
    if top is None:
        return out
    for name in ("TotaalIngediendBedrag", "TotaalToegekendBedrag"):
        el = top.find(ctx.m(name))
        if el is not None:
            k = kids(el)
            out.append((k.get(ctx.b("TotaalBedrag")), k.get(ctx.b("DebetCredit"))))
    out += [(p.bedrag, p.debetcredit) for p in prestaties(ctx)]
    return out


def check_cs325(ctx: RuleContext) -> Iterator[Hit]:
    """An amount of 0 is always debet."""
    for bedrag, dc in bedragen(ctx):
        if as_int(bedrag) == 0 and value(dc).upper() == "C":
            yield hit_at(bedrag, dc)


CD060_UITLEG = (
    "Een creditregel trekt een eerder ingediende prestatie in en noemt die daarom in "
    "ProductReferentie/VorigReferentieNummer. Een debetregel is nieuw en heeft geen vorig nummer. "
    "De melding wijst het VorigReferentieNummer aan als dat er staat, anders de DebetCredit."
)
TR101_UITLEG = (
    "Een cliënt staat één keer in het bericht (één Client per Bsn), en binnen een cliënt is elke "
    "prestatie herkenbaar aan ReferentieNummer en VorigReferentieNummer samen. Twee regels met "
    "dezelfde sleutel zijn een dubbele regel. Per groep volgt één melding, bij de eerste."
)
CS325_UITLEG = (
    "Een bedrag van nul is geen tegoed: bij een (totaal)bedrag 0 hoort DebetCredit D. De melding "
    "wijst het bedrag aan."
)


def register_shared(berichten: tuple[str, ...], pad: str, periodes: str) -> None:
    """CD060, TR101, TR134, TR137 and CS325 for 323 or 325, with paths of that message."""
    prestatie = f"{pad}/Clienten/Client/Prestaties/Prestatie"
    _rule("CD060", berichten,
          "VorigReferentieNummer is verplicht bij een creditregel en niet toegestaan bij een debetregel.",
          (f"{prestatie}/IngediendBedrag/DebetCredit", f"{prestatie}/ProductReferentie/VorigReferentieNummer"),
          CD060_UITLEG, voorbeeld_fout="regels/jw323-CD060-fout.xml", voorbeeld_goed="regels/jw323-CD060-goed.xml")(check_cd060)
    _rule("TR101", berichten, "Het bericht bevat een dubbele Client (Bsn) of dubbele Prestatie (referenties).",
          (f"{pad}/Clienten/Client/Bsn", f"{prestatie}/ProductReferentie"), TR101_UITLEG)(check_tr101)
    _rule("TR134", berichten, "Een Begindatum van een periode ligt na de Dagtekening van het bericht.",
          (DAGTEKENING, periodes), "Gedeclareerd wordt wat al geleverd is: elke periode in het bericht "
          "begint op of vóór de Dagtekening. De melding wijst de Dagtekening aan, zoals de officiële XSLT.")(check_tr134)
    _rule("TR137", berichten, "Een periode eindigt vóór haar Begindatum of na de Dagtekening van het bericht.",
          (DAGTEKENING, periodes), "Een periode loopt van Begindatum tot en met Einddatum: de Einddatum ligt "
          "niet vóór de Begindatum en niet na de Dagtekening. Eindigt hij te vroeg, dan wijst de melding de "
          "Begindatum aan; ligt hij na de Dagtekening, dan de Dagtekening.")(check_tr137)
    _rule("CS325", berichten, "Een bedrag 0 moet DebetCredit D (debet) hebben.",
          (f"{prestatie}/IngediendBedrag/Bedrag", f"{prestatie}/IngediendBedrag/DebetCredit"),
          CS325_UITLEG)(check_cs325)


register_shared(B323, DECLARATIE, f"{PRESTATIE}/ProductPeriode/Begindatum")


# --- 323 only ---------------------------------------------------------------------------------------------


@_rule(
    "CD087", B323,
    "ProductTarief is verplicht als de Eenheid geen 83 (euro's) is, en leeg bij Eenheid 83.",
    (f"{PRESTATIE}/Eenheid", f"{PRESTATIE}/ProductTarief"),
    "Bij een prestatie in uren, dagdelen of stuks rekent de gemeente het bedrag na met het tarief "
    "per eenheid; dat tarief staat dan in ProductTarief. Wordt in euro's geleverd (Eenheid 83), "
    "dan is het volume al het bedrag en blijft ProductTarief weg. De melding wijst de Eenheid aan.",
)
def cd087(ctx: RuleContext) -> Iterator[Hit]:
    for p in prestaties(ctx):
        if p.eenheid is not None and (value(p.eenheid) != EUROS) != filled(p.tarief):
            yield hit_at(p.eenheid)


@_rule(
    "CS100", B323,
    "Een Begindatum van DeclaratiePeriode of ProductPeriode ligt vóór 1 januari 2021.",
    (f"{DECLARATIE}/DeclaratiePeriode/Begindatum", f"{PRESTATIE}/ProductPeriode/Begindatum"),
    "Dit declaratiebericht is bedoeld voor perioden vanaf 2021; oudere perioden horen niet in dit "
    "formaat. Elke Begindatum in het bericht is dus 2021-01-01 of later.",
)
def cs100(ctx: RuleContext) -> Iterator[Hit]:
    for el in [periode(ctx)[1]] + [p.begin for p in prestaties(ctx)]:
        d = as_date(el)
        if d is not None and d < EERSTE_DAG:
            yield hit_at(el)


@_rule(
    "CS337", B323,
    "Begindatum en Einddatum van de ProductPeriode liggen niet in dezelfde kalendermaand.",
    (f"{PRESTATIE}/ProductPeriode/Begindatum", f"{PRESTATIE}/ProductPeriode/Einddatum"),
    "Een prestatie wordt per kalendermaand gedeclareerd: begin en einde van de ProductPeriode vallen "
    "in hetzelfde jaar en dezelfde maand. Zoals de officiële XSLT toetsen we jaar en maand apart: "
    "verschillen beide, dan volgen twee meldingen. De melding wijst de Begindatum aan.",
    voorbeeld_fout="regels/jw323-CS337-fout.xml", voorbeeld_goed="regels/jw323-CS337-goed.xml",
)
def cs337(ctx: RuleContext) -> Iterator[Hit]:
    for p in prestaties(ctx):
        begin, einde = as_date(p.begin), as_date(p.einde)
        if begin is None or einde is None:
            continue
        if begin.year != einde.year:
            yield hit_at(p.begin, p.einde)
        if begin.month != einde.month:
            yield hit_at(p.begin, p.einde)


@_rule(
    "CS339", B323,
    "Bij Eenheid 83 (euro's) moet het IngediendBedrag gelijk zijn aan het GeleverdVolume.",
    (f"{PRESTATIE}/Eenheid", f"{PRESTATIE}/GeleverdVolume", f"{PRESTATIE}/IngediendBedrag/Bedrag"),
    "Wie in euro's levert, geeft het geleverde volume al als bedrag (in centen). Het ingediende "
    "bedrag is dan precies dat volume. De melding wijst het GeleverdVolume aan.",
)
def cs339(ctx: RuleContext) -> Iterator[Hit]:
    for p in prestaties(ctx):
        # The XSLT selects on the unnormalised text; the enumeration admits no whitespace anyway.
        if p.eenheid is not None and p.eenheid.text == EUROS:
            volume, bedrag = as_int(p.volume), as_int(p.bedrag)
            if volume is not None and bedrag is not None and volume != bedrag:
                yield hit_at(p.volume, p.bedrag)


def _maand_later(d: date) -> date:
    """d plus one month; a day past the end of the next month runs on into the month after (as the XSLT)."""
    year, month = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
    return date(year, month, 1) + timedelta(days=d.day - 1)


@_rule(
    "CS340", B323,
    "De DeclaratiePeriode is niet precies één hele kalendermaand.",
    (f"{DECLARATIE}/DeclaratiePeriode/Begindatum", f"{DECLARATIE}/DeclaratiePeriode/Einddatum"),
    "Een declaratie gaat over één kalendermaand: de DeclaratiePeriode begint op de eerste en eindigt "
    "op de laatste dag van dezelfde maand. Twee toetsen, elk met een eigen melding bij de Begindatum: "
    "begint de periode niet op de 1e, en is de Einddatum niet de dag vóór 'Begindatum plus een maand'.",
    voorbeeld_fout="regels/jw323-CS340-fout.xml", voorbeeld_goed="regels/jw323-CS340-goed.xml",
)
def cs340(ctx: RuleContext) -> Iterator[Hit]:
    _, begin_el, einde_el = periode(ctx)
    begin, einde = as_date(begin_el), as_date(einde_el)
    if begin is None or einde is None:
        return
    if begin.day != 1:
        yield hit_at(begin_el)
    try:
        if einde + timedelta(days=1) != _maand_later(begin):
            yield hit_at(begin_el, einde_el)
    except OverflowError:  # 9999-12: no next month to compare with
        yield hit_at(begin_el, einde_el)


@_rule(
    "TR315", B323,
    "Hetzelfde VorigReferentieNummer komt al bij een eerdere Prestatie in het bericht voor.",
    (f"{PRESTATIE}/ProductReferentie/VorigReferentieNummer",),
    "Een eerder ingediende prestatie kan maar één keer gecrediteerd worden. Twee creditregels die "
    "naar hetzelfde vorige nummer verwijzen, mogen dus niet in één bericht. Per latere regel volgt "
    "een melding bij elke eerdere regel met dat nummer.",
)
def tr315(ctx: RuleContext) -> Iterator[Hit]:
    seen: dict[str, list[Element]] = {}
    for p in prestaties(ctx):
        if p.vorig is None:
            continue
        key = raw(p.vorig) or ""
        yield from (hit_at(earlier) for earlier in seen.get(key, ()))
        seen.setdefault(key, []).append(p.vorig)


@_rule(
    "TR316", B323,
    "Een debetregel wordt in hetzelfde bericht gecrediteerd.",
    (f"{PRESTATIE}/ProductReferentie/ReferentieNummer", f"{PRESTATIE}/ProductReferentie/VorigReferentieNummer"),
    "Een prestatie die in dit bericht wordt ingediend, kan niet in hetzelfde bericht worden "
    "ingetrokken: geen regel verwijst met VorigReferentieNummer naar het ReferentieNummer van een "
    "andere regel in het bericht, en een regel verwijst niet naar zichzelf. De melding wijst de "
    "eerdere van de twee regels aan.",
)
def tr316(ctx: RuleContext) -> Iterator[Hit]:
    refs: dict[str, list[Element]] = {}
    vorige: dict[str, list[Element]] = {}
    for p in prestaties(ctx):
        ref = raw(p.referentienummer)
        vorig = raw(p.vorig)
        if vorig is not None:
            yield from (hit_at(e) for e in refs.get(vorig, ()))
        if ref is not None:
            yield from (hit_at(e) for e in vorige.get(ref, ()))
            if vorig is not None and ref == vorig:
                yield hit_at(p.referentienummer, p.vorig)
            refs.setdefault(ref, []).append(p.referentienummer)
        if vorig is not None:
            vorige.setdefault(vorig, []).append(p.vorig)


@_rule(
    "TR319", B323,
    "Een ProductPeriode ligt (deels) na het einde van de DeclaratiePeriode.",
    (f"{DECLARATIE}/DeclaratiePeriode/Einddatum", f"{PRESTATIE}/ProductPeriode/Begindatum",
     f"{PRESTATIE}/ProductPeriode/Einddatum"),
    "Een declaratie bevat prestaties uit de gedeclareerde maand of uit eerdere maanden, niet uit "
    "latere. Begin en einde van elke ProductPeriode liggen dus op of vóór de Einddatum van de "
    "DeclaratiePeriode; elk van de twee geeft een eigen melding, bij die Einddatum.",
)
def tr319(ctx: RuleContext) -> Iterator[Hit]:
    einde_el = periode(ctx)[2]
    einde = as_date(einde_el)
    if einde is None:
        return
    for p in prestaties(ctx):
        for el in (p.begin, p.einde):
            d = as_date(el)
            if d is not None and d > einde:
                yield hit_at(einde_el, el)


def _vijf_jaar_eerder(d: date) -> date:
    try:
        return d.replace(year=d.year - 5)
    except ValueError:  # 29 February: the XSLT cuts to the 28th
        return d.replace(year=d.year - 5, day=28)


@_rule(
    "TR335", B323,
    "De Einddatum van een ProductPeriode ligt meer dan 5 jaar vóór de DeclaratieDagtekening.",
    (f"{DECLARATIE}/DeclaratieDagtekening", f"{PRESTATIE}/ProductPeriode/Einddatum"),
    "Prestaties die langer dan vijf jaar geleden zijn afgelopen, kunnen niet meer gedeclareerd "
    "worden. De grens is de DeclaratieDagtekening min vijf jaar. De melding wijst de "
    "DeclaratieDagtekening aan, zoals de officiële XSLT.",
)
def tr335(ctx: RuleContext) -> Iterator[Hit]:
    top = body(ctx)
    dag_el = None if top is None else top.find(ctx.m("DeclaratieDagtekening"))
    dag = as_date(dag_el)
    if dag is None:
        return
    grens = _vijf_jaar_eerder(dag) if dag.year > 5 else date.min
    for p in prestaties(ctx):
        d = as_date(p.einde)
        if d is not None and d < grens:
            yield hit_at(dag_el, p.einde)


@_rule(
    "TR358", B323,
    "TotaalIngediendBedrag is niet gelijk aan de som van de ingediende bedragen (debet min credit).",
    (f"{DECLARATIE}/TotaalIngediendBedrag/TotaalBedrag", f"{DECLARATIE}/TotaalIngediendBedrag/DebetCredit",
     f"{PRESTATIE}/IngediendBedrag"),
    "Het totaal van de declaratie is de som van alle IngediendBedragen, debet positief en credit "
    "negatief. Is die som positief of nul, dan staat ze als debet in TotaalIngediendBedrag; is ze "
    "negatief, dan als credit met het bedrag zonder minteken. Bedragen zijn hele centen en worden "
    "als getal vergeleken. De melding wijst het TotaalBedrag aan.",
    voorbeeld_fout="regels/jw323-TR358-fout.xml", voorbeeld_goed="regels/jw323-TR358-goed.xml",
)
def tr358(ctx: RuleContext) -> Iterator[Hit]:
    top = body(ctx)
    totaal = None if top is None else top.find(ctx.m("TotaalIngediendBedrag"))
    k = kids(totaal)
    bedrag_el, dc = k.get(ctx.b("TotaalBedrag")), k.get(ctx.b("DebetCredit"))
    som, bedrag = netto(prestaties(ctx)), as_int(bedrag_el)
    if bedrag is None or som is None or not (is_debet(dc) or is_credit(dc)):
        return
    if bedrag != (som if is_debet(dc) else -som):
        yield hit_at(bedrag_el, dc)


def _debet_key(p: Prestatie) -> tuple:
    return (as_date(p.begin), as_date(p.einde), raw(p.categorie), as_int(p.toewijzingnummer), raw(p.code))


@_rule(
    "TR416", B323,
    "Dezelfde prestatie (periode, product, ToewijzingNummer) wordt twee keer als debet ingediend.",
    (f"{PRESTATIE}/ProductPeriode", f"{PRESTATIE}/ProductCategorie", f"{PRESTATIE}/ProductCode",
     f"{PRESTATIE}/ToewijzingNummer", f"{PRESTATIE}/IngediendBedrag/DebetCredit"),
    "Voor een toewijzing wordt per ProductPeriode en product maar één debetregel ingediend. Twee "
    "debetregels van dezelfde cliënt met gelijke ProductPeriode, ProductCategorie, ProductCode en "
    "ToewijzingNummer zijn een dubbele declaratie. Per paar volgt een melding bij de eerste regel.",
)
def tr416(ctx: RuleContext) -> Iterator[Hit]:
    seen: dict[tuple, list[Element]] = {}
    for p in prestaties(ctx):
        if not is_debet(p.debetcredit):
            continue
        key = (p.client, *_debet_key(p))
        yield from (hit_at(earlier) for earlier in seen.get(key, ()))
        seen.setdefault(key, []).append(p.el)

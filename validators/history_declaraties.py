"""Level-3 rules on declarations: a 323 against the allocations (301), starts and stops (305, 307)
and declarations received before, and a 325 against the 323 it answers.

The rules register into ``validators.history.HISTORY_REGISTRY`` and read the history through the
same ``History`` protocol. Project readings (docs/store.md, level-3 section; deviations from the
published text in docs/afwijkingen.md):

- A Prestatie is matched with the allocation of its ToewijzingNummer from the 323's Ontvanger
  (gemeente) to its Afzender (aanbieder) for the Prestatie's client; the current version decides
  (``current_version``). Without such an allocation only TR338 is reported; on a deleted one
  (RedenWijziging 13) only TR384: comparing dates or volumes with it says nothing more.
- A stored Prestatie counts unless a stored 325 on its declaration rejected it (the whole
  declaration, its client or the line). A 323 without a 325 yet counts as approved: the answer may
  follow later, and meanwhile the gemeente has the line in its administration.
- Volumes are compared in the allocation's unit; minutes are accepted on an allocation in hours
  (60 to the hour). With another unit than the allocation's, TR341 is reported and the volume rules
  are skipped for that line.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from lxml import etree

from berichten.validators.engine import Hit, hit, parse_date
from berichten.validators.history import VERWIJDERD, HistoryContext, PrestatieRef, ToewijzingVersie, _rule, active, current_version

PRESTATIE = "/Bericht/Declaratie/Clienten/Client/Prestaties/Prestatie"
ANTWOORD_PRESTATIE = "/Bericht/DeclaratieAntwoord/Clienten/Client/Prestaties/Prestatie"
MINUUT, UUR = "01", "04"
PER_DAG, PER_WEEK, PER_MAAND, TOTAAL = "1", "2", "4", "6"


@dataclass(frozen=True)
class Regel:
    """One Prestatie of the message with its values (``ref``) and the class element it came from."""

    el: etree._Element
    client_el: etree._Element
    ref: PrestatieRef


# --- reading the message once ------------------------------------------------------------------------


def _prestatie(ctx: HistoryContext, el: etree._Element, client: str, aanbieder: str, gemeente: str) -> PrestatieRef:
    f = ctx.fields(el)
    nummer = f.get("ToewijzingNummer")
    return PrestatieRef(
        aanbieder=aanbieder,
        gemeente=gemeente,
        identificatie=ctx.head.identificatie or "",
        client=client,
        referentie_nummer=f.get("ProductReferentie/ReferentieNummer") or "",
        vorig_referentie_nummer=f.get("ProductReferentie/VorigReferentieNummer"),
        toewijzing_nummer=int(nummer) if nummer is not None else None,
        categorie=f.get("ProductCategorie"),
        code=f.get("ProductCode"),
        begindatum=parse_date(f.get("ProductPeriode/Begindatum")),
        einddatum=parse_date(f.get("ProductPeriode/Einddatum")),
        volume=int(f.get("GeleverdVolume") or 0),
        eenheid=f.get("Eenheid") or "",
        tarief=int(f["ProductTarief"]) if f.get("ProductTarief") is not None else None,
        bedrag=int(f.get("IngediendBedrag/Bedrag") or 0),
        debet_credit=f.get("IngediendBedrag/DebetCredit") or "",
    )


def regels(ctx: HistoryContext) -> list[Regel]:
    """The Prestaties of a 323 (under Declaratie) or 325 (under DeclaratieAntwoord), read once per message.

    The parties are those of the 323: for a 325 the gemeente is its Afzender."""
    cache = ctx.__dict__.get("_regels")
    if cache is not None:
        return cache
    if ctx.message.nummer == "323":
        top, aanbieder, gemeente = "Declaratie", ctx.afzender, ctx.ontvanger
    else:
        top, aanbieder, gemeente = "DeclaratieAntwoord", ctx.ontvanger, ctx.afzender
    found: list[Regel] = []
    for client_el, bsn, prestaties in ctx.prestatie_groepen(top):
        client = ctx.history.client(bsn)
        for el in prestaties:
            found.append(Regel(el, client_el, _prestatie(ctx, el, client, aanbieder, gemeente)))
    ctx.__dict__["_regels"] = found
    return found


def toewijzing(ctx: HistoryContext, ref: PrestatieRef) -> ToewijzingVersie | None:
    """The current version of the allocation the Prestatie is declared on, or None (asked once per
    number and client)."""
    cache = ctx.__dict__.setdefault("_toewijzing", {})
    key = (ref.toewijzing_nummer, ref.client)
    if key not in cache:
        versies = [] if ref.toewijzing_nummer is None else [
            v for v in ctx.history.toewijzingen(ctx.message.standaard, ctx.ontvanger, ref.toewijzing_nummer)
            if v.aanbieder == ctx.afzender and v.client == ref.client
        ]
        cache[key] = current_version(versies) if versies else None
    return cache[key]


def _bruikbaar(ctx: HistoryContext, ref: PrestatieRef) -> ToewijzingVersie | None:
    """The allocation when it exists and is not deleted: what the comparing rules need."""
    v = toewijzing(ctx, ref)
    return None if v is None or v.reden_wijziging == VERWIJDERD else v


def op_toewijzing(ctx: HistoryContext, ref: PrestatieRef) -> list[PrestatieRef]:
    """Earlier Prestaties of this provider for this client on the same allocation (rejected ones included)."""
    cache = ctx.__dict__.setdefault("_op_toewijzing", {})
    if ref.toewijzing_nummer not in cache:
        cache[ref.toewijzing_nummer] = ctx.history.prestaties_op_toewijzing(
            ctx.message.standaard, ctx.ontvanger, ref.toewijzing_nummer)
    return [p for p in cache[ref.toewijzing_nummer] if p.aanbieder == ctx.afzender and p.client == ref.client]


# --- units and periods ----------------------------------------------------------------------------


def minuten(volume: int, eenheid: str, toegewezen: str | None) -> int | None:
    """A volume in the allocation's unit (an allocation in hours: in minutes), or None when the
    units do not match."""
    if eenheid == toegewezen:
        return volume * 60 if toegewezen == UUR else volume
    if toegewezen == UUR and eenheid == MINUUT:
        return volume
    return None


def _toegewezen(v: ToewijzingVersie, perioden: int) -> int:
    return v.volume * perioden * (60 if v.eenheid == UUR else 1)


def perioden(frequentie: str | None, begin: date, eind: date) -> int | None:
    """How many times the allocated volume may be used from ``begin`` to ``eind`` (inclusive): days,
    started weeks (a week that has begun counts whole), calendar months touched, or once for the
    whole allocation. None for an unknown frequency."""
    if frequentie == PER_DAG:
        return (eind - begin).days + 1
    if frequentie == PER_WEEK:
        return -(-((eind - begin).days + 1) // 7)
    if frequentie == PER_MAAND:
        return (eind.year - begin.year) * 12 + eind.month - begin.month + 1
    if frequentie == TOTAAL:
        return 1
    return None


def maand_einde(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1) - timedelta(days=1)


# --- the allocation ---------------------------------------------------------------------------------------


@_rule("TR338", "9338", ("323",), "De Prestatie verwijst niet naar een toewijzing (ToewijzingNummer) van deze gemeente aan deze aanbieder voor deze cliënt.",
       (f"{PRESTATIE}/ToewijzingNummer",))
def check_tr338(ctx: HistoryContext) -> Iterator[Hit]:
    """Een aanbieder declareert alleen op een toegewezen product: het ToewijzingNummer van de Prestatie
    hoort bij een ontvangen toewijzing (301) van de gemeente aan deze aanbieder voor dezelfde cliënt."""
    for r in regels(ctx):
        if toewijzing(ctx, r.ref) is None:
            yield hit(r.el)


@_rule("TR384", "9384", ("323",), "De Prestatie is gedeclareerd op een toewijzing die is verwijderd (RedenWijziging 13).",
       (f"{PRESTATIE}/ToewijzingNummer",))
def check_tr384(ctx: HistoryContext) -> Iterator[Hit]:
    """Op een toewijzing waarvan de actuele versie RedenWijziging 13 (verwijderd) heeft, mag niet
    worden gedeclareerd."""
    for r in regels(ctx):
        v = toewijzing(ctx, r.ref)
        if v is not None and v.reden_wijziging == VERWIJDERD:
            yield hit(r.el)


@_rule("TR339", "9339", ("323",), "De ProductCategorie van de Prestatie wijkt af van die van de toewijzing.",
       (f"{PRESTATIE}/ProductCategorie",))
def check_tr339(ctx: HistoryContext) -> Iterator[Hit]:
    """Noemt de toewijzing een productcategorie, dan declareert de Prestatie dezelfde ProductCategorie."""
    for r in regels(ctx):
        v = _bruikbaar(ctx, r.ref)
        if v is not None and v.categorie is not None and v.categorie != r.ref.categorie:
            yield hit(r.el)


@_rule("TR340", "9340", ("323",), "De ProductCode van de Prestatie wijkt af van die van de toewijzing.",
       (f"{PRESTATIE}/ProductCode",))
def check_tr340(ctx: HistoryContext) -> Iterator[Hit]:
    """Noemt de toewijzing een productcode, dan declareert de Prestatie dezelfde ProductCode."""
    for r in regels(ctx):
        v = _bruikbaar(ctx, r.ref)
        if v is not None and v.code is not None and v.code != r.ref.code:
            yield hit(r.el)


@_rule("TR307", "9307", ("323",), "De ProductPeriode begint vóór de Ingangsdatum van de toewijzing.",
       (f"{PRESTATIE}/ProductPeriode/Begindatum",))
def check_tr307(ctx: HistoryContext) -> Iterator[Hit]:
    """Er wordt niet gedeclareerd over dagen vóór de Ingangsdatum van het toegewezen product."""
    for r in regels(ctx):
        v = _bruikbaar(ctx, r.ref)
        if v is not None and r.ref.begindatum < v.ingangsdatum:
            yield hit(r.el)


@_rule("TR308", "9308", ("323",), "De ProductPeriode eindigt na de Einddatum van de toewijzing.",
       (f"{PRESTATIE}/ProductPeriode/Einddatum",))
def check_tr308(ctx: HistoryContext) -> Iterator[Hit]:
    """Heeft het toegewezen product een Einddatum, dan eindigt de ProductPeriode niet later."""
    for r in regels(ctx):
        v = _bruikbaar(ctx, r.ref)
        if v is not None and v.einddatum is not None and r.ref.einddatum > v.einddatum:
            yield hit(r.el)


def _leveringsdatums(ctx: HistoryContext, ref: PrestatieRef, kind: str) -> set[date]:
    """Begindatums of the active starts (``kind`` "starts") or Einddatums of the active stops of the
    allocation for the Prestatie's client: the days on which care began or ended (asked once per
    number and client)."""
    cache = ctx.__dict__.setdefault("_leveringsdatums", {})
    key = (kind, ref.toewijzing_nummer, ref.client)
    if key not in cache:
        lookup = ctx.history.starts if kind == "starts" else ctx.history.stops
        leveringen = lookup(ctx.message.standaard, ctx.afzender, ctx.ontvanger, ref.client, ref.toewijzing_nummer)
        if kind == "starts":
            cache[key] = {s.begindatum for s in active(leveringen, lambda s: s.start_key)}
        else:
            cache[key] = {s.einddatum for s in active(leveringen, lambda s: s.stop_key) if s.einddatum is not None}
    return cache[key]


@_rule("TR387", "9387", ("323",), "De ProductPeriode begint niet op de eerste dag van de maand (of op de latere Ingangsdatum van de toewijzing in die maand).",
       (f"{PRESTATIE}/ProductPeriode/Begindatum",))
def check_tr387(ctx: HistoryContext) -> Iterator[Hit]:
    """Een Prestatie wordt per kalendermaand gedeclareerd: de ProductPeriode begint op de eerste van de
    maand, of op de Ingangsdatum van de toewijzing als die later in dezelfde maand ligt. Afwijking van
    dit project: ook de Begindatum van een ontvangen start (305) van deze toewijzing in die maand mag."""
    for r in regels(ctx):
        v = _bruikbaar(ctx, r.ref)
        begin = r.ref.begindatum
        if v is None or begin.day == 1:
            continue
        if v.ingangsdatum == begin:
            continue
        if begin in _leveringsdatums(ctx, r.ref, "starts"):
            continue
        yield hit(r.el)


@_rule("TR388", "9388", ("323",), "De ProductPeriode eindigt niet op de laatste dag van de maand (of op de eerdere Einddatum van de toewijzing in die maand).",
       (f"{PRESTATIE}/ProductPeriode/Einddatum",))
def check_tr388(ctx: HistoryContext) -> Iterator[Hit]:
    """De ProductPeriode eindigt op de laatste dag van de maand, of op de Einddatum van de toewijzing
    als die eerder in dezelfde maand ligt. Afwijking van dit project: ook de Einddatum van een
    ontvangen stop (307) van deze toewijzing in die maand mag."""
    for r in regels(ctx):
        v = _bruikbaar(ctx, r.ref)
        eind = r.ref.einddatum
        if v is None or eind == maand_einde(eind):
            continue
        if v.einddatum == eind:
            continue
        if eind in _leveringsdatums(ctx, r.ref, "stops"):
            continue
        yield hit(r.el)


@_rule("TR341", "9341", ("323",), "De Eenheid van de Prestatie past niet bij de Eenheid van de toewijzing.",
       (f"{PRESTATIE}/Eenheid",))
def check_tr341(ctx: HistoryContext) -> Iterator[Hit]:
    """Er wordt gedeclareerd in de eenheid van de toewijzing; op een toewijzing in uren mag ook in minuten.
    Een toewijzing zonder Omvang noemt geen eenheid (die staat dan in het contract): niet getoetst."""
    for r in regels(ctx):
        v = _bruikbaar(ctx, r.ref)
        if v is not None and v.eenheid is not None and minuten(1, r.ref.eenheid, v.eenheid) is None:
            yield hit(r.el)


# --- volume and budget ----------------------------------------------------------------------------------


@_rule("TR321", "9321", ("323",), "Het GeleverdVolume van de Prestatie is groter dan de toegewezen Omvang over de ProductPeriode.",
       (f"{PRESTATIE}/GeleverdVolume",))
def check_tr321(ctx: HistoryContext) -> Iterator[Hit]:
    """Heeft de toewijzing een Omvang, dan past het GeleverdVolume van één debet-Prestatie daarbinnen:
    het Volume maal het aantal dagen, begonnen weken of kalendermaanden van de ProductPeriode (naar de
    Frequentie), of eenmaal bij een totaal over de looptijd."""
    for r in regels(ctx):
        v = _bruikbaar(ctx, r.ref)
        if v is None or v.volume is None or not r.ref.debet:
            continue
        n = perioden(v.frequentie, r.ref.begindatum, r.ref.einddatum)
        geleverd = minuten(r.ref.volume, r.ref.eenheid, v.eenheid)
        if n is not None and geleverd is not None and geleverd > _toegewezen(v, n):
            yield hit(r.el)


def _totalen(ctx: HistoryContext) -> Iterator[tuple[Regel, ToewijzingVersie, int, int]]:
    """Per debet-Prestatie of the message: its allocation and the running net totals (volume in the
    allocation's unit, amount in eurocent) on that allocation for the client, the earlier counted
    Prestaties first, then this message's lines in order."""
    volume: dict[tuple, int | None] = {}
    bedrag: dict[tuple, int] = {}
    for r in regels(ctx):
        v = _bruikbaar(ctx, r.ref)
        if v is None:
            continue
        key = (r.ref.toewijzing_nummer, r.ref.client)
        if key not in volume:
            volume[key], bedrag[key] = 0, 0
            for p in op_toewijzing(ctx, r.ref):
                if not p.afgewezen:
                    _tel(volume, bedrag, key, p, v)
        _tel(volume, bedrag, key, r.ref, v)
        if r.ref.debet:
            yield r, v, volume[key], bedrag[key]


def _tel(volume: dict, bedrag: dict, key: tuple, p: PrestatieRef, v: ToewijzingVersie) -> None:
    sign = 1 if p.debet else -1
    bedrag[key] += sign * p.bedrag
    m = minuten(p.volume, p.eenheid, v.eenheid)
    volume[key] = None if m is None or volume[key] is None else volume[key] + sign * m


@_rule("TR322", "9322", ("323",), "Met deze Prestatie komt het totaal gedeclareerde volume boven de toegewezen Omvang over de looptijd van de toewijzing.",
       (f"{PRESTATIE}/GeleverdVolume",))
def check_tr322(ctx: HistoryContext) -> Iterator[Hit]:
    """Heeft de toewijzing een Omvang, dan blijft de som van het GeleverdVolume van alle Prestaties op
    die toewijzing (debet min credit, afgewezen Prestaties niet meegeteld) binnen de Omvang over de hele
    looptijd. Zonder Einddatum is er geen grens, behalve bij een totaal over de looptijd."""
    for r, v, volume, _ in _totalen(ctx):
        if v.volume is None or volume is None:
            continue
        if v.frequentie == TOTAAL:
            n = 1
        elif v.einddatum is None:
            continue
        else:
            n = perioden(v.frequentie, v.ingangsdatum, v.einddatum)
        if n is not None and volume > _toegewezen(v, n):
            yield hit(r.el)


@_rule("TR369", "9369", ("323",), "Met deze Prestatie komt het totaal gedeclareerde bedrag boven het Budget van de toewijzing.",
       (f"{PRESTATIE}/IngediendBedrag",))
def check_tr369(ctx: HistoryContext) -> Iterator[Hit]:
    """Heeft de toewijzing een Budget, dan blijft de som van wat op die toewijzing is gedeclareerd
    (debet min credit, afgewezen Prestaties niet meegeteld) binnen dat Budget. Afwijking van dit project:
    vergeleken worden de bedragen (IngediendBedrag, in eurocent), niet het GeleverdVolume."""
    for r, v, _, bedrag in _totalen(ctx):
        if v.budget is not None and bedrag > v.budget:
            yield hit(r.el)


# --- numbers and references -------------------------------------------------------------------------------


@_rule("TR333", "9333", ("323",), "Dit DeclaratieNummer is door de aanbieder al eerder gebruikt.",
       ("/Bericht/Declaratie/DeclaratieNummer",))
def check_tr333(ctx: HistoryContext) -> Iterator[Hit]:
    """Een aanbieder gebruikt elk DeclaratieNummer binnen het wettelijk domein maar één keer."""
    for d, nummer in ctx.declaraties():
        if nummer and ctx.history.declaratie_nummer_seen(ctx.message.standaard, ctx.afzender, nummer):
            yield hit(d)


def _met_referentie(ctx: HistoryContext, referentie: str) -> list[PrestatieRef]:
    cache = ctx.__dict__.setdefault("_met_referentie", {})
    if referentie not in cache:
        cache[referentie] = ctx.history.prestaties(ctx.message.standaard, ctx.afzender, referentie)
    return cache[referentie]


@_rule("TR314", "8021", ("323",), "Dit ReferentieNummer is door de aanbieder al eerder gebruikt in een declaratie.",
       (f"{PRESTATIE}/ProductReferentie/ReferentieNummer",))
def check_tr314(ctx: HistoryContext) -> Iterator[Hit]:
    """Het ReferentieNummer van een Prestatie is uniek voor de aanbieder binnen het wettelijk domein,
    over alle eerder ontvangen declaraties (binnen één bericht toetst niveau 2)."""
    for r in regels(ctx):
        if r.ref.referentie_nummer and _met_referentie(ctx, r.ref.referentie_nummer):
            yield hit(r.el)


def _zelfde_sleutel(a: PrestatieRef, b: PrestatieRef) -> bool:
    return (a.client, a.toewijzing_nummer, a.categorie, a.code, a.begindatum, a.einddatum) == (
        b.client, b.toewijzing_nummer, b.categorie, b.code, b.begindatum, b.einddatum)


@_rule("TR323", "8017", ("323",), "De credit-Prestatie verwijst niet naar een eerder ingediende, niet afgewezen debet-Prestatie met dezelfde sleutel.",
       (f"{PRESTATIE}/ProductReferentie/VorigReferentieNummer",))
def check_tr323(ctx: HistoryContext) -> Iterator[Hit]:
    """Een credit-Prestatie noemt als VorigReferentieNummer het ReferentieNummer van een eerder
    ingediende debet-Prestatie aan dezelfde gemeente, met dezelfde cliënt, ToewijzingNummer, product en
    ProductPeriode, die niet is afgewezen. Is er nog geen antwoord (325) op die declaratie, dan telt
    de debet-Prestatie als goedgekeurd."""
    for r in regels(ctx):
        vorig = r.ref.vorig_referentie_nummer
        if r.ref.debet or not vorig:
            continue
        if not any(
            p.debet and p.referentie_nummer == vorig and p.gemeente == ctx.ontvanger and not p.afgewezen
            and _zelfde_sleutel(p, r.ref)
            for p in _met_referentie(ctx, vorig)
        ):
            yield hit(r.el)


@_rule("TR390", "9390", ("323",), "Deze debet-Prestatie is al eerder gecrediteerd.",
       (f"{PRESTATIE}/IngediendBedrag/DebetCredit",))
def check_tr390(ctx: HistoryContext) -> Iterator[Hit]:
    """Een debet-Prestatie wordt hooguit één keer gecrediteerd: er is nog geen (niet afgewezen)
    credit-Prestatie met hetzelfde VorigReferentieNummer."""
    for r in regels(ctx):
        vorig = r.ref.vorig_referentie_nummer
        if r.ref.debet or not vorig:
            continue
        if any(not p.debet and p.vorig_referentie_nummer == vorig and not p.afgewezen for p in op_toewijzing(ctx, r.ref)):
            yield hit(r.el)


@_rule("TR389", "9389", ("323",), "Er is al een debet-Prestatie voor dezelfde ProductPeriode, hetzelfde product en ToewijzingNummer die niet is gecrediteerd.",
       (f"{PRESTATIE}/IngediendBedrag/DebetCredit",))
def check_tr389(ctx: HistoryContext) -> Iterator[Hit]:
    """Een nieuwe debet-Prestatie voor een ProductPeriode, product en ToewijzingNummer mag pas als de
    eerdere debet-Prestatie daarvoor is gecrediteerd (eerder of in hetzelfde bericht) of is afgewezen."""
    eigen_credits = {r.ref.vorig_referentie_nummer for r in regels(ctx) if not r.ref.debet}
    for r in regels(ctx):
        if not r.ref.debet:
            continue
        eerder = op_toewijzing(ctx, r.ref)
        gecrediteerd = eigen_credits | {p.vorig_referentie_nummer for p in eerder if not p.debet and not p.afgewezen}
        if any(
            p.debet and not p.afgewezen and _zelfde_sleutel(p, r.ref) and p.referentie_nummer not in gecrediteerd
            for p in eerder
        ):
            yield hit(r.el)


@_rule("TR304", "8187", ("323",), "Deze cliënt (Bsn) is bij de gemeente niet bekend: er is geen toewijzing voor deze cliënt aan deze aanbieder.",
       ("/Bericht/Declaratie/Clienten/Client/Bsn",))
def check_tr304(ctx: HistoryContext) -> Iterator[Hit]:
    """Een aanbieder declareert alleen voor cliënten die de gemeente kent; dit project leest dat als:
    de gemeente heeft deze aanbieder voor de cliënt een toewijzing (301) gestuurd."""
    gezien: set[int] = set()
    for r in regels(ctx):
        if id(r.client_el) in gezien:
            continue
        gezien.add(id(r.client_el))
        if not ctx.history.client_bekend(ctx.message.standaard, ctx.ontvanger, ctx.afzender, r.ref.client):
            yield hit(r.client_el)


# --- 301 -----------------------------------------------------------------------------------------------------


@_rule("TR385", "9385", ("301",), "Deze toewijzing kan niet worden verwijderd (RedenWijziging 13): er is op gedeclareerd en dat is niet gecrediteerd.",
       ("/Bericht/Client/ToegewezenProducten/ToegewezenProduct/RedenWijziging",))
def check_tr385(ctx: HistoryContext) -> Iterator[Hit]:
    """Een toewijzing waarop de aanbieder Prestaties heeft gedeclareerd die niet zijn afgewezen en niet
    gecrediteerd, mag niet met RedenWijziging 13 worden verwijderd. Een declaratie zonder antwoord (325)
    telt als goedgekeurd, zoals bij TR323."""
    for el in ctx.producten("ToegewezenProducten", "ToegewezenProduct"):
        if ctx.text(el, "RedenWijziging") != VERWIJDERD:
            continue
        gedeclareerd = [
            p for p in ctx.history.prestaties_op_toewijzing(ctx.message.standaard, ctx.afzender, ctx.nummer(el))
            if p.aanbieder == ctx.ontvanger and p.client == ctx.client_key and not p.afgewezen
        ]
        gecrediteerd = {p.vorig_referentie_nummer for p in gedeclareerd if not p.debet}
        if any(p.debet and p.referentie_nummer not in gecrediteerd for p in gedeclareerd):
            yield hit(el)


# --- 325 -----------------------------------------------------------------------------------------------------


def _gedeclareerd(ctx: HistoryContext) -> dict[str, PrestatieRef]:
    """The Prestaties of the 323 this 325 answers, by ReferentieNummer (asked once per message)."""
    cache = ctx.__dict__.get("_gedeclareerd")
    if cache is None:
        ident = ctx.declaratie_identificatie()
        found = ctx.history.declaratie_prestaties(ctx.message.standaard, ctx.ontvanger, ctx.afzender, ident)
        cache = ctx.__dict__["_gedeclareerd"] = {p.referentie_nummer: p for p in found}
    return cache


@_rule("TR366", "9366", ("325",), "De geretourneerde Prestatie hoort niet bij een Prestatie van de beantwoorde declaratie (ProductReferentie).",
       (f"{ANTWOORD_PRESTATIE}/ProductReferentie",))
def check_tr366(ctx: HistoryContext) -> Iterator[Hit]:
    """Elke Prestatie in een declaratie-antwoord hoort, via ReferentieNummer, bij een Prestatie van de
    ontvangen declaratie (323) die het antwoord noemt (DeclaratieIdentificatie). Kent de database die
    declaratie niet, dan wordt niet getoetst: welke declaratie bedoeld is, is de vraag van TR337, die
    geen retourcode heeft."""
    gedeclareerd = _gedeclareerd(ctx)
    if not gedeclareerd:
        return
    for r in regels(ctx):
        if r.ref.referentie_nummer not in gedeclareerd:
            yield hit(r.el)


_HERHAALD = ("client", "vorig_referentie_nummer", "toewijzing_nummer", "categorie", "code", "begindatum", "einddatum",
             "volume", "eenheid", "tarief", "bedrag", "debet_credit")


@_rule("TR367", "9367", ("325",), "Een waarde in de geretourneerde Prestatie wijkt af van de gedeclareerde Prestatie met dezelfde ProductReferentie.",
       (ANTWOORD_PRESTATIE,))
def check_tr367(ctx: HistoryContext) -> Iterator[Hit]:
    """Het antwoord herhaalt de Prestatie zoals die is gedeclareerd: cliënt, ToewijzingNummer, product,
    ProductPeriode, volume, eenheid, tarief en bedrag zijn gelijk aan die in de declaratie."""
    gedeclareerd = _gedeclareerd(ctx)
    for r in regels(ctx):
        p = gedeclareerd.get(r.ref.referentie_nummer)
        if p is not None and any(getattr(p, name) != getattr(r.ref, name) for name in _HERHAALD):
            yield hit(r.el)

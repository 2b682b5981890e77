"""The regional rules GRJR-FLEX-001..005 and NIJM-BT-001..005 as data plus small check functions.

A regional rule never yields a retourcode: it judges an allocation against a regional agreement,
not against the iStandaard (domain guide 6.1). Each check function gets a context prepared by
``validators.regional.grjr`` or ``validators.regional.nijmegen`` (the matching fact row, the hours)
and yields one Dutch melding per violation; the registry turns those into ``Finding`` objects.
``berichten rules --regio`` and ``berichten explain`` read ``REGIONAL_REGISTRY``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from berichten.findings import Finding, Severity
from berichten.validators.regional.config import Product, RegionConfig
from berichten.validators.regional.facts import Aanmelding, Acceptatie
from berichten.validators.regional.hours import fmt_hours, fmt_months
from berichten.validators.regional.product import ProductView

SUPPLIERS_BY_NAME = ("ZBT", "RER")
_TP = "/Bericht/Client/ToegewezenProducten/ToegewezenProduct"


# ------------------------------------------------------------------------------------ contexts


# Plain classes with slots, not dataclasses: building a dataclass costs about a millisecond at every
# start of ``berichten check``, and these are only made and read by the evaluators.


class GrjrContext:
    __slots__ = ("product", "config", "aanmelding")

    def __init__(self, product: ProductView, config: RegionConfig, aanmelding: Aanmelding | None) -> None:
        self.product = product
        self.config = config
        self.aanmelding = aanmelding  # the aanmelding being judged; None: no matching row


class Hours:
    """Allocated against standard hours; ``basis`` is ``periode`` (whole validity) or ``jaar`` (open-ended rate)."""

    __slots__ = ("allocated", "standard", "basis", "months")

    def __init__(self, allocated: Fraction, standard: Fraction, basis: str, months: Fraction | None = None) -> None:
        self.allocated, self.standard, self.basis, self.months = allocated, standard, basis, months


class Cap:
    """The Volwassenen shared cap of one case after adding this allocation."""

    __slots__ = ("casus", "total", "cap", "basis", "window", "allocations")

    def __init__(self, casus: str, total: Fraction, cap: Fraction, basis: str, window: tuple[date, date] | None,
                 allocations: int) -> None:
        self.casus, self.total, self.cap = casus, total, cap
        self.basis = basis  # "periode" or "jaar"
        self.window, self.allocations = window, allocations


class NijmegenContext:
    __slots__ = ("product", "config", "product_cfg", "acceptaties_configured", "rows", "other_providers", "hours",
                 "not_evaluable", "cap")

    def __init__(self, product: ProductView, config: RegionConfig, product_cfg: Product, acceptaties_configured: bool,
                 rows: list[Acceptatie], other_providers: list[str], hours: Hours | None, not_evaluable: str | None,
                 cap: Cap | None = None) -> None:
        self.product, self.config, self.product_cfg = product, config, product_cfg
        self.acceptaties_configured = acceptaties_configured
        self.rows = rows  # acceptance rows for (client, Ontvanger, product)
        self.other_providers = other_providers  # AGB codes that accepted this client and product instead
        self.hours, self.not_evaluable, self.cap = hours, not_evaluable, cap


# -------------------------------------------------------------------------------- the registry


@dataclass(frozen=True)
class RegionalRule:
    code: str
    regio: str
    severity: Severity
    melding: str  # one line, Dutch: what the rule demands
    check: Callable[[Any], Iterable[str]] = field(repr=False, compare=False)
    uitleg: str = ""
    benodigd: tuple[str, ...] = ()  # external data the rule needs
    standaarden: frozenset[str] = frozenset({"ijw", "iwmo"})
    berichten: frozenset[str] = frozenset({"301"})
    elementen: tuple[str, ...] = ()
    voorbeeld_fout: str = ""  # fixture file names under fixtures/
    voorbeeld_goed: str = ""
    niveau: str = "regionaal"
    retourcode: None = None

    def finding(self, melding: str, locatie: str | None, severity: Severity | None = None) -> Finding:
        return Finding(
            code=self.code, niveau="regionaal", severity=severity or self.severity,
            melding=melding, retourcode=None, locatie=locatie,
        )

    def findings(self, ctx: Any) -> Iterator[Finding]:
        for melding in self.check(ctx):
            yield self.finding(melding, ctx.product.locatie)


class RegionalRegistry:
    def __init__(self) -> None:
        self._rules: list[RegionalRule] = []

    def rule(self, code: str, *, regio: str, severity: Severity, melding: str, **kwargs: Any):
        def decorate(func: Callable[[Any], Iterable[str]]):
            uitleg = kwargs.pop("uitleg", "") or (func.__doc__ or "").strip()
            self._rules.append(RegionalRule(code, regio, severity, melding, func, uitleg=uitleg, **kwargs))
            return func

        return decorate

    def __iter__(self) -> Iterator[RegionalRule]:
        return iter(sorted(self._rules, key=lambda r: r.code))

    def __len__(self) -> int:
        return len(self._rules)

    def by_code(self, code: str) -> list[RegionalRule]:
        return [r for r in self._rules if r.code.upper() == code.upper()]

    def for_regio(self, regio: str) -> list[RegionalRule]:
        return [r for r in self if r.regio == regio]

    def get(self, code: str) -> RegionalRule:
        return self.by_code(code)[0]


REGIONAL_REGISTRY = RegionalRegistry()
_rule = REGIONAL_REGISTRY.rule


def _name(config: RegionConfig, agb: str) -> str:
    aanbieder = config.aanbieder(agb)
    return f"{agb} ({aanbieder.naam})" if aanbieder else agb


# ------------------------------------------------------------------------------------ GRJR


_GRJR = dict(regio="grjr", severity="error", standaarden=frozenset({"ijw"}), elementen=(_TP,))


@_rule(
    "GRJR-FLEX-001", melding="Een toewijzing aan een flex-aanbieder hoort bij een aanmelding (casus) in het aanmeldingenregister.",
    benodigd=("aanbiedersregister", "aanmeldingen"),
    uitleg=(
        "Een GRJR-gemeente mag pas aan een flex-aanbieder toewijzen als de casus via de zorgbemiddelingstafel "
        "is gegaan. Dat staat niet in het bericht maar in het aanmeldingenregister: er moet een regel zijn "
        "met hetzelfde BSN, flex_aanbieder gelijk aan de Ontvanger van de 301 en een lege of gelijke "
        "toewijzingnummer. Zonder zo'n regel worden GRJR-FLEX-002 tot en met 005 niet beoordeeld. Is er "
        "helemaal geen register opgegeven, dan volgt één info-melding in plaats van een fout."
    ),
    voorbeeld_fout="regio/grjr/jw301-flex-11112222-zonder-aanmelding.xml",
    voorbeeld_goed="regio/grjr/jw301-flex-12345678.xml",
    **_GRJR,
)
def grjr_flex_001(ctx: GrjrContext) -> Iterator[str]:
    if ctx.aanmelding is None:
        p = ctx.product
        yield (
            f"Geen aanmelding gevonden voor deze client bij flex-aanbieder {_name(ctx.config, p.ontvanger)}"
            f" (ToewijzingNummer {p.toewijzingnummer}); rechtstreeks verwijzen naar een flex-aanbieder mag niet."
        )


@_rule(
    "GRJR-FLEX-002", melding="De aanmelding is aangeleverd door ZBT, RER of een systeem- of prestatieaanbieder.",
    benodigd=("aanmeldingen", "aanbiedersregister"),
    uitleg=(
        "Alleen een systeemaanbieder (of prestatieaanbieder, die voor flex gelijk wordt behandeld) of de "
        "zorgbemiddelingstafel (ZBT/RER) mag een casus bij een flex-aanbieder aanleveren. De kolom "
        "aangeleverd_door moet dus ZBT of RER zijn, of de AGB-code van een aanbieder die op de "
        "Toewijzingsdatum de rol systeemaanbieder of prestatieaanbieder heeft. Een gemeente (lokaal team), "
        "huisarts, GI, onderaannemer, de flex-aanbieder zelf, een onbekende code of een lege cel is een fout."
    ),
    voorbeeld_fout="regio/grjr/jw301-flex-12345678.xml", voorbeeld_goed="regio/grjr/jw301-flex-12345678.xml",
    **_GRJR,
)
def grjr_flex_002(ctx: GrjrContext) -> Iterator[str]:
    a = ctx.aanmelding
    if a is None:
        return
    door = a.aangeleverd_door.strip()
    if door.upper() in SUPPLIERS_BY_NAME:
        return
    aanbieder = ctx.config.aanbieder(door)
    day = ctx.product.toewijzingsdatum
    if aanbieder and (aanbieder.has_role("systeemaanbieder", day) or aanbieder.has_role("prestatieaanbieder", day)):
        return
    if not door:
        wie = "niemand (de cel is leeg)"
    elif door in ctx.config.regio.gemeenten:
        wie = f"gemeente {door} (lokaal team)"
    elif aanbieder:
        rollen = ", ".join(sorted({r.rol for r in aanbieder.rollen})) or "geen rol"
        wie = f"{_name(ctx.config, door)}, met rol {rollen}"
    else:
        wie = f"'{door}', geen systeem- of prestatieaanbieder in het register"
    yield (
        f"Casus {a.casus} is aangeleverd door {wie}; alleen ZBT, RER of een systeem- of prestatieaanbieder "
        f"mag een casus bij een flex-aanbieder aanleveren ({a.bron})."
    )


@_rule(
    "GRJR-FLEX-003", melding="De aanmelding heeft een akkoord van de contractmanager.", benodigd=("aanmeldingen",),
    uitleg=(
        "Een flex-aanbieder wordt pas gezocht nadat de GRJR-contractmanager heeft vastgesteld dat er tijdelijk "
        "te weinig capaciteit is en akkoord heeft gegeven. Dat geldt ook als ZBT of RER de casus aanleverde. "
        "Een lege kolom akkoord_contractmanager is een fout."
    ),
    voorbeeld_fout="regio/grjr/jw301-flex-12345678.xml", voorbeeld_goed="regio/grjr/jw301-flex-12345678.xml",
    **_GRJR,
)
def grjr_flex_003(ctx: GrjrContext) -> Iterator[str]:
    a = ctx.aanmelding
    if a is not None and a.akkoord_contractmanager is None:
        yield f"Casus {a.casus} heeft geen akkoord van de contractmanager voor de inzet van een flex-aanbieder ({a.bron})."


@_rule(
    "GRJR-FLEX-004", melding="Het akkoord van de contractmanager is gegeven op of voor de Toewijzingsdatum.",
    benodigd=("aanmeldingen",),
    elementen=(_TP, f"{_TP}/Toewijzingsdatum"),
    uitleg=(
        "Het akkoord moet er zijn voordat de gemeente toewijst: de datum in akkoord_contractmanager mag niet "
        "na de Toewijzingsdatum van het toegewezen product liggen. Op dezelfde dag is op tijd. De "
        "Ingangsdatum telt niet mee; een toewijzing met terugwerkende kracht is goed als het akkoord voor de "
        "Toewijzingsdatum lag."
    ),
    voorbeeld_fout="regio/grjr/jw301-flex-12345678.xml", voorbeeld_goed="regio/grjr/jw301-flex-12345678.xml",
    **{k: v for k, v in _GRJR.items() if k != "elementen"},
)
def grjr_flex_004(ctx: GrjrContext) -> Iterator[str]:
    a = ctx.aanmelding
    day = ctx.product.toewijzingsdatum
    if a is not None and a.akkoord_contractmanager is not None and day is not None and a.akkoord_contractmanager > day:
        yield (
            f"Het akkoord van de contractmanager ({a.akkoord_contractmanager.isoformat()}) ligt na de "
            f"Toewijzingsdatum ({day.isoformat()}) (casus {a.casus}, {a.bron})."
        )


@_rule(
    "GRJR-FLEX-005", melding="De flex-aanbieder is geen onderaannemer die deze casus eerder heeft afgewezen.",
    benodigd=("aanmeldingen", "aanbiedersregister"),
    uitleg=(
        "Onderaannemers die eerder hebben gezegd dat ze de hulp niet kunnen leveren, worden bij het zoeken naar "
        "een flex-aanbieder niet benaderd. Is de Ontvanger in het register ook onderaannemer en staat zijn "
        "AGB-code in afgewezen_door van de casus, dan is dat een fout."
    ),
    voorbeeld_fout="regio/grjr/jw301-flex-11112222.xml", voorbeeld_goed="regio/grjr/jw301-flex-12345678.xml",
    **_GRJR,
)
def grjr_flex_005(ctx: GrjrContext) -> Iterator[str]:
    a = ctx.aanmelding
    if a is None:
        return
    ontvanger = ctx.product.ontvanger
    aanbieder = ctx.config.aanbieder(ontvanger)
    if aanbieder and aanbieder.has_role("onderaannemer") and ontvanger in a.afgewezen_door:
        yield (
            f"Flex-aanbieder {_name(ctx.config, ontvanger)} heeft deze casus ({a.casus}) eerder als onderaannemer "
            f"afgewezen en had niet benaderd mogen worden ({a.bron})."
        )


# -------------------------------------------------------------------------------- Nijmegen


_NIJM = dict(regio="nijmegen", elementen=(_TP,))


@_rule(
    "NIJM-BT-001", severity="error",
    melding="Het acceptatieregister heeft een acceptatie voor deze client, deze aanbieder en dit product.",
    benodigd=("acceptaties",),
    uitleg=(
        "Het Buurtteam maakt pas een toewijzing als de aanbieder de client uitdrukkelijk heeft geaccepteerd. "
        "Er moet daarom een rij zijn met hetzelfde BSN, aanbieder gelijk aan de Ontvanger en hetzelfde "
        "product. De acceptatie door een andere aanbieder telt niet. Zonder acceptatieregister volgt één "
        "info-melding in plaats van een fout."
    ),
    voorbeeld_fout="regio/nijmegen/wmo301-02a03-acceptatie-week-eerder.xml",
    voorbeeld_goed="regio/nijmegen/jw301-45a04-9-maanden-225-uur.xml",
    **_NIJM,
)
def nijm_bt_001(ctx: NijmegenContext) -> Iterator[str]:
    if ctx.acceptaties_configured and not ctx.rows:
        p = ctx.product
        extra = ""
        if ctx.other_providers:
            extra = f" Wel geaccepteerd door een andere aanbieder ({', '.join(sorted(set(ctx.other_providers)))}); dat telt niet."
        yield (
            f"Geen acceptatie gevonden voor deze client bij aanbieder {_name(ctx.config, p.ontvanger)} "
            f"voor product {p.code}.{extra}"
        )


@_rule(
    "NIJM-BT-002", severity="error", melding="De Ingangsdatum is precies de acceptatiedatum.", benodigd=("acceptaties",),
    uitleg=(
        "De toewijzing gaat in op de dag dat de aanbieder de client accepteerde. Een dag eerder of later is "
        "een fout, net als een toewijzing die ingaat op de Toewijzingsdatum in plaats van op de "
        "acceptatiedatum. (Het convenant noemt de 301 een startbericht; de echte start van de zorg staat "
        "in de 305.)"
    ),
    voorbeeld_fout="regio/nijmegen/wmo301-02a03-acceptatie-week-eerder.xml",
    voorbeeld_goed="regio/nijmegen/jw301-45a04-9-maanden-225-uur.xml",
    **{**_NIJM, "elementen": (_TP, f"{_TP}/Ingangsdatum")},
)
def nijm_bt_002(ctx: NijmegenContext) -> Iterator[str]:
    p = ctx.product
    if not ctx.rows or p.ingangsdatum is None:
        return
    if any(r.acceptatiedatum == p.ingangsdatum for r in ctx.rows):
        return
    dates = ", ".join(sorted({r.acceptatiedatum.isoformat() for r in ctx.rows}))
    closest = min(ctx.rows, key=lambda r: abs((r.acceptatiedatum - p.ingangsdatum).days))
    verschil = (p.ingangsdatum - closest.acceptatiedatum).days
    richting = f"{verschil} dag(en) later" if verschil > 0 else f"{-verschil} dag(en) eerder"
    extra = " (de toewijzing gaat in op de Toewijzingsdatum)" if p.ingangsdatum == p.toewijzingsdatum else ""
    yield (
        f"De Ingangsdatum {p.ingangsdatum.isoformat()} is niet de acceptatiedatum {dates}: {richting}{extra} "
        f"({closest.bron})."
    )


@_rule(
    "NIJM-BT-003", severity="warning",
    melding="De toegewezen uren liggen niet boven de standaarduren van het product, naar rato van de looptijd.",
    benodigd=("regioconfiguratie (standaarduren)",),
    uitleg=(
        "Het convenant geeft per product een standaard aantal uren per jaar (02A03 en 02A05: 200, 45A04: 300, "
        "45A05: 200; voor anderhalf jaar 1,5 keer zoveel). Bij een andere looptijd gaat het naar rato van "
        "kalendermaanden: hele maanden vanaf de Ingangsdatum plus het gedekte deel van de volgende maand. "
        "De toegewezen uren (Omvang omgerekend naar uren over de hele looptijd) mogen niet boven de standaard "
        "liggen; gelijk is goed. Meer uren toewijzen mag als dat nodig is, daarom is dit een waarschuwing. "
        "Zonder Einddatum wordt het jaartempo vergeleken met de standaard per jaar. Jeugd & Gezin en "
        "Volwassenen: elke toewijzing tegen de standaard van haar eigen product."
    ),
    voorbeeld_fout="regio/nijmegen/jw301-45a04-9-maanden-234-uur.xml",
    voorbeeld_goed="regio/nijmegen/jw301-45a04-9-maanden-225-uur.xml",
    **_NIJM,
)
def nijm_bt_003(ctx: NijmegenContext) -> Iterator[str]:
    h = ctx.hours
    if h is None or h.allocated <= h.standard:
        return
    p = ctx.product
    boven = fmt_hours(h.allocated - h.standard)
    if h.basis == "jaar":
        yield (
            f"Toegewezen {fmt_hours(h.allocated)} uur per jaar (toewijzing zonder Einddatum) is meer dan de standaard "
            f"{fmt_hours(h.standard)} uur per jaar voor {p.code}: {boven} uur erboven."
        )
    else:
        yield (
            f"Toegewezen {fmt_hours(h.allocated)} uur is meer dan de standaard {fmt_hours(h.standard)} uur voor {p.code} "
            f"({ctx.product_cfg.uren_per_jaar} uur per jaar x {fmt_months(h.months or Fraction(0))} maanden / 12): "
            f"{boven} uur erboven."
        )


@_rule(
    "NIJM-BT-004", severity="warning",
    melding="Volwassenen: alle uren 02A03 en 02A05 in één casus, bij alle aanbieders samen, blijven binnen het gedeelde plafond.",
    benodigd=("acceptaties (casus, buurtteam)", "regioconfiguratie (plafond)"),
    uitleg=(
        "Bij Buurtteam Volwassenen worden regulier en specialistisch niet gestapeld: samen is er 200 uur per jaar, "
        "verdeeld over alle aanbieders in de casus (de kolom casus van het acceptatieregister). Het plafond "
        "geldt voor de periode van de vroegste Ingangsdatum tot de laatste Einddatum van de toewijzingen in "
        "de casus, naar rato van kalendermaanden. Toewijzingen tellen in de volgorde waarin ze binnenkomen; "
        "de toewijzing die het lopende totaal boven het plafond brengt en elke latere in dezelfde casus "
        "krijgen deze waarschuwing. Een nieuwe versie van hetzelfde ToewijzingNummer vervangt de vorige. "
        "Eén toewijzing alleen boven het plafond meldt NIJM-BT-003 al; deze regel gaat over het delen."
    ),
    voorbeeld_fout="regio/nijmegen/wmo301-02a05-aanbieder-b.xml",
    voorbeeld_goed="regio/nijmegen/wmo301-02a03-aanbieder-a.xml",
    **_NIJM,
)
def nijm_bt_004(ctx: NijmegenContext) -> Iterator[str]:
    c = ctx.cap
    # One allocation alone over the cap is NIJM-BT-003 already (the cap equals the 02A03/02A05 standard).
    if c is None or c.total <= c.cap or c.allocations < 2:
        return
    if c.basis == "jaar":
        yield (
            f"Casus {c.casus} (Buurtteam Volwassenen): samen {fmt_hours(c.total)} uur per jaar over {c.allocations} "
            f"toewijzing(en), meer dan het gedeelde plafond van {fmt_hours(c.cap)} uur per jaar."
        )
    else:
        start, end = c.window  # type: ignore[misc]
        yield (
            f"Casus {c.casus} (Buurtteam Volwassenen): samen {fmt_hours(c.total)} uur over {c.allocations} "
            f"toewijzing(en), meer dan het gedeelde plafond van {fmt_hours(c.cap)} uur voor "
            f"{start.isoformat()} t/m {end.isoformat()}: {fmt_hours(c.total - c.cap)} uur erboven."
        )


@_rule(
    "NIJM-BT-005", severity="info",
    melding="De uren zijn niet te beoordelen (Budget, een Eenheid anders dan 01/04/16, of Frequentie 6 zonder Einddatum).",
    benodigd=(),
    uitleg=(
        "Om uren te vergelijken moet de Omvang in uren om te rekenen zijn: Eenheid 01 (minuut), 04 (uur) of "
        "16 (dagdeel, 4 uur), met Frequentie per dag, per week, per maand of totaal. Een toewijzing met Budget, "
        "een andere eenheid, of Frequentie 6 (totaal) zonder Einddatum krijgt deze informatieve melding; de "
        "uren worden dan niet geraden en tellen niet mee in het plafond van Volwassenen."
    ),
    **_NIJM,
)
def nijm_bt_005(ctx: NijmegenContext) -> Iterator[str]:
    if ctx.not_evaluable:
        yield f"Uren niet te beoordelen: {ctx.not_evaluable}."

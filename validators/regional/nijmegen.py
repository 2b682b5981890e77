"""Nijmegen Buurtteams: scope, the acceptance match, hours against the standard, the Volwassenen cap.

The evaluator keeps state across products: the running total per Volwassenen case depends on the
order in which allocations arrive, so one evaluator must see the messages in the order given.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from berichten.validators.regional.config import Product, RegionConfig
from berichten.validators.regional.facts import Acceptatie, Facts
from berichten.validators.regional.hours import (
    NotEvaluable, allocated_hours, fmt_hours, fmt_months, months_in_period, standard_hours, yearly_rate,
)
from berichten.validators.regional.outcome import DELETED, Outcome
from berichten.validators.regional.product import ProductView
from berichten.validators.regional.rules import REGIONAL_REGISTRY, Cap, Hours, NijmegenContext

_NO_DATA = (
    "Acceptatieregister niet geconfigureerd: NIJM-BT-001, 002 en 004 zijn niet beoordeeld "
    "(geef --acceptaties CSV of --db URL)."
)


class _Share:
    __slots__ = ("start", "end", "hours")  # a plain class: a dataclass costs about 1 ms at every start

    def __init__(self, start: date, end: date | None, hours: Hours) -> None:
        self.start, self.end, self.hours = start, end, hours


def _key(p: ProductView) -> tuple[str, str, int | None]:
    """The identity of an allocation (domain guide 3.1): a new version replaces the old one."""
    return (p.afzender, p.standaard, p.toewijzingnummer)


class CaseTotals:
    """Running hours per shared-cap case, keyed by allocation so a new version replaces the old one."""

    def __init__(self, cap_per_year: int) -> None:
        self.cap_per_year = cap_per_year
        self._cases: dict[str, dict[tuple[str, str, int | None], _Share]] = {}

    def remove(self, key: tuple[str, str, int | None]) -> None:
        for case in self._cases.values():
            case.pop(key, None)

    def add(self, casus: str, key: tuple[str, str, int | None], share: _Share) -> Cap:
        case = self._cases.setdefault(casus, {})
        case.pop(key, None)
        case[key] = share
        shares = list(case.values())
        if any(s.end is None for s in shares):
            # Open-ended allocations have only a rate: compare yearly rates with the yearly cap.
            total = sum((s.hours.allocated if s.hours.basis == "jaar" else s.hours.allocated * 12 / s.hours.months
                         for s in shares if s.hours.basis == "jaar" or s.hours.months), Fraction(0))
            return Cap(casus, total, Fraction(self.cap_per_year), "jaar", None, len(shares))
        start = min(s.start for s in shares)
        end = max(s.end for s in shares if s.end is not None)
        total = sum((s.hours.allocated for s in shares), Fraction(0))
        return Cap(casus, total, standard_hours(self.cap_per_year, start, end), "periode", (start, end), len(shares))


class NijmegenEvaluator:
    def __init__(self, config: RegionConfig, facts: Facts) -> None:
        self.config = config
        self.facts = facts
        self.rules = REGIONAL_REGISTRY.for_regio("nijmegen")
        self.totals: dict[str, CaseTotals] = {}

    def scope(self, p: ProductView) -> tuple[str | None, Product | None]:
        if p.afzender not in self.config.regio.gemeenten:
            return f"Afzender {p.afzender} is niet de gemeente van {self.config.regio.naam}", None
        product = self.config.product(p.code)
        if product is None:
            wat = f"product {p.code}" if p.code else f"categorie {p.categorie or '-'} zonder productcode"
            return f"{wat} valt niet onder het convenant (alleen individuele begeleiding: " + \
                ", ".join(x.code for x in self.config.producten) + ")", None
        aanbieder = self.config.aanbieder(p.ontvanger)
        if aanbieder is None:
            return f"Ontvanger {p.ontvanger} staat niet in het aanbiedersregister als gecontracteerde aanbieder", None
        if aanbieder.contract != "gecontracteerd":
            return f"Ontvanger {p.ontvanger} ({aanbieder.naam}) heeft contract '{aanbieder.contract}', geen contract onder het convenant", None
        return None, product

    def evaluate(self, p: ProductView) -> Outcome:
        if p.deleted:
            for totals in self.totals.values():
                totals.remove(_key(p))
            return Outcome(niet_van_toepassing=DELETED)
        reason, product = self.scope(p)
        if reason or product is None:
            return Outcome(niet_van_toepassing=reason)
        configured = self.facts.acceptaties is not None
        client = self.facts.client(p.bsn)
        same = [a for a in self.facts.acceptaties or [] if a.client == client and a.product == p.code]
        rows = [a for a in same if a.aanbieder == p.ontvanger]
        others = [a.aanbieder for a in same if a.aanbieder != p.ontvanger]
        hours, not_evaluable = self._hours(p, product)
        ctx = NijmegenContext(
            product=p, config=self.config, product_cfg=product, acceptaties_configured=configured, rows=rows,
            other_providers=others, hours=hours, not_evaluable=not_evaluable,
        )
        row = self._row(p, rows)
        team = self.config.buurtteam(row.buurtteam) if row else None
        if team is not None and not team.stapelen and product.standaard == "iwmo" and hours is not None and p.ingangsdatum:
            totals = self.totals.setdefault(row.casus, CaseTotals(team.plafond_uren_per_jaar or 0))  # type: ignore[union-attr]
            ctx.cap = totals.add(row.casus, _key(p), _Share(p.ingangsdatum, p.einddatum, hours))  # type: ignore[union-attr]
        findings = [f for rule in self.rules for f in rule.findings(ctx)]
        if not configured:
            findings.insert(0, REGIONAL_REGISTRY.get("NIJM-BT-001").finding(_NO_DATA, p.locatie, severity="info"))
        outcome = Outcome(findings=findings)
        if row is not None:
            naam = team.naam if team else row.buurtteam
            outcome.toelichting.append(
                f"acceptatie {row.acceptatiedatum.isoformat()} door {p.ontvanger}, {naam}, casus {row.casus} ({row.bron})"
            )
        if hours is not None:
            outcome.uren = {"toegewezen": fmt_hours(hours.allocated), "standaard": fmt_hours(hours.standard), "basis": hours.basis}
            if hours.basis == "jaar":
                outcome.toelichting.append(
                    f"uren per jaar (geen Einddatum): toegewezen {fmt_hours(hours.allocated)}, standaard {fmt_hours(hours.standard)}"
                )
            else:
                outcome.toelichting.append(
                    f"uren: toegewezen {fmt_hours(hours.allocated)}, standaard {fmt_hours(hours.standard)} "
                    f"({product.uren_per_jaar} per jaar x {fmt_months(hours.months or Fraction(0))} maanden / 12)"
                )
        if ctx.cap is not None:
            outcome.toelichting.append(
                f"casus {ctx.cap.casus}: samen {fmt_hours(ctx.cap.total)} van {fmt_hours(ctx.cap.cap)} uur"
                + (" per jaar" if ctx.cap.basis == "jaar" else "")
                + f" ({ctx.cap.allocations} toewijzing(en))"
            )
        return outcome

    @staticmethod
    def _row(p: ProductView, rows: list[Acceptatie]) -> Acceptatie | None:
        """The acceptance row the allocation belongs to: the one on its Ingangsdatum, else the nearest."""
        if not rows:
            return None
        exact = [r for r in rows if r.acceptatiedatum == p.ingangsdatum]
        if exact or p.ingangsdatum is None:
            return (exact or rows)[0]
        return min(rows, key=lambda r: abs((r.acceptatiedatum - p.ingangsdatum).days))  # type: ignore[operator]

    @staticmethod
    def _hours(p: ProductView, product: Product) -> tuple[Hours | None, str | None]:
        if p.ingangsdatum is None:
            return None, "de toewijzing heeft geen Ingangsdatum"
        try:
            if p.einddatum is None:
                return Hours(yearly_rate(p.omvang), Fraction(product.uren_per_jaar), "jaar"), None
            months = months_in_period(p.ingangsdatum, p.einddatum)
            return Hours(
                allocated_hours(p.omvang, p.ingangsdatum, p.einddatum),
                standard_hours(product.uren_per_jaar, p.ingangsdatum, p.einddatum),
                "periode", months,
            ), None
        except NotEvaluable as exc:
            return None, exc.reason

"""GRJR flex-aanbieders: scope, matching an allocation to its aanmelding, running the rules."""

from __future__ import annotations

from berichten.validators.regional.config import RegionConfig
from berichten.validators.regional.facts import Aanmelding, Facts
from berichten.validators.regional.outcome import DELETED, Outcome
from berichten.validators.regional.product import ProductView
from berichten.validators.regional.rules import REGIONAL_REGISTRY, GrjrContext

_NO_DATA = (
    "Aanmeldingen niet geconfigureerd: GRJR-FLEX-001 tot en met 005 zijn niet beoordeeld "
    "(geef --aanmeldingen CSV of --db URL)."
)


class GrjrEvaluator:
    def __init__(self, config: RegionConfig, facts: Facts) -> None:
        self.config = config
        self.facts = facts
        self.rules = REGIONAL_REGISTRY.for_regio("grjr")

    def scope(self, p: ProductView) -> str | None:
        """None when the product is in scope, else why not."""
        if p.standaard != "ijw":
            return "geen iJw-bericht; de GRJR-regels gelden voor jeugdhulp"
        if p.afzender not in self.config.regio.gemeenten:
            return f"Afzender {p.afzender} is geen GRJR-gemeente"
        if not self.config.aanbieders:
            return "geen aanbiedersregister geconfigureerd, dus geen flex-aanbieders bekend"
        aanbieder = self.config.aanbieder(p.ontvanger)
        if aanbieder is None:
            return f"Ontvanger {p.ontvanger} staat niet in het aanbiedersregister"
        if not aanbieder.has_role("flex-aanbieder", p.ingangsdatum):
            rollen = ", ".join(sorted({r.rol for r in aanbieder.rollen if r.holds_on(p.ingangsdatum)})) or "geen rol"
            return f"Ontvanger {p.ontvanger} ({aanbieder.naam}) is op de Ingangsdatum geen flex-aanbieder ({rollen})"
        return None

    def candidates(self, p: ProductView) -> list[Aanmelding]:
        client = self.facts.client(p.bsn)
        rows = [
            a for a in self.facts.aanmeldingen or []
            if a.client == client and a.flex_aanbieder == p.ontvanger
            and (a.toewijzingnummer is None or a.toewijzingnummer == p.toewijzingnummer)
        ]
        exact = [a for a in rows if a.toewijzingnummer is not None]
        return exact or rows

    def evaluate(self, p: ProductView) -> Outcome:
        reason = DELETED if p.deleted else self.scope(p)
        if reason:
            return Outcome(niet_van_toepassing=reason)
        opdracht = self.config.opdracht_for_product(p.code)
        if self.facts.aanmeldingen is None:
            first = REGIONAL_REGISTRY.get("GRJR-FLEX-001")
            return Outcome(findings=[first.finding(_NO_DATA, p.locatie, severity="info")])
        best: tuple[list, Aanmelding | None] | None = None
        for aanmelding in self.candidates(p) or [None]:
            ctx = GrjrContext(product=p, config=self.config, aanmelding=aanmelding)
            findings = [f for rule in self.rules for f in rule.findings(ctx)]
            # An allocation is fine when any of its aanmeldingen supports it; else report the closest.
            if best is None or sum(f.is_error for f in findings) < sum(f.is_error for f in best[0]):
                best = (findings, aanmelding)
        findings, aanmelding = best  # type: ignore[misc]
        outcome = Outcome(findings=findings)
        if aanmelding is not None:
            akkoord = aanmelding.akkoord_contractmanager.isoformat() if aanmelding.akkoord_contractmanager else "geen"
            genoemd = self.config.opdracht(aanmelding.opdracht)
            opdracht_naam = (genoemd.naam if genoemd else aanmelding.opdracht) or (opdracht.naam if opdracht else "onbekend")
            tafel = aanmelding.tafel or (self._tafel(aanmelding.opdracht) or (opdracht.tafel if opdracht else "onbekend"))
            outcome.toelichting.append(
                f"aanmelding casus {aanmelding.casus} ({aanmelding.bron}): opdracht {opdracht_naam}, tafel {tafel}, "
                f"aangeleverd door {aanmelding.aangeleverd_door or '-'}, akkoord contractmanager {akkoord}"
            )
        elif opdracht is not None:
            outcome.toelichting.append(f"opdracht volgens product {p.code}: {opdracht.naam} ({opdracht.tafel})")
        return outcome

    def _tafel(self, opdracht: str) -> str | None:
        found = self.config.opdracht(opdracht)
        return found.tafel if found else None

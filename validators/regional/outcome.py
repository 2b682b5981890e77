"""The verdict on one ToegewezenProduct, and how findings decide it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from berichten.findings import Finding

AKKOORD = "AKKOORD"
MET_WAARSCHUWING = "AKKOORD MET WAARSCHUWING"
NIET_AKKOORD = "NIET AKKOORD"
NIET_VAN_TOEPASSING = "NIET VAN TOEPASSING"
VERDICTS = (AKKOORD, MET_WAARSCHUWING, NIET_AKKOORD, NIET_VAN_TOEPASSING)
DELETED = "verwijderde toewijzing (RedenWijziging 13 of 01 met Einddatum = Ingangsdatum); telt als nooit verzonden"


@dataclass
class Outcome:
    """What a regional evaluator says about one product (before it becomes a verdict)."""

    findings: list[Finding] = field(default_factory=list)
    niet_van_toepassing: str | None = None  # the reason, when out of scope
    toelichting: list[str] = field(default_factory=list)  # what was found, for the reader
    uren: dict[str, str] | None = None  # {"toegewezen": "225.00", "standaard": "225.00", "basis": "periode"}


def verdict_of(findings: list[Finding]) -> str:
    if any(f.severity == "error" for f in findings):
        return NIET_AKKOORD
    if any(f.severity == "warning" for f in findings):
        return MET_WAARSCHUWING
    return AKKOORD


@dataclass
class ProductVerdict:
    file: str
    toewijzingnummer: int | None
    product: str | None  # product code (or category when there is no code)
    verdict: str
    findings: list[Finding] = field(default_factory=list)
    reden: str | None = None  # why NIET VAN TOEPASSING
    toelichting: list[str] = field(default_factory=list)
    uren: dict[str, str] | None = None
    client: str = ""  # masked BSN, for the text output only

    def to_dict(self) -> dict[str, Any]:
        """One line of ``berichten check --format jsonl``: a public contract."""
        return {
            "file": self.file,
            "toewijzingnummer": self.toewijzingnummer,
            "product": self.product,
            "verdict": self.verdict,
            "findings": [f.to_dict() for f in self.findings],
            "reden": self.reden,
            "uren": self.uren,
        }

"""The one shape every finding has, whichever layer produced it.

A finding is a value, not an exception: validation collects them and every door (CLI, inbox,
store, report) renders the same fields. ``to_dict`` is the public JSON contract of
``berichten validate --format jsonl``; change it only on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Niveau = Literal[1, 2, 3, 4, "regionaal"]
Severity = Literal["error", "warning", "info"]

NIVEAUS: tuple[Niveau, ...] = (1, 2, 3, 4, "regionaal")


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    niveau: Niveau
    severity: Severity
    melding: str
    retourcode: str | None = None
    locatie: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "niveau": self.niveau,
            "severity": self.severity,
            "retourcode": self.retourcode,
            "locatie": self.locatie,
            "melding": self.melding,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        return cls(
            code=data["code"],
            niveau=data["niveau"],
            severity=data["severity"],
            melding=data["melding"],
            retourcode=data.get("retourcode"),
            locatie=data.get("locatie"),
        )


def has_errors(findings: list[Finding] | tuple[Finding, ...]) -> bool:
    return any(f.is_error for f in findings)

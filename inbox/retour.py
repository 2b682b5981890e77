"""The retour message for a processed file, through the project's retour builder.

``validators.retour.kan_retour`` decides whether a retour is due (level 1 passed, a heen message
we answer); ``berichten.retour.build_retour`` builds it from the tree and the level 1-3 findings.
The findings are the stored ones, so a redo after a crash writes the same retour.
"""

from __future__ import annotations

from datetime import date

from berichten.findings import Finding
from berichten.validators.pipeline import ValidationResult
from berichten.validators.retour import kan_retour, retour_nummer as answer_number, retour_voor


def retour_nummer(result: ValidationResult) -> str | None:
    """The retour's message number (``302``; ``325`` for a 323) when a retour is due, else None."""
    if not kan_retour(result):
        return None
    return answer_number(result.message)


def build_retour(result: ValidationResult, findings: list[Finding], dagtekening: date) -> bytes | None:
    return retour_voor(result, findings=findings, dagtekening_retour=dagtekening)

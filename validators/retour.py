"""The retour message for a validated heen message: ``ValidationResult`` in, bytes (or None) out.

The XML itself is built by ``berichten.retour``; this module only connects it to the validation
pipeline and supplies defaults for the retour's own identification.

    result = Validator().validate_path("start.xml")
    data = retour_voor(result, dagtekening_retour=date.today())
    if data is None:
        ...  # level 1 failed: the sender gets no retour message
"""

from __future__ import annotations

import hashlib
from datetime import date

from berichten.findings import Finding
from berichten.retour import RETOUR_KLASSEN, XSLT_VERSIE, build_retour, retour_message
from berichten.retour325 import ANTWOORD_OP, build_declaratie_antwoord, is_declaratie
from berichten.release import RETOUR_VAN, MessageType
from berichten.validators.pipeline import ValidationResult


def retour_identificatie(heen: bytes, dagtekening_retour: date) -> str:
    """A 12-character IdentificatieRetour derived from the heen message and the retour date.

    Deterministic, so answering the same file twice on one day gives the same retour.
    """
    digest = hashlib.sha256(heen + dagtekening_retour.isoformat().encode()).hexdigest()
    return "R" + digest[:11].upper()


def retour_nummer(message: MessageType) -> str | None:
    """The number of the answer berichten builds for this message (301 -> 302, 323 -> 325), else None."""
    if message.nummer in ANTWOORD_OP:
        return ANTWOORD_OP[message.nummer]
    nummer = RETOUR_VAN.get(message.nummer)
    return nummer if nummer in RETOUR_KLASSEN else None


def zonder_retourcode(findings: list[Finding]) -> list[Finding]:
    """Level-4 errors of a project check the standard has no retourcode for (BER-L4-AGB, an unknown
    sender): the message is rejected but cannot be answered, so it gets no retour (docs/lijsten.md)."""
    return [f for f in findings if f.is_error and f.niveau == 4 and not f.retourcode]


def kan_retour(result: ValidationResult) -> bool:
    """A retour is due and can be built: level 1 passed and the message is a heen message we answer."""
    message = result.message
    return (
        result.level1_passed
        and result.document.root is not None
        and message is not None
        and retour_nummer(message) is not None
        and not zonder_retourcode(result.findings)
    )


def retour_voor(
    result: ValidationResult,
    *,
    findings: list[Finding] | None = None,
    extra_findings: list[Finding] | None = None,
    identificatie_retour: str | None = None,
    dagtekening_retour: date | None = None,
    xslt_versie: str = XSLT_VERSIE,
    xsd_versie_retour: tuple[str, str] | None = None,
) -> bytes | None:
    """The retour of a validated message, or None when no retour is due: level 1 failed, or a
    level-4 check without a retourcode rejected it (``zonder_retourcode``).

    ``findings`` replaces the validation run's findings (the inbox answers from the stored ones, so
    a redo after a crash writes the same retour); ``extra_findings`` adds findings of later levels
    (3: history, 4: external sources) that were not part of the validation run. A 323 gets its 325
    declaratie-antwoord (``berichten.retour325``). Raises KeyError for a message that gets no retour
    we can build (a retour message itself or a 325).
    """
    if not result.level1_passed or result.document.root is None or result.message is None:
        return None
    # A 323 is answered by the 325 declaratie-antwoord, which is not a copy of its heen message.
    bouw = build_declaratie_antwoord if is_declaratie(result.message) else build_retour
    if bouw is build_retour:
        retour_message(result.message)  # KeyError for messages we do not answer
    dagtekening = dagtekening_retour or date.today()
    gevonden = list(result.findings if findings is None else findings) + list(extra_findings or ())
    if zonder_retourcode(gevonden):
        return None  # rejected without a code the retour could carry: not answered (docs/lijsten.md)
    return bouw(
        result.document.root,
        result.message,
        gevonden,
        identificatie_retour=identificatie_retour or retour_identificatie(result.document.raw, dagtekening),
        dagtekening_retour=dagtekening,
        xslt_versie=xslt_versie,
        xsd_versie_retour=xsd_versie_retour,
    )

"""The regional rules as an optional extra step (``--config region.toml``).

Regional findings never change the folder or the retour (they are not part of the iStandaard,
domain guide section 6.1): they are added to the findings report only. Only the TOML is read;
rules that need external data (aanmeldingen, acceptaties) report that the source is missing.
"""

from __future__ import annotations

import logging
from pathlib import Path

from berichten.findings import Finding
from berichten.validators.pipeline import ValidationResult

log = logging.getLogger(__name__)


class RegionalUnavailable(RuntimeError):
    """``--config`` was given but ``validators.regional`` is not installed or the TOML is wrong."""


class Regional:
    def __init__(self, config_path: str | Path) -> None:
        try:
            from berichten.validators.regional.check import check_result, make_evaluator
            from berichten.validators.regional.config import load_config
            from berichten.validators.regional.facts import Facts, session_pseudonymiser
        except ImportError as exc:
            raise RegionalUnavailable(f"regionale regels niet beschikbaar: {exc}") from None
        from berichten.validators.regional.errors import RegionalInputError

        try:
            config = load_config(config_path)
        except RegionalInputError as exc:
            raise RegionalUnavailable("; ".join(exc.fouten)) from None
        self._check = check_result
        self._evaluator = make_evaluator(config, Facts(session_pseudonymiser()))
        self.region = config.code

    def findings(self, name: str, result: ValidationResult) -> list[Finding]:
        """Regional findings for a message that passed levels 1-3 (empty when out of scope)."""
        try:
            verdicts = self._check(name, result, self._evaluator)
        except Exception as exc:  # a defect in one rule must not block the inbox
            log.warning("regionale regels mislukt", extra={"fields": {"event": "regionaal-fout", "error": type(exc).__name__}})
            return [Finding("INBOX-REGIO", "regionaal", "warning",
                            "De regionale regels konden niet op dit bericht worden toegepast (zie het logboek).")]
        seen: list[Finding] = []
        for verdict in verdicts:
            for f in verdict.findings:
                if f not in seen:
                    seen.append(f)
        return seen

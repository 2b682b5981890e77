"""The one validation path every door uses: bytes -> document -> level-1, level-2 and level-4 findings.

``Validator`` holds what is expensive to make (compiled schemas, the rule registry) and is meant
to be created once and reused for many messages.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from berichten.findings import Finding, has_errors
from berichten.release import MessageType
from berichten.xmlinput import Document, InputPolicy, read_document, read_path
from berichten.validators.engine import REGISTRY, RuleContext, RuleRegistry
from berichten.validators.xsd import SchemaSet


@dataclass
class ValidationResult:
    document: Document
    xsd_valid: bool | None  # None only when the file is not well-formed
    findings: list[Finding]
    # The control levels that ran on this message (3 is added by store.validate, 4 with lists), and
    # the level-4 checks that did not run for lack of a list: never reported as passed.
    niveaus: list[int] = field(default_factory=list)
    niet_gecontroleerd: list[str] = field(default_factory=list)

    @property
    def message(self) -> MessageType | None:
        return self.document.message

    @property
    def well_formed(self) -> bool:
        return self.document.well_formed

    @property
    def ok(self) -> bool:
        """No finding of severity error (warnings do not make a message invalid)."""
        return not has_errors(self.findings)

    @property
    def level1_passed(self) -> bool:
        """The standard's level 1: a retour message is only due when this holds."""
        return bool(self.xsd_valid) and not any(f.is_error and f.niveau == 1 for f in self.findings)

    def to_dict(self, file: str) -> dict[str, Any]:
        """One line of ``berichten validate --format jsonl``: a public contract."""
        ns = self.document.namespace
        return {
            "file": file,
            "standaard": ns.standaard if ns else None,
            "bericht": ns.nummer if ns else None,
            "well_formed": self.well_formed,
            "xsd_valid": self.xsd_valid,
            "findings": [f.to_dict() for f in self.findings],
            "niveaus": sorted(self.niveaus),
        }


class Validator:
    """Validates messages at levels 1 (file + XSD), 2 (rules inside one message) and 4 (external lists).

    ``lists``: the level-4 lists (``validators.level4.Lists``); None means the lists shipped with
    berichten, ``Lists.off()`` switches level 4 off.
    """

    def __init__(
        self,
        schemas: SchemaSet | None = None,
        policy: InputPolicy = InputPolicy(),
        rules: RuleRegistry | None = None,
        run_rules: bool = True,
        lists=None,
    ) -> None:
        self.schemas = schemas or SchemaSet()
        self.policy = policy
        if rules is None:
            import berichten.validators.rules  # noqa: F401  (registers the standard's rules)

            rules = REGISTRY
        self.rules = rules
        self.run_rules = run_rules
        from berichten.validators.level4 import Lists, level4_findings

        self.lists: Lists = Lists.shipped() if lists is None else lists
        self._level4_findings = level4_findings  # an import per message would cost more than TR135

    def validate_bytes(self, data: bytes) -> ValidationResult:
        return self.validate_document(read_document(data, self.policy))

    def validate_path(self, path: str | os.PathLike[str], *, keep_raw: bool = True) -> ValidationResult:
        """Raises OSError when the path cannot be read.

        ``keep_raw=False``: the result's ``document.raw`` is empty, so the file's bytes are freed
        once parsed instead of being held beside the tree while the rules run (for a caller that
        only reports findings, such as ``berichten validate``; a retour or the store needs them).
        """
        doc = read_path(path, self.policy)
        if not keep_raw:
            doc.raw = b""
        return self.validate_document(doc)

    def validate_document(self, doc: Document) -> ValidationResult:
        findings = list(doc.findings)
        if doc.root is None:
            return ValidationResult(doc, None, findings, [1])
        message = doc.message
        if message is None:
            return ValidationResult(doc, False, findings, [1])
        xsd_findings = self.schemas.validate(doc.root, message)
        findings += xsd_findings
        xsd_valid = not xsd_findings
        niveaus = [1]
        ctx = None
        if xsd_valid and self.run_rules and not doc.has_entities:
            # Our own context, so level 4 can read what the level-2 rules already took from the tree.
            ctx = RuleContext(doc.root, message)
            findings += self.rules.run(doc.root, message, ctx=ctx)
            niveaus.append(2)
        result = ValidationResult(doc, xsd_valid, findings, niveaus)
        # Levels 1 and 2 passed: the XSD held (ctx is made only then) and no finding is an error
        # (which covers level1_passed); most messages have no finding at all.
        if ctx is not None and self.lists.enabled and (not findings or not has_errors(findings)):
            self._level4(result, ctx)
        return result

    def _level4(self, result: ValidationResult, level2: RuleContext) -> None:
        """Level 4 after levels 1 and 2 passed, as in the standard (a rejected message is not looked up)."""
        message = result.document.message
        found = self._level4_findings(result.document.root, message, self.lists, shared=level2)
        if found is None:  # retour messages: level 4 has nothing to check
            return
        result.findings += found
        result.niveaus.append(4)
        result.niet_gecontroleerd = self.lists.niet_gecontroleerd(message.standaard, message.nummer)

"""Validation at levels 1-3: the ``Validator`` for levels 1-2, then the level-3 rules against the store.

Used by the importer (which then stores the message) and by ``berichten validate --db URL``
(which only reports). Level 3 runs only when levels 1 and 2 passed, as in the standard, where a
message rejected at an earlier level is never compared with earlier messages.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from berichten.findings import Finding
from berichten.store.config import Pseudonymiser
from berichten.store.db import make_engine
from berichten.store.history import StoreHistory
from berichten.validators.history import Facts, run_history, run_history_facts
from berichten.validators.pipeline import ValidationResult, Validator


@dataclass(frozen=True)
class Verdict:
    """Per control level: True passed, False failed, None not evaluated."""

    niveau1: bool
    niveau2: bool | None
    niveau3: bool | None
    niveau4: bool | None

    @property
    def accepted(self) -> bool:
        return all(v is not False for v in (self.niveau1, self.niveau2, self.niveau3, self.niveau4))


def _errors_at(findings: list[Finding], niveau: int) -> bool:
    return any(f.is_error and f.niveau == niveau for f in findings)


def verdict(result: ValidationResult) -> Verdict:
    f = result.findings
    n1 = result.level1_passed and not _errors_at(f, 1)
    n2 = (not _errors_at(f, 2)) if n1 else None
    n3 = (not _errors_at(f, 3)) if n2 else None
    n4 = False if _errors_at(f, 4) else (True if 4 in result.niveaus else None)
    return Verdict(n1, n2, n3, n4)


def add_history_findings(
    result: ValidationResult, history: StoreHistory, sha256: str | None = None, facts: Facts | None = None,
) -> ValidationResult:
    """Append the level-3 findings when levels 1 and 2 passed (changes and returns ``result``).

    ``facts``: what level 3 reads of the message, read by a worker (``read_facts``); the result then
    needs no tree."""
    message = result.document.message
    if message is None or (result.document.root is None and facts is None) or not result.level1_passed:
        return result
    if _errors_at(result.findings, 2):
        return result
    if facts is not None:
        result.findings.extend(run_history_facts(facts, message, history, sha256, result.document.header))
    else:
        result.findings.extend(run_history(result.document.root, message, history, sha256, result.document.header))
    result.niveaus.append(3)
    return result


class HistoryValidator:
    """Validate messages at levels 1-3 against a database without storing them.

    Use as a context manager: ``with HistoryValidator(url) as v: v.validate_bytes(data)``.
    """

    def __init__(self, url: str | None = None, validator: Validator | None = None, pseudonym_key: str | None = None) -> None:
        self.engine = make_engine(url)
        self.validator = validator or Validator()
        self.connection = self.engine.connect()
        self.history = StoreHistory(self.connection, Pseudonymiser(pseudonym_key, url=url))

    def validate_bytes(self, data: bytes) -> ValidationResult:
        sha = hashlib.sha256(data).hexdigest()
        return add_history_findings(self.validator.validate_bytes(data), self.history, sha)

    def validate_path(self, path, *, keep_raw: bool = True) -> ValidationResult:
        """Raises OSError when the path cannot be read (the size limit applies before reading).

        ``keep_raw=False`` (``Validator.validate_path``): the bytes are dropped once their SHA-256
        (which TR056 needs) is known."""
        result = self.validator.validate_path(path)
        sha = hashlib.sha256(result.document.raw).hexdigest()
        if not keep_raw:
            result.document.raw = b""
        return add_history_findings(result, self.history, sha)

    def close(self) -> None:
        self.connection.rollback()  # nothing is written; end the read transaction
        self.connection.close()
        self.engine.dispose()

    def __enter__(self) -> HistoryValidator:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

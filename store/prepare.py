"""The work of one message in a worker of ``import --jobs``: validate it and read what the importer needs.

A worker is forked before the store's modules (SQLAlchemy, SQLModel, the models) are loaded, so
that it validates while the importer's process is still starting: nothing here may import them
(``tests/test_import_workers.py`` checks it). The rows therefore name their table
(``store.rows``) and carry the Bsn; the importer's process gives them their ``Table`` and
pseudonymises them (``Prepared.rows``), so a worker needs no key either.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from berichten.findings import Finding
from berichten.header import Header
from berichten.release import NamespaceMatch
from berichten.store.rows import extract_rows
from berichten.texts import child_texts
from berichten.validators.history import Facts, read_facts
from berichten.validators.pipeline import ValidationResult, Validator
from berichten.xmlinput import Document

if TYPE_CHECKING:
    from berichten.store.extract import Record

Pseudonym = Callable[[str | None], str | None]
# A worker runs at this much lower priority (nice) than the importer's process: the importer is the
# longest chain of the run (its start-up, level 3 and the writes, in order) and the workers are
# ahead of it, so on two cores it should keep a core to itself rather than share one with a worker.
WORKER_NICE = 3


@dataclass(slots=True)
class Prepared:
    """What a worker found and read in one message: a ``ValidationResult`` without the tree, the
    header, and for a message that level 3 will see what level 3 reads (``Facts``) and, when it
    passed levels 1-2, its business rows (by table name, the Bsn in ``client``). The importer's
    process parses nothing."""

    xsd_valid: bool | None
    findings: list[Finding]
    niveaus: list[int]
    niet_gecontroleerd: list[str]
    namespace: NamespaceMatch | None
    header: Header
    facts: Facts | None
    records: list[tuple[str, dict]] | None

    def result(self, data: bytes) -> ValidationResult:
        """As ``Validator.validate_bytes(data)`` would return it, except for the tree."""
        document = Document(raw=data, namespace=self.namespace)
        document.__dict__["header"] = self.header  # Document.header is a cached_property: the worker read it
        return ValidationResult(document, self.xsd_valid, self.findings, self.niveaus, self.niet_gecontroleerd)

    def rows(self, pseudonym: Pseudonym) -> list[Record] | None:
        """The business rows with their tables and the client pseudonymised (None when the message
        does not reach level 3). In the importer's process, where the store's modules are loaded."""
        if self.records is None:
            return None
        from berichten.store.extract import with_tables

        for _, values in self.records:
            if "client" in values:  # what store.rows' pseudonym argument returned: the Bsn or None
                values["client"] = pseudonym(values["client"])
        return with_tables(self.records)


def _bsn(bsn: str | None) -> str | None:
    """In place of the pseudonym in a worker: the Bsn itself (``Prepared.rows`` pseudonymises it)."""
    return bsn or None


def preparer(validator: Validator, nice: int = 0) -> Callable[[bytes], Prepared]:
    """The work of one message in a worker of ``import --jobs`` (``store.testing`` runs it in the level-3 tables).

    ``nice``: a worker process lowers its priority by this much at its first message (never the
    process that made the preparer, which also runs it when there are no workers)."""
    home = os.getpid()
    started = False

    def prepare(data: bytes) -> Prepared:
        nonlocal started
        if not started:
            started = True
            if nice and os.getpid() != home:
                os.nice(nice)
        result = validator.validate_bytes(data)
        doc = result.document
        records = facts = None
        texts: dict = {}
        if runs_level3(result):
            facts = read_facts(doc.root, doc.message, doc.header, texts)
        if reaches_level3(result):
            records = extract_rows(doc.root, doc.message, _bsn, doc.header, lambda el: texts.get(el) or child_texts(el))
        return Prepared(result.xsd_valid, result.findings, result.niveaus, result.niet_gecontroleerd, doc.namespace,
                        doc.header, facts, records)

    return prepare


def runs_level3(result: ValidationResult) -> bool:
    """What ``add_history_findings`` asks before it runs level 3 (a level-4 error does not stop it)."""
    doc = result.document
    return (doc.message is not None and doc.root is not None and result.level1_passed
            and not any(f.is_error and f.niveau == 2 for f in result.findings))


def reaches_level3(result: ValidationResult) -> bool:
    """Levels 1 and 2 passed: the message will be checked at level 3 and, if that passes, stored."""
    return result.ok and result.document.message is not None and result.document.root is not None

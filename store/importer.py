"""Import messages into the store: validate (levels 1-3), keep the raw bytes, derive business rows.

Idempotent by SHA-256 of the bytes: the same file imported twice is stored once. Every message a
user sent is kept, also when it fails: rejected messages are stored with status ``rejected`` and
their findings, and they add no business rows.

Files are handled in batches of ``batch_size`` files (or about 8 MB): levels 1-2 for the batch,
the business rows of the messages that passed, the level-3 lookups for the whole batch (one query
per kind of lookup, keyed by those rows), level 3 per message (seeing the earlier messages of the
batch as pending rows), then the batch is written (``store/write.py``: COPY on
PostgreSQL, one executemany per table on SQLite) and committed - on PostgreSQL in a thread while
the next batch passes levels 1-2. At most one batch waits to be written, so memory stays flat for
large imports.
"""

from __future__ import annotations

import gc
import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Connection, Table, select

from berichten.store.config import Pseudonymiser, database_url
from berichten.store.db import make_engine
from berichten.store.extract import Record, extract_records
from berichten.store.history import StoreHistory, in_values
from berichten.store.migrate import ensure_head
from berichten.store.models import HEADER_WIDTH, STATUS_REJECTED, STATUS_STORED, Bericht
from berichten.store.pending import PendingHistory
from berichten.store.validate import add_history_findings, verdict
from berichten.files import xml_files
from berichten.store.write import write_berichten, write_rows
from berichten.validators.parallel import MIN_ITEMS_FOR_POOL, OrderedMap
from berichten.validators.pipeline import ValidationResult, Validator
from berichten.findings import Finding
from berichten.header import Header
from berichten.release import NamespaceMatch
from berichten.texts import child_texts
from berichten.xmlinput import Document
from berichten.validators.history import Facts, read_facts

BERICHT = Bericht.__table__
_TABLES = {table.name: table for table in Bericht.metadata.tables.values()}  # a worker's records name their table
_STORED_SHAS = {pg: select(BERICHT.c.sha256).where(in_values(BERICHT.c.sha256, "shas", pg)) for pg in (False, True)}

DEFAULT_BATCH_SIZE = 500
CHUNK_BYTES = 8 * 1024 * 1024  # a batch also ends after this many bytes, so big files do not pile up
Progress = Callable[[int, int | None], None]  # (messages done, total files or None)


@dataclass
class ImportSummary:
    files: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    unreadable: list[str] = field(default_factory=list)
    codes: Counter = field(default_factory=Counter)  # finding code -> count, over all new messages

    @property
    def ok(self) -> bool:
        """Everything new was stored without error findings and every file could be read."""
        return not self.rejected and not self.unreadable

    def to_dict(self) -> dict:
        return {
            "files": self.files,
            "stored": self.stored,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "unreadable": list(self.unreadable),
            "codes": dict(sorted(self.codes.items())),
        }


def iter_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Files as given; folders searched recursively for *.xml, in sorted order (``berichten.files``)."""
    return (Path(name) for name in xml_files(paths))


def _names(paths: list[str | os.PathLike[str]]) -> Iterator[str]:
    """``iter_files`` as strings, without a Path per file found in a folder (already spelt as Path
    spells it); a file given directly is spelt as its Path (the stored ``source``)."""
    given = {os.fspath(p) for p in paths if not os.path.isdir(p)}
    for name in xml_files(paths):
        yield str(Path(name)) if name in given else name


def check_paths(paths: Iterable[str | os.PathLike[str]]) -> None:
    """Raise FileNotFoundError naming every path that does not exist (a usage error)."""
    missing = [str(p) for p in paths if not Path(p).exists()]
    if missing:
        raise FileNotFoundError(", ".join(missing))


def _cut(value: str | None) -> str | None:
    return value[:HEADER_WIDTH] if value else value


@dataclass(frozen=True)
class StoredMessage:
    """What ``Importer.add`` accepted for storing: status, verdict and findings (``id`` after ``flush``)."""

    status: str
    niveau1: bool
    niveau2: bool | None
    niveau3: bool | None
    niveau4: bool | None
    findings: list[dict]


class Importer:
    """Collects validated messages and writes them in batches on an open connection.

    ``add`` checks a message (level 3 against the database plus the messages added since the last
    ``flush``) and keeps it; ``flush`` writes the batch with one executemany per table. The caller
    commits after ``flush``. ``import_paths`` wraps this for files.
    """

    def __init__(self, connection: Connection, validator: Validator, pseudonym: Pseudonymiser) -> None:
        self.connection = connection
        self.validator = validator
        self.pseudonym = pseudonym
        self.history = PendingHistory(StoreHistory(connection, pseudonym))
        self._berichten: list[dict] = []
        self._records: list[tuple[int, Table, dict]] = []  # (index into _berichten, table, row)
        self._shas: set[str] = set()
        self._pg = connection.dialect.name == "postgresql"

    def stored_shas(self, shas: Iterable[str]) -> set[str]:
        """Which of these SHA-256 values are already in the database or in the current batch."""
        shas = list(shas)
        found = {s for s in shas if s in self._shas}
        for i in range(0, len(shas), 500):  # stay far below the bound-parameter limits
            found.update(self.connection.execute(_STORED_SHAS[self._pg], {"shas": shas[i : i + 500]}).scalars())
        return found

    def add(
        self, result: ValidationResult, source: str | None, summary: ImportSummary, sha256: str | None = None,
        known: bool | None = None, records: list[Record] | None = None, facts: Facts | None = None,
    ) -> StoredMessage | None:
        """Check and keep one validated message; None when exactly these bytes are already stored.

        ``known``: whether the caller already found ``sha256`` stored (saves a query per message);
        ``records``: ``self.records(result)`` when the caller already made them (used only when stored);
        ``facts``: what level 3 reads, when a worker read it (then ``result`` has no tree).
        """
        raw = result.document.raw
        sha = sha256 or hashlib.sha256(raw).hexdigest()
        if known is None:
            known = bool(self.stored_shas([sha]))
        if known or sha in self._shas:
            summary.duplicates += 1
            return None
        add_history_findings(result, self.history, sha, facts)
        v = verdict(result)
        doc = result.document
        head = doc.header
        ns = doc.namespace
        status = STATUS_STORED if result.ok else STATUS_REJECTED
        findings = [f.to_dict() for f in result.findings]
        row = dict(
            sha256=sha,
            raw=raw,
            size=len(raw),
            standaard=ns.standaard if ns else None,
            release=ns.release if ns else None,
            nummer=ns.nummer if ns else None,
            berichtcode=_cut(head.berichtcode),
            afzender=_cut(head.afzender),
            ontvanger=_cut(head.ontvanger),
            identificatie=_cut(head.identificatie),
            dagtekening=head.dagtekening,
            received_at=datetime.now(timezone.utc),
            source=source[-1024:] if source else None,
            status=status,
            niveau1=v.niveau1,
            niveau2=v.niveau2,
            niveau3=v.niveau3,
            niveau4=v.niveau4,
            findings=findings,
        )
        index = len(self._berichten)
        self._berichten.append(row)
        self._shas.add(sha)
        self.history.add_bericht(row)
        if status == STATUS_STORED:
            if records is None and doc.message is not None and doc.root is not None:
                records = self.records(result)
            if records is not None:
                self._records.extend((index, table, values) for table, values in records)
                self.history.add_records(records)
        summary.codes.update(f.code for f in result.findings)
        if status == STATUS_STORED:
            summary.stored += 1
        else:
            summary.rejected += 1
        return StoredMessage(status, v.niveau1, v.niveau2, v.niveau3, v.niveau4, findings)

    def prepare(
        self, results: list[ValidationResult | None], records: list[list[Record] | None] | None = None,
    ) -> list[list[Record] | None]:
        """Before ``add``-ing a batch: the rows of each message that reaches level 3 (None for the
        others), and the level-3 lookups of all of them fetched from the database at once.

        ``records``: those rows when the workers already made them (``--jobs``)."""
        if records is None:
            records = [self.records(r) if r is not None and _reaches_level3(r) else None for r in results]
        self.history.prefetch(_identificaties(results, records), (r for rows in records if rows for r in rows))
        return records

    def records(self, result: ValidationResult) -> list[Record]:
        """The business rows of a message that passed levels 1-2 (stored only if level 3 passes too)."""
        doc = result.document
        return extract_records(doc.root, doc.message, self.pseudonym, doc.header)

    def flush(self) -> list[int]:
        """Write the batch (the caller commits); returns the new ``bericht`` ids in order of ``add``."""
        if not self._berichten:
            return []
        ids = write_berichten(self.connection, self._berichten)
        by_table: dict[Table, list[dict]] = {}
        for index, table, values in self._records:
            values["bericht_id"] = ids[index]
            by_table.setdefault(table, []).append(values)
        for table, rows in by_table.items():
            write_rows(self.connection, table, rows)
        self._berichten, self._records, self._shas = [], [], set()
        self.history.reset()
        return ids


def import_paths(
    paths: Iterable[str | os.PathLike[str]],
    url: str | None = None,
    *,
    validator: Validator | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress | None = None,
    pseudonym_key: str | None = None,
    migrate: bool = True,
    jobs: int = 1,
) -> ImportSummary:
    """Import files and folders (*.xml) into the database at ``url`` (created or upgraded first).

    ``jobs``: levels 1, 2 and 4 and the business rows on that many worker processes, one batch ahead
    of this process (``_import_batches``); level 3 and the writes stay here, in input order. Raises
    FileNotFoundError before importing anything when a path does not exist.
    """
    paths = list(paths)
    check_paths(paths)
    url = database_url(url)
    if migrate:
        ensure_head(url)  # one query when the store is at head (no Alembic)
    validator = validator or Validator()
    names = list(_names(paths)) if progress or jobs > 1 else None  # listed once
    total = len(names) if names is not None else None
    if total is not None and total < MIN_ITEMS_FOR_POOL:
        jobs = 1  # a few files: no workers to start
    total = total if progress else None
    summary = ImportSummary()
    pseudonym = Pseudonymiser(pseudonym_key, url=url)  # before the fork: the workers pseudonymise the rows
    # The workers are forked before the engine connects and the writer thread starts.
    pool: OrderedMap[bytes, Prepared] = OrderedMap(_preparer(validator, pseudonym), jobs)
    engine = make_engine(url)
    try:
        with pool, engine.connect() as connection, ThreadPoolExecutor(max_workers=1) as writer:
            importer = Importer(connection, validator, pseudonym)
            batches = _chunks(_names(paths) if names is None else names, batch_size, summary)
            run = _import_batches if pool.jobs > 1 else _import_in_turn
            # What lives now (modules, schemas, lists, the engine) lives until the end: the collector's
            # full passes skip it (on the demo year 70 ms of the batches' 750 ms CPU, then 16 ms; docs/speed.md).
            gc.freeze()
            try:
                run(batches, importer, pool, writer, summary, progress, total)
                _write(importer, connection)
            finally:
                gc.unfreeze()
    finally:
        engine.dispose()
    return summary


Batches = Iterator[list[tuple[str, bytes]]]


def _import_in_turn(
    batches: Batches, importer: Importer, pool: OrderedMap, writer: ThreadPoolExecutor, summary: ImportSummary,
    progress: Progress | None, total: int | None,
) -> None:
    """One process: each batch passes levels 1-2 while the previous one is written (PostgreSQL)."""
    connection = importer.connection
    overlap = connection.dialect.name == "postgresql"
    validator = importer.validator
    for chunk in batches:
        shas = [hashlib.sha256(data).hexdigest() for _, data in chunk]
        known = importer.stored_shas(shas)  # also the previous batch, not written yet
        # PostgreSQL: the previous batch is written and committed in a thread while this one
        # passes levels 1-2 (no database needed), so the server works on the other core while
        # we validate. SQLite writes in this thread (its connections stay in one thread).
        written = writer.submit(_write, importer, connection) if overlap else _write(importer, connection)
        try:
            results = [None if sha in known else validator.validate_bytes(data) for (_, data), sha in zip(chunk, shas)]
        finally:
            if written is not None:
                written.result()  # the connection is ours again (re-raises what the writer raised)
        _add_batch(importer, chunk, shas, results, importer.prepare(results), summary, progress, total)


@dataclass
class _Batch:
    chunk: list[tuple[str, bytes]]
    shas: list[str]
    known: set[str]  # stored already, or in the batch before this one
    prepared: Iterator[Prepared]  # from the workers, for the files whose sha is not in ``known``


def _import_batches(
    batches: Batches, importer: Importer, pool: OrderedMap, writer: ThreadPoolExecutor, summary: ImportSummary,
    progress: Progress | None, total: int | None,
) -> None:
    """Workers: a batch goes to them as soon as it is read, so they validate it (levels 1, 2, 4)
    and make its rows while this process does level 3 and the writes of the batch before.

    A file counts as known when its bytes are stored or in that batch before (whose messages are
    all added before this batch), so the second import validates nothing, as with one process."""
    connection = importer.connection
    overlap = connection.dialect.name == "postgresql"
    previous: _Batch | None = None
    written = None
    for chunk in batches:
        shas = [hashlib.sha256(data).hexdigest() for _, data in chunk]
        if written is not None:
            written.result()  # the connection is ours again (re-raises what the writer raised)
            written = None
        known = importer.stored_shas(shas)
        if previous is not None:
            known.update(set(previous.shas).intersection(shas).difference(previous.known))
        todo = [data for (_, data), sha in zip(chunk, shas) if sha not in known]
        current = _Batch(chunk, shas, known, pool.submit_all(todo))
        if previous is not None:
            _finish(previous, importer, summary, progress, total)
            # PostgreSQL: written and committed in a thread while the next batch is read.
            written = writer.submit(_write, importer, connection) if overlap else _write(importer, connection)
        previous = current
    if written is not None:
        written.result()
    if previous is not None:
        _finish(previous, importer, summary, progress, total)


def _finish(batch: _Batch, importer: Importer, summary: ImportSummary, progress: Progress | None, total: int | None) -> None:
    """Level 3 and ``add`` for a batch whose messages the workers checked (nothing is parsed here)."""
    results: list[ValidationResult | None] = []
    records: list[list[Record] | None] = []
    facts: list[Facts | None] = []
    for (_, data), sha in zip(batch.chunk, batch.shas):
        if sha in batch.known:
            results.append(None)
            records.append(None)
            facts.append(None)
        else:
            p = next(batch.prepared)
            results.append(p.result(data))
            records.append(p.rows())
            facts.append(p.facts)
    records = importer.prepare(results, records)
    _add_batch(importer, batch.chunk, batch.shas, results, records, summary, progress, total, facts)


def _add_batch(
    importer: Importer, chunk: list[tuple[str, bytes]], shas: list[str], results: list[ValidationResult | None],
    records: list[list[Record] | None], summary: ImportSummary, progress: Progress | None, total: int | None,
    facts: list[Facts | None] | None = None,
) -> None:
    """Level 3 message by message (the lookups were fetched for the whole batch) and keep each one."""
    for i, ((path, _), sha, result, rows) in enumerate(zip(chunk, shas, results, records)):
        summary.files += 1
        if result is None:  # the same bytes again: not validated again
            summary.duplicates += 1
        else:
            importer.add(result, path, summary, sha256=sha, known=False, records=rows,
                         facts=None if facts is None else facts[i])
        if progress:
            progress(summary.files, total)


# ------------------------------------------------------------------------------- in a worker (--jobs)


@dataclass(slots=True)
class Prepared:
    """What a worker found and read in one message: a ``ValidationResult`` without the tree, the
    header, and for a message that level 3 will see what level 3 reads (``Facts``) and, when it
    passed levels 1-2, its business rows (by table name). The importer's process parses nothing."""

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

    def rows(self) -> list[Record] | None:
        """The business rows with their tables (None when the message does not reach level 3)."""
        return None if self.records is None else [(_TABLES[name], values) for name, values in self.records]


def _preparer(validator: Validator, pseudonym: Pseudonymiser) -> Callable[[bytes], Prepared]:
    """The work of one message in a worker of ``import --jobs`` (``store.testing`` runs it in the level-3 tables)."""

    def prepare(data: bytes) -> Prepared:
        result = validator.validate_bytes(data)
        doc = result.document
        records = facts = None
        texts: dict = {}
        if _runs_level3(result):
            facts = read_facts(doc.root, doc.message, doc.header, texts)
        if _reaches_level3(result):
            rows = extract_records(doc.root, doc.message, pseudonym, doc.header, lambda el: texts.get(el) or child_texts(el))
            records = [(table.name, values) for table, values in rows]
        return Prepared(result.xsd_valid, result.findings, result.niveaus, result.niet_gecontroleerd, doc.namespace,
                        doc.header, facts, records)

    return prepare


def _write(importer: Importer, connection: Connection) -> None:
    importer.flush()
    connection.commit()


def _runs_level3(result: ValidationResult) -> bool:
    """What ``add_history_findings`` asks before it runs level 3 (a level-4 error does not stop it)."""
    doc = result.document
    return (doc.message is not None and doc.root is not None and result.level1_passed
            and not any(f.is_error and f.niveau == 2 for f in result.findings))


def _reaches_level3(result: ValidationResult) -> bool:
    """Levels 1 and 2 passed: the message will be checked at level 3 and, if that passes, stored."""
    return result.ok and result.document.message is not None and result.document.root is not None


def _identificaties(results: list[ValidationResult | None], records: list[list[Record] | None]) -> set[tuple]:
    """(standaard, afzender, berichtcode, identificatie) of the messages that reach level 3 (TR056)."""
    keys: set[tuple] = set()
    for result, rows in zip(results, records):
        if result is not None and rows is not None:
            head = result.document.header
            keys.add((result.document.message.standaard, head.afzender, head.berichtcode, head.identificatie))
    return keys


def _chunks(files: Iterable[str], batch_size: int, summary: ImportSummary) -> Iterator[list[tuple[str, bytes]]]:
    """Files read in batches of at most ``batch_size`` files or about CHUNK_BYTES bytes."""
    chunk: list[tuple[str, bytes]] = []
    size = 0
    for name in files:
        try:
            # Whole files (not read_path): a file over the size limit is still stored, rejected.
            with open(name, "rb") as f:
                data = f.read()
        except OSError:
            summary.unreadable.append(name)
            continue
        chunk.append((name, data))
        size += len(data)
        if len(chunk) >= batch_size or size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk

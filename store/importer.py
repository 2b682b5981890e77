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

``import_paths`` (``store.feed``) reads the files and forks the workers of ``--jobs`` before this
module loads, so they validate the first batches while this process starts; ``import_batches``
is the rest of the import.
"""

from __future__ import annotations

import gc
import hashlib
from collections import deque
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Connection, Table, select

from berichten.store.config import Pseudonymiser
from berichten.store.db import make_engine
from berichten.store.extract import Record, extract_records
from berichten.store.feed import (  # noqa: F401 (the import's entry point and its summary, re-exported)
    CHUNK_BYTES, DEFAULT_BATCH_SIZE, Batch, Batches, ImportSummary, Progress, check_paths, import_paths, iter_files, send,
)
from berichten.store.history import StoreHistory, in_values
from berichten.store.migrate import ensure_head
from berichten.store.tables import BERICHT, HEADER_WIDTH, STATUS_REJECTED, STATUS_STORED  # Core, no SQLModel
from berichten.store.pending import PendingHistory
from berichten.store.prepare import Prepared, reaches_level3
from berichten.store.validate import add_history_findings, verdict
from berichten.store.write import write_berichten, write_rows
from berichten.validators.parallel import OrderedMap
from berichten.validators.pipeline import ValidationResult, Validator
from berichten.validators.history import Facts

_STORED_SHAS = {pg: select(BERICHT.c.sha256).where(in_values(BERICHT.c.sha256, "shas", pg)) for pg in (False, True)}

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
            records = [self.records(r) if r is not None and reaches_level3(r) else None for r in results]
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


def import_batches(
    url: str, batches: Batches, sent: list[Batch], pool: OrderedMap[bytes, Prepared], validator: Validator,
    summary: ImportSummary, progress: Progress | None, total: int | None, pseudonym_key: str | None = None,
    migrate: bool = True,
) -> None:
    """The store's part of ``import_paths`` (``store.feed``), once its workers are forked and ``sent``
    the first batches: the schema check, then the batches in order, in ``summary``."""
    if migrate:
        ensure_head(url)  # one query when the store is at head (no Alembic)
    pseudonym = Pseudonymiser(pseudonym_key, url=url)  # here: the workers send the Bsn (store.prepare)
    # The workers were forked before the engine connects and the writer thread starts.
    engine = make_engine(url)
    try:
        with engine.connect() as connection, ThreadPoolExecutor(max_workers=1) as writer:
            importer = Importer(connection, validator, pseudonym)
            # What lives now (modules, schemas, lists, the engine) lives until the end: the collector's
            # full passes skip it (on the demo year 70 ms of the batches' 750 ms CPU, then 16 ms; docs/speed.md).
            gc.freeze()
            try:
                if pool.jobs > 1:
                    _import_batches(batches, sent, importer, pool, writer, summary, progress, total)
                else:
                    _import_in_turn(batches, importer, writer, summary, progress, total)
                _write(importer, connection)
            finally:
                gc.unfreeze()
    finally:
        engine.dispose()


def _import_in_turn(
    batches: Batches, importer: Importer, writer: ThreadPoolExecutor, summary: ImportSummary,
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


def _import_batches(
    batches: Batches, sent: list[Batch], importer: Importer, pool: OrderedMap, writer: ThreadPoolExecutor,
    summary: ImportSummary, progress: Progress | None, total: int | None,
) -> None:
    """Workers: a batch goes to them as soon as it is read, so they validate it (levels 1, 2, 4)
    and make its rows while this process does level 3 and the writes of the batches before.

    ``sent``: the batches the workers got whole before the store was open; which of their files are
    known is asked now, and the workers' results for those are dropped. A file counts as known when
    its bytes are stored or in a batch in flight before it (whose messages are all added before
    this batch), so the second import stores nothing, as with one process."""
    connection = importer.connection
    overlap = connection.dialect.name == "postgresql"
    flight: deque[Batch] = deque()
    for batch in sent:
        batch.known = _known(importer, batch.shas, flight)
        flight.append(batch)
    written = None
    for chunk in batches:
        shas = [hashlib.sha256(data).hexdigest() for _, data in chunk]
        if written is not None:
            written.result()  # the connection is ours again (re-raises what the writer raised)
            written = None
        flight.append(send(chunk, pool, _known(importer, shas, flight)))
        _finish(flight.popleft(), importer, summary, progress, total)
        # PostgreSQL: written and committed in a thread while the next batch is read.
        written = writer.submit(_write, importer, connection) if overlap else _write(importer, connection)
    while flight:
        if written is not None:
            written.result()
            written = None
        _finish(flight.popleft(), importer, summary, progress, total)
        if flight:
            written = writer.submit(_write, importer, connection) if overlap else _write(importer, connection)
    if written is not None:
        written.result()


def _known(importer: Importer, shas: list[str], flight: Iterable[Batch]) -> set[str]:
    """Of ``shas``: those stored, and those the batches in flight will store."""
    known = importer.stored_shas(shas)
    for batch in flight:
        known.update(batch.new.intersection(shas))
    return known


def _finish(batch: Batch, importer: Importer, summary: ImportSummary, progress: Progress | None, total: int | None) -> None:
    """Level 3 and ``add`` for a batch whose messages the workers checked (nothing is parsed here)."""
    results: list[ValidationResult | None] = []
    records: list[list[Record] | None] = []
    facts: list[Facts | None] = []
    whole = batch.whole
    known = batch.known
    if whole and known.issuperset(batch.shas):  # sent ahead, all known (a second import): not waited for
        close = getattr(batch.prepared, "close", None)
        if close is not None:
            close()
        whole = False
    pseudonym = importer.pseudonym
    for (_, data), sha in zip(batch.chunk, batch.shas):
        p = next(batch.prepared) if whole or sha not in known else None
        if sha in known:  # a batch sent whole: the worker's result for a known file is dropped
            results.append(None)
            records.append(None)
            facts.append(None)
        else:
            results.append(p.result(data))
            records.append(p.rows(pseudonym))
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


def _write(importer: Importer, connection: Connection) -> None:
    importer.flush()
    connection.commit()


def _identificaties(results: list[ValidationResult | None], records: list[list[Record] | None]) -> set[tuple]:
    """(standaard, afzender, berichtcode, identificatie) of the messages that reach level 3 (TR056)."""
    keys: set[tuple] = set()
    for result, rows in zip(results, records):
        if result is not None and rows is not None:
            head = result.document.header
            keys.add((result.document.message.standaard, head.afzender, head.berichtcode, head.identificatie))
    return keys

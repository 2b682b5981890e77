"""``import_paths``: the files of an import read in batches and, with ``--jobs``, handed to the workers
before the store's modules are loaded.

``berichten import`` spends about half a second before it can ask the store anything (SQLAlchemy,
SQLModel's models, the schema check). With workers, this module forks them first and sends them
the first ``HEAD_START`` batches (every file in them: which are stored already cannot be asked yet),
then loads the store (``store.importer``), which drops the results of the files it finds known. So
the workers validate while this process starts. Nothing here imports SQLAlchemy
(``tests/test_import_workers.py``).
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from berichten.files import xml_files
from berichten.store.config import database_url
from berichten.store.prepare import WORKER_NICE, Prepared, preparer
from berichten.validators.parallel import MIN_ITEMS_FOR_POOL, OrderedMap

if TYPE_CHECKING:
    from berichten.validators.pipeline import Validator

DEFAULT_BATCH_SIZE = 500
CHUNK_BYTES = 8 * 1024 * 1024  # a batch also ends after this many bytes, so big files do not pile up
HEAD_START = 3  # batches sent to the workers before the store is open: about what they do meanwhile
Progress = Callable[[int, int | None], None]  # (messages done, total files or None)
Batches = Iterator[list[tuple[str, bytes]]]


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


@dataclass
class Batch:
    """Files read and hashed, handed to the workers. ``known``: the files stored already or in an
    earlier batch, which were not sent; ``whole``: sent with every file before the store could be
    asked (``store.importer`` then sets ``known`` and drops the workers' results for those)."""

    chunk: list[tuple[str, bytes]]
    shas: list[str]
    known: set[str] | None
    prepared: Iterator[Prepared]  # from the workers, for the files sent
    whole: bool = False

    @property
    def new(self) -> set[str]:
        """What this batch will add to the store (every file not known, rejected or not)."""
        return set(self.shas).difference(self.known or ())


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
    of this process (``store.importer``); level 3 and the writes stay here, in input order. Raises
    FileNotFoundError before importing anything when a path does not exist.
    """
    paths = list(paths)
    check_paths(paths)
    url = database_url(url)
    names = list(_names(paths)) if progress or jobs > 1 else None  # listed once
    total = len(names) if names is not None else None
    if total is not None and total < MIN_ITEMS_FOR_POOL:
        jobs = 1  # a few files: no workers to start
    total = total if progress else None
    summary = ImportSummary()
    batches = _chunks(_names(paths) if names is None else names, batch_size, summary)
    if validator is None:
        from berichten.validators.pipeline import Validator

        validator = Validator()
    # Forked now, before SQLAlchemy and the store's modules are loaded, and before any connection
    # or thread exists.
    with OrderedMap(preparer(validator, nice=WORKER_NICE), jobs) as pool:
        sent = [send(chunk, pool, None) for chunk in islice(batches, HEAD_START)] if pool.jobs > 1 else []
        from berichten.store.importer import import_batches

        import_batches(url, batches, sent, pool, validator, summary, progress, total, pseudonym_key, migrate)
    return summary


def send(chunk: list[tuple[str, bytes]], pool: OrderedMap[bytes, Prepared], known: set[str] | None) -> Batch:
    """Hash a batch and hand its files that are not ``known`` to the workers (None: all of them)."""
    shas = [hashlib.sha256(data).hexdigest() for _, data in chunk]
    todo = [data for (_, data), sha in zip(chunk, shas) if known is None or sha not in known]
    return Batch(chunk, shas, known, pool.submit_all(todo), whole=known is None)


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


def _chunks(files: Iterable[str], batch_size: int, summary: ImportSummary) -> Batches:
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

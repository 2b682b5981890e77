"""The business rows of a validated message with their SQLAlchemy ``Table``, as the importer writes them.

The rows themselves come from ``store/rows.py`` (by table name, without SQLAlchemy, so that a worker
of ``import --jobs`` can make them before the store's modules load); this module names their tables.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree
from sqlalchemy import Table

from berichten.header import Header
from berichten.release import MessageType
from berichten.store.rows import GOEDGEKEURD, Pseudonym, Row, extract_rows, prestatie_values  # noqa: F401 (re-exported)
from berichten.store.tables import (  # Core tables: the importer's path loads no SQLModel (store/tables.py)
    ANTWOORD, DECLARATIE, DECLARATIE_ANTWOORD, PRESTATIE, RETOUR, START, STOP, TOEWIJZING, VERZOEK, WIJZIGINGSVERZOEK,
)
from berichten.texts import child_texts

Record = tuple[Table, dict]  # a row for one table, inserted with SQLAlchemy Core (much faster than ORM objects)
TABLES_BY_NAME: dict[str, Table] = {
    t.name: t for t in (TOEWIJZING, START, STOP, VERZOEK, WIJZIGINGSVERZOEK, ANTWOORD, RETOUR, DECLARATIE, PRESTATIE,
                        DECLARATIE_ANTWOORD)
}


def extract_records(
    root: etree._Element, message: MessageType, pseudonym: Pseudonym, head: Header | None = None,
    texts: Callable[[etree._Element], dict[str, str | None]] = child_texts,
) -> list[Record]:
    """The rows an accepted message adds (without ``bericht_id``, which the importer sets), with their
    tables; ``store.rows.extract_rows`` says what each argument is."""
    return with_tables(extract_rows(root, message, pseudonym, head, texts))


def with_tables(named: list[Row]) -> list[Record]:
    """Rows by table name (``store.rows``) as rows of their ``Table``."""
    return [(TABLES_BY_NAME[name], values) for name, values in named]

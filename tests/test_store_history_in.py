"""``store.history.in_values``: many values in one parameter, the same rows, and the index still used.

The prefetch of ``import`` asks the store for hundreds of keys at once. On SQLite the values go as
one JSON text read by ``json_each``; on PostgreSQL as one array. These tests run the real queries
on a real store: what they return, and the plan SQLite and PostgreSQL make for each of them.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, LargeBinary, String, Time, event, text

from berichten.store.config import Pseudonymiser
from berichten.store.db import make_engine
from berichten.store.history import StoreHistory
from berichten.store.importer import import_paths
from berichten.store.tables import (
    ANTWOORD, BERICHT, DECLARATIE, DECLARATIE_ANTWOORD, PRESTATIE, START, STOP, TOEWIJZING, VERZOEK, WIJZIGINGSVERZOEK,
)
from berichten.store.write import write_rows
from berichten.store.testing import build, migrated_database

# (method, values asked for): every StoreHistory lookup that takes a set of values.
LOOKUPS = [
    ("identificaties_seen", {"B0001", "B0002", "ONBEKEND"}),
    ("toewijzingen_by_nummer", {7001, 7002, 9999}),
    ("declaratie_nummers_seen", {"D1", "D2"}),
    ("prestaties_by_referentie", {"R1", "R2"}),
    ("prestaties_by_toewijzing", {7001, 9999}),
    ("verzoeken_by_referentie", {("ijw", "87650001", "REF1"), ("iwmo", "87650001", "REF2")}),
    ("open_verzoeken_by_client", {("ijw", "87650001", "client-a"), ("ijw", "87650002", "client-b")}),
    ("afgewezen_by_referentie", {("ijw", "87650001", "REF1")}),
    ("beantwoorde_referenties_by_client", {("ijw", "87650001", "client-a")}),
    ("prestaties_by_declaratie", {("ijw", "87650001", "0599", "D1")}),
    ("clients_bekend", {("ijw", "87650001", "client-a")}),
]


def _store_with_allocations(url: str, tmp_path) -> None:
    for i, data in enumerate([
        build("ijw", "301", identificatie="B0001"),
        build("ijw", "301", [{"ToewijzingNummer": "7002"}], identificatie="B0002"),
    ]):
        path = tmp_path / f"{i}.xml"
        path.write_bytes(data)
        assert import_paths([path], url, pseudonym_key="k").stored == 1


def _history(connection) -> StoreHistory:
    return StoreHistory(connection, Pseudonymiser("k"))


def test_many_values_in_one_parameter_find_the_stored_rows(store_url, tmp_path):
    _store_with_allocations(store_url, tmp_path)
    engine = make_engine(store_url)
    with engine.connect() as connection:
        history = _history(connection)
        seen = history.identificaties_seen({"B0001", "B0002", "ONBEKEND"})
        versions = history.toewijzingen_by_nummer({7001, 7002, 9999})
        none = history.toewijzingen_by_nummer(set())
        # more values than one query takes (500): the chunks together find both
        many = history.toewijzingen_by_nummer({7001, 7002, *range(10_000, 11_200)})
        # keys of several parts: text and number parts must match the stored columns' types
        stored = connection.execute(text("SELECT standaard, afzender, ontvanger, client FROM toewijzing")).all()
        bekend = history.clients_bekend({(st, ontvanger, client) for st, _, ontvanger, client in stored} | {("ijw", "x", "y")})
    engine.dispose()
    assert bekend == {tuple(row) for row in stored} and len(stored) == 2
    assert sorted(key[3] for key in seen) == ["B0001", "B0002"]
    assert sorted(key[2] for key in versions) == [7001, 7002]
    assert none == {}
    assert sorted(key[2] for key in many) == [7001, 7002]


def test_text_values_keep_quotes_and_accents(store_url, tmp_path):
    """The JSON text is made by the driver's serialiser: no value can break out of it."""
    _store_with_allocations(store_url, tmp_path)
    engine = make_engine(store_url)
    with engine.connect() as connection:
        seen = _history(connection).identificaties_seen({'B"0001', "B0001", "B'0002", "é\\", "B0002"})
    engine.dispose()
    assert sorted(key[3] for key in seen) == ["B0001", "B0002"]


_TABLES = {"bericht", "toewijzing", "start", "stop", "verzoek", "wijzigingsverzoek", "antwoord", "declaratie", "prestatie",
           "declaratie_antwoord"}


def _table_steps(connection, sql: str, params) -> list[str]:
    """How SQLite reads each stored table: ``SEARCH t USING INDEX ...`` or ``SCAN t``."""
    plan = [row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", tuple(params)).all()]
    return sorted(step for step in plan if step.split()[:1] in (["SCAN"], ["SEARCH"]) and step.split()[1] in _TABLES)


def test_sqlite_searches_an_index_for_every_lookup(tmp_path):
    """No batch lookup scans a stored table: on a store of years, a scan per batch would make every
    import slower than the one before."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    _store_with_allocations(url, tmp_path)
    engine = make_engine(url)
    statements: list[tuple[str, tuple]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def remember(conn, cursor, statement, parameters, context, executemany):
        if "json_each" in statement:
            statements.append((statement, parameters))

    with engine.connect() as connection:
        history = _history(connection)
        for method, values in LOOKUPS:
            getattr(history, method)(values)
        for stops in (False, True):
            history.leveringen_by_key({("ijw", "87650001", "0599", "x", 7001)}, stops=stops)
        event.remove(engine, "before_cursor_execute", remember)
        plans = [(sql, _table_steps(connection, sql, params)) for sql, params in statements]
    engine.dispose()
    assert len(plans) == len(LOOKUPS) + 2  # one query each
    for sql, steps in plans:
        assert steps, sql
        assert not [step for step in steps if step.startswith("SCAN")], f"{sql}\n{steps}"


@pytest.mark.parametrize("values", [[], ["B0001"], ["B0001", "B0002"]])
def test_stored_shas_of_the_importer_in_one_parameter(store_url, tmp_path, values):
    """The importer's duplicate check uses the same helper: known SHA-256 values come back."""
    _store_with_allocations(store_url, tmp_path)
    engine = make_engine(store_url)
    with engine.connect() as connection:
        shas = {row.identificatie: row.sha256 for row in connection.execute(text("SELECT identificatie, sha256 FROM bericht"))}
        from berichten.store.importer import _STORED_SHAS

        asked = [shas[v] for v in values] + ["0" * 64]
        found = set(connection.execute(_STORED_SHAS[connection.dialect.name == "postgresql"], {"shas": asked}).scalars())
    engine.dispose()
    assert found == {shas[v] for v in values}


@pytest.fixture
def postgres_url(tmp_path):
    with migrated_database("postgresql", tmp_path) as url:
        yield url


def _value(column, i: int):
    """A made-up value of the column's type, distinct per row where the type allows."""
    kind = column.type
    if isinstance(kind, Boolean):
        return True
    if isinstance(kind, String):
        return f"{column.name[:3]}{i}"[: kind.length or 64]
    if isinstance(kind, Integer):
        return i % 30_000
    if isinstance(kind, DateTime):
        return datetime(2026, 1, 1, tzinfo=timezone.utc)
    if isinstance(kind, Date):
        return date(2025, 1, 1) + timedelta(days=i % 700)
    if isinstance(kind, Time):
        return time(10, 0)
    if isinstance(kind, LargeBinary):
        return b"\0"
    if isinstance(kind, JSON):
        return []
    raise AssertionError(f"no made-up value for {column}")


def _fill(connection, rows: int) -> None:
    """``rows`` made-up rows in each stored table the lookups read, all of one message."""
    bericht_id = connection.execute(text("SELECT min(id) FROM bericht")).scalar_one()
    for table in (BERICHT, TOEWIJZING, START, STOP, VERZOEK, WIJZIGINGSVERZOEK, ANTWOORD, DECLARATIE, PRESTATIE,
                  DECLARATIE_ANTWOORD):
        columns = [c for c in table.columns if not c.primary_key and c.name != "bericht_id"]
        extra = {} if table is BERICHT else {"bericht_id": bericht_id}
        write_rows(connection, table, [{c.name: _value(c, i) for c in columns} | extra for i in range(rows)])
    connection.commit()
    for table in ("bericht", "toewijzing", "start", "stop", "verzoek", "wijzigingsverzoek", "antwoord", "declaratie",
                  "prestatie", "declaratie_antwoord"):
        connection.exec_driver_sql(f"ANALYZE {table}")


def _scans(plan: dict) -> list[str]:
    """The nodes of a PostgreSQL plan (EXPLAIN FORMAT JSON) that read a stored table whole: a
    sequential scan, or an index read from end to end (no ``Index Cond``)."""
    node = plan.get("Node Type", "")
    found = []
    if node == "Seq Scan" and plan.get("Relation Name") in _TABLES:
        found.append(f"Seq Scan on {plan['Relation Name']}")
    elif node in ("Index Scan", "Index Only Scan", "Bitmap Index Scan") and "Index Cond" not in plan:
        found.append(f"{node} of {plan.get('Index Name')} without a condition")
    for child in plan.get("Plans", ()):
        found.extend(_scans(child))
    return found


@pytest.mark.postgres
def test_postgres_searches_an_index_for_every_lookup(postgres_url, tmp_path):
    """The same lookups on PostgreSQL, on 50 000 rows per table. The planner guesses that a JSON
    parameter holds 100 keys, so up to some 20 000 rows it rightly finds a scan and a hash join
    cheaper; on a store of years it must search the index."""
    _store_with_allocations(postgres_url, tmp_path)
    engine = make_engine(postgres_url)
    statements: list[tuple[str, dict]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def remember(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    with engine.connect() as connection:
        _fill(connection, 50_000)
        history = _history(connection)
        statements.clear()
        for method, values in LOOKUPS:
            getattr(history, method)(values)
        for stops in (False, True):
            history.leveringen_by_key({("ijw", "87650001", "0599", "x", 7001)}, stops=stops)
        event.remove(engine, "before_cursor_execute", remember)
        plans = [(sql, connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {sql}", params).scalar_one()[0]["Plan"])
                 for sql, params in statements]
    engine.dispose()
    assert len(plans) == len(LOOKUPS) + 2  # one query each
    for sql, plan in plans:
        assert not _scans(plan), f"{sql}\n{plan}"

"""Migrations: an empty database upgrades to a schema that matches the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from berichten.store.db import make_engine
from berichten.store.migrate import current_revision, head_revision, upgrade
from berichten.store.models import TABLES, SQLModel

try:  # another layer's tables share SQLModel.metadata; they must not count as differences
    import berichten.store.regio_tables  # noqa: F401
except ImportError:
    pass


def _only_store_tables(name, type_, parent_names) -> bool:
    return type_ != "table" or name in TABLES


def _only_store_objects(obj, name, type_, reflected, compare_to) -> bool:
    if type_ == "table":
        return name in TABLES
    table = getattr(obj, "table", None)
    return table is None or table.name in TABLES


def test_upgrade_of_an_empty_database_matches_the_models(empty_store_url):
    assert current_revision(empty_store_url) is None
    assert upgrade(empty_store_url) == head_revision()
    engine = make_engine(empty_store_url)
    with engine.connect() as conn:
        assert set(TABLES) <= set(inspect(conn).get_table_names())
        context = MigrationContext.configure(
            conn, opts={"include_name": _only_store_tables, "include_object": _only_store_objects, "compare_type": True}
        )
        diffs = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert diffs == []


def test_upgrade_is_repeatable(empty_store_url):
    first = upgrade(empty_store_url)
    assert upgrade(empty_store_url) == first == current_revision(empty_store_url)

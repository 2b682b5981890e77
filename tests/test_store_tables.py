"""``store.tables`` (Core, for the importer) is the same schema as ``store.models`` (SQLModel) and
as the migrations create it; the importer's modules load no SQLModel."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from berichten.store import tables
from berichten.store.db import make_engine
from berichten.store.migrate import upgrade
from berichten.store.models import SQLModel

PROJECT = Path(__file__).resolve().parent.parent
MESSAGE_TABLES = set(tables.metadata.tables)


def describe(table) -> dict:
    return {
        "columns": {
            c.name: (repr(c.type), c.nullable, c.primary_key, bool(c.unique), bool(c.index),
                     sorted((f.target_fullname, f.ondelete) for f in c.foreign_keys))
            for c in table.columns
        },
        "indexes": sorted((i.name, tuple(c.name for c in i.columns), i.unique) for i in table.indexes),
        "constraints": sorted((type(k).__name__, k.name, tuple(c.name for c in k.columns)) for k in table.constraints),
    }


def test_the_core_tables_are_the_models_tables() -> None:
    assert MESSAGE_TABLES == {name for name in tables.TABLES if not name.startswith("regio_")}
    for name in MESSAGE_TABLES:
        assert describe(tables.metadata.tables[name]) == describe(SQLModel.metadata.tables[name]), name


def test_the_core_tables_are_the_migrated_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={
                "compare_type": True,
                "include_name": lambda name, type_, parents: type_ != "table" or name in MESSAGE_TABLES,
            })
            assert compare_metadata(context, tables.metadata) == []
    finally:
        engine.dispose()


def test_the_importer_loads_no_sqlmodel(tmp_path: Path) -> None:
    """An import into a store at head and into a new store: SQLAlchemy Core only (no ORM, no pydantic)."""
    folder = PROJECT / "fixtures" / "demo"
    code = f"""
import sys
from berichten.store.importer import import_paths
import_paths([{str(folder)!r}], {f"sqlite:///{tmp_path / 'new.db'}"!r})  # new: through Alembic
import_paths([{str(folder)!r}], {f"sqlite:///{tmp_path / 'new.db'}"!r})  # at head
print(sorted({{m.split(".")[0] for m in sys.modules if m.split(".")[0] in ("sqlmodel", "pydantic")}}
             | {{m for m in sys.modules if m in ("sqlalchemy.orm", "berichten.store.models")}}))
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[]"]

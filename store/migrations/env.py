"""Alembic environment of the store; run through ``store.migrate.upgrade(url)``."""

from __future__ import annotations

from alembic import context

from berichten.store.tables import TABLES


def target_metadata():
    """The models' metadata, which autogenerate compares with the database. ``store.migrate`` runs
    the scripts only (``upgrade_only``): they say what to create, and loading SQLModel and the
    models would cost a new store's first import about 0.2 s."""
    if context.config.attributes.get("upgrade_only"):
        return None
    import berichten.store.regio_tables  # noqa: F401  (registers the regional tables in the metadata)
    from berichten.store.models import SQLModel

    return SQLModel.metadata


def include_name(name, type_, parent_names) -> bool:
    """Reflected names: only the store's tables (other layers may keep tables in the same database)."""
    if type_ == "table":
        return name in TABLES
    return True


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Metadata objects: only the store's tables and what belongs to them (other SQLModel tables
    share ``SQLModel.metadata`` but are not managed by these migrations)."""
    if type_ == "table":
        return name in TABLES
    table = getattr(obj, "table", None)
    return table is None or table.name in TABLES


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through store.migrate.upgrade(url)")
    context.configure(
        connection=connection,
        target_metadata=target_metadata(),
        include_name=include_name,
        include_object=include_object,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()

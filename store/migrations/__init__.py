"""Alembic scripts of the store (run through store.migrate.upgrade)."""

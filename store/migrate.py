"""Create or upgrade the store schema with Alembic, configured in code (no alembic.ini needed).

Creating a store also creates its pseudonym key file (``store.keys``) and, for SQLite, the file
itself with mode 0600.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from berichten.resources import data_path
from berichten.store.config import database_url
from berichten.store.db import make_engine
from berichten.store.keys import KeyFile, key_source_for_new_store, sqlite_file, write_key_file

log = logging.getLogger(__name__)
MIGRATIONS = data_path("berichten.store.migrations")


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # env.py uses this open connection; passing it avoids putting the URL (and any password) in the config.
    config.attributes["connection"] = connection
    return config


@dataclass
class Upgraded:
    revision: str | None
    created: bool  # the database had no schema before
    key_file: KeyFile | None  # the key file written now (a new store), else None


def upgrade(url: str | None = None, revision: str = "head") -> str | None:
    """Bring the database at ``url`` to ``revision``; returns the revision it is at afterwards.

    A new store (no schema yet) gets its own random key file first (``store.keys``).
    """
    return upgrade_store(url, revision).revision


def upgrade_store(url: str | None = None, revision: str = "head", *, demo_key: bool = False,
                  announce: bool = True) -> Upgraded:
    """``upgrade`` that also says whether the store is new and which key file it wrote.

    ``demo_key``: write the public demo key instead of a random one (``berichten demo``, ``make run``),
    also for an existing store without a key file. ``announce``: log the new key file's path
    (a warning, so it shows on stderr even where logging is not set up).
    """
    url = database_url(url)
    _create_private_sqlite_file(url)
    engine = make_engine(url)
    written: KeyFile | None = None
    try:
        with engine.begin() as connection:
            before = MigrationContext.configure(connection).get_current_revision()
            # The key before the schema: a second worker that sees the schema also finds the key.
            if before is None or demo_key:
                path = key_source_for_new_store(url)
                if path is not None and not path.exists():
                    written = write_key_file(path, demo=demo_key)
                    if announce and written.path == path:
                        log.warning("nieuwe pseudoniemsleutel voor deze database: %s (%s); maak er een "
                                    "back-up van, zonder dit bestand zijn nieuwe berichten niet meer aan "
                                    "eerdere te koppelen", path, written.kind)
            command.upgrade(alembic_config(connection), revision)
        with engine.connect() as connection:
            after = MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
    return Upgraded(after, before is None, written)


def _create_private_sqlite_file(url: str) -> None:
    """A new SQLite file readable by its owner only (the raw messages in it carry BSNs).

    SQLite gives its -wal and -shm files the mode of the database file.
    """
    database = sqlite_file(url)
    if database is None or os.path.exists(database):
        return
    try:
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass  # another process was first
    except FileNotFoundError:
        pass  # no such folder: let SQLite report it as it always did


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(url: str | None = None) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()

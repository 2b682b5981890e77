"""Create or upgrade the store schema with Alembic, configured in code (no alembic.ini needed).

Creating a store also creates its pseudonym key file (``store.keys``) and, for SQLite, the file
itself with mode 0600.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from berichten.resources import data_path
from berichten.store.config import database_url
from berichten.store.db import make_engine
from berichten.store.keys import KeyFile, key_source_for_new_store, sqlite_file, write_key_file

if TYPE_CHECKING:  # Alembic loads only when a schema changes (``import`` at head needs none of it)
    from alembic.config import Config
    from sqlalchemy import Connection

log = logging.getLogger(__name__)
MIGRATIONS = data_path("berichten.store.migrations")
_REVISION_LINE = re.compile(r"^(revision|down_revision)\b[^=\n]*=\s*(.*)$", re.M)
_NAMES = re.compile(r"['\"]([^'\"]+)['\"]")


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

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
    from alembic import command
    from alembic.runtime.migration import MigrationContext

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
            config = alembic_config(connection)
            config.attributes["upgrade_only"] = True  # no autogenerate: env.py needs no models (SQLModel)
            command.upgrade(config, revision)
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
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


@lru_cache(maxsize=1)
def script_head() -> str | None:
    """``head_revision()`` read from the text of the migration scripts, without loading Alembic
    (its import and script loading cost ``import`` ~0.2 s at every start); None unless there is
    exactly one head. ``tests/test_store_head.py`` keeps it equal to Alembic's answer."""
    revisions: set[str] = set()
    down: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        for name, value in _REVISION_LINE.findall(script.read_text(encoding="utf-8")):
            (revisions if name == "revision" else down).update(_NAMES.findall(value))
    heads = revisions - down
    return next(iter(heads)) if len(heads) == 1 else None


def ensure_head(url: str | None = None) -> str | None:
    """``upgrade(url)``, except that a store already at the head revision costs one query and no
    Alembic. Anything else (no file yet, no schema, an older or unknown revision, an error) goes
    through ``upgrade``, which creates, upgrades or raises exactly as before."""
    url = database_url(url)
    head = script_head()
    if head is not None and _may_query(url) and _stored_revisions(url) == [head]:
        return head
    return upgrade(url)


def _may_query(url: str) -> bool:
    """A SQLite file that does not exist yet must be made by ``upgrade`` (mode 0600), not by a query."""
    database = sqlite_file(url)
    return database is None or os.path.exists(database)


def _stored_revisions(url: str) -> list[str] | None:
    """The rows of ``alembic_version`` (Alembic's default version table); None when it cannot be read."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
    except SQLAlchemyError:
        return None
    finally:
        engine.dispose()


def current_revision(url: str | None = None) -> str | None:
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()

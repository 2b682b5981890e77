"""``import`` checks the schema revision without Alembic (``store.migrate.ensure_head``): the head
read from the scripts' text must be Alembic's head, and a store not at head still goes through
Alembic (created, upgraded, or the same error as before)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import text

from berichten.store.db import make_engine
from berichten.store.migrate import current_revision, ensure_head, head_revision, script_head, upgrade


def test_script_head_is_alembics_head() -> None:
    assert script_head() == head_revision()


def test_ensure_head_creates_a_new_store(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert ensure_head(url) == head_revision() == current_revision(url)
    assert (tmp_path / "new.db").stat().st_mode & 0o077 == 0  # made by upgrade: owner only


def test_ensure_head_upgrades_an_older_store(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0001")
    assert ensure_head(url) == head_revision() == current_revision(url)


def test_ensure_head_keeps_alembics_error_for_an_unknown_revision(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'future.db'}"
    upgrade(url)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(Exception) as by_upgrade:
        upgrade(url)
    with pytest.raises(type(by_upgrade.value)):
        ensure_head(url)


def test_import_at_head_does_not_load_alembic(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    upgrade(url)
    code = (
        "import sys; from berichten.store.importer import import_paths; "
        f"import_paths([{str(tmp_path)!r}], {url!r}); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

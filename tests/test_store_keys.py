"""Each store its own pseudonym key, kept outside the database; the demo key only on request.

These tests remove the test key that tests/conftest.py sets, so the key files are what counts.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from berichten.store.commands import db_upgrade, import_command
from berichten.store.config import Pseudonymiser
from berichten.store.importer import import_paths
from berichten.store.keys import DEMO, DEMO_KEY, KEY_ENV, KEY_FILE_ENV, OWN, KeyMissing, read_key_file, write_key_file
from berichten.store.migrate import upgrade, upgrade_store

PROJECT = Path(__file__).resolve().parent.parent
MESSAGE = PROJECT / "fixtures" / "store" / "ijw" / "301.xml"
BSN = "999999990"


@pytest.fixture(autouse=True)
def no_test_key(monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)


def key_file_for(url: str, tmp_path: Path, monkeypatch, name: str) -> Path:
    """PostgreSQL: the key file path comes from the environment; SQLite: next to the file."""
    if url.startswith("postgresql"):
        path = tmp_path / f"{name}.sleutel"
        monkeypatch.setenv(KEY_FILE_ENV, str(path))
        return path
    return Path(url.removeprefix("sqlite:///") + ".sleutel")


def stored_clients(url: str) -> set[str]:
    engine = create_engine(url)
    with engine.connect() as conn:
        clients = {c for (c,) in conn.execute(text("select client from toewijzing"))}
    engine.dispose()
    return clients


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_two_new_stores_never_share_a_pseudonym(backend, tmp_path, monkeypatch):
    from berichten.store.testing import postgres_schema_url, postgres_unavailable

    if backend == "postgresql" and postgres_unavailable():
        pytest.skip(postgres_unavailable())
    clients = []
    for name in ("een", "twee"):
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path / name}.db"
            path = key_file_for(url, tmp_path, monkeypatch, name)
            done = upgrade_store(url)
            assert import_paths([MESSAGE], url).stored == 1
            clients.append((stored_clients(url), Pseudonymiser(url=url)(BSN)))
        else:
            with postgres_schema_url() as url:
                path = key_file_for(url, tmp_path, monkeypatch, name)
                done = upgrade_store(url)
                assert import_paths([MESSAGE], url).stored == 1
                clients.append((stored_clients(url), Pseudonymiser(url=url)(BSN)))
        assert done.created and done.key_file is not None and done.key_file.path == path
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert read_key_file(path).kind == OWN and read_key_file(path).key != DEMO_KEY.encode()
    (first, p1), (second, p2) = clients
    assert len(first) == len(second) == 1 and first != second
    assert p1 != p2


def test_the_key_is_made_once_and_kept(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    first = upgrade_store(url)
    key = read_key_file(first.key_file.path).key
    again = upgrade_store(url)
    assert not again.created and again.key_file is None
    assert read_key_file(first.key_file.path).key == key
    assert stat.S_IMODE((tmp_path / "store.db").stat().st_mode) == 0o600  # the raw messages carry BSNs


def test_a_store_whose_key_is_gone_refuses_with_exit_2(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    done = upgrade_store(url)
    done.key_file.path.unlink()
    with pytest.raises(KeyMissing, match="back-up"):
        Pseudonymiser(url=url)
    upgrade(url)  # an existing store never gets a new key behind its back
    assert not done.key_file.path.exists()
    result = CliRunner().invoke(import_command, [str(MESSAGE), "--db", url])
    assert result.exit_code == 2 and "store.db.sleutel bestaat niet" in result.output


REGIO = PROJECT / "fixtures" / "regio" / "grjr"


@pytest.mark.parametrize("args", [
    ["regio", "import-csv", "--aanmeldingen", str(REGIO / "aanmeldingen.csv")],
    ["check", str(REGIO / "jw301-flex-12345678.xml"), "--regio", "grjr"],
], ids=["regio-import-csv", "check"])
def test_regional_commands_on_a_store_without_its_key_refuse_with_exit_2(tmp_path, args):
    from berichten.cli import main

    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade_store(url).key_file.path.unlink()
    result = CliRunner().invoke(main, [*args, "--db", url])
    assert result.exit_code == 2, result.output
    assert "store.db.sleutel bestaat niet" in result.output and "Traceback" not in result.output


def test_postgresql_without_a_key_file_path_refuses_before_creating_anything(monkeypatch):
    from berichten.store.testing import postgres_schema_url, postgres_unavailable

    if postgres_unavailable():
        pytest.skip(postgres_unavailable())
    with postgres_schema_url() as url:
        result = CliRunner().invoke(db_upgrade, ["--db", url])
        assert result.exit_code == 2 and KEY_FILE_ENV in result.output
        engine = create_engine(url)
        with engine.connect() as conn:
            assert conn.execute(text("select count(*) from information_schema.tables where table_schema = current_schema()")).scalar() == 0
        engine.dispose()


def test_the_environment_key_still_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_ENV, "eigen-geheim")
    url = f"sqlite:///{tmp_path / 'store.db'}"
    done = upgrade_store(url)
    assert done.created and done.key_file is None and not (tmp_path / "store.db.sleutel").exists()
    assert Pseudonymiser(url=url)(BSN) == Pseudonymiser("eigen-geheim")(BSN)


def test_db_upgrade_prints_the_path_once_and_demo_only_on_request(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    first = CliRunner().invoke(db_upgrade, ["--db", url])
    assert first.exit_code == 0 and "store.db.sleutel" in first.output
    second = CliRunner().invoke(db_upgrade, ["--db", url])
    assert second.exit_code == 0 and "sleutel" not in second.output
    demo_url = f"sqlite:///{tmp_path / 'demo.db'}"
    demo = CliRunner().invoke(db_upgrade, ["--db", demo_url, "--demo-sleutel"])
    assert demo.exit_code == 0 and "demosleutel" in demo.output
    assert read_key_file(tmp_path / "demo.db.sleutel").kind == DEMO
    assert Pseudonymiser(url=demo_url)(BSN) == Pseudonymiser(DEMO_KEY)(BSN)
    assert Pseudonymiser(url=url)(BSN) != Pseudonymiser(DEMO_KEY)(BSN)


def test_two_processes_making_one_store_agree_on_its_key(tmp_path):
    """The key file is linked into place: whoever comes second reads the first one's key."""
    path = tmp_path / "gedeeld.sleutel"
    first = write_key_file(path)
    second = write_key_file(path)
    assert first.key == second.key and sorted(p.name for p in tmp_path.iterdir()) == ["gedeeld.sleutel"]


def test_a_fresh_inbox_store_gets_its_own_key(tmp_path):
    box = tmp_path / "inbox"
    box.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in (KEY_ENV, KEY_FILE_ENV)}
    done = subprocess.run([sys.executable, "-m", "berichten.inbox", str(box), "--db", f"sqlite:///{tmp_path / 'nieuw.db'}",
                           "--once", "--settle", "0"], cwd=tmp_path, env=env, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert read_key_file(tmp_path / "nieuw.db.sleutel").kind == OWN
    assert b"nieuw.db.sleutel" in done.stderr  # the path, said once in the log


def test_a_worker_on_a_store_without_its_key_claims_nothing(tmp_path):
    from berichten.inbox.worker import Worker, WorkerOptions

    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade_store(url).key_file.path.unlink()
    box = tmp_path / "inbox"
    box.mkdir()
    (box / "a.xml").write_bytes(MESSAGE.read_bytes())
    with pytest.raises(KeyMissing):
        Worker(box, WorkerOptions(url=url, settle=0.0)).run(once=True)
    assert (box / "a.xml").exists() and not [p for p in box.glob(".bezig/*/*") if p.is_dir()]

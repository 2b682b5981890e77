"""``import --jobs``: the workers are forked before the store's modules load and validate the first
batches while the importer starts (``store/feed.py``, ``store/prepare.py``).

What this relies on is asserted by imports, not by timing: the pool is forked while SQLAlchemy,
SQLModel and ``store.models`` are not loaded, and a worker's work on every kind of message loads
none of them. The rows a worker sends (by table name, with the Bsn) become the same records as
``extract_records`` makes in one process, and batches sent before the store could be asked (known
files included) store the same as one process, once.
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

from berichten.store import rows as named
from berichten.store.config import Pseudonymiser
from berichten.store.extract import TABLES_BY_NAME, extract_records
from berichten.store.feed import HEAD_START, import_paths
from berichten.store.models import Bericht
from berichten.store.prepare import preparer, reaches_level3
from berichten.store.testing import write_mixed
from berichten.validators.parallel import MIN_ITEMS_FOR_POOL
from berichten.validators.pipeline import Validator
from berichten.xmlinput import read_document

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT / "fixtures"
STORE_MODULES = ("sqlalchemy", "sqlmodel", "alembic", "psycopg")


def _fixture_files() -> list[Path]:
    return sorted(p for name in ("demo", "store", "retour", "regels", "invoer") for p in (FIXTURES / name).rglob("*.xml"))


def run_python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_pool_is_forked_before_the_store_modules_load(tmp_path: Path) -> None:
    """``import_paths`` with workers: at the fork none of the store's heavy modules is loaded."""
    folder = tmp_path / "in"
    write_mixed(folder, range(MIN_ITEMS_FOR_POOL // 4 + 2))  # more files than MIN_ITEMS_FOR_POOL
    code = f"""
import sys
from berichten.store import feed
from berichten.validators import parallel

loaded = []

class Watched(parallel.OrderedMap):  # the real pool; it only notes what is loaded when it forks
    def __init__(self, work, jobs):
        loaded.append(sorted(m for m in sys.modules if m.split(".")[0] in {STORE_MODULES!r}
                             or m == "berichten.store.models"))
        super().__init__(work, jobs)
        loaded.append(self.jobs)

feed.OrderedMap = Watched
summary = feed.import_paths([{str(folder)!r}], {f"sqlite:///{tmp_path / 'store.db'}"!r}, jobs=2,
                            pseudonym_key="k", batch_size=20)
print(loaded, summary.stored, "sqlalchemy" in sys.modules)
"""
    assert run_python(code).split() == ["[[],", "2]", str(summary_size(folder)), "True"]


def summary_size(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.xml"))


def test_a_worker_loads_no_store_module_on_any_message() -> None:
    """The worker's whole path (levels 1, 2, 4, ``read_facts``, the rows) on every fixture."""
    names = [str(p) for p in _fixture_files()]
    code = f"""
import sys
from pathlib import Path
from berichten.store.prepare import preparer
from berichten.validators.pipeline import Validator

work = preparer(Validator())
kinds = set()
for name in {names!r}:
    prepared = work(Path(name).read_bytes())
    kinds.update(table for table, _ in prepared.records or ())
print(sorted(kinds))
print(sorted(m for m in sys.modules if m.split(".")[0] in {STORE_MODULES!r} or m.startswith("berichten.store.models")))
"""
    kinds, loaded = run_python(code).splitlines()
    assert loaded == "[]"
    # every kind of row was made, so every branch of store.rows ran
    assert set(eval(kinds)) == {"toewijzing", "start", "stop", "verzoek", "retour", "declaratie", "prestatie",
                                "declaratie_antwoord", "antwoord", "wijzigingsverzoek"}


def test_the_table_names_are_the_models_tables() -> None:
    names = {named.TOEWIJZING, named.START, named.STOP, named.VERZOEK, named.WIJZIGINGSVERZOEK, named.ANTWOORD,
             named.RETOUR, named.DECLARATIE, named.PRESTATIE, named.DECLARATIE_ANTWOORD}
    assert names == set(TABLES_BY_NAME)
    assert names <= set(Bericht.metadata.tables)


def test_worker_rows_are_the_records_of_one_process() -> None:
    """Through pickle, with the Bsn pseudonymised in the importer's process: the same tables and values."""
    validator = Validator()
    work = preparer(validator)
    pseudonym = Pseudonymiser("sleutel")
    compared = 0
    for path in _fixture_files():
        data = path.read_bytes()
        result = validator.validate_bytes(data)
        prepared = pickle.loads(pickle.dumps(work(data)))
        rows = prepared.rows(pseudonym)
        if not reaches_level3(result):
            assert rows is None, path
            continue
        doc = result.document
        assert rows == extract_records(doc.root, doc.message, pseudonym, doc.header), path
        compared += bool(rows)
    assert compared > 30


def test_batches_sent_before_the_store_is_open_store_the_same_once(tmp_path: Path) -> None:
    """Duplicates inside and across the batches sent ahead and after them; a store that already
    holds some of them; a second import: the same summary and rows as one process."""
    folder = tmp_path / "in"
    write_mixed(folder / "a", range(12))
    for copy in ("b", "c"):  # the same bytes again, in the batches sent ahead and after them
        shutil.copytree(folder / "a", folder / copy)
    shutil.copytree(FIXTURES / "demo", folder / "d")
    batch = 15
    assert summary_size(folder) > (HEAD_START + 2) * batch
    found = {}
    for jobs in (1, 2):
        url = f"sqlite:///{tmp_path / f'{jobs}.db'}"
        early = import_paths([folder / "a" / "0000003-1.xml", folder / "d"], url, pseudonym_key="k")
        first = import_paths([folder], url, pseudonym_key="k", batch_size=batch, jobs=jobs)
        again = import_paths([folder], url, pseudonym_key="k", batch_size=batch, jobs=jobs)
        assert again.stored == again.rejected == 0 and again.duplicates == again.files
        found[jobs] = (early.to_dict(), first.to_dict(), _stored(url))
    assert found[1] == found[2]
    assert found[2][1]["duplicates"] == 2 * 48 + found[2][0]["files"]


def _stored(url: str) -> list[tuple]:
    from sqlalchemy import text

    from berichten.store.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            out = [tuple(r) for r in conn.execute(text("SELECT id, sha256, source, status, niveau3, findings FROM bericht ORDER BY id"))]
            for table in TABLES_BY_NAME:
                out += [(table, *r) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY id"))]
        return out
    finally:
        engine.dispose()


def test_the_rows_carry_no_pseudonym_from_a_worker() -> None:
    """A worker has no key: its rows carry the Bsn, which only ``Prepared.rows`` pseudonymises."""
    data = next(p for p in _fixture_files() if p.name == "jw301-toewijzing-geldig.xml").read_bytes()
    prepared = preparer(Validator())(data)
    bsn = read_document(data).header.bsn
    assert prepared.records and {values["client"] for _, values in prepared.records} == {bsn}
    assert {values["client"] for _, values in prepared.rows(Pseudonymiser("s"))} == {Pseudonymiser("s")(bsn)}


def test_workers_leave_the_importer_a_core() -> None:
    """The importer's process is the longest chain: its workers run at a lower priority, it does not."""
    from berichten.store.prepare import WORKER_NICE
    from berichten.validators.parallel import OrderedMap

    data = next(p for p in _fixture_files() if p.name == "jw301-toewijzing-geldig.xml").read_bytes()
    work = preparer(Validator(), nice=WORKER_NICE)
    here = os.getpriority(os.PRIO_PROCESS, 0)

    def checked(item: bytes) -> tuple[bool, int]:
        return work(item).records is not None, os.getpriority(os.PRIO_PROCESS, 0)

    with OrderedMap(checked, jobs=2) as pool:
        seen = list(pool([data] * 200))
    assert {ok for ok, _ in seen} == {True}
    assert {nice for _, nice in seen} == {min(19, here + WORKER_NICE)}
    assert checked(data) == (True, here)  # run in the importer's own process (no workers): unchanged

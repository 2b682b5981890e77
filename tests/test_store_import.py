"""Import: idempotent by SHA-256, conflicting duplicates rejected (TR056), nothing a user sent lost."""

from __future__ import annotations

import hashlib
import hmac
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, select, text
from sqlmodel import Session

from berichten.store.db import make_engine
from berichten.store.importer import import_paths
from berichten.store.models import STATUS_REJECTED, STATUS_STORED, TABLES, Bericht, Start, Toewijzing
from berichten.store.testing import FIXTURES, build, write_301s, write_mixed
from berichten.store.validate import HistoryValidator

KEY = "test-sleutel"
PROJECT = Path(__file__).resolve().parent.parent


def counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        # the message tables only; the regional registers are filled by `berichten regio import-csv`
        result = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES if not t.startswith("regio_")}
    engine.dispose()
    return result


def berichten(url: str) -> list[Bericht]:
    engine = make_engine(url)
    with Session(engine) as session:
        rows = list(session.execute(select(Bericht).order_by(Bericht.id)).scalars())
    engine.dispose()
    return rows


def write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def corpus(tmp_path: Path) -> Path:
    """A small corpus in both standards, in this order of import: a request, its rejection, a
    request for change, an allocation, its start and stop, a declaration and its answer."""
    folder = tmp_path / "corpus"
    for standaard in ("ijw", "iwmo"):
        for i, nummer in enumerate(("315", "319", "317", "301", "305", "307", "323", "325")):
            write(folder, f"{standaard}-{i}-{nummer}.xml", (FIXTURES / standaard / f"{nummer}.xml").read_bytes())
    return folder


def test_importing_a_corpus_twice_leaves_the_same_rows(store_url, tmp_path):
    folder = corpus(tmp_path)
    first = import_paths([folder], store_url, pseudonym_key=KEY)
    assert (first.files, first.stored, first.rejected, first.duplicates) == (16, 16, 0, 0), first.to_dict()
    after_first = counts(store_url)
    assert after_first == {"bericht": 16, "toewijzing": 2, "start": 2, "stop": 2, "verzoek": 2, "wijzigingsverzoek": 2,
                           "antwoord": 2, "retour": 0, "declaratie": 2, "prestatie": 2, "declaratie_antwoord": 2}
    second = import_paths([folder], store_url, pseudonym_key=KEY)
    assert (second.stored, second.rejected, second.duplicates) == (0, 0, 16)
    assert counts(store_url) == after_first


def test_reference_samples_import_idempotently(store_url, reference):
    paths = [p for s in ("ijw", "iwmo") for p in reference.samples(s)]
    first = import_paths(paths, store_url, pseudonym_key=KEY)
    assert first.files == len(paths) == first.stored + first.rejected
    # The two XSD-invalid iJw samples are kept, rejected at level 1.
    assert first.codes["XSD001"] >= 2
    before = counts(store_url)
    assert before["bericht"] == len(paths)
    assert before["retour"] > 0  # 302/306/308/316 samples carry RetourCodes
    second = import_paths(paths, store_url, pseudonym_key=KEY)
    assert second.duplicates == len(paths) and second.stored == second.rejected == 0
    assert counts(store_url) == before


def test_conflicting_duplicate_is_rejected_with_9056_and_first_kept(store_url, tmp_path):
    first = build("ijw", "301", identificatie="ZELFDE-ID")
    second = build("ijw", "301", [{"Toewijzingstijd": "10:15:00"}], identificatie="ZELFDE-ID")
    assert first != second
    write(tmp_path / "a", "1.xml", first)
    write(tmp_path / "b", "2.xml", second)
    assert import_paths([tmp_path / "a"], store_url, pseudonym_key=KEY).stored == 1
    summary = import_paths([tmp_path / "b"], store_url, pseudonym_key=KEY)
    assert (summary.stored, summary.rejected, summary.codes["TR056"]) == (0, 1, 1)
    eerste, tweede = berichten(store_url)
    assert eerste.status == STATUS_STORED and eerste.raw == first
    assert tweede.status == STATUS_REJECTED and tweede.raw == second
    assert [(f["code"], f["retourcode"], f["locatie"]) for f in tweede.findings if f["niveau"] == 3] == [
        ("TR056", "9056", "/Bericht/Header")
    ]
    # The rejected message adds no allocation version.
    assert counts(store_url)["toewijzing"] == 1


def test_start_without_allocation_gets_9019(store_url, tmp_path):
    path = write(tmp_path, "start.xml", build("iwmo", "305"))
    summary = import_paths([path], store_url, pseudonym_key=KEY)
    assert summary.rejected == 1 and summary.codes["TR019"] == 1
    (bericht,) = berichten(store_url)
    assert bericht.niveau1 and bericht.niveau2 and bericht.niveau3 is False
    assert {(f["code"], f["retourcode"]) for f in bericht.findings if f["niveau"] == 3} == {("TR019", "9019")}
    assert counts(store_url)["start"] == 0


@pytest.mark.parametrize(
    "name,data,code",
    [
        ("kapot.xml", b"<Bericht><Header>", "XML001"),
        ("leeg.xml", b"", "XML007"),
        ("xsd-fout.xml", None, "XSD001"),
    ],
)
def test_level1_failures_are_stored_with_their_bytes(store_url, tmp_path, name, data, code):
    if data is None:
        data = build("ijw", "301").replace(b"<b:Categorie>45</b:Categorie>", b"<b:Categorie>99</b:Categorie>")
    path = write(tmp_path, name, data)
    summary = import_paths([path], store_url, pseudonym_key=KEY)
    assert summary.rejected == 1 and summary.codes[code] >= 1
    (bericht,) = berichten(store_url)
    assert bericht.raw == data and bericht.sha256 == hashlib.sha256(data).hexdigest()
    assert bericht.status == STATUS_REJECTED and bericht.niveau1 is False and bericht.niveau2 is None
    assert bericht.source == str(path)


def test_clients_are_pseudonymised_and_no_bsn_is_stored_outside_raw(store_url, tmp_path):
    import_paths([corpus(tmp_path)], store_url, pseudonym_key=KEY)
    expected = hmac.new(KEY.encode(), b"123456782", hashlib.sha256).hexdigest()
    engine = make_engine(store_url)
    with Session(engine) as session:
        clients = set(session.execute(select(Toewijzing.client)).scalars()) | set(session.execute(select(Start.client)).scalars())
        for table in TABLES[1:]:
            for row in session.execute(text(f"SELECT * FROM {table}")):
                assert "123456782" not in " ".join(str(v) for v in row)
    engine.dispose()
    assert clients == {expected}


def test_batches_commit_and_progress_is_reported(store_url, tmp_path):
    folder = tmp_path / "veel"
    for i in range(7):
        write(folder, f"{i}.xml", build("ijw", "315", [{"ReferentieAanbieder": f"R-{i}"}], bsn=_bsn(i)))
    seen: list[tuple[int, int | None]] = []
    summary = import_paths([folder], store_url, batch_size=3, progress=lambda done, total: seen.append((done, total)),
                           pseudonym_key=KEY)
    assert summary.stored == 7, summary.to_dict()
    assert seen == [(i, 7) for i in range(1, 8)]
    assert counts(store_url)["verzoek"] == 7


def _bsn(i: int) -> str:
    """The i-th nine-digit number passing the 11-proef (distinct clients for the tests)."""
    n = 100000000
    found = -1
    while True:
        digits = str(n)
        total = sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1)))
        if total % 11 == 0:
            found += 1
            if found == i:
                return digits
        n += 1


def test_missing_path_is_an_error_before_anything_is_imported(store_url, tmp_path):
    path = write(tmp_path, "ok.xml", build("ijw", "315"))
    with pytest.raises(FileNotFoundError):
        import_paths([path, tmp_path / "bestaat-niet.xml"], store_url)
    assert counts(store_url)["bericht"] == 0


def test_validate_against_history_does_not_store(store_url, tmp_path):
    import_paths([write(tmp_path, "301.xml", build("ijw", "301"))], store_url, pseudonym_key=KEY)
    start = build("ijw", "305")
    vreemde_start = build("ijw", "305", [{"ToewijzingNummer": "9999"}])
    with HistoryValidator(store_url, pseudonym_key=KEY) as validator:
        assert [f.code for f in validator.validate_bytes(start).findings if f.niveau == 3] == []
        assert [f.code for f in validator.validate_bytes(vreemde_start).findings if f.niveau == 3] == ["TR019"]
    assert counts(store_url)["bericht"] == 1


def test_validate_against_history_ignores_the_stored_copy_of_the_same_message(store_url, tmp_path):
    path = write(tmp_path, "301.xml", build("ijw", "301"))
    import_paths([path], store_url, pseudonym_key=KEY)
    with HistoryValidator(store_url, pseudonym_key=KEY) as validator:
        result = validator.validate_path(path)
    assert [f.code for f in result.findings if f.niveau == 3] == []


def test_sqlite_connection_settings(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar_one() == 5000
    engine.dispose()


def test_default_url_is_a_file_in_the_current_directory(monkeypatch):
    from berichten.store.config import database_url

    monkeypatch.delenv("BERICHTEN_DB", raising=False)
    assert database_url() == "sqlite:///berichten.db"
    monkeypatch.setenv("BERICHTEN_DB", "postgresql+psycopg://x@y/z")
    assert database_url() == "postgresql+psycopg://x@y/z"
    assert database_url("sqlite:///a.db") == "sqlite:///a.db"



def test_batch_lookups_see_earlier_imports_and_the_same_batch(store_url, tmp_path):
    """The importer fetches level-3 lookups per batch: from earlier imports and within one batch."""
    first = tmp_path / "eerst"
    write(first, "301.xml", build("ijw", "301", [{}, {"ToewijzingNummer": "7003", "Product/Code": "45A05"}]))
    assert import_paths([first], store_url, pseudonym_key=KEY).stored == 1
    batch = tmp_path / "batch"
    write(batch, "a-start.xml", build("ijw", "305"))  # allocation from the earlier import
    write(batch, "b-vreemd.xml", build("ijw", "305", [{"ToewijzingNummer": "7004"}]))  # unknown number
    write(batch, "c-301.xml", build("ijw", "301", [{"ToewijzingNummer": "7004"}], identificatie="IN-BATCH"))
    write(batch, "d-start.xml", build("ijw", "305", [{"ToewijzingNummer": "7004", "Begindatum": "2026-03-09"}]))
    write(batch, "e-dubbel.xml", build("ijw", "301", [{"ToewijzingNummer": "7005"}], identificatie="IN-BATCH"))
    summary = import_paths([batch], store_url, pseudonym_key=KEY)
    assert (summary.stored, summary.rejected) == (3, 2), summary.to_dict()
    assert summary.codes["TR019"] == 1 and summary.codes["TR056"] == 1
    status = {Path(b.source).name: b.status for b in berichten(store_url) if b.source}
    assert status["b-vreemd.xml"] == status["e-dubbel.xml"] == STATUS_REJECTED
    assert status["a-start.xml"] == status["c-301.xml"] == status["d-start.xml"] == STATUS_STORED


def test_same_bytes_twice_in_one_batch_are_stored_once(store_url, tmp_path):
    data = build("iwmo", "315")
    write(tmp_path / "in", "a.xml", data)
    write(tmp_path / "in", "b.xml", data)
    summary = import_paths([tmp_path / "in"], store_url, pseudonym_key=KEY)
    assert (summary.files, summary.stored, summary.duplicates, summary.rejected) == (2, 1, 1, 0)
    assert counts(store_url)["verzoek"] == 1


def _selects_during_import(url: str, folder: Path) -> int:
    selects = 0

    def count(conn, cursor, statement, parameters, context, executemany):
        nonlocal selects
        selects += statement.lstrip().upper().startswith("SELECT")

    event.listen(Engine, "before_cursor_execute", count)
    try:
        summary = import_paths([folder], url, pseudonym_key=KEY, batch_size=1000)
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    assert summary.stored == summary.files and not summary.rejected, summary.to_dict()
    return selects


def test_level3_lookups_are_fetched_per_batch_not_per_message(store_url, tmp_path):
    """301, 305, 307 and 315 in one batch: the number of queries does not grow with the messages.

    (Only ``import_paths`` batches; ``validate --db`` and the inbox ask per message.)"""
    write_mixed(tmp_path / "few", range(0, 3))
    write_mixed(tmp_path / "many", range(100, 130))
    (tmp_path / "leeg").mkdir()
    import_paths([tmp_path / "leeg"], store_url)  # migrations run outside the count
    few = _selects_during_import(store_url, tmp_path / "few")
    many = _selects_during_import(store_url, tmp_path / "many")  # also sees the earlier import as history
    assert many == few, (few, many)


@pytest.fixture(scope="module")
def demo_berichten(tmp_path_factory) -> Path:
    """The demo year (every kind of message, 323s and 325s on earlier allocations included)."""
    from berichten.report.demo import write_demo

    folder = tmp_path_factory.mktemp("demo")
    write_demo(folder / "demo", grjr_clients=30, nijmegen_clients=30)
    return folder / "demo" / "berichten"


@pytest.mark.parametrize("jobs", [1, 2])
def test_level3_of_a_batch_asks_nothing_the_prefetch_did_not_fetch(store_url, demo_berichten, monkeypatch, jobs):
    """What the prefetch collects per batch is what the rules look up, for all kinds of messages:
    while the messages of a batch are checked and added no query is sent (a key the prefetch missed
    would be asked for on its own: correct, but a round trip per message). Small batches, so most
    history is in the store, not pending."""
    from berichten.store.importer import Importer

    inside_add = [False]
    during_add: list[str] = []
    add = Importer.add

    def watched_add(self, *args, **kwargs):
        inside_add[0] = True
        try:
            return add(self, *args, **kwargs)
        finally:
            inside_add[0] = False

    def record(conn, cursor, statement, parameters, context, executemany):
        if inside_add[0]:
            during_add.append(statement)

    monkeypatch.setattr(Importer, "add", watched_add)
    event.listen(Engine, "before_cursor_execute", record)
    try:
        summary = import_paths([demo_berichten], store_url, pseudonym_key=KEY, batch_size=40, jobs=jobs)
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    kinds = {b.nummer for b in berichten(store_url) if b.status == STATUS_STORED}
    assert {"301", "305", "307", "315", "323", "325"} <= kinds, kinds
    assert summary.files > 10 * 40, summary.to_dict()
    assert during_add == [], during_add[:3]


def _peak_rss_of_import(url: str, folder: Path) -> int:
    """Import ``folder`` in a fresh interpreter; its peak resident memory in KiB."""
    code = (
        "import resource, sys\n"
        "from store.importer import import_paths\n"
        "summary = import_paths([sys.argv[1]], sys.argv[2], pseudonym_key='k')\n"
        "assert summary.stored == summary.files and not summary.rejected, summary.to_dict()\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(folder), url], capture_output=True, text=True, timeout=300,
                          cwd=PROJECT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return int(proc.stdout.split()[-1])


def test_import_memory_does_not_grow_with_the_number_of_messages(store_url, tmp_path):
    """Batches are written and let go: 4x the messages (8 batches instead of 2) costs no more memory."""
    write_301s(tmp_path / "klein", 1000)
    write_301s(tmp_path / "groot", 4000, first=1000)
    small = _peak_rss_of_import(store_url, tmp_path / "klein")
    large = _peak_rss_of_import(store_url, tmp_path / "groot")
    assert large - small < 8 * 1024, (small, large)

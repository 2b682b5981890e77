"""Test support: throw-away databases and messages built from the fixtures in fixtures/store/.

The ``store_url`` fixture (tests/conftest.py loads this module as a pytest plugin):
it yields the URL of an empty, migrated database, once per backend - a SQLite file under
``tmp_path`` and a fresh schema on the PostgreSQL server at ``BERICHTEN_TEST_PG`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``), dropped afterwards. The PostgreSQL case is
skipped, with the reason, only when no server answers.
"""

from __future__ import annotations

import atexit
import copy
import itertools
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from functools import lru_cache
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from berichten.store.migrate import upgrade
from berichten.store.models import TABLES

PG_URL = os.environ.get("BERICHTEN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "store"


@lru_cache(maxsize=1)
def postgres_unavailable() -> str | None:
    """None when the test server answers, else why not."""
    try:
        engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any failure to connect means: no server for these tests
        return f"no PostgreSQL server at {make_url(PG_URL).render_as_string(hide_password=True)}: {type(exc).__name__}"


@contextmanager
def postgres_schema_url(base_url: str = PG_URL) -> Iterator[str]:
    """A URL whose connections use a new, empty schema; the schema is dropped on exit."""
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def _empty_database(backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    reason = postgres_unavailable()
    if reason:
        pytest.skip(reason)
    with postgres_schema_url() as url:
        yield url


@contextmanager
def migrated_database(backend: str, folder: Path) -> Iterator[str]:
    """A new migrated database (SQLite file in ``folder``, or a fresh PostgreSQL schema that is
    dropped afterwards; skipped with the reason when no server is reachable)."""
    if backend == "sqlite":
        url = f"sqlite:///{folder / 'report.db'}"
        upgrade(url)
        yield url
        return
    reason = postgres_unavailable()
    if reason:
        pytest.skip(reason)
    with postgres_schema_url() as url:
        upgrade(url)
        yield url


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def empty_store_url(request, tmp_path) -> Iterator[str]:
    """An empty database (no tables), once per backend."""
    with _empty_database(request.param, tmp_path) as url:
        yield url


_session_schema = ExitStack()
atexit.register(_session_schema.close)


@lru_cache(maxsize=1)
def _sqlite_template() -> Path:
    """A migrated SQLite file per test process; tests get a copy (cheaper than migrating each time)."""
    folder = Path(tempfile.mkdtemp(prefix="berichten-store-"))
    atexit.register(shutil.rmtree, folder, True)
    upgrade(f"sqlite:///{folder / 'template.db'}")
    return folder / "template.db"


@lru_cache(maxsize=1)
def _postgres_session_url() -> str:
    """One migrated schema per test process (each xdist worker has its own), dropped at exit."""
    url = _session_schema.enter_context(postgres_schema_url())
    upgrade(url)
    return url


@pytest.fixture(params=BACKENDS)
def store_url(request, tmp_path) -> Iterator[str]:
    """An empty database with the current schema, once per backend.

    SQLite: a new file per test. PostgreSQL: the session's schema, emptied before each test
    (creating and migrating a schema per test would dominate the run time).
    """
    if request.param == "sqlite":
        shutil.copyfile(_sqlite_template(), tmp_path / "store.db")
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    reason = postgres_unavailable()
    if reason:
        pytest.skip(reason)
    url = _postgres_session_url()
    engine = create_engine(url)
    with engine.begin() as conn:
        for table in reversed(TABLES):  # DELETE is much faster than TRUNCATE on tiny tables
            conn.execute(text(f"DELETE FROM {table}"))
    engine.dispose()
    yield url


# --- messages -------------------------------------------------------------------------------------

_PRODUCT = {"301": "ToegewezenProducten", "305": "StartProducten", "307": "StopProducten", "315": "AangevraagdeProducten"}
_SINGLE = {"317": "Client/Verzoek", "319": "Antwoord"}  # one class per message: ``producten`` has at most one dict
_counter = itertools.count(1)


@lru_cache(maxsize=None)
def _template(standaard: str, nummer: str) -> etree._ElementTree:
    return etree.parse(str(FIXTURES / standaard / f"{nummer}.xml"))


# Schema order of the optional children the builder may add (only where a test needs it).
_ORDER = {
    "ToegewezenProduct": (
        "ToewijzingNummer", "ReferentieAanbieder", "Product", "Toewijzingsdatum", "Toewijzingstijd", "Ingangsdatum",
        "Einddatum", "RedenWijziging", "Omvang", "Budget", "Commentaar",
    ),
}


def _set(parent: etree._Element, path: str, value: str | None) -> None:
    """Set the text of the element at a local-name path below ``parent``; None removes it."""
    el = parent.find("/".join("{*}" + p for p in path.split("/")))
    if el is None and value is not None and "/" not in path:
        el = _insert(parent, path)
    if el is None:
        raise KeyError(f"{path} not in fixture below {etree.QName(parent).localname}")
    if value is None:
        el.getparent().remove(el)
    else:
        el.text = value


def _insert(parent: etree._Element, name: str) -> etree._Element | None:
    order = _ORDER.get(etree.QName(parent).localname)
    if not order or name not in order:
        return None
    el = etree.Element(f"{{{etree.QName(parent).namespace}}}{name}")
    before = set(order[: order.index(name)])
    position = 0
    for i, child in enumerate(parent):
        if etree.QName(child).localname in before:
            position = i + 1
    parent.insert(position, el)
    return el


def build(
    standaard: str,
    nummer: str,
    producten: list[dict[str, str | None]] | None = None,
    *,
    identificatie: str | None = None,
    **header: str | None,
) -> bytes:
    """A message from fixtures/store/{standaard}/{nummer}.xml with edits.

    ``header`` keys: afzender, ontvanger, dagtekening, bsn. ``producten``: one dict per product
    class (the fixture's single product is copied), keys are local-name paths below the class,
    e.g. ``{"ToewijzingNummer": "7002", "Product/Code": None}``; for a 317 (Client/Verzoek) and a
    319 (Antwoord) at most one dict, for their single class. Each message gets a new
    Identificatie unless one is given.
    """
    tree = copy.deepcopy(_template(standaard, nummer))
    root = tree.getroot()
    head = root.find("{*}Header")
    _set(head, "BerichtIdentificatie/Identificatie", identificatie or f"T{nummer}-{next(_counter):06d}")
    for key, path in (("afzender", "Afzender"), ("ontvanger", "Ontvanger"), ("dagtekening", "BerichtIdentificatie/Dagtekening")):
        if key in header:
            _set(head, path, header[key])
    client = root.find("{*}Client")
    if "bsn" in header:
        _set(client, "Bsn", header["bsn"])
    if nummer in _SINGLE:
        klasse = root.find("/".join("{*}" + p for p in _SINGLE[nummer].split("/")))
        for path, value in (producten or [{}])[0].items():
            _set(klasse, path, value)
        return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
    container = client.find("{*}" + _PRODUCT[nummer])
    original = container[0]
    for edits in producten or [{}]:
        product = copy.deepcopy(original)
        for path, value in edits.items():
            _set(product, path, value)
        container.append(product)
    container.remove(original)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def fake_bsns(start: int = 100_000_000) -> Iterator[str]:
    """Nine-digit numbers from ``start`` on that pass the 11-proef: fake BSNs for tests and benches."""
    from berichten.validators.rules.common import elfproef

    return (digits for digits in map(str, itertools.count(start)) if elfproef(digits))


def write_301s(folder: Path, n: int, *, per_folder: int | None = None, prefix: str = "B", first: int = 0) -> None:
    """``n`` distinct 301s (own client, ToewijzingNummer and Identificatie each), CRLF, as files.

    With ``per_folder`` they are spread over numbered subfolders, as an archive would be. Sets made
    with ``first`` at least the previous set's ``n`` apart share no client, number or Identificatie.
    """
    bsns = fake_bsns(100_000_000 + 20 * first)  # about one number in eleven passes the 11-proef
    for i in range(first, first + n):
        data = build("ijw", "301", [{"ToewijzingNummer": str(100000 + i)}], identificatie=f"{prefix}{i:011d}", bsn=next(bsns))
        target = folder / f"{i // per_folder:04d}" if per_folder else folder
        target.mkdir(exist_ok=True)
        (target / f"{i:07d}.xml").write_bytes(data.replace(b"\n", b"\r\n"))


def write_mixed(folder: Path, clients: range, *, standaard: str = "ijw") -> None:
    """Per client in ``clients``: a 301, the 305 and 307 of that allocation and a 315, each its own
    file, with own ToewijzingNummer (8000 + i), ReferentieAanbieder (REF-i) and Bsn. All four pass
    levels 1-3 when imported in file-name order (the stop ends the start; the request is new)."""
    bsns = fake_bsns(100_000_000 + 1000 * clients.start)
    folder.mkdir(parents=True, exist_ok=True)
    for i in clients:
        bsn, nummer = next(bsns), str(8000 + i)
        messages = (
            build(standaard, "301", [{"ToewijzingNummer": nummer}], bsn=bsn),
            build(standaard, "305", [{"ToewijzingNummer": nummer}], bsn=bsn),
            build(standaard, "307", [{"ToewijzingNummer": nummer}], bsn=bsn),
            build(standaard, "315", [{"ReferentieAanbieder": f"REF-{i}"}], bsn=bsn),
        )
        for n, data in enumerate(messages, 1):
            (folder / f"{i:07d}-{n}.xml").write_bytes(data.replace(b"\n", b"\r\n"))



IMPORT_MODES = ("db", "prefetch", "batch", "workers")


def import_in_order(url: str, validator, earlier: list[bytes], last: bytes, mode: str = "db"):
    """Import ``earlier`` (each must be stored), then ``last``; the ``StoredMessage`` of ``last``.

    ``mode``: "db" writes each message before the next is checked (level-3 rules query the database
    per lookup); "prefetch" also, but the last message's lookups are fetched at once first, as
    ``import_paths`` does per batch; "batch" keeps all messages in one batch, so the rules see the
    earlier ones only as pending rows; "workers" as "prefetch", but the last message is prepared as
    a worker of ``import --jobs`` does (through pickle), so level 3 runs on its ``Facts``, not a tree."""
    from berichten.store.config import Pseudonymiser
    from berichten.store.db import make_engine
    from berichten.store.importer import Importer, ImportSummary
    from berichten.store.models import STATUS_STORED

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            importer = Importer(connection, validator, Pseudonymiser("test-sleutel"))
            summary = ImportSummary()
            for data in earlier:
                stored = importer.add(validator.validate_bytes(data), None, summary)
                assert stored is not None and stored.status == STATUS_STORED, stored and stored.findings
                if mode != "batch":
                    importer.flush()
            if mode == "workers":
                import pickle

                from berichten.store.prepare import preparer

                prepared = pickle.loads(pickle.dumps(preparer(validator)(last)))
                checked = prepared.result(last)
                records = importer.prepare([checked], [prepared.rows(importer.pseudonym)])[0]
                result = importer.add(checked, None, summary, records=records, facts=prepared.facts)
            else:
                checked = validator.validate_bytes(last)
                records = importer.prepare([checked])[0] if mode == "prefetch" else None
                result = importer.add(checked, None, summary, records=records)
            importer.flush()
            connection.commit()
            return result
    finally:
        engine.dispose()


def assert_level3(stored, expected: set[str]) -> None:
    """The stored message has exactly the level-3 codes ``expected``, no other error, and the status
    and ``niveau3`` that follow from them."""
    from berichten.store.models import STATUS_REJECTED, STATUS_STORED

    niveau3 = [f for f in stored.findings if f["niveau"] == 3]
    assert {f["code"] for f in niveau3} == expected, stored.findings
    assert not [f for f in stored.findings if f["severity"] == "error" and f["niveau"] != 3]
    assert stored.status == (STATUS_REJECTED if expected else STATUS_STORED)
    assert stored.niveau3 is (not expected)

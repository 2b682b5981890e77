"""Lossless read-back: the store returns exactly the bytes it received."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select
from sqlmodel import Session

from berichten.store.db import make_engine
from berichten.store.errors import AmbiguousMessage, MessageNotFound
from berichten.store.export import export_bytes
from berichten.store.importer import import_paths
from berichten.store.models import Bericht
from berichten.store.testing import FIXTURES, build


def stored_ids(url: str) -> dict[str, int]:
    """sha256 -> id of every stored message."""
    engine = make_engine(url)
    with Session(engine) as session:
        rows = dict(session.execute(select(Bericht.sha256, Bericht.id)).all())
    engine.dispose()
    return rows


def test_every_sample_comes_back_byte_for_byte(store_url, reference, tmp_path):
    files = [p for s in ("ijw", "iwmo") for p in reference.samples(s)]
    latin1 = FIXTURES / "latin1-301.xml"
    lf = tmp_path / "lf-301.xml"
    lf.write_bytes((FIXTURES / "ijw" / "301.xml").read_bytes().replace(b"\r\n", b"\n"))
    files += [latin1, lf, FIXTURES / "ijw" / "301.xml"]
    # The corpus really has both kinds of line ending and a non-UTF-8 file.
    assert any(b"\r\n" in p.read_bytes() for p in files) and any(b"\r\n" not in p.read_bytes() for p in files)
    assert b'encoding="ISO-8859-1"' in latin1.read_bytes() and b"\xfc" in latin1.read_bytes()
    import_paths(files, store_url, pseudonym_key="k")
    ids = stored_ids(store_url)
    for path in files:
        data = path.read_bytes()
        assert export_bytes(store_url, id=ids[hashlib.sha256(data).hexdigest()]) == data, path.name


def test_export_by_identificatie(store_url, tmp_path):
    a = build("ijw", "315", identificatie="EXP-1")
    b = build("ijw", "315", [{"ReferentieAanbieder": "REF-X"}], identificatie="EXP-1", afzender="87650002")
    (tmp_path / "a.xml").write_bytes(a)
    (tmp_path / "b.xml").write_bytes(b)
    import_paths([tmp_path], store_url, pseudonym_key="k")
    assert export_bytes(store_url, identificatie="EXP-1", afzender="87650001") == a
    assert export_bytes(store_url, identificatie="EXP-1", afzender="87650002") == b
    with pytest.raises(AmbiguousMessage) as exc:
        export_bytes(store_url, identificatie="EXP-1")
    assert len(exc.value.ids) == 2
    with pytest.raises(MessageNotFound):
        export_bytes(store_url, identificatie="ONBEKEND")
    with pytest.raises(MessageNotFound):
        export_bytes(store_url, id=999)
    with pytest.raises(ValueError):
        export_bytes(store_url)

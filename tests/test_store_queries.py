"""current_toewijzingen: the version with the latest Toewijzingsdatum + -tijd, whatever the arrival order."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from berichten.store.db import make_engine
from berichten.store.importer import import_paths
from berichten.store.queries import current_toewijzingen
from berichten.store.testing import build


def _import(url, tmp_path, *messages: bytes) -> None:
    for i, data in enumerate(messages):
        path = tmp_path / f"{i:02d}.xml"
        path.write_bytes(data)
        summary = import_paths([path], url, pseudonym_key="k")
        assert summary.stored == 1, summary.to_dict()


def _current(url, **filters):
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        rows = current_toewijzingen(session, **filters)
    engine.dispose()
    return rows


def test_latest_decision_wins_not_the_latest_arrival(store_url, tmp_path):
    _import(
        store_url, tmp_path,
        build("ijw", "301", [{"Toewijzingstijd": "10:00:00", "Einddatum": "2026-09-30", "RedenWijziging": "05"}]),
        # arrives later, but is the older decision (a re-send of the first version)
        build("ijw", "301"),
        build("ijw", "301", [{"ToewijzingNummer": "7002"}]),
    )
    rows = _current(store_url)
    assert [(r.toewijzing_nummer, r.einddatum) for r in rows] == [(7001, date(2026, 9, 30)), (7002, date(2026, 12, 31))]
    assert _current(store_url, aanbieder="87650002") == []
    assert len(_current(store_url, standaard="ijw", gemeente="0599", aanbieder="87650001")) == 2


def test_equal_timestamps_fall_back_to_dagtekening(store_url, tmp_path):
    _import(
        store_url, tmp_path,
        build("iwmo", "301", [{"Einddatum": "2026-11-30"}], dagtekening="2026-03-05"),
        build("iwmo", "301", [{"Einddatum": "2026-10-31"}], dagtekening="2026-03-03"),
    )
    (row,) = _current(store_url)
    assert row.einddatum == date(2026, 11, 30)


def test_deleted_allocations_are_left_out_unless_asked(store_url, tmp_path):
    _import(
        store_url, tmp_path,
        build("ijw", "301"),
        build("ijw", "301", [{"Toewijzingstijd": "11:00:00", "Einddatum": "2026-03-01", "RedenWijziging": "13"}]),
    )
    assert _current(store_url) == []
    (row,) = _current(store_url, include_deleted=True)
    assert row.reden_wijziging == "13"

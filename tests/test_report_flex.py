"""GRJR flex rules in the report (report/flex.py): hand counts and agreement with `berichten check`.

A small store per backend, filled through store.importer (real 301s from berichten.generate) and
store.regio_tables.import_csv (the aanmeldingen). The cases follow the worked example of domain
guide 6.3; a seeded random set then compares every SQL verdict with validators.regional's check
on the same message and the same facts (loaded from the same store).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from berichten.report.build import build_report
from berichten.report.flex import FLAGS, FLEX_CODES, flex_scope, flex_verdicts
from berichten.report.model import NIET_BESCHIKBAAR, Report
from berichten.report.state import current_allocations, materialise, rejected_heen
from berichten.report.testing import MessageSet, bsn, migrated_database
from berichten.store.db import make_engine
from berichten.store.importer import import_paths
from berichten.store.regio_tables import create_tables, import_csv, load_facts
from berichten.validators.regional.check import check_messages
from berichten.validators.regional.config import RegionConfig, parse_config
from berichten.validators.regional.outcome import AKKOORD, NIET_AKKOORD, NIET_VAN_TOEPASSING

KEY = "report-flex-sleutel"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]

S, P, F1, F2, F3, OLD = "87654321", "22223333", "12345678", "11112222", "33334444", "44445555"
GRJR = parse_config(f'''
[regio]
code = "grjr"
naam = "GRJR flex test"
gemeenten = ["0599", "0489"]

[[opdracht]]
code = "BC"
naam = "B/C"
tafel = "B/C-tafel"
producten = ["45A04"]

[[aanbieder]]
agb = "{S}"
naam = "Systeem"
  [[aanbieder.rol]]
  rol = "systeemaanbieder"

[[aanbieder]]
agb = "{P}"
naam = "Prestatie"
  [[aanbieder.rol]]
  rol = "prestatieaanbieder"

[[aanbieder]]
agb = "{OLD}"
naam = "Systeem tot maart"
  [[aanbieder.rol]]
  rol = "systeemaanbieder"
  tot = 2026-02-28

[[aanbieder]]
agb = "{F1}"
naam = "Flex Een"
  [[aanbieder.rol]]
  rol = "flex-aanbieder"

[[aanbieder]]
agb = "{F2}"
naam = "Flex en onderaannemer"
  [[aanbieder.rol]]
  rol = "flex-aanbieder"
  [[aanbieder.rol]]
  rol = "onderaannemer"
  van = "{S}"

[[aanbieder]]
agb = "{F3}"
naam = "Flex vanaf juni"
  [[aanbieder.rol]]
  rol = "flex-aanbieder"
  vanaf = 2026-06-01
''', "grjr-flex-test.toml")

HEADER = ["casus", "bsn", "opdracht", "tafel", "aangeleverd_door", "akkoord_contractmanager", "flex_aanbieder",
          "afgewezen_door", "toewijzingnummer"]

# (nummer, gemeente, ontvanger, [aanmelding: (aangeleverd_door, akkoord, afgewezen_door, toewijzingnummer?)],
#  expected codes; None = not counted). Toewijzingsdatum 2026-03-12, Ingangsdatum 2026-03-16 (guide 6.3).
CASES = [
    (880001, "0599", F1, [(S, "2026-03-10", F2, "880001")], ()),  # the worked example: fine
    (880002, "0599", F1, [(S, "2026-03-12", "", "")], ()),  # akkoord on the Toewijzingsdatum: in time
    (880003, "0599", F1, [(S, "2026-03-13", "", "")], ("GRJR-FLEX-004",)),  # a day late
    (880004, "0599", F1, [("0599", "2026-03-10", "", "")], ("GRJR-FLEX-002",)),  # the lokaal team supplied it
    (880005, "0599", F2, [(S, "2026-03-10", F2, "")], ("GRJR-FLEX-005",)),  # F2 declined as onderaannemer
    (880006, "0599", F1, [], ("GRJR-FLEX-001",)),  # no aanmelding
    (880007, "0599", S, [], None),  # a systeemaanbieder: not a flex allocation
    (880008, "0489", F1, [("ZBT", "", "", "")], ("GRJR-FLEX-003",)),  # no akkoord
    (880009, "0599", F1, [(S, "2026-03-20", "", ""), ("RER", "2026-03-01", "", "")], ()),  # one supports it
    (880010, "0599", F1, [("huisarts", "2026-03-01", "", "880010"), (S, "2026-03-01", "", "")],
     ("GRJR-FLEX-002",)),  # the row naming the number decides
    (880011, "0363", F1, [], None),  # not a GRJR gemeente
    (880012, "0599", F3, [], None),  # F3 is flex only from June on
    (880013, "0599", F1, [("rer", "2026-03-11", "", "")], ()),  # ZBT/RER in any case
    (880015, "0599", F1, [("huisarts", "2026-03-14", "", "")], ("GRJR-FLEX-002", "GRJR-FLEX-004")),
    (880016, "0599", F1, [(OLD, "2026-03-10", "", "")], ("GRJR-FLEX-002",)),  # supplier's role ended 02-28
    (880017, "0599", F1, [(S, "2026-03-10", "", "880099")], ("GRJR-FLEX-001",)),  # a row for another number
    (880018, "0599", F1, [(P, "2026-03-11", "", "")], ()),  # a prestatieaanbieder counts as systeemaanbieder
    (880019, "0599", F1, [(S, "2026-03-11", F1, "")], ()),  # F1 is no onderaannemer: its "declining" is no 005
]
DELETED = 880014  # allocated (fine), then deleted: not counted


def _csv(path: Path, rows: list[list[str]]) -> Path:
    path.write_text(";".join(HEADER) + "\n" + "".join(";".join(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _fill(url: str, folder: Path) -> MessageSet:
    m = MessageSet(folder / "berichten")
    rows = []
    for i, (nummer, gemeente, ontvanger, aanmeldingen, _) in enumerate(CASES):
        client = bsn(100 + i)
        m.toewijzing(gemeente=gemeente, aanbieder=ontvanger, client=client, nummer=nummer, code="45A04",
                     ingang="2026-03-16", eind="2026-12-31", toegewezen="2026-03-12")
        rows += [[f"K{nummer}-{j}", client, "BC", "", door, akkoord, ontvanger, afgewezen, nr]
                 for j, (door, akkoord, afgewezen, nr) in enumerate(aanmeldingen)]
    client = bsn(99)
    m.toewijzing(gemeente="0599", aanbieder=F1, client=client, nummer=DELETED, code="45A04",
                 ingang="2026-03-16", eind="2026-12-31", toegewezen="2026-03-12")
    m.toewijzing(gemeente="0599", aanbieder=F1, client=client, nummer=DELETED, code="45A04",
                 ingang="2026-03-16", eind="2026-03-16", toegewezen="2026-03-13", reden="13")
    rows.append(["K880014", client, "BC", "", S, "2026-03-01", F1, "", ""])
    _import(url, m, folder, rows)
    return m


def _import(url: str, m: MessageSet, folder: Path, rows: list[list[str]]) -> None:
    summary = import_paths([m.folder], url, pseudonym_key=KEY)
    assert summary.rejected == 0, summary.to_dict()
    create_tables(url)
    if rows:
        import_csv(url, _csv(folder / "aanmeldingen.csv", rows), "aanmeldingen", pseudonym_key=KEY)


def sql_verdicts(url: str, cfg: RegionConfig) -> dict[tuple[str, int], tuple[str, ...]]:
    """(Afzender, ToewijzingNummer) -> failed codes, for every allocation in scope, as the report computes them."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rejected = materialise(conn, rejected_heen(), "rapport_afgekeurd")
            current = materialise(conn, select(current_allocations(list(cfg.regio.gemeenten), standaard="ijw",
                                                                   rejected=rejected)), "rapport_grjr_huidig")
            v = flex_verdicts(conn, cfg, flex_scope(conn, cfg, current))
            return {(r.afzender, int(r.toewijzing_nummer)):
                    tuple(code for code, k in zip(FLEX_CODES, FLAGS) if getattr(r, k)) for r in conn.execute(select(v))}
    finally:
        engine.dispose()


def checker_verdicts(url: str, cfg: RegionConfig, folder: Path) -> dict[int, tuple[str, tuple[str, ...]]]:
    """ToewijzingNummer -> (verdict, error codes) of `berichten check` on the latest message with that number."""
    facts = load_facts(url, pseudonym_key=KEY)
    out = {}
    for v in check_messages(sorted(folder.glob("*.xml")), cfg, facts):
        out[v.toewijzingnummer] = (v.verdict, tuple(sorted(f.code for f in v.findings if f.severity == "error")))
    return out


def assert_agree(sql: dict[tuple[str, int], tuple[str, ...]], checked: dict[int, tuple[str, tuple[str, ...]]]) -> int:
    by_number = {nummer: codes for (_, nummer), codes in sql.items()}
    assert len(by_number) == len(sql)
    for nummer, (verdict, codes) in checked.items():
        if nummer not in by_number:
            assert verdict == NIET_VAN_TOEPASSING, (nummer, verdict, codes)
        else:
            assert (verdict, codes) == ((NIET_AKKOORD, by_number[nummer]) if by_number[nummer] else (AKKOORD, ())), nummer
    assert set(by_number) <= set(checked)
    return len(checked)


@pytest.fixture(scope="module", params=BACKENDS)
def flex_store(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"flex-{request.param}")
    with migrated_database(request.param, folder) as url:
        m = _fill(url, folder)
        report = build_report(url, GRJR, peildatum=date(2026, 6, 30), van=date(2026, 1, 1), tot=date(2026, 6, 1))
        yield {"url": url, "folder": m.folder, "report": report}


def test_per_allocation_hand_count(flex_store):
    expected = {(gemeente, nummer): codes for nummer, gemeente, _, _, codes in CASES if codes is not None}
    assert sql_verdicts(flex_store["url"], GRJR) == expected


def test_section_counts(flex_store):
    report: Report = flex_store["report"]
    rows = {r[0]: r for r in report.table("grjr_flex_aanbieder").rows}
    # F1: 880001-4, 6, 8-10, 13, 15-19 = 14 in scope; failing 880003, 4, 6, 8, 10, 15, 16, 17 = 8.
    assert rows[F1][2:] == [14, 8]
    assert rows[F2][2:] == [1, 1]  # 880005
    assert rows[F3][2:] == [0, 0]  # 880012 starts before F3 is flex
    assert rows["totaal"][2:] == [15, 9]
    assert S not in rows
    per_code = {r[0]: r[2] for r in report.table("grjr_flex_regels").rows}
    assert per_code == {"GRJR-FLEX-001": 2, "GRJR-FLEX-002": 4, "GRJR-FLEX-003": 1, "GRJR-FLEX-004": 2, "GRJR-FLEX-005": 1}
    listed = report.table("grjr_flex_lijst").records()
    assert [r["toewijzingnummer"] for r in listed] == [880005, 880003, 880004, 880006, 880008, 880010, 880015, 880016, 880017]
    first = listed[0]
    assert first == {"toewijzingnummer": 880005, "afzender": "0599", "ontvanger": F2, "toewijzingsdatum": "2026-03-12",
                     "regels": "GRJR-FLEX-005"}
    assert next(r for r in listed if r["toewijzingnummer"] == 880015)["regels"] == "GRJR-FLEX-002, GRJR-FLEX-004"
    assert report.table("grjr_flex_lijst").note == ""


def test_no_personal_data_in_the_list(flex_store):
    from berichten.store.config import Pseudonymiser

    text = repr(flex_store["report"].to_dict())
    pseudonymise = Pseudonymiser(KEY)
    for i in range(len(CASES)):
        assert bsn(100 + i) not in text
        assert pseudonymise(bsn(100 + i)) not in text


def test_sql_agrees_with_checker(flex_store):
    sql = sql_verdicts(flex_store["url"], GRJR)
    assert assert_agree(sql, checker_verdicts(flex_store["url"], GRJR, flex_store["folder"])) == len(CASES) + 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_sql_agrees_with_checker_on_random_cases(backend, tmp_path):
    """Seeded random allocations and aanmeldingen (0-3 rows each, numbered or not): every verdict agrees."""
    rnd = random.Random(6303)
    m = MessageSet(tmp_path / "berichten")
    rows: list[list[str]] = []
    receivers = [F1, F1, F2, F3, S]
    suppliers = ["ZBT", "RER", "zbt", S, P, OLD, F2, "0599", "huisarts", ""]
    for i in range(40):
        client, nummer = bsn(300 + i), 770000 + i
        toegewezen = date(2026, 1, 1) + timedelta(days=rnd.randrange(200))
        ontvanger = rnd.choice(receivers)
        m.toewijzing(gemeente=rnd.choice(["0599", "0489", "0599", "0363"]), aanbieder=ontvanger, client=client,
                     nummer=nummer, code="45A04", ingang=(toegewezen + timedelta(days=rnd.randrange(-30, 30))).isoformat(),
                     eind="2026-12-31", toegewezen=toegewezen.isoformat())
        for j in range(rnd.choice([0, 1, 1, 2, 3])):
            akkoord = "" if rnd.random() < 0.15 else (toegewezen + timedelta(days=rnd.randrange(-5, 3))).isoformat()
            afgewezen = rnd.choice(["", F2, F1, f"{F1}|{F2}"])
            nr = rnd.choice(["", "", str(nummer), str(nummer + 1)])
            flex = ontvanger if rnd.random() < 0.9 else F1
            rows.append([f"R{i}-{j}", client, "BC", "", rnd.choice(suppliers), akkoord, flex, afgewezen, nr])
    with migrated_database(backend, tmp_path) as url:
        _import(url, m, tmp_path, rows)
        sql = sql_verdicts(url, GRJR)
        checked = checker_verdicts(url, GRJR, m.folder)
    assert assert_agree(sql, checked) == 40
    # The random set must exercise both outcomes and several codes, or the comparison says little.
    assert sum(1 for c in sql.values() if c) >= 5 and sum(1 for c in sql.values() if not c) >= 3
    assert len({code for c in sql.values() for code in c}) >= 4


@pytest.mark.parametrize("backend", BACKENDS)
def test_without_aanmeldingen_not_available(backend, tmp_path):
    m = MessageSet(tmp_path / "berichten")
    m.toewijzing(gemeente="0599", aanbieder=F1, client=bsn(1), nummer=1, code="45A04", ingang="2026-03-16",
                 eind="2026-12-31", toegewezen="2026-03-12")
    with migrated_database(backend, tmp_path) as url:
        _import(url, m, tmp_path, [])  # tables created, no aanmeldingen: the checker says "not configured" too
        report = build_report(url, GRJR, peildatum=date(2026, 6, 30))
    rows = {r[0]: r for r in report.table("grjr_flex_aanbieder").rows}
    assert rows[F1][2:] == [1, NIET_BESCHIKBAAR]
    assert [r[2] for r in report.table("grjr_flex_regels").rows] == [NIET_BESCHIKBAAR] * 5
    assert report.table("grjr_flex_lijst").rows == []
    section = next(s for s in report.sections if s.id == "grjr-regels")
    assert any(NIET_BESCHIKBAAR in n for n in section.notes)


@pytest.mark.parametrize("backend", BACKENDS)
def test_list_is_bounded(backend, tmp_path, monkeypatch):
    from berichten.report import grjr

    monkeypatch.setattr(grjr, "LIST_LIMIT", 3)
    m = MessageSet(tmp_path / "berichten")
    for i in range(5):  # five allocations without aanmelding: five times GRJR-FLEX-001
        m.toewijzing(gemeente="0599", aanbieder=F1, client=bsn(200 + i), nummer=990000 + i, code="45A04",
                     ingang="2026-03-16", eind="2026-12-31", toegewezen=f"2026-03-1{i}")
    with migrated_database(backend, tmp_path) as url:
        _import(url, m, tmp_path, [["X", bsn(250), "BC", "", S, "2026-03-01", F1, "", ""]])
        report = build_report(url, GRJR, peildatum=date(2026, 6, 30))
    lijst = report.table("grjr_flex_lijst")
    assert [r[0] for r in lijst.rows] == [990000, 990001, 990002]
    assert "nog 2 toewijzing" in lijst.note


def test_list_left_out_when_suppressing(flex_store):
    from berichten.report.privacy import suppress

    hidden = suppress(flex_store["report"], 5)
    assert hidden.table("grjr_flex_lijst").rows == [] and "weggelaten" in hidden.table("grjr_flex_lijst").note
    assert {r[0]: r[3] for r in hidden.table("grjr_flex_aanbieder").rows}[F2] == "<5"
    assert len(flex_store["report"].table("grjr_flex_lijst").rows) == 9  # the original is untouched

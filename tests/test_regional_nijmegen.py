"""NIJM-BT-001..005 through `berichten check`: the domain guide's worked examples (section 6.4) and the
scope edges, with real 301 files and a real acceptaties CSV, in the order the messages are given."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from berichten.validators.regional.commands import check
from tests.test_regional_support import BSN_A, BSN_B, BSN_C, FIXTURES, bericht_301, csv_text, product, write

A, B = "87654321", "22223333"  # two contracted providers in fixtures/regio/nijmegen.toml


def nmsg(code: str, nummer: int, ingang: str, eind: str | None, omvang: tuple[int, str, str] | None = None, *,
         ontvanger: str = A, bsn: str = BSN_A, afzender: str = "0268", budget: int | None = None,
         extra: list[dict[str, Any]] = (), reden: str | None = None) -> bytes:
    standaard = "iwmo" if code.startswith("02") else "ijw"
    day = min(ingang, "2026-01-01")
    products = [product(nummer, code, ingang=ingang, eind=eind, toegewezen=day, omvang=omvang, budget=budget, reden=reden),
                *extra]
    return bericht_301(standaard=standaard, afzender=afzender, ontvanger=ontvanger, bsn=bsn, dagtekening=day,
                       producten=products, identificatie=f"N-{nummer}")


def acc(product_code: str, datum: str, *, aanbieder: str = A, bsn: str = BSN_A, team: str = "jeugd-gezin",
        casus: str = "C-1") -> dict[str, str]:
    return {"bsn": bsn, "aanbieder": aanbieder, "product": product_code, "acceptatiedatum": datum,
            "buurtteam": team, "casus": casus}


def run_check(tmp_path, messages: list[bytes], rows: list[dict[str, str]] | None):
    files = [str(write(tmp_path / f"bericht-{i}.xml", m)) for i, m in enumerate(messages, 1)]
    args = [*files, "--regio", "nijmegen", "--config", str(FIXTURES / "nijmegen.toml"), "--format", "jsonl"]
    if rows is not None:
        args += ["--acceptaties", str(write(tmp_path / "acceptaties.csv", csv_text(rows, delimiter=",")))]
    result = CliRunner().invoke(check, args)
    return result, [json.loads(line) for line in result.stdout.splitlines()]


YEAR = ("2026-03-01", "2027-02-28")  # 12 months, 365 days
V_ROWS = [acc("02A03", "2026-03-01", bsn=BSN_B, team="volwassenen"),
          acc("02A05", "2026-03-01", aanbieder=B, bsn=BSN_B, team="volwassenen")]
V_A = nmsg("02A03", 2001, *YEAR, (3, "04", "2"), bsn=BSN_B)
V_B = nmsg("02A05", 2002, *YEAR, (60, "04", "6"), ontvanger=B, bsn=BSN_B)

# id, messages (in order), acceptance rows, expected [(verdict, codes, toegewezen uren, standaard uren)] per product
SCENARIOS = [
    ("ex1-45A04-9-months-equal", [nmsg("45A04", 1, "2026-01-01", "2026-09-30", (225, "04", "6"))],
     [acc("45A04", "2026-01-01")], [("AKKOORD", [], "225.00", "225.00")]),
    ("ex1-45A04-6h-week-234h", [nmsg("45A04", 1, "2026-01-01", "2026-09-30", (6, "04", "2"))],
     [acc("45A04", "2026-01-01")], [("AKKOORD MET WAARSCHUWING", ["NIJM-BT-003"], "234.00", "225.00")]),
    ("ex2-jg-stacked-1.5-year",
     [nmsg("45A04", 1, "2026-01-01", "2027-06-30", (6, "04", "2"),
           extra=[product(2, "45A05", ingang="2026-01-01", eind="2027-06-30", toegewezen="2026-01-01", omvang=(300, "04", "6"))])],
     [acc("45A04", "2026-01-01"), acc("45A05", "2026-01-01")],
     [("AKKOORD MET WAARSCHUWING", ["NIJM-BT-003"], "468.00", "450.00"), ("AKKOORD", [], "300.00", "300.00")]),
    ("ex3-volwassenen-two-providers", [V_A, V_B], V_ROWS,
     [("AKKOORD", [], "156.43", "200.00"), ("AKKOORD MET WAARSCHUWING", ["NIJM-BT-004"], "60.00", "200.00")]),
    ("ex3-reversed-order", [V_B, V_A], V_ROWS,
     [("AKKOORD", [], "60.00", "200.00"), ("AKKOORD MET WAARSCHUWING", ["NIJM-BT-004"], "156.43", "200.00")]),
    ("ex3-repeat-replaces-not-adds", [V_A, V_A], V_ROWS,
     [("AKKOORD", [], "156.43", "200.00"), ("AKKOORD", [], "156.43", "200.00")]),
    ("ex3-deleting-b-frees-the-cap",
     [V_A, V_B, nmsg("02A05", 2002, YEAR[0], YEAR[0], (60, "04", "6"), ontvanger=B, bsn=BSN_B, reden="13"), V_A], V_ROWS,
     [("AKKOORD", [], "156.43", "200.00"), ("AKKOORD MET WAARSCHUWING", ["NIJM-BT-004"], "60.00", "200.00"),
      ("NIET VAN TOEPASSING", [], None, None), ("AKKOORD", [], "156.43", "200.00")]),
    ("ex3-both-warnings", [V_A, nmsg("02A05", 2002, *YEAR, (250, "04", "6"), ontvanger=B, bsn=BSN_B)], V_ROWS,
     [("AKKOORD", [], "156.43", "200.00"), ("AKKOORD MET WAARSCHUWING", ["NIJM-BT-003", "NIJM-BT-004"], "250.00", "200.00")]),
    ("jg-wmo-products-no-shared-cap", [V_A, V_B],
     [acc("02A03", "2026-03-01", bsn=BSN_B), acc("02A05", "2026-03-01", aanbieder=B, bsn=BSN_B)],
     [("AKKOORD", [], "156.43", "200.00"), ("AKKOORD", [], "60.00", "200.00")]),
    ("ex4-volwassenen-6-months", [nmsg("02A03", 3, "2026-01-01", "2026-06-30", (4, "04", "2"))],
     [acc("02A03", "2026-01-01", team="volwassenen")], [("AKKOORD MET WAARSCHUWING", ["NIJM-BT-003"], "103.43", "100.00")]),
    ("ex5-acceptance-a-week-earlier", [nmsg("02A03", 4, "2026-05-11", "2026-11-10", (2, "04", "2"), bsn=BSN_C)],
     [acc("02A03", "2026-05-04", bsn=BSN_C, team="volwassenen")], [("NIET AKKOORD", ["NIJM-BT-002"], "52.57", "100.00")]),
    ("acceptance-a-day-later", [nmsg("45A04", 1, "2026-01-01", "2026-09-30", (225, "04", "6"))],
     [acc("45A04", "2026-01-02")], [("NIET AKKOORD", ["NIJM-BT-002"], "225.00", "225.00")]),
    ("no-acceptance", [nmsg("45A04", 1, "2026-01-01", "2026-09-30", (225, "04", "6"))],
     [acc("45A05", "2026-01-01")], [("NIET AKKOORD", ["NIJM-BT-001"], "225.00", "225.00")]),
    ("other-provider-accepted", [nmsg("45A04", 1, "2026-01-01", "2026-09-30", (225, "04", "6"))],
     [acc("45A04", "2026-01-01", aanbieder=B)], [("NIET AKKOORD", ["NIJM-BT-001"], "225.00", "225.00")]),
    # Budget with a product code already fails level 2 (CD041), which decides before the regional rules.
    ("budget-fails-level-2-first", [nmsg("45A04", 1, "2026-01-01", "2026-09-30", budget=500000)],
     [acc("45A04", "2026-01-01")], [("NIET AKKOORD", ["CD041"], None, None)]),
    ("etmaal-not-evaluable", [nmsg("45A04", 1, "2026-01-01", "2026-09-30", (10, "14", "2"))],
     [acc("45A04", "2026-01-01")], [("AKKOORD", ["NIJM-BT-005"], None, None)]),
    ("total-without-einddatum-not-evaluable", [nmsg("02A03", 1, "2026-01-01", None, (100, "04", "6"))],
     [acc("02A03", "2026-01-01", team="volwassenen")], [("AKKOORD", ["NIJM-BT-005"], None, None)]),
    ("open-ended-within-yearly-standard", [nmsg("02A03", 1, "2026-01-01", None, (16, "04", "4"))],
     [acc("02A03", "2026-01-01", team="volwassenen")], [("AKKOORD", [], "192.00", "200.00")]),
    ("open-ended-above-yearly-standard", [nmsg("02A03", 1, "2026-01-01", None, (20, "04", "4"))],
     [acc("02A03", "2026-01-01", team="volwassenen")], [("AKKOORD MET WAARSCHUWING", ["NIJM-BT-003"], "240.00", "200.00")]),
    ("open-ended-shared-cap-per-year",
     [nmsg("02A03", 1, "2026-01-01", None, (10, "04", "4"), bsn=BSN_B),
      nmsg("02A05", 2, "2026-01-01", None, (8, "04", "4"), ontvanger=B, bsn=BSN_B)],
     [acc("02A03", "2026-01-01", bsn=BSN_B, team="volwassenen"), acc("02A05", "2026-01-01", aanbieder=B, bsn=BSN_B, team="volwassenen")],
     [("AKKOORD", [], "120.00", "200.00"), ("AKKOORD MET WAARSCHUWING", ["NIJM-BT-004"], "96.00", "200.00")]),
    ("group-care-out-of-scope", [nmsg("02A01", 1, "2026-01-01", "2026-06-30", (4, "04", "2"))],
     [acc("02A01", "2026-01-01")], [("NIET VAN TOEPASSING", [], None, None)]),
    ("other-gemeente", [nmsg("45A04", 1, "2026-01-01", "2026-09-30", (225, "04", "6"), afzender="0599")],
     [acc("45A04", "2026-01-01")], [("NIET VAN TOEPASSING", [], None, None)]),
    ("maatwerkovereenkomst", [nmsg("45A04", 1, "2026-01-01", "2026-09-30", (225, "04", "6"), ontvanger="44445555")],
     [acc("45A04", "2026-01-01", aanbieder="44445555")], [("NIET VAN TOEPASSING", [], None, None)]),
    ("provider-not-in-registry", [nmsg("45A04", 1, "2026-01-01", "2026-09-30", (225, "04", "6"), ontvanger="99990000")],
     [acc("45A04", "2026-01-01", aanbieder="99990000")], [("NIET VAN TOEPASSING", [], None, None)]),
    ("acceptaties-not-configured", [nmsg("45A04", 1, "2026-01-01", "2026-09-30", (6, "04", "2"))], None,
     [("AKKOORD MET WAARSCHUWING", ["NIJM-BT-001", "NIJM-BT-003"], "234.00", "225.00")]),
]


@pytest.mark.parametrize("messages, rows, expected", [s[1:] for s in SCENARIOS], ids=[s[0] for s in SCENARIOS])
def test_nijmegen_scenarios(tmp_path, messages, rows, expected):
    result, lines = run_check(tmp_path, messages, rows)
    got = [(x["verdict"], sorted(f["code"] for f in x["findings"]),
            x["uren"] and x["uren"]["toegewezen"], x["uren"] and x["uren"]["standaard"]) for x in lines]
    assert got == expected
    assert result.exit_code == (1 if any(v == "NIET AKKOORD" for v, *_ in expected) else 0)
    for x in lines:
        for f in (f for f in x["findings"] if f["code"].startswith("NIJM")):
            assert f["niveau"] == "regionaal" and f["retourcode"] is None
            assert f["locatie"].startswith("/Bericht/Client/ToegewezenProducten/ToegewezenProduct")
        if x["verdict"] == "NIET VAN TOEPASSING":
            assert x["reden"] and not x["findings"]


def melding(lines, code):
    return next(f["melding"] for x in lines for f in x["findings"] if f["code"] == code)


def test_meldingen_show_hours_with_two_decimals(tmp_path):
    _, lines = run_check(tmp_path, [V_A, nmsg("02A05", 2002, *YEAR, (250, "04", "6"), ontvanger=B, bsn=BSN_B)], V_ROWS)
    assert "250.00" in melding(lines, "NIJM-BT-003") and "200.00" in melding(lines, "NIJM-BT-003")
    cap = melding(lines, "NIJM-BT-004")
    assert "406.43" in cap and "200.00" in cap and "2026-03-01 t/m 2027-02-28" in cap


def test_acceptance_date_melding_names_both_dates(tmp_path):
    _, lines = run_check(tmp_path, [nmsg("02A03", 4, "2026-05-11", "2026-11-10", (2, "04", "2"), bsn=BSN_C)],
                         [acc("02A03", "2026-05-04", bsn=BSN_C, team="volwassenen")])
    text = melding(lines, "NIJM-BT-002")
    assert "2026-05-11" in text and "2026-05-04" in text and "7 dag(en) later" in text


def test_cap_window_grows_with_the_case(tmp_path):
    """Two half-year allocations one after the other: the window is the whole year, the cap 200 h."""
    rows = [acc("02A03", "2026-01-01", team="volwassenen", bsn=BSN_B), acc("02A03", "2026-07-01", team="volwassenen", bsn=BSN_B)]
    first = nmsg("02A03", 1, "2026-01-01", "2026-06-30", (100, "04", "6"), bsn=BSN_B)
    second = nmsg("02A03", 2, "2026-07-01", "2026-12-31", (100, "04", "6"), bsn=BSN_B)
    _, lines = run_check(tmp_path, [first, second], rows)
    assert [x["verdict"] for x in lines] == ["AKKOORD", "AKKOORD"]  # 100 <= 100, then 200 <= 200

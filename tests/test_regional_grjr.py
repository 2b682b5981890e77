"""GRJR-FLEX-001..005 through `berichten check`: real 301 files, a real aanmeldingen CSV, the real command.

The base case is the domain guide's worked example (section 6.3): gemeente 0599 sends on 2026-03-12
a 301 to flex-aanbieder 12345678, ToewijzingNummer 880001, Ingangsdatum 2026-03-16; the case was
supplied by systeemaanbieder 87654321, akkoord on 2026-03-10, onderaannemer 11112222 declined.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from berichten.validators.regional.commands import check
from tests.test_regional_support import BSN_A, BSN_B, FIXTURES, aanmelding, bericht_301, csv_text, product, write

TP = "/Bericht/Client/ToegewezenProducten/ToegewezenProduct"


def message(**kw: Any) -> bytes:
    p = dict(ingang="2026-03-16", eind="2026-09-15", toegewezen="2026-03-12", omvang=(3, "04", "2"))
    p |= kw.pop("product", {})
    return bericht_301(
        standaard=kw.pop("standaard", "ijw"), afzender=kw.pop("afzender", "0599"), ontvanger=kw.pop("ontvanger", "12345678"),
        bsn=kw.pop("bsn", BSN_A), dagtekening=kw.pop("dagtekening", "2026-03-12"),
        producten=[product(kw.pop("nummer", 880001), kw.pop("code", "45A04"), **p)],
    )


def run_check(tmp_path, messages: list[bytes], rows: list[dict[str, str]] | None, *extra: str):
    files = [str(write(tmp_path / f"bericht-{i}.xml", m)) for i, m in enumerate(messages, 1)]
    args = [*files, "--regio", "grjr", "--config", str(FIXTURES / "grjr.toml"), "--format", "jsonl", *extra]
    if rows is not None:
        args += ["--aanmeldingen", str(write(tmp_path / "aanmeldingen.csv", csv_text(rows)))]
    result = CliRunner().invoke(check, args)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    return result, lines


# id, message keyword arguments, aanmelding rows (None: no file), verdict, finding codes
SCENARIOS = [
    ("worked-example", {}, [aanmelding()], "AKKOORD", []),
    ("akkoord-same-day", {}, [aanmelding(akkoord_contractmanager="2026-03-12")], "AKKOORD", []),
    ("akkoord-day-after", {}, [aanmelding(akkoord_contractmanager="2026-03-13")], "NIET AKKOORD", ["GRJR-FLEX-004"]),
    ("supplied-by-gemeente", {}, [aanmelding(aangeleverd_door="0599")], "NIET AKKOORD", ["GRJR-FLEX-002"]),
    ("supplied-by-huisarts", {}, [aanmelding(aangeleverd_door="huisarts")], "NIET AKKOORD", ["GRJR-FLEX-002"]),
    ("supplied-by-zbt", {}, [aanmelding(aangeleverd_door="ZBT")], "AKKOORD", []),
    ("supplied-by-rer-lowercase", {}, [aanmelding(aangeleverd_door="rer")], "AKKOORD", []),
    ("supplied-by-prestatieaanbieder", {}, [aanmelding(aangeleverd_door="87650000")], "AKKOORD", []),
    ("supplied-by-onderaannemer", {}, [aanmelding(aangeleverd_door="11112222")], "NIET AKKOORD", ["GRJR-FLEX-002"]),
    ("supplied-by-flex-itself", {}, [aanmelding(aangeleverd_door="12345678")], "NIET AKKOORD", ["GRJR-FLEX-002"]),
    ("supplied-by-nobody", {}, [aanmelding(aangeleverd_door="")], "NIET AKKOORD", ["GRJR-FLEX-002"]),
    ("no-akkoord", {}, [aanmelding(akkoord_contractmanager="")], "NIET AKKOORD", ["GRJR-FLEX-003"]),
    ("no-akkoord-even-via-zbt", {}, [aanmelding(akkoord_contractmanager="", aangeleverd_door="ZBT")],
     "NIET AKKOORD", ["GRJR-FLEX-003"]),
    ("declined-onderaannemer", {"ontvanger": "11112222"}, [aanmelding(flex_aanbieder="11112222")],
     "NIET AKKOORD", ["GRJR-FLEX-005"]),
    ("sent-to-other-flex-than-aanmelding", {"ontvanger": "11112222"}, [aanmelding()], "NIET AKKOORD", ["GRJR-FLEX-001"]),
    ("aanmelding-other-client", {}, [aanmelding(bsn=BSN_B)], "NIET AKKOORD", ["GRJR-FLEX-001"]),
    ("aanmelding-same-number", {}, [aanmelding(toewijzingnummer="880001")], "AKKOORD", []),
    ("aanmelding-other-number", {}, [aanmelding(toewijzingnummer="880099")], "NIET AKKOORD", ["GRJR-FLEX-001"]),
    ("retroactive-ingangsdatum", {"product": {"ingang": "2026-03-01"}}, [aanmelding()], "AKKOORD", []),
    ("two-errors-both-reported", {}, [aanmelding(aangeleverd_door="0599", akkoord_contractmanager="2026-03-20")],
     "NIET AKKOORD", ["GRJR-FLEX-002", "GRJR-FLEX-004"]),
    ("best-of-two-aanmeldingen", {}, [aanmelding(akkoord_contractmanager=""), aanmelding(casus="C-2")], "AKKOORD", []),
    ("to-systeemaanbieder", {"ontvanger": "87654321"}, [aanmelding()], "NIET VAN TOEPASSING", []),
    ("to-unknown-provider", {"ontvanger": "55556666"}, [aanmelding()], "NIET VAN TOEPASSING", []),
    ("not-a-grjr-gemeente", {"afzender": "0268"}, [aanmelding()], "NIET VAN TOEPASSING", []),
    ("wmo-message", {"standaard": "iwmo", "code": "02A03"}, [aanmelding()], "NIET VAN TOEPASSING", []),
    ("flex-role-not-yet-valid", {"product": {"ingang": "2025-12-15", "toegewezen": "2025-12-10"}, "dagtekening": "2025-12-10"},
     [aanmelding()], "NIET VAN TOEPASSING", []),
    ("deleted-allocation", {"product": {"ingang": "2026-03-16", "eind": "2026-03-16", "reden": "13"}}, [aanmelding(aangeleverd_door="0599")],
     "NIET VAN TOEPASSING", []),
    ("no-aanmeldingen-configured", {}, None, "AKKOORD", ["GRJR-FLEX-001"]),
]


@pytest.mark.parametrize("kw, rows, verdict, codes", [s[1:] for s in SCENARIOS], ids=[s[0] for s in SCENARIOS])
def test_grjr_scenarios(tmp_path, kw, rows, verdict, codes):
    result, [line] = run_check(tmp_path, [message(**kw)], rows)
    assert line["verdict"] == verdict, line
    assert sorted(f["code"] for f in line["findings"]) == codes
    assert line["toewijzingnummer"] == 880001 and line["product"] in ("45A04", "02A03")
    for f in line["findings"]:
        assert f["niveau"] == "regionaal" and f["retourcode"] is None and f["locatie"] == TP
    if verdict == "NIET VAN TOEPASSING":
        assert line["reden"]
    assert result.exit_code == (1 if verdict == "NIET AKKOORD" else 0)


def test_not_configured_is_info_not_error(tmp_path):
    _, [line] = run_check(tmp_path, [message()], None)
    [f] = line["findings"]
    assert f["severity"] == "info" and "niet geconfigureerd" in f["melding"]


def test_meldingen_carry_the_dates(tmp_path):
    _, [line] = run_check(tmp_path, [message()], [aanmelding(akkoord_contractmanager="2026-03-13")])
    melding = line["findings"][0]["melding"]
    assert "2026-03-13" in melding and "2026-03-12" in melding and "aanmeldingen.csv:2" in melding


def test_each_product_judged_on_its_own_toewijzingsdatum(tmp_path):
    data = bericht_301(afzender="0599", ontvanger="12345678", bsn=BSN_A, dagtekening="2026-03-14", producten=[
        product(880001, "45A04", ingang="2026-03-16", eind="2026-09-15", toegewezen="2026-03-09", omvang=(3, "04", "2")),
        product(880002, "45A05", ingang="2026-03-16", eind="2026-09-15", toegewezen="2026-03-14", omvang=(2, "04", "2")),
    ])
    _, lines = run_check(tmp_path, [data], [aanmelding(akkoord_contractmanager="2026-03-12")])
    assert [(x["toewijzingnummer"], x["verdict"]) for x in lines] == [(880001, "NIET AKKOORD"), (880002, "AKKOORD")]
    assert lines[0]["findings"][0]["locatie"] == TP + "[1]"


def test_text_output_is_dutch_and_masks_the_bsn(tmp_path):
    files = [str(write(tmp_path / "b.xml", message()))]
    csv_file = str(write(tmp_path / "a.csv", csv_text([aanmelding(akkoord_contractmanager="2026-03-13")])))
    result = CliRunner().invoke(check, [*files, "--config", str(FIXTURES / "grjr.toml"), "--aanmeldingen", csv_file])
    assert result.exit_code == 1
    assert "ToewijzingNummer 880001, product 45A04, client *******06: NIET AKKOORD" in result.stdout
    assert "FOUT GRJR-FLEX-004 [regionaal]" in result.stdout
    assert "1 toegewezen product(en): 0 AKKOORD, 0 AKKOORD MET WAARSCHUWING, 1 NIET AKKOORD" in result.stdout
    assert BSN_A not in result.output

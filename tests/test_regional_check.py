"""`check_messages` and the `check` command around the rules: levels 1-2 first, inputs, exit codes,
the database route, the shipped walkthrough examples, the registry, and one real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from berichten.store.regio_tables import create_tables
from berichten.validators.regional import REGIONAL_REGISTRY
from berichten.validators.regional.check import check_messages
from berichten.validators.regional.commands import COMMANDS, check, regio_group
from berichten.validators.regional.config import load_config
from berichten.validators.regional.facts import load_csv_facts
from tests.test_regional_support import BSN_A, BSN_B, BSN_C, FIXTURES, aanmelding, bericht_301, csv_text, product, write

ROOT = Path(__file__).resolve().parent.parent
GRJR_DIR, NIJM_DIR = FIXTURES / "grjr", FIXTURES / "nijmegen"
GRJR_FILES = ["jw301-flex-12345678.xml", "jw301-flex-11112222.xml", "jw301-flex-11112222-zonder-aanmelding.xml",
              "jw301-systeemaanbieder.xml"]
NIJM_FILES = ["jw301-45a04-9-maanden-225-uur.xml", "jw301-45a04-9-maanden-234-uur.xml", "wmo301-02a03-aanbieder-a.xml",
              "wmo301-02a05-aanbieder-b.xml", "wmo301-02a03-acceptatie-week-eerder.xml"]
GRJR_EXPECTED = [(880001, "AKKOORD", []), (880002, "NIET AKKOORD", ["GRJR-FLEX-005"]),
                 (880003, "NIET AKKOORD", ["GRJR-FLEX-001"]), (880004, "NIET VAN TOEPASSING", [])]
NIJM_EXPECTED = [(1001, "AKKOORD", []), (1002, "AKKOORD MET WAARSCHUWING", ["NIJM-BT-003"]), (2001, "AKKOORD", []),
                 (2002, "AKKOORD MET WAARSCHUWING", ["NIJM-BT-004"]), (2003, "NIET AKKOORD", ["NIJM-BT-002"])]


def summary(verdicts):
    return [(v.toewijzingnummer, v.verdict, sorted(f.code for f in v.findings)) for v in verdicts]


def test_shipped_grjr_walkthrough():
    facts = load_csv_facts(aanmeldingen=GRJR_DIR / "aanmeldingen.csv")
    verdicts = check_messages([GRJR_DIR / f for f in GRJR_FILES], load_config(FIXTURES / "grjr.toml"), facts)
    assert summary(verdicts) == GRJR_EXPECTED


def test_shipped_nijmegen_walkthrough():
    facts = load_csv_facts(acceptaties=NIJM_DIR / "acceptaties.csv")
    verdicts = check_messages([NIJM_DIR / f for f in NIJM_FILES], load_config(FIXTURES / "nijmegen.toml"), facts)
    assert summary(verdicts) == NIJM_EXPECTED


def grjr_message(**product_kw) -> bytes:
    p = dict(ingang="2026-03-16", eind="2026-09-15", toegewezen="2026-03-12", omvang=(3, "04", "2")) | product_kw
    return bericht_301(afzender="0599", ontvanger="12345678", bsn=BSN_A, dagtekening="2026-03-12", producten=[
        product(880001, "45A04", **p), product(880002, "45A05", **p)])


def test_level_2_failure_makes_every_product_niet_akkoord():
    # Toewijzingsdatum after the Dagtekening breaks a level-2 rule in both products.
    data = grjr_message(toegewezen="2026-03-13")
    facts = load_csv_facts()
    verdicts = check_messages([("te-laat.xml", data)], load_config(FIXTURES / "grjr.toml"), facts)
    assert [(v.file, v.toewijzingnummer, v.verdict) for v in verdicts] == [
        ("te-laat.xml", 880001, "NIET AKKOORD"), ("te-laat.xml", 880002, "NIET AKKOORD")]
    for v in verdicts:
        assert v.findings and all(f.niveau == 2 and f.retourcode for f in v.findings)


def test_level_1_failure_gives_one_verdict_for_the_file():
    data = grjr_message()[:500]  # cut off: not well-formed
    [v] = check_messages([data], load_config(FIXTURES / "grjr.toml"), load_csv_facts())
    assert (v.file, v.toewijzingnummer, v.verdict) == ("bericht-1", None, "NIET AKKOORD")
    assert v.findings[0].niveau == 1


def test_other_messages_are_niet_van_toepassing():
    data = (ROOT / "fixtures" / "xsd" / "jw305-taakgericht.xml").read_bytes()
    [v] = check_messages([data], load_config(FIXTURES / "grjr.toml"), load_csv_facts())
    assert v.verdict == "NIET VAN TOEPASSING" and "305" in v.reden and not v.findings


def test_jsonl_contract(tmp_path):
    result = CliRunner().invoke(check, [str(GRJR_DIR / GRJR_FILES[1]), "--config", str(FIXTURES / "grjr.toml"),
                                       "--aanmeldingen", str(GRJR_DIR / "aanmeldingen.csv"), "--format", "jsonl"])
    [line] = [json.loads(x) for x in result.stdout.splitlines()]
    assert list(line) == ["file", "toewijzingnummer", "product", "verdict", "findings", "reden", "uren"]
    assert list(line["findings"][0]) == ["code", "niveau", "severity", "retourcode", "locatie", "melding"]
    assert result.exit_code == 1


def test_folder_argument_in_sorted_order_and_default_config_note(tmp_path):
    result = CliRunner().invoke(check, [str(NIJM_DIR), "--regio", "nijmegen", "--acceptaties",
                                        str(NIJM_DIR / "acceptaties.csv"), "--format", "jsonl"])
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert [Path(x["file"]).name for x in lines] == sorted(NIJM_FILES)
    assert "voorbeeldconfiguratie" in result.stderr


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["bestaat-niet.xml", "--regio", "grjr"], "bestaat niet"),
        ([str(GRJR_DIR / GRJR_FILES[0])], "--regio"),
        ([str(GRJR_DIR / GRJR_FILES[0]), "--regio", "nijmegen", "--aanmeldingen", str(GRJR_DIR / "aanmeldingen.csv")],
         "--aanmeldingen hoort bij --regio grjr"),
        ([str(GRJR_DIR / GRJR_FILES[0]), "--regio", "nijmegen", "--config", str(FIXTURES / "grjr.toml")],
         "voor regio 'grjr'"),
        ([str(GRJR_DIR / GRJR_FILES[0]), "--regio", "grjr", "--aanmeldingen", "geen.csv"], "niet te lezen"),
    ],
)
def test_usage_errors_exit_2(args, fragment):
    result = CliRunner().invoke(check, args)
    assert result.exit_code == 2 and fragment in result.output


def test_bad_config_and_bad_csv_exit_2_with_dutch_lines(tmp_path):
    config = write(tmp_path / "regio.toml", (FIXTURES / "grjr.toml").read_text().replace('agb = "12345678"', 'agb = "123"'))
    result = CliRunner().invoke(check, [str(GRJR_DIR / GRJR_FILES[0]), "--config", str(config)])
    assert result.exit_code == 2 and f"{config}: regel " in result.stderr and "aanbieder[2].agb" in result.stderr
    bad = write(tmp_path / "a.csv", csv_text([aanmelding(), aanmelding(bsn="999900007", akkoord_contractmanager="31-02-2026")]))
    result = CliRunner().invoke(check, [str(GRJR_DIR / GRJR_FILES[0]), "--config", str(FIXTURES / "grjr.toml"),
                                        "--aanmeldingen", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}: regel 3, kolom bsn: " in result.stderr and f"{bad}: regel 3, kolom akkoord_contractmanager" in result.stderr
    assert "999900007" not in result.output


def test_database_route(tmp_path, monkeypatch):
    monkeypatch.setenv("BERICHTEN_PSEUDONIEM_SLEUTEL", "test-sleutel-regio")
    url = f"sqlite:///{tmp_path / 'b.db'}"
    create_tables(url)
    runner = CliRunner()
    imported = runner.invoke(regio_group, ["import-csv", "--db", url, "--aanmeldingen", str(GRJR_DIR / "aanmeldingen.csv"),
                                           "--acceptaties", str(NIJM_DIR / "acceptaties.csv")])
    assert imported.exit_code == 0, imported.output
    assert "2 aanmeldingen opgeslagen" in imported.stdout and "4 acceptaties opgeslagen" in imported.stdout
    for regio, folder, files, expected in (("grjr", GRJR_DIR, GRJR_FILES, GRJR_EXPECTED), ("nijmegen", NIJM_DIR, NIJM_FILES, NIJM_EXPECTED)):
        result = runner.invoke(check, [*(str(folder / f) for f in files), "--config", str(FIXTURES / f"{regio}.toml"),
                                       "--db", url, "--format", "jsonl"])
        got = [(x["toewijzingnummer"], x["verdict"], sorted(f["code"] for f in x["findings"]))
               for x in map(json.loads, result.stdout.splitlines())]
        assert got == expected


def test_import_into_database_without_tables_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(regio_group, ["import-csv", "--db", f"sqlite:///{tmp_path / 'x.db'}",
                                              "--aanmeldingen", str(GRJR_DIR / "aanmeldingen.csv")])
    assert result.exit_code == 2 and "db upgrade" in result.stderr


def test_registry_is_listable_and_explainable():
    codes = [r.code for r in REGIONAL_REGISTRY]
    assert codes == [f"GRJR-FLEX-00{i}" for i in range(1, 6)] + [f"NIJM-BT-00{i}" for i in range(1, 6)]
    for rule in REGIONAL_REGISTRY:
        for attr in ("code", "niveau", "retourcode", "berichten", "standaarden", "melding", "uitleg", "elementen",
                     "severity", "voorbeeld_fout", "voorbeeld_goed"):
            assert hasattr(rule, attr)
        assert rule.niveau == "regionaal" and rule.retourcode is None and rule.berichten == {"301"}
        assert rule.melding and len(rule.uitleg) > 80
        for name in (rule.voorbeeld_fout, rule.voorbeeld_goed):
            assert not name or (ROOT / "fixtures" / name).is_file(), name
    severities = {r.code: r.severity for r in REGIONAL_REGISTRY}
    assert {severities[f"GRJR-FLEX-00{i}"] for i in range(1, 6)} == {"error"}
    assert [severities[f"NIJM-BT-00{i}"] for i in range(1, 6)] == ["error", "error", "warning", "warning", "info"]
    assert {c.name for c in COMMANDS} == {"check", "regio"}


def test_no_full_bsn_in_any_output():
    runner = CliRunner()
    outputs = []
    for fmt in ("text", "jsonl"):
        outputs.append(runner.invoke(check, [*(str(GRJR_DIR / f) for f in GRJR_FILES), "--config", str(FIXTURES / "grjr.toml"),
                                             "--aanmeldingen", str(GRJR_DIR / "aanmeldingen.csv"), "--format", fmt]).output)
        outputs.append(runner.invoke(check, [*(str(NIJM_DIR / f) for f in NIJM_FILES), "--config", str(FIXTURES / "nijmegen.toml"),
                                             "--acceptaties", str(NIJM_DIR / "acceptaties.csv"), "--format", fmt]).output)
    for out in outputs:
        for bsn in (BSN_A, BSN_B, BSN_C):
            assert bsn not in out


def test_real_subprocess():
    code = "import sys; from validators.regional.commands import check; check(sys.argv[1:], prog_name='berichten check')"
    proc = subprocess.run(
        [sys.executable, "-c", code, *(str(GRJR_DIR / f) for f in GRJR_FILES), "--regio", "grjr",
         "--config", str(FIXTURES / "grjr.toml"), "--aanmeldingen", str(GRJR_DIR / "aanmeldingen.csv")],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )
    assert proc.returncode == 1, proc.stderr
    assert "ToewijzingNummer 880002, product 45A04, client *******18: NIET AKKOORD" in proc.stdout
    assert proc.stdout.strip().endswith(
        "4 toegewezen product(en): 1 AKKOORD, 0 AKKOORD MET WAARSCHUWING, 2 NIET AKKOORD, 1 NIET VAN TOEPASSING")

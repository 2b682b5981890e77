"""Level 4 through the real doors: validate, retour, import, check, the inbox, lijsten and explain."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from berichten.cli import main

PROJECT = Path(__file__).resolve().parent.parent
LIJSTEN = PROJECT / "fixtures" / "lijsten"
TOML = str(LIJSTEN / "lijsten.toml")
BERICHTEN = Path(sys.executable).parent / "berichten"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def jsonl(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


# --- validate ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name,lijsten,exit_code,codes", [
    ("jw301-bekend.xml", None, 0, []),
    ("jw301-dagtekening-toekomst.xml", None, 1, ["TR135"]),
    ("jw301-gemeente-onbekend.xml", None, 1, ["TR378"]),
    ("jw301-productcode-onbekend.xml", None, 1, ["TR381"]),
    ("jw301-niet-gecontracteerd.xml", None, 0, []),
    ("jw301-niet-gecontracteerd.xml", TOML, 1, ["BER-L4-CONTRACT"]),
    ("jw323-agb-onbekend.xml", TOML, 1, ["BER-L4-CONTRACT", "BER-L4-AGB"]),
])
def test_validate_jsonl(name, lijsten, exit_code, codes):
    args = ["validate", "--format", "jsonl", str(LIJSTEN / name)] + (["--lijsten", lijsten] if lijsten else [])
    result = run(*args)
    assert result.exit_code == exit_code, result.output
    [obj] = jsonl(result.stdout)
    assert [f["code"] for f in obj["findings"]] == codes
    assert obj["niveaus"] == [1, 2, 4] and list(obj)[-1] == "niveaus"


def test_validate_text_names_the_levels_checked_and_not_checked():
    result = run("validate", str(LIJSTEN / "jw301-bekend.xml"), str(LIJSTEN / "jw323-agb-bekend.xml"))
    assert result.exit_code == 0, result.output
    assert "jw301-bekend.xml: GELDIG (niveau 1-2, 4 gecontroleerd; niet gecontroleerd: niveau 3, contracten)" in result.stdout
    # Reported once per run on stderr, not per message.
    assert result.stderr.count("niet gecontroleerd: contracten, AGB-codes") == 1


def test_validate_with_all_lists_leaves_only_level_3_unchecked():
    result = run("validate", str(LIJSTEN / "jw301-bekend.xml"), "--lijsten", TOML)
    assert "GELDIG (niveau 1-2, 4 gecontroleerd; niet gecontroleerd: niveau 3)" in result.stdout
    assert result.stderr == ""


def test_validate_with_db_checks_all_four_levels(store_url):
    result = run("validate", "--format", "jsonl", str(LIJSTEN / "jw301-bekend.xml"), "--db", store_url)
    assert result.exit_code == 0, result.output
    assert jsonl(result.stdout)[0]["niveaus"] == [1, 2, 3, 4]
    text_result = run("validate", str(LIJSTEN / "jw301-bekend.xml"), "--db", store_url, "--lijsten", TOML)
    assert "GELDIG (niveau 1-4 gecontroleerd)" in text_result.stdout


def test_an_xsd_failure_says_which_levels_did_not_run():
    result = run("validate", str(PROJECT / "fixtures" / "invoer" / "bsn-acht-cijfers.xml"))
    assert "ONGELDIG (niveau 1 gecontroleerd; niet gecontroleerd: niveau 2-4)" in result.stdout


@pytest.mark.parametrize("command", [["validate"], ["retour", "-o", "uit"], ["import", "--db", "sqlite:///x.db"], ["lijsten"]])
@pytest.mark.parametrize("toml,melding", [
    ("kapot.toml", "contracten-kapot.csv, regel 4: agb '1234' is geen AGB-code van 8 cijfers"),
    ("ontbrekend.toml", "bestaat-niet.csv: lijst niet gevonden"),
])
def test_a_missing_or_malformed_list_is_exit_2(tmp_path, monkeypatch, command, toml, melding):
    monkeypatch.chdir(tmp_path)
    args = command + ([str(LIJSTEN / "jw301-bekend.xml")] if command[0] != "lijsten" else [])
    result = run(*args, "--lijsten", str(LIJSTEN / toml))
    assert result.exit_code == 2, result.output
    assert melding in result.stderr and result.stdout == ""


# --- lijsten -----------------------------------------------------------------------------------------


def test_lijsten_shows_the_shipped_lists():
    result = run("lijsten")
    assert result.exit_code == 0, result.output
    assert "gemeentecodes:" in result.stdout and "peildatum 2026-01-01 · 342 rijen" in result.stdout
    assert "contracten: niet ingesteld (niet gecontroleerd)" in result.stdout
    assert "productcodes iwmo:" in result.stdout and "leeg (niet gecontroleerd)" in result.stdout


def test_lijsten_jsonl_with_configured_lists():
    result = run("lijsten", "--lijsten", TOML, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    rows = {r["lijst"]: r for r in jsonl(result.stdout)}
    assert (rows["contracten"]["rijen"], rows["contracten"]["peildatum"]) == (2, "2026-11-01")
    assert (rows["AGB-codes"]["rijen"], rows["AGB-codes"]["verouderd"]) == (2, False)


def test_an_outdated_list_is_a_warning():
    result = run("lijsten", "--lijsten", str(LIJSTEN / "verouderd.toml"))
    assert result.exit_code == 0
    assert "AGB-codes" in result.stdout and "VEROUDERD" in result.stdout
    assert "waarschuwing: AGB-codes" in result.stderr and "peildatum 2020-01-01" in result.stderr


def test_max_leeftijd_option_overrides_the_configuration():
    strict = run("lijsten", "--max-leeftijd", "1")
    assert strict.exit_code == 0 and "waarschuwing: gemeentecodes" in strict.stderr
    assert "waarschuwing" not in run("lijsten", "--lijsten", TOML).stderr  # max_leeftijd = 36500 there


@pytest.mark.parametrize("code,retourcode", [
    ("TR135", "8848"), ("TR378", "S300"), ("TR381", "S329"), ("BER-L4-CONTRACT", "S329"), ("BER-L4-AGB", None),
    ("TR346", "9346"), ("TR418", "0611"),
])
def test_explain_level4_codes(code, retourcode):
    result = run("explain", code)
    assert result.exit_code == 0, result.output
    assert "controleniveau: 4" in result.stdout
    assert f"retourcode: {retourcode or 'geen'}" in result.stdout
    assert "Voorbeeld: fixtures/lijsten/" in result.stdout


def test_rules_lists_level4():
    result = run("rules", "--niveau", "4", "--format", "jsonl")
    assert {r["code"] for r in jsonl(result.stdout)} == {"TR135", "TR378", "TR381", "BER-L4-CONTRACT", "BER-L4-AGB",
                                                          "TR346", "TR418"}


@pytest.mark.reference
def test_retourcodes_agree_with_rules_csv(reference):
    import csv

    with open(reference.REFERENCE_DIR / "rules" / "rules.csv", encoding="utf-8") as fh:
        table = {(r["code"], r["retourcode"], r["controleniveau"]) for r in csv.DictReader(fh)}
    for code, retourcode in (("TR135", "8848"), ("TR378", "S300"), ("TR381", "S329")):
        assert (code, retourcode, "externe bron") in table


# --- retour --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name,lijsten,code", [
    ("jw301-dagtekening-toekomst.xml", None, "8848"),
    ("jw301-gemeente-onbekend.xml", None, "S300"),
    ("jw301-productcode-onbekend.xml", None, "S329"),
    ("jw301-niet-gecontracteerd.xml", TOML, "S329"),
    ("jw323-bedrag-klopt-niet.xml", None, "9346"),
    ("jw323-tarief-niet-gecontracteerd.xml", TOML, "0611"),
])
def test_retour_carries_the_level4_code(tmp_path, name, lijsten, code):
    args = ["retour", str(LIJSTEN / name), "-o", str(tmp_path), "--dagtekening", "2026-04-03"]
    result = run(*args + (["--lijsten", lijsten] if lijsten else []))
    assert result.exit_code == 1, result.output
    [retour] = tmp_path.glob("*.3[02][25].xml")
    data = retour.read_bytes()
    assert f"RetourCode>{code}<".encode() in data
    if name.startswith("jw323"):  # the code sits on the Prestatie it concerns
        prestatie = data[data.index(b"<jw325:Prestatie>"):data.index(b"</jw325:Prestatie>")]
        assert f"RetourCode>{code}<".encode() in prestatie


def test_retour_of_an_approved_message_has_no_codes(tmp_path):
    result = run("retour", str(LIJSTEN / "jw301-bekend.xml"), "-o", str(tmp_path), "--lijsten", TOML)
    assert result.exit_code == 0, result.output
    assert b"RetourCode" not in next(tmp_path.glob("*.302.xml")).read_bytes()


# --- import, check, inbox ------------------------------------------------------------------------


def test_import_rejects_at_level_4(store_url, tmp_path):
    from berichten.store.db import make_engine

    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("jw301-bekend.xml", "jw301-niet-gecontracteerd.xml"):
        shutil.copy(LIJSTEN / name, folder / name)
    result = run("import", str(folder), "--db", store_url, "--lijsten", TOML)
    assert result.exit_code == 1, result.output
    assert "1 opgeslagen, 1 afgekeurd" in result.stdout and "BER-L4-CONTRACT 1x" in result.stdout
    engine = make_engine(store_url)
    with engine.connect() as conn:
        rows = dict(conn.execute(text("select identificatie, niveau4 from bericht")).all())
    engine.dispose()
    assert rows == {"LIJST-0001": True, "LIJST-0005": False}


def test_check_uses_the_lists_of_the_regional_configuration(tmp_path):
    config = (PROJECT / "fixtures" / "regio" / "grjr.toml").read_text(encoding="utf-8")
    (tmp_path / "regio.toml").write_text(
        config + f'\n[lijsten]\ncontracten = "{(LIJSTEN / "contracten.csv").as_posix()}"\n', encoding="utf-8")
    result = run("check", str(LIJSTEN / "jw301-niet-gecontracteerd.xml"), "--config", str(tmp_path / "regio.toml"),
                 "--format", "jsonl")
    assert result.exit_code == 1, result.output
    [verdict] = jsonl(result.stdout)
    assert verdict["verdict"] == "NIET AKKOORD"
    assert "BER-L4-CONTRACT" in {f["code"] for f in verdict["findings"]}


def test_check_with_a_malformed_list_is_exit_2(tmp_path):
    config = (PROJECT / "fixtures" / "regio" / "grjr.toml").read_text(encoding="utf-8")
    (tmp_path / "regio.toml").write_text(
        config + f'\n[lijsten]\ncontracten = "{(LIJSTEN / "contracten-kapot.csv").as_posix()}"\n', encoding="utf-8")
    result = run("check", str(LIJSTEN / "jw301-bekend.xml"), "--config", str(tmp_path / "regio.toml"))
    assert result.exit_code == 2 and "regel 4" in result.stderr


def test_inbox_rejects_at_level_4_and_writes_the_retour(tmp_path):
    box = tmp_path / "inbox"
    box.mkdir()
    shutil.copy(LIJSTEN / "jw301-niet-gecontracteerd.xml", box / "toewijzing.xml")
    url = f"sqlite:///{tmp_path / 'store.db'}"
    result = run("inbox", str(box), "--once", "--db", url, "--settle", "0", "--lijsten", TOML)
    assert result.exit_code == 0, result.output
    assert (box / "afgekeurd" / "toewijzing.xml").exists()
    report = json.loads((box / "afgekeurd" / "toewijzing.bevindingen.json").read_text(encoding="utf-8"))
    assert "BER-L4-CONTRACT" in {f["code"] for f in report["findings"]}
    assert b"RetourCode>S329<" in (box / "retour" / "toewijzing.302.xml").read_bytes()


def test_inbox_with_a_missing_list_does_not_start(tmp_path):
    box = tmp_path / "inbox"
    box.mkdir()
    result = run("inbox", str(box), "--once", "--db", f"sqlite:///{tmp_path / 's.db'}",
                 "--lijsten", str(LIJSTEN / "ontbrekend.toml"))
    assert result.exit_code == 2 and "lijst niet gevonden" in result.stderr


@pytest.mark.skipif(not BERICHTEN.exists(), reason="the berichten console script is not installed in this venv")
def test_lijsten_as_a_real_process():
    proc = subprocess.run([str(BERICHTEN), "lijsten", "--lijsten", str(LIJSTEN / "kapot.toml")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "contracten-kapot.csv, regel 4" in proc.stderr


def test_an_unknown_agb_code_gets_no_325(tmp_path):
    (tmp_path / "agb.toml").write_text(f'[lijsten]\nagb = "{(LIJSTEN / "agb.csv").as_posix()}"\n', encoding="utf-8")
    result = run("retour", str(LIJSTEN / "jw323-agb-onbekend.xml"), "-o", str(tmp_path / "uit"),
                 "--lijsten", str(tmp_path / "agb.toml"))
    assert result.exit_code == 1, result.output
    assert "geen retourbericht: afgekeurd op niveau 4 zonder retourcode (BER-L4-AGB)" in result.stderr
    assert not list((tmp_path / "uit").glob("*.xml"))
    known = run("retour", str(LIJSTEN / "jw323-agb-bekend.xml"), "-o", str(tmp_path / "uit"),
                "--lijsten", str(tmp_path / "agb.toml"))
    assert known.exit_code == 0, known.output
    assert len(list((tmp_path / "uit").glob("*.325.xml"))) == 1


def test_inbox_rejects_an_unknown_agb_code_without_a_retour(tmp_path):
    box = tmp_path / "inbox"
    box.mkdir()
    shutil.copy(LIJSTEN / "jw323-agb-onbekend.xml", box / "declaratie.xml")
    result = run("inbox", str(box), "--once", "--db", f"sqlite:///{tmp_path / 'store.db'}", "--settle", "0",
                 "--lijsten", TOML)
    assert result.exit_code == 0, result.output
    assert (box / "afgekeurd" / "declaratie.xml").exists()
    report = json.loads((box / "afgekeurd" / "declaratie.bevindingen.json").read_text(encoding="utf-8"))
    assert "BER-L4-AGB" in {f["code"] for f in report["findings"]} and report["retour"] is None
    assert not list((box / "retour").glob("*"))
    assert "Retour:   geen (dit bericht krijgt geen retourbericht)" in (
        box / "afgekeurd" / "declaratie.bevindingen.txt").read_text(encoding="utf-8")

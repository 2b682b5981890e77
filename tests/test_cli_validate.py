"""`berichten validate`: the JSON-lines contract, exit codes, folders, many files, real subprocesses."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from berichten.cli import main

PROJECT = Path(__file__).resolve().parent.parent
DEMO = PROJECT / "fixtures" / "demo"
INVOER = PROJECT / "fixtures" / "invoer"
GELDIG = DEMO / "jw301-toewijzing-geldig.xml"
BERICHTEN = Path(sys.executable).parent / "berichten"

CONTRACT_KEYS = {"file", "standaard", "bericht", "well_formed", "xsd_valid", "findings", "niveaus"}
FINDING_KEYS = {"code", "niveau", "severity", "retourcode", "locatie", "melding"}


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def jsonl(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_valid_message_exits_0_with_one_object():
    result = run("validate", "--format", "jsonl", str(GELDIG))
    assert result.exit_code == 0, result.output
    [obj] = jsonl(result.output)
    assert obj == {
        "file": str(GELDIG), "standaard": "ijw", "bericht": "301",
        "well_formed": True, "xsd_valid": True, "findings": [], "niveaus": [1, 2, 4],
    }
    assert list(obj)[-1] == "niveaus"  # additive: after the keys the contract had before


def test_one_object_per_file_in_input_order_with_the_contract_shape():
    files = [str(INVOER / "leeg.xml"), str(GELDIG), str(INVOER / "bsn-acht-cijfers.xml"), str(INVOER / "geen-istandaard.xml")]
    result = run("validate", "--format", "jsonl", *files)
    assert result.exit_code == 1
    objs = jsonl(result.output)
    assert [o["file"] for o in objs] == files
    for obj in objs:
        assert set(obj) == CONTRACT_KEYS
        for finding in obj["findings"]:
            assert set(finding) == FINDING_KEYS
            assert finding["niveau"] in (1, 2, 3, 4, "regionaal")
            assert finding["severity"] in ("error", "warning", "info")
    leeg, _, bsn, vreemd = objs
    assert (leeg["well_formed"], leeg["xsd_valid"]) == (False, None)
    assert (bsn["xsd_valid"], bsn["findings"][0]["locatie"]) == (False, "/Bericht/Client/Bsn")
    assert (vreemd["well_formed"], vreemd["xsd_valid"], vreemd["standaard"]) == (True, False, None)


def test_xsd_finding_names_the_line_and_element():
    result = run("validate", "--format", "jsonl", str(DEMO / "jw301-ingangsdatum-geen-datum.xml"))
    [obj] = jsonl(result.output)
    [finding] = obj["findings"]
    assert finding["code"] == "XSD001" and finding["niveau"] == 1 and finding["retourcode"] is None
    assert finding["locatie"] == "/Bericht/Client/ToegewezenProducten/ToegewezenProduct/Ingangsdatum"
    assert finding["melding"].startswith("Regel ")


def test_warnings_alone_exit_0():
    result = run("validate", "--format", "jsonl", str(INVOER / "regeleinden-lf.xml"))
    assert result.exit_code == 0


def test_folder_is_searched_for_xml_files(tmp_path):
    (tmp_path / "sub").mkdir()
    shutil.copy(GELDIG, tmp_path / "sub" / "b.xml")
    shutil.copy(GELDIG, tmp_path / "a.xml")
    (tmp_path / "notitie.txt").write_text("geen bericht")
    result = run("validate", "--format", "jsonl", str(tmp_path))
    assert [Path(o["file"]).name for o in jsonl(result.output)] == ["a.xml", "b.xml"]
    assert result.exit_code == 0


def test_missing_path_is_a_usage_error_but_other_files_are_still_checked(tmp_path):
    result = CliRunner().invoke(main, ["validate", "--format", "jsonl", str(GELDIG), str(tmp_path / "weg.xml")])
    assert result.exit_code == 2
    assert len(jsonl(result.stdout)) == 1
    assert "bestaat niet" in result.stderr


@pytest.mark.parametrize("args", [["validate"], ["validate", "--format", "yaml", "x.xml"], ["validate", "--bom", "soms", "x.xml"]])
def test_usage_errors_exit_2(args):
    assert CliRunner().invoke(main, args).exit_code == 2


def test_text_format_is_dutch_and_masks_the_bsn():
    result = run("validate", str(INVOER / "bsn-acht-cijfers.xml"), str(GELDIG))
    assert "ONGELDIG" in result.output and "GELDIG" in result.output
    assert "99900001" not in result.output and "999000019" not in result.output
    assert "2 bestanden: 1 geldig, 1 met fouten" in result.output


def test_xsd_dir_accepts_a_folder_laid_out_like_the_official_download(reference):
    result = run("validate", "--format", "jsonl", "--xsd-dir", str(reference.REFERENCE_DIR), str(GELDIG))
    assert result.exit_code == 0, result.output


def test_xsd_dir_that_does_not_exist_is_a_usage_error(tmp_path):
    assert CliRunner().invoke(main, ["validate", "--xsd-dir", str(tmp_path / "nee"), str(GELDIG)]).exit_code == 2


# ------------------------------------------------------------------------- real subprocesses


def test_console_script_runs_as_a_real_process():
    proc = subprocess.run([str(BERICHTEN), "validate", "--format", "jsonl", str(GELDIG), str(INVOER / "leeg.xml")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert [o["well_formed"] for o in jsonl(proc.stdout)] == [True, False]


def _rss_of_validate_run(folder: Path) -> tuple[int, int]:
    """Run the CLI in a subprocess and return (lines printed, peak RSS in KiB)."""
    code = (
        "import resource, sys\n"
        "import cli\n"
        "try:\n"
        "    cli.main(['validate', '--format', 'jsonl', sys.argv[1]])\n"
        "finally:\n"
        "    print('RSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True, text=True, timeout=300, cwd=PROJECT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    rss = int(proc.stderr.rsplit("RSS", 1)[1].split()[0])
    return len(proc.stdout.splitlines()), rss


def test_a_thousand_files_in_one_call_with_flat_memory(tmp_path):
    data = GELDIG.read_bytes()
    small, large = tmp_path / "klein", tmp_path / "groot"
    small.mkdir(), large.mkdir()
    for i in range(100):
        (small / f"b{i:04d}.xml").write_bytes(data)
    for i in range(1500):
        (large / f"b{i:04d}.xml").write_bytes(data.replace(b"DEMO-0001", f"D{i}".encode()))
    lines_small, rss_small = _rss_of_validate_run(small)
    lines_large, rss_large = _rss_of_validate_run(large)
    assert (lines_small, lines_large) == (100, 1500)
    # 15x the files may not cost more than a few MiB extra: results are streamed, not kept.
    assert rss_large - rss_small < 8 * 1024, (rss_small, rss_large)

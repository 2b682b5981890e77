"""The store commands through click (CliRunner) and once as a real `berichten` process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from berichten.cli import main
from berichten.store.testing import FIXTURES, build

BERICHTEN = Path(sys.executable).parent / "berichten"


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_db_upgrade(tmp_path):
    url = f"sqlite:///{tmp_path / 'nieuw.db'}"
    result = run("db", "upgrade", "--db", url)
    assert result.exit_code == 0, result.output
    assert "schemaversie" in result.output and (tmp_path / "nieuw.db").exists()


def test_import_exit_codes_and_summary(store_url, tmp_path):
    goed = tmp_path / "goed"
    goed.mkdir()
    (goed / "301.xml").write_bytes((FIXTURES / "ijw" / "301.xml").read_bytes())
    result = run("import", str(goed), "--db", store_url)
    assert result.exit_code == 0, result.output
    assert "1 bestanden: 1 opgeslagen, 0 afgekeurd, 0 al aanwezig" in result.output

    again = run("import", str(goed), "--db", store_url)
    assert again.exit_code == 0 and "0 opgeslagen, 0 afgekeurd, 1 al aanwezig" in again.output

    fout = tmp_path / "fout.xml"
    fout.write_bytes(build("ijw", "305", [{"ToewijzingNummer": "12345"}]))
    rejected = run("import", str(fout), "--db", store_url)
    assert rejected.exit_code == 1
    assert "1 afgekeurd" in rejected.output and "TR019 1x" in rejected.output

    missing = run("import", str(tmp_path / "nergens.xml"), "--db", store_url)
    assert missing.exit_code == 2 and "bestaat niet" in missing.output


def test_export_to_file_and_usage_errors(store_url, tmp_path):
    source = FIXTURES / "iwmo" / "315.xml"
    assert run("import", str(source), "--db", store_url).exit_code == 0
    out = tmp_path / "terug.xml"
    result = run("export", "--identificatie", "T315-0001", "--afzender", "87650001", "-o", str(out), "--db", store_url)
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == source.read_bytes()
    assert run("export", "--db", store_url).exit_code == 2
    assert run("export", "--id", "1", "--identificatie", "x", "--db", store_url).exit_code == 2
    not_found = run("export", "--id", "424242", "--db", store_url)
    assert not_found.exit_code == 1 and "geen bericht" in not_found.output


@pytest.mark.skipif(not BERICHTEN.exists(), reason=f"{BERICHTEN} is not installed")
def test_real_process_import_and_export(tmp_path):
    url = f"sqlite:///{tmp_path / 'proces.db'}"
    env = {**os.environ, "BERICHTEN_DB": url, "BERICHTEN_PSEUDONIEM_SLEUTEL": "proces-sleutel"}
    source = FIXTURES / "ijw" / "301.xml"
    imported = subprocess.run([str(BERICHTEN), "import", str(source)], env=env, capture_output=True, timeout=60)
    assert imported.returncode == 0, imported.stderr.decode()
    assert b"1 opgeslagen" in imported.stdout
    exported = subprocess.run([str(BERICHTEN), "export", "--id", "1"], env=env, capture_output=True, timeout=60)
    assert exported.returncode == 0, exported.stderr.decode()
    assert exported.stdout == source.read_bytes()


def test_progress_bar_path_imports_everything(tmp_path, capsys):
    from berichten.store.commands import _import_with_progress

    folder = tmp_path / "in"
    folder.mkdir()
    for standaard in ("ijw", "iwmo"):
        (folder / f"{standaard}.xml").write_bytes((FIXTURES / standaard / "315.xml").read_bytes())
    summary = _import_with_progress((str(folder),), f"sqlite:///{tmp_path / 'p.db'}", 1)
    assert (summary.files, summary.stored) == (2, 2)
    assert capsys.readouterr().out == ""  # the bar goes to stderr, stdout stays clean for scripts

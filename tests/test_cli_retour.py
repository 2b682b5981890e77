"""`berichten retour` and `validate --db`: the control levels decide whether and which retour is due."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from berichten import parse
from berichten.cli import main
from berichten.validators.pipeline import Validator

PROJECT = Path(__file__).resolve().parent.parent
DEMO = PROJECT / "fixtures" / "demo"
REGELS = PROJECT / "fixtures" / "regels"
STORE = PROJECT / "fixtures" / "store"
BERICHTEN = Path(sys.executable).parent / "berichten"


def retour_codes(data: bytes) -> list[str]:
    root = etree.fromstring(data)
    return [el.text for el in root.iter("{*}RetourCode")]


def test_an_answer_gets_a_320(tmp_path):
    result = CliRunner().invoke(main, ["retour", str(STORE / "iwmo" / "319.xml"), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (written,) = tmp_path.iterdir()
    assert written.name == "319.320.xml"
    assert Validator().validate_bytes(written.read_bytes()).ok


@pytest.mark.parametrize("standaard", ["ijw", "iwmo"])
def test_a_request_for_change_gets_a_318(tmp_path, standaard):
    """An approved 317 gets a header-only 318; one the level-2 rules reject gets 0001 (exit code 1)."""
    pre = "jw" if standaard == "ijw" else "wmo"
    goed = REGELS / f"{pre}317-geldig.xml"
    fout = tmp_path / "fout.317.xml"
    # a new product starting on the Dagtekening: TR380
    fout.write_bytes(goed.read_bytes().replace(b">2026-11-01<", b">2026-09-14<"))
    ok = CliRunner().invoke(main, ["retour", str(goed), "-o", str(tmp_path / "ok")])
    rejected = CliRunner().invoke(main, ["retour", str(fout), "-o", str(tmp_path / "af")])
    assert ok.exit_code == 0, ok.output
    assert rejected.exit_code == 1 and "TR380" in rejected.stderr, rejected.output
    (approved,) = (tmp_path / "ok").iterdir()
    (afgekeurd,) = (tmp_path / "af").iterdir()
    assert approved.name == f"{pre}317-geldig.318.xml" and afgekeurd.name == "fout.317.318.xml"
    assert retour_codes(approved.read_bytes()) == [] and retour_codes(afgekeurd.read_bytes()) == ["0001"]
    for data in (approved.read_bytes(), afgekeurd.read_bytes()):
        assert Validator().validate_bytes(data).ok


def test_a_retour_gets_no_retour_and_that_is_an_input_error(tmp_path):
    """A valid message the command cannot answer: the user hears why, and the exit code says input
    error (2), not findings (1)."""
    first = CliRunner().invoke(main, ["retour", str(STORE / "ijw" / "319.xml"), "-o", str(tmp_path / "een")])
    (retour,) = (tmp_path / "een").iterdir()
    result = CliRunner().invoke(main, ["retour", str(retour), "-o", str(tmp_path / "twee")])
    assert first.exit_code == 0 and result.exit_code == 2
    assert "berichten bouwt geen retour op een 320" in result.stderr
    assert not (tmp_path / "twee").exists() or not list((tmp_path / "twee").iterdir())


def test_retours_follow_the_control_levels(tmp_path):
    result = CliRunner().invoke(main, ["retour", str(DEMO), "-o", str(tmp_path), "--dagtekening", "2026-03-13"])
    assert result.exit_code == 1  # some demo messages are rejected
    written = sorted(p.name for p in tmp_path.iterdir())
    # level 1 failures (truncated file, impossible date) get no retour at all
    assert written == ["jw301-bsn-faalt-11-proef.302.xml", "jw301-toewijzing-geldig.302.xml"]
    assert "geen retourbericht: niveau 1 afgekeurd (XML001)" in result.stderr
    assert "geen retourbericht: niveau 1 afgekeurd (XSD001)" in result.stderr
    rejected = (tmp_path / "jw301-bsn-faalt-11-proef.302.xml").read_bytes()
    accepted = (tmp_path / "jw301-toewijzing-geldig.302.xml").read_bytes()
    assert retour_codes(rejected) == ["0001"]
    assert b"<jw302:XsltVersie>2.10.5</jw302:XsltVersie>" in rejected
    assert retour_codes(accepted) == [] and b"XsltVersie" not in accepted
    validator = Validator()
    for data in (rejected, accepted):
        assert parse(data).nummer == "302"
        checked = validator.validate_bytes(data)
        assert checked.xsd_valid and checked.findings == []  # XSD-valid, CRLF, UTF-8 without BOM


def test_single_file_goes_to_stdout_and_several_need_a_folder():
    one = CliRunner().invoke(main, ["retour", str(DEMO / "jw301-toewijzing-geldig.xml")])
    assert one.exit_code == 0 and one.stdout_bytes.startswith(b"<?xml")
    many = CliRunner().invoke(main, ["retour", str(DEMO)])
    assert many.exit_code == 2 and "--uit" in many.output


def test_level_3_with_a_store_gives_the_rules_own_retourcode(tmp_path):
    """A 305 whose 301 the store has never seen: TR019, retourcode 9019 on the StartProduct."""
    db = f"sqlite:///{tmp_path / 'store.db'}"
    assert CliRunner().invoke(main, ["db", "upgrade", "--db", db]).exit_code == 0
    start = STORE / "ijw" / "305.xml"
    validate = CliRunner().invoke(main, ["validate", "--format", "jsonl", "--db", db, str(start)])
    assert validate.exit_code == 1
    assert '"code": "TR019"' in validate.stdout and '"retourcode": "9019"' in validate.stdout
    made = CliRunner().invoke(main, ["retour", "--db", db, str(start)])
    assert "9019" in retour_codes(made.stdout_bytes)
    # once the 301 is stored, the same 305 passes level 3
    assert CliRunner().invoke(main, ["import", "--db", db, str(STORE / "ijw" / "301.xml")]).exit_code == 0
    again = CliRunner().invoke(main, ["validate", "--format", "jsonl", "--db", db, str(start)])
    assert again.exit_code == 0, again.stdout


def test_retour_as_a_real_process(tmp_path):
    proc = subprocess.run([str(BERICHTEN), "retour", str(REGELS / "wmo315-geldig.xml"), "-o", str(tmp_path)],
                          capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    [made] = tmp_path.iterdir()
    assert made.name == "wmo315-geldig.316.xml"
    assert parse(made.read_bytes()).nummer == "316"


# --- the 325 declaratie-antwoord on a 323 ------------------------------------------------------------

DECLARATIES = PROJECT / "fixtures" / "retour"


@pytest.mark.parametrize("standaard", ["ijw", "iwmo"])
def test_a_declaration_gets_a_325(tmp_path, standaard):
    name = f"{'jw' if standaard == 'ijw' else 'wmo'}323-declaratie"
    result = CliRunner().invoke(main, ["retour", str(DECLARATIES / f"{name}.xml"), "-o", str(tmp_path),
                                       "--dagtekening", "2026-05-12"])
    assert result.exit_code == 0, result.output
    (written,) = tmp_path.iterdir()
    assert written.name == f"{name}.325.xml"
    assert f"{name}.325.xml geschreven, goedgekeurd" in result.stderr
    data = written.read_bytes()
    assert retour_codes(data) == ["0200", "8001"]
    checked = Validator().validate_bytes(data)
    assert checked.message.nummer == "325"
    assert checked.xsd_valid and checked.findings == []  # XSD-valid, CRLF, UTF-8 without BOM


def test_a_325_is_itself_the_answer_and_gets_none(tmp_path):
    made = CliRunner().invoke(main, ["retour", str(DECLARATIES / "wmo323-declaratie.xml"), "-o", str(tmp_path / "een")])
    (antwoord,) = (tmp_path / "een").iterdir()
    result = CliRunner().invoke(main, ["retour", str(antwoord), "-o", str(tmp_path / "twee")])
    assert made.exit_code == 0 and result.exit_code == 2
    assert "een 325 is zelf het antwoord op een declaratie (323)" in result.stderr
    assert not (tmp_path / "twee").exists() or not list((tmp_path / "twee").iterdir())


def test_level_3_on_a_declaration_with_a_store(tmp_path):
    """A second 323 that reuses the first one's BerichtIdentificatie: TR056 (9056) on the header,
    so the 325 is the header alone with that code. Any level-3 rule reaches the 325 the same way."""
    db = f"sqlite:///{tmp_path / 'store.db'}"
    assert CliRunner().invoke(main, ["db", "upgrade", "--db", db]).exit_code == 0
    first = DECLARATIES / "jw323-declaratie.xml"
    # the allocations and the debet its credit corrects, so the first 323 passes level 3
    assert CliRunner().invoke(main, ["import", "--db", db, str(STORE / "declaratie-historie" / "ijw")]).exit_code == 0
    assert CliRunner().invoke(main, ["import", "--db", db, str(first)]).exit_code == 0
    second = tmp_path / "tweede.xml"
    second.write_bytes(first.read_bytes().replace(b"DN202604", b"DN202605"))
    made = CliRunner().invoke(main, ["retour", "--db", db, str(second), "-o", str(tmp_path / "uit")])
    assert made.exit_code == 1 and "afgekeurd (TR056" in made.stderr  # the copy also repeats its Prestaties (TR314, ...)
    data = (tmp_path / "uit" / "tweede.325.xml").read_bytes()
    root = etree.fromstring(data)
    assert [etree.QName(c).localname for c in root] == ["Header"] and retour_codes(data) == ["9056"]
    assert Validator().validate_bytes(data).xsd_valid

"""`berichten generate`: JSON in, a valid message out; bad input gets Dutch errors naming the field."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from berichten.cli import main
from berichten.validators.pipeline import Validator

PROJECT = Path(__file__).resolve().parent.parent
GENERATE = PROJECT / "fixtures" / "generate"
BERICHTEN = Path(sys.executable).parent / "berichten"


@pytest.mark.parametrize("example", sorted(p.name for p in GENERATE.glob("*.json")))
def test_every_documented_example_becomes_a_valid_message(tmp_path, example):
    out = tmp_path / "bericht.xml"
    result = CliRunner().invoke(main, ["generate", str(GENERATE / example), "-o", str(out)])
    assert result.exit_code == 0, result.output
    checked = Validator().validate_path(out)
    assert checked.xsd_valid and checked.findings == [], [f.melding for f in checked.findings]


def test_bad_input_names_the_field_in_dutch_and_exits_2(tmp_path):
    data = json.loads((GENERATE / "jw301-toewijzing.json").read_text(encoding="utf-8"))
    data["client"]["toegewezen_producten"][0]["ingangsdatum"] = "2026-02-30"
    bad = tmp_path / "fout.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(main, ["generate", str(bad)])
    assert result.exit_code == 2
    assert "client.toegewezen_producten.0.ingangsdatum" in result.stderr
    assert "ongeldige datum" in result.stderr


def test_not_json_is_an_input_error(tmp_path):
    bad = tmp_path / "geen.json"
    bad.write_text("<xml/>", encoding="utf-8")
    result = CliRunner().invoke(main, ["generate", str(bad)])
    assert result.exit_code == 2 and result.stderr


def test_generate_as_a_real_process_writes_to_stdout():
    proc = subprocess.run([str(BERICHTEN), "generate", str(GENERATE / "jw305-start.json")], capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\r\n')


def _declaratie(edit) -> str:
    data = json.loads((GENERATE / "jw323-declaratie.json").read_text(encoding="utf-8"))
    edit(data)
    return json.dumps(data)


CLI_CASES = [
    # (id, JSON text, exit code, text that must be on stderr (exit 2) or in the message (exit 0))
    ("323-geldig", (GENERATE / "jw323-declaratie.json").read_text(encoding="utf-8"), 0, "<jw323:DeclaratieNummer>D2026A04<"),
    ("317-geldig", (GENERATE / "wmo317-wijzigingsverzoek.json").read_text(encoding="utf-8"), 0, "<wmo317:RedenVerzoek>1<"),
    ("323-onbekend-veld", _declaratie(lambda d: d["declaratie"].update(kleur="blauw")), 2, "declaratie.kleur: onbekend veld"),
    ("323-bedrag-tekst", _declaratie(lambda d: d["declaratie"]["totaal_ingediend_bedrag"].update(totaal_bedrag="veel")), 2,
     "declaratie.totaal_ingediend_bedrag.totaal_bedrag: geen geheel getal"),
    ("323-kapotte-json", '{"standaard": "ijw", "bericht": "323",', 2, "invoer: geen geldige JSON"),
    ("325-zonder-inhoud-kan", json.dumps({"standaard": "iwmo", "bericht": "325", "header": {
        "afzender": "0268", "ontvanger": "87654321", "bericht_identificatie": {"identificatie": "DA-9"},
        "declaratie_identificatie": {"identificatie": "WMO-DCL-0005", "dagtekening": "2026-06-03"},
        "retour_codes": ["0001"]}}), 0, "<wmo325:XsdVersieDeclaratie>"),
]


@pytest.mark.parametrize(("text", "code", "expected"), [c[1:] for c in CLI_CASES], ids=[c[0] for c in CLI_CASES])
def test_generate_exit_codes_for_317_323_325(tmp_path, text, code, expected):
    src = tmp_path / "invoer.json"
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "bericht.xml"
    result = CliRunner().invoke(main, ["generate", str(src), "-o", str(out)])
    assert result.exit_code == code, result.output
    if code == 0:
        assert expected.encode() in out.read_bytes()
        assert Validator().validate_path(out).xsd_valid
    else:
        assert expected in result.stderr and not out.exists()

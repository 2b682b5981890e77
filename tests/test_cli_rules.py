"""`berichten rules` and `berichten explain`: the rule list is data, printed for people and scripts."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from berichten.cli import main


def rules_jsonl(*args: str) -> list[dict]:
    result = CliRunner().invoke(main, ["rules", "--format", "jsonl", *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


@pytest.mark.parametrize(
    ("standaard", "bericht", "count"),
    [("ijw", "301", 27), ("iwmo", "301", 27), ("ijw", "315", 20), ("iwmo", "315", 20), ("ijw", "305", 6)],
)
def test_level_2_rules_per_message(standaard, bericht, count):
    # iJw 301: the 27 codes of the official XSLT; iWmo 301: its 26 plus CS318 (docs/afwijkingen.md)
    codes = {r["code"] for r in rules_jsonl("--standaard", standaard, "--bericht", bericht, "--niveau", "2")}
    assert len(codes) == count


def test_level_3_rules_carry_their_own_retourcode():
    level3 = {r["code"]: r["retourcode"] for r in rules_jsonl("--niveau", "3")}
    assert level3["TR019"] == "9019" and level3["TR056"] == "9056" and level3["TR332"] == "9332"


def test_regional_rules_have_no_retourcode():
    regional = rules_jsonl("--regio")
    assert {r["code"] for r in regional} == {f"GRJR-FLEX-00{i}" for i in range(1, 6)} | {f"NIJM-BT-00{i}" for i in range(1, 6)}
    assert all(r["retourcode"] is None and r["niveau"] == "regionaal" for r in regional)


def test_table_output_lists_the_codes():
    result = CliRunner().invoke(main, ["rules", "--standaard", "ijw", "--bericht", "301"])
    assert result.exit_code == 0 and "CS002" in result.output and "TR302" in result.output


@pytest.mark.parametrize(("code", "expected"), [
    ("CS002", ["retourcode: 0001", "11-proef", "fixtures/regels/CS002-fout.xml"]),
    ("cs002", ["CS002"]),
    ("TR101", ["bij 301:", "bij 305:", "bij 315:"]),
    ("XML002", ["controleniveau: 1", "geen (geen retourbericht)", "DOCTYPE"]),
    ("TR019", ["retourcode: 9019"]),
    ("NIJM-BT-003", ["regionaal"]),
])
def test_explain(code, expected):
    result = CliRunner().invoke(main, ["explain", code])
    assert result.exit_code == 0, result.output
    for text in expected:
        assert text in result.output


def test_explain_unknown_code_is_a_usage_error():
    result = CliRunner().invoke(main, ["explain", "XX999"])
    assert result.exit_code == 2 and "onbekende code" in result.output

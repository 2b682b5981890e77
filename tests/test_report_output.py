"""Report formats, suppression, privacy, the CLI and the nightly run, on the demo set (SQLite)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner
from lxml import etree
from sqlalchemy import create_engine, text

from berichten.report.build import build_report
from berichten.report.commands import demo as demo_command
from berichten.report.commands import report as report_command
from berichten.report.demo import DEMO_PEILDATUM, load_demo, write_demo
from berichten.report.privacy import suppress
from berichten.report.render import to_csv, to_html, to_json
from berichten.validators.regional.config import load_config

KEY = "report-output-sleutel"
NOW = datetime(2026, 11, 1, 3, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    summary = write_demo(folder / "set")
    url = f"sqlite:///{folder / 'demo.db'}"
    result = load_demo(summary, url, pseudonym_key=KEY)
    assert result.rejected == 0 and result.stored == sum(summary.files.values())
    reports = {
        regio: build_report(url, load_config(summary.regio / f"{regio}.toml"), peildatum=DEMO_PEILDATUM, now=NOW)
        for regio in ("grjr", "nijmegen")
    }
    return {"summary": summary, "url": url, "reports": reports, "folder": folder}


def _outputs(report) -> dict[str, str]:
    return {"html": to_html(report), "csv": to_csv(report, ";"), "json": to_json(report)}


@pytest.fixture(scope="module")
def personal(demo) -> dict[str, set[str]]:
    return _personal_data(demo)


def _personal_data(demo) -> dict[str, set[str]]:
    """BSNs, names and birth dates in the demo messages, and the pseudonyms in the store."""
    found: dict[str, set[str]] = {"bsn": set(), "naam": set(), "geboortedatum": set(), "pseudoniem": set()}
    for path in demo["summary"].berichten.rglob("*.xml"):
        root = etree.parse(str(path)).getroot()
        found["bsn"].update(e.text for e in root.iter("{*}Bsn"))
        found["naam"].update(e.text for e in root.iter("{*}Achternaam"))
        found["geboortedatum"].update(e.text for e in root.iter("{*}Geboortedatum") for e in e.iter("{*}Datum"))
    engine = create_engine(demo["url"])
    with engine.connect() as conn:
        found["pseudoniem"].update(r[0] for r in conn.execute(text("select distinct client from toewijzing")))
    engine.dispose()
    return found


@pytest.mark.parametrize("regio", ["grjr", "nijmegen"])
def test_no_personal_data_in_any_format(demo, personal, regio):
    assert all(personal.values())  # the check below can fail: there is personal data to leak
    for fmt, output in _outputs(demo["reports"][regio]).items():
        tokens = set(re.findall(r"[\w-]+", output))
        for kind, values in personal.items():
            leaked = [v for v in values if v in tokens or (" " in v and v in output)]
            assert not leaked, f"{fmt} bevat {kind}: {leaked[:3]}"


@pytest.mark.parametrize("regio", ["grjr", "nijmegen"])
def test_json_holds_every_table_with_its_values(demo, regio):
    report = demo["reports"][regio]
    data = json.loads(to_json(report))
    assert data["regio"] == regio and data["peildatum"] == "2026-10-31"
    assert data["periode"] == {"van": "2025-11-01", "tot": "2026-10-31"}
    tables = {t["id"]: t for s in data["secties"] for t in s["tabellen"]}
    assert set(tables) == {t.id for t in report.tables()}
    for table in report.tables():
        assert tables[table.id]["rijen"] == json.loads(json.dumps(table.records()))


def test_csv_for_dutch_excel(demo):
    report = demo["reports"]["nijmegen"]
    rows = list(csv.reader(io.StringIO(to_csv(report, ";")), delimiter=";"))
    header = ["Buurtteam", "Product", "Naam", "Toewijzingen", "Beoordeelbaar", "Toegewezen uren", "Standaarduren",
              "Uren / standaard", "Boven standaard", "Aandeel boven standaard"]
    start = rows.index(header)
    first = rows[start + 1]
    table = report.table("nijm_uren_product")
    assert rows[start - 1] == [table.title]
    assert first[:2] == [str(v) for v in table.rows[0][:2]]
    assert first[5] == f"{table.rows[0][5]:.1f}".replace(".", ",")  # decimal comma
    assert re.fullmatch(r"\d+,\d%", first[9])
    assert len(rows) >= sum(len(t.rows) + 3 for t in report.tables())


def test_csv_with_comma_uses_decimal_point(demo):
    text_ = to_csv(demo["reports"]["nijmegen"], ",")
    rows = list(csv.reader(io.StringIO(text_)))
    hours = next(r for r in rows if r and r[0] == "jeugd-gezin" and r[1] == "45A04")
    assert re.fullmatch(r"\d+\.\d", hours[5])


def test_suppression_hides_small_counts_in_tables_and_charts(demo):
    report = demo["reports"]["grjr"]
    small = [v for t in report.tables() for row in t.rows for v, c in zip(row, t.columns)
             if c.kind == "count" and isinstance(v, int) and 0 < v < 5]
    assert small  # the demo has small counts, so suppression has work to do
    hidden = suppress(report, 5)
    for table in hidden.tables():
        for row in table.rows:
            for value, column in zip(row, table.columns):
                if column.kind == "count":
                    assert value == "<5" or value == 0 or value >= 5
    for section in hidden.sections:
        for chart in section.charts:
            if chart.counts:
                assert all(v is None or v == 0 or v >= 5 for _, values in chart.series for v in values)
    shares = hidden.table("grjr_aandeel_flex").records()
    assert all(r["aandeel_flex"] == "<5" for r in shares if r["flex"] == "<5")
    assert any(0 < v < 5 for t in report.tables() for row in t.rows for v in row if isinstance(v, int))  # a copy
    assert "&lt;5" in to_html(hidden) and "<5" in to_csv(hidden, ";")  # escaped in HTML


def test_cli_report_formats(demo, tmp_path, monkeypatch):
    summary = demo["summary"]
    runner = CliRunner()
    base = ["--db", demo["url"], "--config", str(summary.regio / "grjr.toml"), "--peildatum", "2026-10-31"]
    out = tmp_path / "grjr.json"
    result = runner.invoke(report_command, [*base, "--format", "json", "-o", str(out), "--van", "2026-01", "--tot", "2026-06"])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["periode"] == {"van": "2026-01-01", "tot": "2026-06-30"}
    result = runner.invoke(report_command, [*base, "--format", "table"])
    assert result.exit_code == 0 and "Actieve cliënten per flex-aanbieder" in result.output
    result = runner.invoke(report_command, [*base, "--format", "csv", "--csv-sep", ";", "--onderdruk"])
    assert result.exit_code == 0 and "<5" in result.output
    result = runner.invoke(report_command, [*base, "--format", "json", "--van", "2026-07", "--tot", "2026-01"])
    assert result.exit_code == 1 and "--tot" in result.output
    monkeypatch.chdir(tmp_path)  # no ./regio/ here
    result = runner.invoke(report_command, ["--db", demo["url"], "--format", "json"])
    assert result.exit_code == 2 and "--config" in result.output


def test_nightly_run_writes_dated_files_and_index(demo, tmp_path, monkeypatch):
    monkeypatch.chdir(demo["summary"].folder)  # the registers are found in ./regio/ without --config
    result = CliRunner().invoke(report_command, [
        "--db", demo["url"], "--nachtelijk", "--uit", str(tmp_path), "--peildatum", "2026-10-31", "--onderdruk"])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["grjr-2026-10-31.csv", "grjr-2026-10-31.html", "grjr-2026-10-31.json", "index.html",
                     "nijmegen-2026-10-31.csv", "nijmegen-2026-10-31.html", "nijmegen-2026-10-31.json"]
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    for name in names:
        if name != "index.html":
            assert f'href="{name}"' in index
    assert (tmp_path / "grjr-2026-10-31.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8
    assert json.loads((tmp_path / "nijmegen-2026-10-31.json").read_text(encoding="utf-8"))["onderdrukt_onder"] == 5


def test_demo_is_deterministic_valid_and_complete(demo, tmp_path):
    a, b = demo["summary"], write_demo(tmp_path / "b")  # the fixture imported a: XSD-valid, nothing rejected
    files_a = sorted(p.relative_to(a.folder) for p in a.folder.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b.folder) for p in b.folder.rglob("*") if p.is_file())
    assert files_a == files_b
    assert all((a.folder / p).read_bytes() == (b.folder / p).read_bytes() for p in files_a)
    assert set(a.files) == {"301", "302", "305", "307", "315", "323", "325"}
    from berichten.validators.rules.common import elfproef

    rows = list(csv.DictReader(io.StringIO((a.regio / "acceptaties.csv").read_text(encoding="utf-8")), delimiter=";"))
    assert {r["product"] for r in rows} == {"02A03", "02A05", "45A04", "45A05"}
    assert {r["buurtteam"] for r in rows} == {"jeugd-gezin", "volwassenen"}
    flex = list(csv.DictReader(io.StringIO((a.regio / "aanmeldingen.csv").read_text(encoding="utf-8")), delimiter=";"))
    assert {r["flex_aanbieder"] for r in flex} == {"12345678", "11112222", "13572468"}
    assert all(elfproef(r["bsn"]) for r in rows + flex)
    grjr, nijmegen = load_config(a.regio / "grjr.toml"), load_config(a.regio / "nijmegen.toml")
    assert len(grjr.regio.gemeenten) == 13 and nijmegen.regio.gemeenten == ("0268",)
    months = {p.name[:7] for p in a.berichten.rglob("*.xml")}
    assert {f"2026-{m:02d}" for m in range(1, 11)} <= months and "2025-11" in months


def test_demo_command(tmp_path):
    result = CliRunner().invoke(demo_command, ["--uit", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "demo" / "regio" / "grjr.toml").exists()
    assert "301" in result.output

"""Renderers: one report, four formats (HTML file, CSV for spreadsheets, JSON, terminal table)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from berichten.report.charts import render_svg
from berichten.report.model import Report

REGIO_TITEL = {"grjr": "Monitoring flex-aanbieders GRJR", "nijmegen": "Monitoring Buurtteams Nijmegen"}
FORMATS = ("html", "csv", "json", "table")


def fmt(value: Any, kind: str, decimal: str = ",") -> str:
    """Display text of one cell (Dutch decimal comma by default)."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if kind == "share":
        text = f"{value * 100:.1f}%"
    elif kind == "hours":
        text = f"{value:.1f}"
    elif kind == "ratio":
        text = f"{value:.2f}"
    elif kind in ("count", "days"):
        text = str(int(value))
    elif kind == "euro":  # stored as whole eurocent: exact, no float on the way
        cents = int(value)
        text = f"{'-' if cents < 0 else ''}{abs(cents) // 100}.{abs(cents) % 100:02d}"
    elif kind == "delta":
        text = f"{int(value):+d}"
    else:
        text = str(value)
    return text.replace(".", decimal)


def title(report: Report) -> str:
    return f"{REGIO_TITEL.get(report.regio, 'Monitoring')} – {report.regio_naam}"


def to_html(report: Report) -> str:
    env = Environment(loader=PackageLoader("berichten.report", "templates"), autoescape=select_autoescape(["html", "j2"]))
    template = env.get_template("report.html.j2")
    svgs = {c.id: Markup(render_svg(c)) for s in report.sections for c in s.charts}  # pygal output, no user text unescaped
    return template.render(report=report, title=title(report), svgs=svgs, fmt=fmt,
                           generated=report.generated_at.strftime("%Y-%m-%d %H:%M %Z").strip())


def to_json(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)


def to_csv(report: Report, sep: str = ",") -> str:
    """All tables stacked: a title line, a header line, the rows and a blank line per table.

    With ``;`` as separator numbers get a decimal comma (Dutch Excel); with ``,`` a decimal point.
    """
    decimal = "," if sep == ";" else "."
    out = io.StringIO()
    w = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    w.writerow([title(report), f"periode {report.van.isoformat()} t/m {report.tot.isoformat()}",
                f"peildatum {report.peildatum.isoformat()}", f"gemaakt {report.generated_at.isoformat(timespec='seconds')}"])
    w.writerow([])
    for table in report.tables():
        w.writerow([table.title])
        w.writerow([c.label for c in table.columns])
        for row in table.rows:
            w.writerow(["" if v is None else fmt(v, c.kind, decimal) for v, c in zip(row, table.columns)])
        w.writerow([])
    return out.getvalue()


def print_table(report: Report, console=None) -> None:
    from rich.console import Console
    from rich.table import Table as RichTable

    console = console or Console()
    console.print(f"[bold]{title(report)}[/bold]")
    console.print(f"periode {report.van} t/m {report.tot} · peildatum {report.peildatum} · "
                  f"gemaakt {report.generated_at.isoformat(timespec='seconds')}")
    for note in report.notes:
        console.print(f"[yellow]{note}[/yellow]")
    for section in report.sections:
        console.rule(section.title)
        for note in section.notes:
            console.print(f"[yellow]{note}[/yellow]")
        for table in section.tables:
            rt = RichTable(title=table.title, title_justify="left")
            for c in table.columns:
                rt.add_column(c.label, justify="left" if c.kind == "text" else "right")
            for row in table.rows:
                rt.add_row(*(fmt(v, c.kind) for v, c in zip(row, table.columns)))
            console.print(rt)

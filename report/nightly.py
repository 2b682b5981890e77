"""The nightly run: every configured region in every format, dated, plus an index.html."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path

from berichten.report.build import build_report
from berichten.report.privacy import suppress
from berichten.report.render import to_csv, to_html, to_json
from berichten.validators.regional.config import RegionConfig


@dataclass(frozen=True)
class Written:
    regio: str
    paths: dict[str, Path]


def write_report_files(report, folder: Path, stem: str, csv_sep: str = ";") -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"html": folder / f"{stem}.html", "csv": folder / f"{stem}.csv", "json": folder / f"{stem}.json"}
    paths["html"].write_text(to_html(report), encoding="utf-8")
    paths["csv"].write_text(to_csv(report, csv_sep), encoding="utf-8-sig")  # BOM: Excel then reads UTF-8
    paths["json"].write_text(to_json(report), encoding="utf-8")
    return paths


def run_nightly(url: str | None, configs: list[RegionConfig], folder: str | Path, *, peildatum: date | None = None,
                drempel: int | None = None, csv_sep: str = ";", zonder_declaratie_maanden: int = 3) -> list[Written]:
    """Write ``<regio>-<peildatum>.{html,csv,json}`` per region into ``folder`` and (re)write ``index.html``."""
    folder = Path(folder)
    peildatum = peildatum or date.today()
    written = []
    for cfg in configs:
        report = build_report(url, cfg, peildatum=peildatum, zonder_declaratie_maanden=zonder_declaratie_maanden)
        if drempel:
            report = suppress(report, drempel)
        written.append(Written(cfg.code, write_report_files(report, folder, f"{cfg.code}-{peildatum.isoformat()}", csv_sep)))
    _write_index(folder)
    return written


def _write_index(folder: Path) -> None:
    """An index of every dated report in the folder, newest first."""
    entries = sorted((p for p in folder.glob("*-????-??-??.html")), key=lambda p: (p.stem[-10:], p.stem), reverse=True)
    items = []
    for p in entries:
        links = " · ".join(f'<a href="{escape(p.with_suffix(s).name)}">{s[1:]}</a>'
                           for s in (".html", ".csv", ".json") if p.with_suffix(s).exists())
        items.append(f"<li>{escape(p.stem)}: {links}</li>")
    html = (
        '<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8"><title>Rapportages</title>'
        "<style>body{font-family:sans-serif;max-width:800px;margin:2rem auto}li{margin:.3rem 0}</style></head>"
        f"<body><h1>Rapportages</h1><ul>{''.join(items)}</ul></body></html>\n"
    )
    (folder / "index.html").write_text(html, encoding="utf-8")


__all__ = ["run_nightly", "write_report_files"]

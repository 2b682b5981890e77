"""Monitoring reports from the store (domain guide section 7); see docs/rapportage.md.

    from berichten.report import build_report, to_html
    report = build_report("sqlite:///berichten.db", load_config("regio/grjr.toml"))
    Path("grjr.html").write_text(to_html(report), encoding="utf-8")
"""

from berichten.report.build import ReportError, build_report
from berichten.report.demo import load_demo, write_demo
from berichten.report.model import Report
from berichten.report.nightly import run_nightly
from berichten.report.privacy import suppress
from berichten.report.render import print_table, to_csv, to_html, to_json

__all__ = [
    "Report", "ReportError", "build_report", "load_demo", "print_table", "run_nightly", "suppress", "to_csv", "to_html",
    "to_json", "write_demo",
]

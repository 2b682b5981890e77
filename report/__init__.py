"""Monitoring reports from the store (domain guide section 7); see docs/rapportage.md.

    from report import build_report, to_html
    report = build_report("sqlite:///berichten.db", load_config("regio/grjr.toml"))
    Path("grjr.html").write_text(to_html(report), encoding="utf-8")
"""

from report.build import ReportError, build_report
from report.demo import load_demo, write_demo
from report.model import Report
from report.nightly import run_nightly
from report.privacy import suppress
from report.render import print_table, to_csv, to_html, to_json

__all__ = [
    "Report", "ReportError", "build_report", "load_demo", "print_table", "run_nightly", "suppress", "to_csv", "to_html",
    "to_json", "write_demo",
]

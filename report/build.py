"""Build a report from the store: open the database, run the aggregate queries of one region."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import inspect

from berichten.report.grjr import build_grjr
from berichten.report.model import Report
from berichten.report.nijmegen import build_nijmegen
from berichten.report.series import default_period, month_end, months_between
from berichten.report.verzilvering import DEFAULT_ZONDER_DECLARATIE_MAANDEN
from berichten.store.db import make_engine
from berichten.validators.regional.config import RegionConfig


class ReportError(ValueError):
    """The report cannot be made (empty or unmigrated database, bad period); message in Dutch."""


def build_report(
    url: str | None,
    cfg: RegionConfig,
    *,
    peildatum: date | None = None,
    van: date | None = None,
    tot: date | None = None,
    now: datetime | None = None,
    zonder_declaratie_maanden: int = DEFAULT_ZONDER_DECLARATIE_MAANDEN,
) -> Report:
    """All figures of ``cfg``'s region at ``peildatum`` (default today) for months ``van``..``tot``.

    ``van``/``tot`` are first days of months; default: the twelve months up to the peildatum.
    ``zonder_declaratie_maanden``: after how many months an allocation without any declaration is listed.
    """
    peildatum = peildatum or date.today()
    default_van, default_tot = default_period(peildatum)
    van, tot = (van or default_van).replace(day=1), (tot or default_tot).replace(day=1)
    if tot < van:
        raise ReportError(f"--tot ({tot:%Y-%m}) ligt voor --van ({van:%Y-%m})")
    months = months_between(van, tot, peildatum)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                # The report's temporary tables (report.state.materialise) need no files. A larger page
                # cache was measured too: slower at 100 000 and 1 000 000 rows.
                conn.exec_driver_sql("PRAGMA temp_store=MEMORY")
            if not inspect(conn).has_table("toewijzing"):
                raise ReportError("de database heeft nog geen tabellen; voer eerst `berichten db upgrade` of `berichten import` uit")
            if cfg.code == "grjr":
                sections = build_grjr(conn, cfg, peildatum, months)
            else:
                sections = build_nijmegen(conn, cfg, peildatum, months, zonder_declaratie_maanden)
    finally:
        engine.dispose()
    report = Report(
        regio=cfg.code,
        regio_naam=cfg.regio.naam,
        peildatum=peildatum,
        van=van,
        tot=min(month_end(tot), peildatum),
        generated_at=(now or datetime.now(timezone.utc)),
        sections=sections,
    )
    report.notes.append(
        "Geteld uit opgeslagen, geaccepteerde berichten; een bericht dat een retourbericht afkeurt "
        "(retourcode anders dan 0200/0233) telt niet mee. Definities: docs/rapportage.md."
    )
    return report

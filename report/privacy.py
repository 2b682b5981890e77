"""Small-number suppression: counts below the threshold are shown as ``<N``.

The store holds pseudonyms only and the report queries never select a client column, so no
BSN, name or birth date can reach a report; this module handles the remaining risk of very
small counts. Zero stays visible (nobody can be singled out by an empty cell); figures derived
from a suppressed count (hours, shares, durations) are suppressed with it.
"""

from __future__ import annotations

import copy

from berichten.report.model import Report

DEFAULT_DREMPEL = 5


def suppressed_label(drempel: int) -> str:
    return f"<{drempel}"


def suppress(report: Report, drempel: int = DEFAULT_DREMPEL) -> Report:
    """A copy of ``report`` with every count 1..drempel-1 (and what rests on it) replaced by ``<drempel``."""
    out = copy.deepcopy(report)
    out.drempel = drempel
    label = suppressed_label(drempel)
    for table in out.tables():
        if table.detail and table.rows:
            # A list of single allocations would show what the suppressed counts hide.
            table.rows = []
            table.note = f"Lijst weggelaten bij onderdrukking van aantallen onder {drempel}."
            continue
        kinds = {c.key: c for c in table.columns}
        index = {c.key: i for i, c in enumerate(table.columns)}
        for row in table.rows:
            hidden = set()
            for c in table.columns:
                value = row[index[c.key]]
                if c.kind == "count" and isinstance(value, int) and 0 < value < drempel:
                    hidden.add(c.key)
            for c in table.columns:
                if c.key in hidden or (c.basis and c.basis in hidden and kinds[c.basis].kind == "count"):
                    row[index[c.key]] = label
    for section in out.sections:
        for chart in section.charts:
            if chart.counts:
                chart.series = [(name, [None if isinstance(v, int) and 0 < v < drempel else v for v in values])
                                for name, values in chart.series]
            elif chart.basis is not None:  # a share per point: gone where its count is suppressed
                hide = [isinstance(n, int) and 0 < n < drempel for n in chart.basis]
                chart.series = [(name, [None if h else v for v, h in zip(values, hide)]) if i == 0 else (name, values)
                                for i, (name, values) in enumerate(chart.series)]
    out.notes.append(f"Aantallen van 1 tot {drempel} zijn weergegeven als {label}, net als cijfers die erop rusten; in grafieken ontbreken ze.")
    return out

"""Charts as inline SVG with pygal: no scripts, no XML declaration, no external references."""

from __future__ import annotations

import re

import pygal
from pygal.style import Style

from berichten.report.model import Chart

_STYLE = Style(
    background="white", plot_background="white", foreground="#222", foreground_strong="#111",
    foreground_subtle="#666", font_family="sans-serif", label_font_size=13, major_label_font_size=13,
    legend_font_size=13, title_font_size=16, value_font_size=12,
    colors=("#1f5fa8", "#e07b00", "#3a9a3a", "#b03030", "#7a4fa0", "#8a6d3b", "#d0609a", "#555555"),
)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
# pygal inlines its config as a <script> even with js=[]; the report has no scripts at all.
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S | re.I)
_KINDS = {"line": pygal.Line, "bar": pygal.Bar, "stacked": pygal.StackedBar}


def render_svg(chart: Chart) -> str:
    """The chart as an ``<svg>`` element string, fit for inlining in HTML."""
    cls = _KINDS[chart.kind]
    plot = cls(
        js=[], disable_xml_declaration=True, style=_STYLE, width=900, height=380, title=chart.title,
        x_label_rotation=30 if len(chart.x_labels) > 6 else 0, legend_at_bottom=True, show_y_guides=True,
        y_title=chart.y_title or None, print_values=False, dots_size=3, include_x_axis=True,
        no_data_text="geen gegevens", truncate_legend=40, truncate_label=30,
        allow_interruptions=True,  # a suppressed point is a gap, not a line drawn across it
    )
    plot.x_labels = chart.x_labels
    for name, values in chart.series:
        plot.add(name, [None if not isinstance(v, (int, float)) else v for v in values])
    svg = plot.render(is_unicode=True)
    svg = _SCRIPT.sub("", _COMMENT.sub("", svg))
    # pygal gives each chart a random id; a stable one keeps the HTML reproducible.
    ids = set(re.findall(r'id="(chart-[0-9a-f-]+)"', svg))
    for i, old in enumerate(sorted(ids)):
        svg = svg.replace(old, f"{chart.id}-{i}")
    return svg

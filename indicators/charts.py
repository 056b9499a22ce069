"""Plotly figures for the dashboards, built as plain dicts in plotly's figure schema and handed over as JSON.

A template puts the JSON in a ``<script type="application/json">`` (``{% chart %}``) and ``static/js/charts.js``
draws it, so no page carries inline script (CSP).  tests/test_charts.py loads every chart into
``plotly.graph_objects.Figure`` to check the schema.  Every hover names the value, its unit and the status word:
colour never carries the meaning alone.  Labels are translated when a function runs: call them in the request.
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.utils.translation import gettext as _

from indicators import formatting
from indicators import values as V
from indicators.progress import SEVERITY, STATUS_COLOURS, Status, TargetBasis
from indicators.rows import DepartmentSummary, IndicatorRow

FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'
INK = "#212529"
ACTUAL_COLOUR = "#3B5B92"
TARGET_COLOUR = "#6C757D"
FINAL_COLOUR = "#B8336A"
LABEL_WIDTH = 9  # characters per line of a wrapped Chinese axis label


def wrap(text: str, width: int = LABEL_WIDTH) -> str:
    """Break long Chinese names for axis labels; plotly only breaks at ``<br>``."""
    return "<br>".join(text[start : start + width] for start in range(0, len(text), width)) or text


def number(value: Decimal | None) -> str:
    return formatting.number(value) if value is not None else ""


def _axis(**options) -> dict:
    # Full ticks with thousands separators: plotly's SI suffixes (100k) are not read in Chinese, and it has no 万.
    return {"automargin": True, "gridcolor": "#E9ECEF", "zerolinecolor": "#ADB5BD", "exponentformat": "none",
            "separatethousands": True, **options}


def _layout(*, height: int, xaxis: dict, yaxis: dict, **extra) -> dict:
    return {
        "height": height, "autosize": True, "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
        "font": {"family": FONT, "size": 13, "color": INK}, "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff",
        "hoverlabel": {"font": {"family": FONT}},
        # Above the plot: below it the legend collides with the axis title on narrow screens.
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "traceorder": "normal"},
        "xaxis": _axis(**xaxis), "yaxis": _axis(**yaxis), **extra,
    }


def to_json(data: list[dict], layout: dict) -> str:
    """The figure as charts.js reads it; numbers must already be floats or ints (``allow_nan=False``)."""
    return json.dumps({"data": data, "layout": layout}, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def status_by_department(summaries: list[DepartmentSummary]) -> str:
    """Stacked horizontal bars: each lead department's indicators by status for the year."""
    names = [wrap(summary.department.name) for summary in summaries]
    full_names = [summary.department.name for summary in summaries]
    unit = _("indicators")
    data = []
    for status in SEVERITY:
        counts = [summary.counts[status] for summary in summaries]
        if not any(counts):
            continue
        label = str(status.label)
        data.append({
            "type": "bar", "name": label, "orientation": "h", "x": counts, "y": names,
            "marker": {"color": STATUS_COLOURS[status], "line": {"color": "#ffffff", "width": 1}},
            "text": [str(count) if count else "" for count in counts], "textposition": "inside", "insidetextanchor": "middle",
            "customdata": full_names, "hovertemplate": f"%{{customdata}}<br>{label}: %{{x}} {unit}<extra></extra>",
        })
    xaxis = {"title": {"text": _("Lead indicators")}}
    if max((summary.total for summary in summaries), default=0) <= 12:
        xaxis["dtick"] = 1
    layout = _layout(height=90 + 56 * max(len(summaries), 1), barmode="stack", xaxis=xaxis, yaxis={"autorange": "reversed"})
    return to_json(data, layout)


def department_statuses(summary: DepartmentSummary | None) -> str:
    """One bar per status: a department's lead indicators for the year."""
    counts = [summary.counts[status] if summary else 0 for status in SEVERITY]
    unit = _("indicators")
    bar = {
        "type": "bar", "x": [str(status.label) for status in SEVERITY], "y": counts,
        "marker": {"color": [STATUS_COLOURS[s] for s in SEVERITY], "line": {"color": INK, "width": 0.5}},
        "text": [str(count) for count in counts], "textposition": "outside",
        "hovertemplate": f"%{{x}}: %{{y}} {unit}<extra></extra>",
    }
    yaxis = {"title": {"text": _("Lead indicators")}, "dtick": 1, "rangemode": "tozero"}
    return to_json([bar], _layout(height=280, showlegend=False, xaxis={}, yaxis=yaxis))


def completion_by_indicator(rows: list[IndicatorRow]) -> str:
    """目标完成率 per scored indicator, coloured by status; unscored rows are left out."""
    scored = [row for row in rows if row.assessment.completion is not None]
    percents = [float(row.assessment.completion * 100) for row in scored]
    bar = {
        "type": "bar", "orientation": "h", "x": percents,
        "y": [wrap(f"{row.indicator.order}. {row.indicator.name}", 14) for row in scored],
        "marker": {"color": [row.colour for row in scored], "line": {"color": INK, "width": 0.5}},
        "text": [formatting.percent(row.assessment.completion) for row in scored], "textposition": "outside",
        "customdata": [
            [row.indicator.name, number(row.assessment.parts[0].value), number(row.assessment.parts[0].target),
             row.indicator.unit, str(row.status.label), formatting.percent(row.assessment.completion)]
            for row in scored
        ],
        "hovertemplate": (
            "%{customdata[0]}<br>" + _("Completion of the final target")
            + ": %{customdata[5]} (%{customdata[1]} / %{customdata[2]} %{customdata[3]})<br>"
            + _("Status") + ": %{customdata[4]}<extra></extra>"
        ),
    }
    # Room right of the longest bar for its label.
    xaxis = {"title": {"text": _("Completion of the final target") + " (%)"},
             "range": [min([0.0, *percents]) * 1.18, max([100.0, *percents]) * 1.18]}
    layout = _layout(height=90 + 48 * max(len(scored), 1), showlegend=False, xaxis=xaxis, yaxis={"autorange": "reversed"})
    layout["shapes"] = [  # the 100 % line, across the whole height of the plot
        {"type": "line", "x0": 100, "x1": 100, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain",
         "line": {"color": FINAL_COLOUR, "dash": "dot", "width": 1}}
    ]  # fmt: skip
    return to_json([bar], layout)


def trend(row: IndicatorRow, index: int = 0) -> str:
    """One part of an indicator over the plan: baseline, figures (running totals for cumulative ones), yearly
    targets, final target and projection; a figure not yet approved gets an open marker."""
    spec = row.spec
    unit = row.indicator.units[index]
    data = []
    # Labels are looked up outside the f-strings below: makemessages cannot see calls inside them.
    status_word, pending_word = _("Status"), _("Pending review")

    if spec.baseline.is_number or spec.baseline.marker == V.NOT_STARTED:
        baseline = spec.baseline.part(index) if spec.baseline.is_number else Decimal(0)
        not_carried_out, baseline_label = _("not carried out"), _("baseline")
        baseline_note = "" if spec.baseline.is_number else f" ({V.NOT_STARTED} {not_carried_out})"
        data.append({
            "type": "scatter", "name": _("Baseline %(year)s") % {"year": spec.baseline_year}, "x": [spec.baseline_year],
            "y": [float(baseline)], "mode": "markers", "marker": {"color": TARGET_COLOUR, "size": 10, "symbol": "diamond"},
            "hovertemplate": f"{spec.baseline_year} {baseline_label}: {number(baseline)} {unit}{baseline_note}<extra></extra>",
        })

    target_years = [cell for cell in row.cells.values() if cell.target.is_number and cell.target.part(index) is not None]
    if target_years:
        data.append({
            "type": "scatter", "name": _("Yearly target"), "x": [cell.year for cell in target_years],
            "y": [float(cell.target.part(index)) for cell in target_years], "mode": "lines+markers",
            "line": {"color": TARGET_COLOUR, "dash": "dash", "width": 2}, "marker": {"size": 6},
            "hovertemplate": "%{x} " + _("yearly target") + f": %{{y}} {unit}<extra></extra>",
        })

    final = spec.target_part(index)
    if final is not None:
        target_label = _("target")
        data.append({
            "type": "scatter", "name": _("Final target %(year)s") % {"year": spec.last_year},
            "x": [spec.baseline_year, spec.last_year], "y": [float(final), float(final)], "mode": "lines",
            "line": {"color": FINAL_COLOUR, "width": 2},
            "hovertemplate": f"{spec.last_year} {target_label}: {number(final)} {unit}<extra></extra>",
        })

    points = [(cell, cell.assessment.parts[index]) for cell in row.cells.values() if cell.reported]
    points = [(cell, part) for cell, part in points if part.value is not None]
    if points:
        value_label = _("Running total") if spec.basis == TargetBasis.CUMULATIVE else _("Actual")
        hover = [f"{cell.year} {value_label}: {number(part.value)} {unit}<br>{status_word}: {part.status.label}"
                 + (f"<br>{pending_word}" if cell.pending else "") for cell, part in points]
        data.append({
            "type": "scatter", "name": value_label, "x": [cell.year for cell, _part in points],
            "y": [float(part.value) for _cell, part in points], "mode": "lines+markers",
            "line": {"color": ACTUAL_COLOUR, "width": 3},
            "marker": {"size": 12, "color": [STATUS_COLOURS[part.status] for _cell, part in points],
                       "symbol": ["circle-open" if cell.pending else "circle" for cell, _part in points],
                       "line": {"color": ACTUAL_COLOUR, "width": 2}},
            "text": hover, "hoverinfo": "text",
        })
        last_cell, last_part = points[-1]
        projected = row.projection.parts[index]
        if projected.value is not None and last_cell.year < spec.last_year:
            projected_word = projected.status.label if projected.status else Status.TRACKED.label
            data.append({
                "type": "scatter", "name": _("Projection"), "x": [last_cell.year, spec.last_year],
                "y": [float(last_part.value), float(projected.value)], "mode": "lines+markers",
                "line": {"color": ACTUAL_COLOUR, "dash": "dot", "width": 2}, "marker": {"size": [0, 8], "symbol": "circle-open"},
                "hovertemplate": (_("On the current trend %(year)s is expected to reach") % {"year": spec.last_year}
                                  + f" {number(projected.value)} {unit}<br>{status_word}: {projected_word}<extra></extra>"),
            })

    ticks = [spec.baseline_year, *row.cells]
    # Years as years: one tick each, no thousands separator (“2,021”).
    xaxis = {"tickmode": "array", "tickvals": ticks, "ticktext": [str(year) for year in ticks], "separatethousands": False,
             "range": [spec.baseline_year - 0.3, spec.last_year + 0.3]}
    yaxis = {"title": {"text": unit}, "rangemode": "tozero"}
    drawn = [y for trace in data for y in trace["y"]]
    if unit == "%" and drawn:
        # A rate moves within a few points: around its baseline and targets, not a flat line on 0–100.
        low, high = min(drawn), max(drawn)
        pad = max((high - low) * 0.2, 0.2)
        yaxis = {"title": {"text": unit}, "range": [max(low - pad, 0), min(high + pad, 100)]}
    return to_json(data, _layout(height=340, hovermode="closest", xaxis=xaxis, yaxis=yaxis))


def trends(row: IndicatorRow) -> list[dict]:
    """``[{"label": …, "json": …}]``: one trend chart per part (pairs get two)."""
    indicator = row.indicator
    labels = [_("Amount (%(unit)s)") % {"unit": indicator.units[0]}, _("Count (%(unit)s)") % {"unit": indicator.units[-1]}]
    return [{"label": labels[index] if indicator.is_pair else indicator.units[index], "json": trend(row, index)}
            for index in range(indicator.parts)]


def comparison(items, entries) -> str:
    """目标完成率 of the indicators that share a comparison code: a group of bars per organisation, a colour per indicator."""
    names = [item.organisation.name for item in items]
    data = []
    for entry in entries:
        completions = [row.assessment.completion if row is not None else None for row in entry.rows]
        data.append({
            "type": "bar", "name": entry.name, "x": names, "y": [float(c * 100) if c is not None else None for c in completions],
            "text": [formatting.percent(c) if c is not None else "" for c in completions], "textposition": "outside",
            "hovertemplate": f"{entry.name}<br>%{{x}}: %{{text}}<extra></extra>",
        })
    yaxis = {"title": {"text": _("Completion of the final target") + " (%)"}, "rangemode": "tozero"}
    return to_json(data, _layout(height=380, barmode="group", xaxis={}, yaxis=yaxis))

"""The charts' JSON: plain dicts in plotly's figure schema, checked against that schema here.

``indicators.charts`` builds figures without ``plotly.graph_objects`` (its validation on every
assignment cost more than the rest of a page), so this module is where every chart meets the
schema: each one must load into ``plotly.graph_objects.Figure``, which refuses any property
plotly does not know and any value of the wrong kind.
"""

import json

import plotly.graph_objects as go
import pytest

from indicators.models import Actual
from django.utils import translation

from indicators import charts
from indicators.models import Department
from indicators.rows import LEAD, build_rows, department_summary
from tests.dashboard_helpers import report


def checked(figure_json: str) -> dict:
    """The figure, after plotly accepted it (``go.Figure`` raises ValueError on anything off-schema)."""
    figure = json.loads(figure_json)
    assert set(figure) == {"data", "layout"}
    go.Figure(figure)
    return figure


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def test_every_chart_of_every_page_and_year_of_the_demo_data_is_a_valid_plotly_figure(demo):
    plan = demo
    for year in plan.years:
        rows = build_rows(plan, year, Actual.objects.all())
        summaries = department_summary(plan, year, rows)
        checked(charts.status_by_department(summaries))
        for department in Department.objects.all():
            own = build_rows(plan, year, Actual.objects.all(), department=department)
            summary = next(iter(department_summary(plan, year, [row for row in own if row.role == LEAD])), None)
            checked(charts.department_statuses(summary))
            checked(charts.completion_by_indicator(own))
        for row in rows:
            trends = charts.trends(row)
            assert len(trends) == row.indicator.parts
            for trend in trends:
                checked(trend["json"])


def test_charts_of_nothing_are_valid_too(plan):
    checked(charts.status_by_department([]))
    checked(charts.department_statuses(None))
    checked(charts.completion_by_indicator([]))
    for row in build_rows(plan, 2022, Actual.objects.all()):  # nothing reported: no values, no projection
        for trend in charts.trends(row):
            checked(trend["json"])


def test_a_trend_has_baseline_targets_values_and_projection_with_units_and_statuses_in_the_hover(plan):
    report(plan, 19, 2022, 3500, 4)
    report(plan, 19, 2023, 4200, 5)
    row = next(row for row in build_rows(plan, 2023, Actual.objects.all()) if row.indicator.order == 19)
    amount, count = (checked(trend["json"]) for trend in charts.trends(row))
    assert [trace["name"] for trace in amount["data"]] == ["2021 年基础值", "年度目标", "2025 年目标值", "实际值", "趋势预测"]
    projection = amount["data"][4]
    assert projection["y"] == [4200.0, 5600.0] and "5600" in projection["hovertemplate"]
    assert count["data"][3]["y"] == [4.0, 5.0] and count["layout"]["yaxis"]["title"]["text"] == "笔"
    assert "万元" in amount["data"][3]["text"][0] and "需加快" in amount["data"][3]["text"][0]


def test_the_completion_chart_leaves_out_rows_without_a_numeric_target_and_marks_100_percent(plan):
    report(plan, 1, 2022, 5)  # 3 -> 6 cases: 83 %
    report(plan, 17, 2022, 2)  # target “/”: not scored
    figure = checked(charts.completion_by_indicator(build_rows(plan, 2022, Actual.objects.all())))
    labels = figure["data"][0]["y"]
    assert any(label.startswith("1. ") for label in labels)
    assert not any(label.startswith("17. ") for label in labels)
    assert figure["layout"]["shapes"][0]["x0"] == 100


def test_chart_json_keeps_chinese_as_text_and_is_compact(db):
    figure_json = charts.department_statuses(None)
    assert "未填报" in figure_json and "\\u" not in figure_json  # UTF-8: half the bytes of \uXXXX escapes
    assert figure_json == json.dumps(json.loads(figure_json), ensure_ascii=False, separators=(",", ":"))


def test_axis_ticks_never_use_english_abbreviations_such_as_100k(plan):
    report(plan, 19, 2022, 125000, 4)  # a pledge amount in the hundred thousands (万元)
    row = next(row for row in build_rows(plan, 2022, Actual.objects.all()) if row.indicator.order == 19)
    figures = [checked(trend["json"]) for trend in charts.trends(row)]
    figures += [checked(charts.completion_by_indicator([row])), checked(charts.status_by_department([]))]
    for figure in figures:
        for axis in ("xaxis", "yaxis"):
            assert figure["layout"][axis]["exponentformat"] == "none"  # 125,000, not 125k
    for figure in figures[:2]:  # the trends: amounts in full with separators, years as years
        assert figure["layout"]["yaxis"]["separatethousands"] is True
        assert figure["layout"]["xaxis"]["separatethousands"] is False
        assert figure["layout"]["xaxis"]["ticktext"] == ["2021", "2022", "2023", "2024", "2025"]


def test_a_rates_trend_is_drawn_around_its_baseline_and_target_not_on_0_to_100(plan):
    report(plan, 2, 2022, "95.4")
    report(plan, 2, 2023, "95.6")
    row = next(row for row in build_rows(plan, 2023, Actual.objects.all()) if row.indicator.order == 2)
    low, high = checked(charts.trends(row)[0]["json"])["layout"]["yaxis"]["range"]
    assert 94 < low < 95.26 and 96 < high < 97  # 95.26 % → 96 %: a visible slope, not a flat line

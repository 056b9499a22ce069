"""The tables of the department and final-assessment pages (django-tables2): cells as the page shows them,
escaped, and the same table as plain values for files."""

import re

import pytest
from django.test import RequestFactory
from django.utils import translation

from indicators.final_assessment import final_assessment
from indicators.models import Actual, ActualStatus, Department, Indicator
from indicators.rows import build_rows
from indicators.tables import DepartmentIndicatorTable, FinalAssessmentTable
from tests.dashboard_helpers import report

CELL = re.compile(r"<td(?: class=\"([^\"]*)\")?[^>]*>\s*(.*?)\s*</td>", re.S)


def body(table) -> list[list[tuple[str, str]]]:
    """Every body row as (td class, cell HTML) pairs, as the page shows them."""
    html = table.as_html(RequestFactory().get("/"))
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", html.split("<tbody", 1)[1], re.S)
    return [CELL.findall(row) for row in rows]


@pytest.fixture
def figures(plan):
    report(plan, 1, 2022, 4)
    report(plan, 1, 2023, 5, status=ActualStatus.SUBMITTED)  # marked 待审核
    report(plan, 19, 2022, 2868, 2)  # a pair
    report(plan, 20, 2023, None, not_carried_out=True)  # 未开展


def test_the_department_table_marks_pending_figures_and_shows_pairs_and_not_carried_out(plan, figures):
    scjg = Department.objects.get(code="scjg")
    with translation.override("zh-hans"):
        table = DepartmentIndicatorTable(build_rows(plan, 2023, Actual.objects.published(), department=scjg), plan=plan, year=2023)
        shown = body(table)
    names = [column.name for column in table.columns]
    assert len(shown) == len(table.rows) and all(len(cells) == len(names) for cells in shown)
    by_order = {dict(zip(names, cells))["order"][1]: dict(zip(names, cells)) for cells in shown}
    assert by_order["1"]["y2023"] == ("num", '5 <span class="pending" title="已提交">待审核</span>')
    assert by_order["19"]["y2022"] == ("num", "2868/2")
    assert by_order["20"]["y2023"][1].startswith("未开展")
    assert by_order["1"]["completion"] == ("num", "66.7%")  # (5 − 3) / (6 − 3), the one completion measure


def test_text_in_a_cell_is_escaped(plan, figures):
    Department.objects.filter(code="czj").update(name='<b onclick="x()">财政局</b>')
    Indicator.objects.filter(plan=plan, order=19).update(name="<i>专利质押融资金额</i>")
    rows = build_rows(plan, 2025, Actual.objects.published())
    html = FinalAssessmentTable(final_assessment(plan, rows).rows, plan=plan).as_html(RequestFactory().get("/"))
    assert "&lt;b onclick=&quot;x()&quot;&gt;财政局&lt;/b&gt;" in html and "<b " not in html
    assert "&lt;i&gt;专利质押融资金额&lt;/i&gt;" in html and "<i>" not in html
    czj = Department.objects.get(code="czj")
    department = DepartmentIndicatorTable(build_rows(plan, 2025, Actual.objects.all(), department=czj), plan=plan, year=2025)
    html = department.as_html(RequestFactory().get("/"))
    assert "&lt;i&gt;专利质押融资金额&lt;/i&gt;" in html and "<i>" not in html


def test_the_same_tables_as_values_for_files_hold_no_html(plan, figures):
    scjg = Department.objects.get(code="scjg")
    rows = build_rows(plan, 2025, Actual.objects.published())
    for table in (
        DepartmentIndicatorTable(build_rows(plan, 2023, Actual.objects.published(), department=scjg), plan=plan, year=2023),
        FinalAssessmentTable(final_assessment(plan, rows).rows, plan=plan),
    ):
        values = list(table.as_values())
        assert len(values) == len(table.rows) + 1
        assert not any("<" in str(value) for line in values for value in line)
    department = list(DepartmentIndicatorTable(build_rows(plan, 2023, Actual.objects.published(), department=scjg), plan=plan, year=2023).as_values())
    assert "5 (Pending review)" in department[1]


def test_a_final_row_without_a_period_total_shows_an_empty_cell(plan, figures):
    rows = build_rows(plan, 2025, Actual.objects.published())
    table = FinalAssessmentTable(final_assessment(plan, rows).rows, plan=plan)
    names = [column.name for column in table.columns]
    stock = dict(zip(names, body(table)[6]))  # 7. 知识产权托管企业: a year-end stock has no period total
    assert stock["order"][1] == "7" and stock["total"][1] == ""

"""The tables' body (``tables.BaseTable.body_cells``): each cell as django-tables2 renders it, escaped, with its column's class."""

import re
from types import SimpleNamespace

import django_tables2 as tables
import pytest
from django.utils import translation
from django.utils.html import conditional_escape

from indicators.models import ActualStatus, Department, Indicator
from indicators.permissions import Visibility
from indicators.rows import build_rows
from indicators.rows.final import final_assessment
from indicators.tables import AttributeColumn, DepartmentIndicatorTable, FinalAssessmentTable
from tests.dashboard_helpers import report

CELL = re.compile(r"<td(?: class=\"([^\"]*)\")?>(.*?)</td>", re.S)


def body(table) -> list[list[tuple[str, str]]]:
    """Every body row as (td class, cell HTML) pairs, as the page shows them."""
    return [CELL.findall(table.body_cells(row)) for row in table.rows]


def as_django_tables2_renders(table) -> list[list[tuple[str, str]]]:
    """The same, each cell through django-tables2's own ``BoundRow.get_cell`` and the column's own td class."""
    return [
        [(column.column.attrs.get("td", {}).get("class", ""), conditional_escape(row.get_cell(column.name))) for column in table.columns]
        for row in table.rows
    ]


@pytest.fixture
def figures(plan):
    report(plan, 1, 2022, 4)
    report(plan, 1, 2023, 5, status=ActualStatus.SUBMITTED)  # marked 待审核
    report(plan, 19, 2022, 2868, 2)  # a pair
    report(plan, 20, 2023, None, not_carried_out=True)  # 未开展


def test_the_department_table_body_shows_every_cell_as_django_tables2_renders_it(plan, figures):
    scjg = Department.objects.get(code="scjg")
    with translation.override("zh-hans"):
        table = DepartmentIndicatorTable(build_rows(plan, 2023, department=scjg, viewer=Visibility.published()), plan=plan, year=2023)
        shown = body(table)
        assert shown == as_django_tables2_renders(table)
    assert len(shown) == len(table.rows) and all(len(cells) == len(table.columns) for cells in shown)
    first = dict(zip([column.name for column in table.columns], shown[0], strict=True))
    assert first["y2023"] == ("num", '5 <span class="pending" title="已提交">待审核</span>')
    assert first["order"] == ("num", "1") and first["role"][0] == ""


def test_the_final_assessment_table_body_shows_every_cell_as_django_tables2_renders_it(plan, figures):
    rows = build_rows(plan, 2025, viewer=Visibility.published())
    with translation.override("zh-hans"):
        table = FinalAssessmentTable(final_assessment(plan, rows).rows, plan=plan)
        assert body(table) == as_django_tables2_renders(table)


def test_text_in_a_cell_is_escaped(plan, figures):
    Department.objects.filter(code="czj").update(name='<b onclick="x()">财政局</b>')
    Indicator.objects.filter(plan=plan, order=19).update(name="<i>专利质押融资金额</i>")
    rows = build_rows(plan, 2025, viewer=Visibility.published())
    final = FinalAssessmentTable(final_assessment(plan, rows).rows, plan=plan)
    html = "".join(final.body_cells(row) for row in final.rows)
    assert "&lt;b onclick=&quot;x()&quot;&gt;财政局&lt;/b&gt;" in html and "<b " not in html
    assert "&lt;i&gt;专利质押融资金额&lt;/i&gt;" in html and "<i>" not in html
    czj = Department.objects.get(code="czj")
    department = DepartmentIndicatorTable(build_rows(plan, 2025, department=czj), plan=plan, year=2025)
    html = "".join(department.body_cells(row) for row in department.rows)
    assert "&lt;i&gt;专利质押融资金额&lt;/i&gt;" in html and "<i>" not in html


def test_a_table_with_a_column_that_is_not_a_row_column_is_refused(plan):
    class WithAPlainColumn(DepartmentIndicatorTable):
        extra = tables.Column(accessor="indicator__order")

        class Meta(DepartmentIndicatorTable.Meta):
            fields = ("order", "extra")

    table = WithAPlainColumn(build_rows(plan, 2023), plan=plan, year=2023)
    with pytest.raises(TypeError, match="extra must be a RowColumn"):
        table.body_cells(table.rows[0])


@pytest.mark.parametrize("blank", [None, ""])
def test_a_blank_attribute_shows_a_dash(blank):
    column = AttributeColumn("indicator__baseline_printed")
    assert column.render(SimpleNamespace(indicator=SimpleNamespace(baseline_printed=blank))) == "—"
    assert column.render(SimpleNamespace(indicator=SimpleNamespace(baseline_printed="0"))) == "0"

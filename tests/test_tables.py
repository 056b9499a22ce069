"""The tables of the department and final-assessment pages: cells as the page shows them, escaped, sorted."""

import re

import pytest

from indicators.models import ActualStatus, Department, Indicator
from tests.conftest import login
from tests.dashboard_helpers import report

CELL = re.compile(r"<td[^>]*>\s*(.*?)\s*</td>", re.S)


def body_rows(html, table_id):
    """Every body row of the table as its cells' HTML."""
    table = html[html.index(f'id="{table_id}"') :]
    table = table[table.index("<tbody>") : table.index("</tbody>")]
    return [CELL.findall(row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)]


@pytest.fixture
def figures(plan):
    report(plan, 1, 2022, 4)
    report(plan, 1, 2023, 5, status=ActualStatus.SUBMITTED)  # marked 待审核
    report(plan, 19, 2022, 2868, 2)  # a pair
    report(plan, 20, 2023, None, not_carried_out=True)  # 未开展


def test_the_department_table_marks_pending_figures_and_shows_pairs_and_not_carried_out(client, leader, plan, figures):
    html = login(client, leader).get("/departments/scjg/?year=2023").content.decode()
    rows = {re.sub(r"<[^>]+>", "", cells[0]): cells for cells in body_rows(html, "indicator-table")}
    assert rows["1"][5] == '5 <span class="pending" title="已提交">待审核</span>'  # 2023, the sixth column
    assert rows["19"][4] == "2868/2"
    assert rows["20"][5].startswith("未开展")
    assert rows["1"][9] == "66.7%"  # (5 − 3) / (6 − 3), the one completion measure


def test_text_in_a_cell_is_escaped(client, leader, plan, figures):
    Department.objects.filter(code="czj").update(name='<b onclick="x()">财政局</b>')
    Indicator.objects.filter(plan=plan, order=19).update(name="<i>专利质押融资金额</i>")
    login(client, leader)
    final = client.get(f"/plans/{plan.pk}/final/").content.decode()
    assert "&lt;b onclick=&quot;x()&quot;&gt;财政局&lt;/b&gt;" in final and '<b onclick' not in final
    assert "&lt;i&gt;专利质押融资金额&lt;/i&gt;" in final and "<i>" not in final
    department = client.get("/departments/czj/?year=2025").content.decode()
    assert "&lt;i&gt;专利质押融资金额&lt;/i&gt;" in department and "<i>" not in department


@pytest.mark.parametrize("sort", ["order", "-order", "name", "-status", "completion", "y2022", "-y2023", "role"])
def test_every_header_sorts_the_whole_table_and_again_descending(client, leader, plan, figures, sort):
    login(client, leader)
    shown = client.get(f"/departments/scjg/?year=2023&sort={sort}").context["shown"]
    again = client.get(f"/departments/scjg/?year=2023&sort={sort.removeprefix('-') if sort.startswith('-') else '-' + sort}").context["shown"]
    assert len(shown) == len(again) == Indicator.objects.involving(Department.objects.get(code="scjg")).count()
    if len({row.indicator.pk for row in shown}) > 1 and sort not in ("role", "-status", "completion"):
        assert [row.indicator.pk for row in shown] != [row.indicator.pk for row in again]


def test_a_final_row_without_a_period_total_shows_an_empty_cell(client, leader, plan, figures):
    html = login(client, leader).get(f"/plans/{plan.pk}/final/").content.decode()
    stock = body_rows(html, "final-table")[6]  # 7. 知识产权托管企业: a year-end stock has no period total
    assert re.sub(r"<[^>]+>", "", stock[0]) == "7" and stock[9] == ""

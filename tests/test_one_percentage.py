"""One indicator, one percentage: the department page, the indicator page, the workbook, the brief's 附表 and the
final-assessment page print the same completion for every demo indicator and year.  See docs/design.md,
"One truth per fact"."""

import io
import re

import pytest
from docx import Document

from indicators.brief import SupervisionBrief
from indicators.excel import AssessmentWorkbook
from indicators.excel.assessment import MAIN_SHEET
from indicators.models import Indicator, User
from tests.test_export import COL, open_book, row_of, shown

pytestmark = pytest.mark.django_db


def cells_of(row_html):
    return [re.sub(r"<[^>]+>", "", cell).split("\n")[0].strip() for cell in re.findall(r"<td.*?</td>", row_html, re.S)]


def department_rows(client, department, year):
    """{indicator id: (年度完成率, 目标完成率)} of a department page's table."""
    html = client.get(f"/departments/{department.code}/", {"year": year}).content.decode()
    table = html[html.index('id="indicator-table"') :]
    found = {}
    for row in re.findall(r"<tr>\s*<td class=\"num\">.*?</tr>", table, re.S):
        pk = int(re.search(r'href="/indicators/(\d+)/', row).group(1))
        cells = cells_of(row)
        found[pk] = (cells[-3], cells[-2])
    return found


def indicator_row(client, indicator, year):
    html = client.get(f"/indicators/{indicator.pk}/", {"year": year}).content.decode()
    row = re.search(rf'<tr[^>]*data-year="{year}">(.*?)</tr>', html, re.S).group(1)
    cells = cells_of(row)
    return cells[-4], cells[-3]  # 年度完成率 目标完成率 状态 流程


def final_shares(client, plan):
    html = client.get(f"/plans/{plan.pk}/final/").content.decode()
    found = {}
    for row in re.findall(r"<tr>\s*<td class=\"num\" data-label=.*?</tr>", html, re.S):
        link = re.search(r'href="/indicators/(\d+)/', row)
        if link:
            found[int(link.group(1))] = cells_of(row)[-2]
    return found


def in_workbook(plan, year, leader):
    main = open_book(AssessmentWorkbook(plan, year, leader).render())[MAIN_SHEET]
    return lambda order: tuple(shown(main.cell(row=row_of(main, order), column=COL[header])) or "—" for header in ("年度完成率", "目标完成率"))


def in_brief(plan, year, leader):
    table = Document(io.BytesIO(SupervisionBrief(plan, year, leader).render())).tables[0]
    headers = [cell.text for cell in table.rows[0].cells]
    lines = {int(line.cells[0].text): [cell.text for cell in line.cells] for line in table.rows[1:]}
    return lambda order: tuple(lines[order][headers.index(header)] or "—" for header in ("年度完成率", "目标完成率"))


def test_every_indicator_shows_one_percentage_on_every_page_and_paper_in_every_year(client, demo):
    leader = User.objects.get(username="leader")
    client.force_login(leader)
    indicators = list(Indicator.objects.filter(plan=demo).select_related("lead_department"))
    compared = 0
    for year in demo.years:
        pages, workbook, brief = {}, in_workbook(demo, year, leader), in_brief(demo, year, leader)
        for indicator in indicators:
            if indicator.lead_department.code not in pages:
                pages[indicator.lead_department.code] = department_rows(client, indicator.lead_department, year)
            on_department = pages[indicator.lead_department.code][indicator.pk]
            on_indicator = indicator_row(client, indicator, year)
            assert on_department == on_indicator == workbook(indicator.order) == brief(indicator.order), (indicator.order, year)
            compared += "%" in "".join(on_department)
    assert compared > 60  # most of the 4 × 29 rows carry a percentage: the comparison is not vacuous
    shares = final_shares(client, demo)
    assert set(shares) == {indicator.pk for indicator in indicators}
    last, finals = demo.last_year, 0
    for indicator in indicators:
        on_department = department_rows(client, indicator.lead_department, last)[indicator.pk]
        if indicator.actuals.filter(year=last, status="approved").exists():
            assert shares[indicator.pk] == on_department[1], indicator.order
            finals += 1
    assert finals > 15

"""The department page at /departments/<code>/."""

import json
import re

import pytest

from indicators.models import Actual
from django.utils import translation

from indicators.rows import build_rows
from indicators.models import ActualStatus, Department, Indicator
from indicators.progress import Status
from tests.sizing import grow_plan
from tests.dashboard_helpers import report, report_sample

# Session, user, department, roles, plans, default year, 5 for the rows (rows.build_rows; the
# table shows no co-operating departments), the shown rows' other years (rows.with_every_year), menu.
DEPARTMENT_MAX_QUERIES = 13

TABLE_ROW = re.compile(r'<a href="/indicators/(\d+)/\?year=\d+">.*?</a>.*?<span class="role role-(\w+)">.*?<span class="badge status-(\w+)"', re.S)


def page(client, user, url):
    client.force_login(user)
    with translation.override("zh-hans"):
        return client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")


def table_rows(response):
    body = response.content.decode()
    table = body[body.index('<table class="data-table"', body.index('id="table-title"')) :]
    return [(int(pk), role, Status(status)) for pk, role, status in TABLE_ROW.findall(table)]


def test_the_department_page_needs_a_login(client, plan):
    response = client.get("/departments/czj/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("code", ["nope", "CZJ", "czj%3Cscript%3E"])
def test_an_unknown_department_is_not_found(client, leader, plan, code):
    assert page(client, leader, f"/departments/{code}/").status_code == 404


def test_lead_indicators_come_first_then_co_operating_ones_with_the_status_assess_gives(client, leader, plan):
    report_sample(plan)
    response = page(client, leader, "/departments/scjg/?year=2023")
    assert response.status_code == 200
    scjg = Department.objects.get(code="scjg")
    rows = build_rows(plan, 2023, Actual.objects.visible_to(leader), department=scjg)
    assert table_rows(response) == [(row.indicator.pk, row.role, row.status) for row in rows]
    roles = [role for _pk, role, _status in table_rows(response)]
    assert roles[0] == "lead" and roles[-1] == "cooperating" and roles == sorted(roles, key=lambda r: r != "lead")
    body = response.content.decode()
    assert "柳州市市场监督管理局柳东新区分局" in body and "牵头" in body and "配合" in body


def test_the_table_shows_baseline_each_years_actual_targets_and_completion(client, leader, plan):
    report(plan, 19, 2022, 3500, 4)
    report(plan, 19, 2023, 4200, 5, status=ActualStatus.SUBMITTED)
    body = page(client, leader, "/departments/czj/?year=2023").content.decode()
    headers = re.findall(r"<th [^>]*>\s*(?:<a [^>]*>)?([^<]+)", body[body.index('id="table-title"') :])
    assert [h.strip() for h in headers[:10]] == [
        "序号", "指标内容", "职责", "2021 年基础值", "2022 年", "2023 年", "2023 年度目标", "2025 年目标值", "年度完成率", "目标完成率",
    ]
    row = body[body.index('href="/indicators/') :]
    row = row[: row.index("</tr>")]
    assert "2868/2" in row and "3500/4" in row and "4200/5" in row and "6000/10" in row
    assert "待审核" in row  # the 2023 figure is submitted, not yet approved
    assert "42.5%/37.5%" in row  # (4200 − 2868) / (6000 − 2868), (5 − 2) / (10 − 2): the one completion measure
    assert "2024" not in "".join(headers)  # the years after the as-of year are not shown


def test_sorting_by_status_puts_the_worst_first(client, leader, plan):
    report_sample(plan)
    response = page(client, leader, "/departments/scjg/?year=2023&sort=status")
    statuses = [status for _pk, _role, status in table_rows(response)]
    from indicators.progress import SEVERITY

    assert statuses == sorted(statuses, key=SEVERITY.index)
    for key in ("-completion", "y2022", "-y2023", "name", "-order", "role"):
        response = page(client, leader, f"/departments/scjg/?year=2023&sort={key}")
        assert response.status_code == 200 and len(table_rows(response)) == len(statuses), key
    by_completion = page(client, leader, "/departments/scjg/?year=2023&sort=-completion").context["shown"]
    completions = [row.completion_sort for row in by_completion]
    assert completions == sorted(completions, reverse=True)


def test_the_table_shows_a_pairs_figures_targets_and_both_completions(client, leader, plan):
    report(plan, 19, 2022, 3500, 4, status=ActualStatus.SUBMITTED)
    body = page(client, leader, "/departments/czj/?year=2022").content.decode()
    table = body[body.index('id="indicator-table"') :]
    headers = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th scope=\"col\"[^>]*>(.*?)</th>", table, re.S)]
    assert headers == [
        "序号", "指标内容", "职责", "2021 年基础值", "2022 年", "2022 年度目标", "2025 年目标值", "年度完成率", "目标完成率", "进度状态",
    ]
    row = table[table.index("专利质押融资金额") :]
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row[: row.index("</tr>")], re.S)]
    # R = 632 / 783 ≈ 0.81; a pair's completions give both parts, amount first, from the baseline.
    assert cells == ["牵头", "2868/2", "3500/4 待审核", "3651/4", "6000/10", "80.7%/100.0%", "20.2%/25.0%", "需加快"]


def test_a_department_that_only_co_operates_says_so(client, leader, plan):
    body = page(client, leader, "/departments/shswj/?year=2022").content.decode()
    assert "本部门没有牵头指标" in body and 'id="chart-completion"' in body


def test_a_reporter_does_not_see_another_departments_drafts_on_its_page(client, reporter, other_reporter, plan):
    report(plan, 9, 2022, 19, status=ActualStatus.RETURNED, note="工信局退回件")
    theirs = page(client, reporter, "/departments/gxj/?year=2022").content.decode()
    mine = page(client, other_reporter, "/departments/gxj/?year=2022").content.decode()
    assert ">19 <" not in theirs and "19 <span class=\"pending draft\"" in mine


def test_a_bad_year_or_plan_gives_a_message_or_404_never_an_error(client, leader, plan):
    assert page(client, leader, "/departments/czj/?year=abc").status_code == 200
    assert page(client, leader, "/departments/czj/?plan=77").status_code == 404
    assert page(client, leader, "/departments/czj/?sort=nonsense").status_code == 200


def test_the_charts_are_drawn_from_json_with_tables_of_the_same_numbers(client, leader, plan):
    report_sample(plan)
    body = page(client, leader, "/departments/scjg/?year=2023").content.decode()
    assert 'data-chart="chart-statuses"' in body and 'data-chart="chart-completion"' in body
    assert 'id="status-count-table"' in body


@pytest.mark.parametrize("factor", [1, 10])
def test_the_department_page_needs_the_same_number_of_queries_at_one_and_ten_times_the_seed(
    client, leader, plan, factor, django_assert_max_num_queries
):
    grow_plan(plan, factor)
    client.force_login(leader)
    with django_assert_max_num_queries(DEPARTMENT_MAX_QUERIES):
        response = client.get("/departments/scjg/")
    assert response.status_code == 200
    involved = Indicator.objects.filter(plan=plan).involving(Department.objects.get(code="scjg")).count()
    assert len(response.context["rows"]) == involved == 29 * factor  # scjg leads or co-operates on every row


def test_a_long_table_comes_in_pages_that_together_list_every_row_once(client, leader, plan):
    from indicators.views.dashboards import TABLE_PER_PAGE

    grow_plan(plan, 10)  # scjg leads or co-operates on all 290 rows
    scjg = Department.objects.get(code="scjg")
    expected = [row.indicator.pk for row in build_rows(plan, 2025, Actual.objects.visible_to(leader), department=scjg)]
    seen = []
    for number in range(1, -(-len(expected) // TABLE_PER_PAGE) + 1):
        response = page(client, leader, f"/departments/scjg/?year=2025&page={number}&per_page=1000")
        rows = [pk for pk, _role, _status in table_rows(response)]
        assert 0 < len(rows) <= TABLE_PER_PAGE  # ?per_page cannot ask for the whole table at once
        seen += rows
        # The completion chart shows the table's rows (those with a completion), no others.
        labels = json.loads(response.context["completion_chart"])["data"][0]["y"]
        on_page = set(Indicator.objects.filter(pk__in=rows).values_list("order", flat=True))
        assert labels and {int(label.split(".")[0]) for label in labels} <= on_page
    assert seen == expected
    assert '<ul class="pagination">' in response.content.decode()
    assert page(client, leader, "/departments/scjg/?year=2025&page=999").status_code == 200  # the last page

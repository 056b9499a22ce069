"""The overview at /: statuses, year and plan choice, completeness, safety, size."""

import json
import math
import re
from datetime import date

import pytest

from indicators.models import Actual
from django.utils import translation

from indicators import selection, workflow
from indicators.rows import build_rows, status_counts
from indicators.models import ActualStatus, Department, Indicator, Plan
from indicators.progress import SEVERITY, Status
from tests.sizing import grow_plan
from indicators.views.dashboards import BARS_PER_PAGE, FULL_LIST_LIMIT
from tests.conftest import include_drafts
from tests.dashboard_helpers import report, report_sample

# Session, user, roles, plans, default year, 6 for the rows (rows.build_rows), departments menu, issued documents.
OVERVIEW_MAX_QUERIES = 13

PROGRESS_ITEM = re.compile(r'<li class="progress-item" data-status="(\w+)">\s*<div class="progress-head">\s*<a href="/indicators/(\d+)/')
COUNT = re.compile(r'<span class="count" data-status="(\w+)">(\d+)</span>')


def page(client, user, url="/"):
    client.force_login(user)
    with translation.override("zh-hans"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    return response


def statuses_on_page(response):
    return {int(pk): Status(status) for status, pk in PROGRESS_ITEM.findall(response.content.decode())}


def counts_on_page(response):
    return {Status(status): int(count) for status, count in COUNT.findall(response.content.decode())}


def test_the_overview_needs_a_login(client, plan):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_every_indicator_shows_the_status_progress_assess_gives(client, leader, plan):
    report_sample(plan)
    response = page(client, leader, "/?year=2023")
    rows = build_rows(plan, 2023, Actual.objects.visible_to(leader))
    assert statuses_on_page(response) == {row.indicator.pk: row.status for row in rows}
    assert counts_on_page(response) == status_counts(rows)
    assert len(statuses_on_page(response)) == 29


def test_the_counts_follow_the_chosen_year(client, leader, plan):
    report_sample(plan)
    in_2022 = counts_on_page(page(client, leader, "/?year=2022"))
    in_2023 = counts_on_page(page(client, leader, "/?year=2023"))
    assert in_2022 != in_2023
    assert sum(in_2022.values()) == sum(in_2023.values()) == 29


def test_the_year_defaults_to_the_latest_year_with_a_reported_value(client, leader, plan):
    report_sample(plan)  # 2022 and 2023
    response = page(client, leader)
    assert response.context["year"] == 2023
    assert '<option value="2023" selected>' in response.content.decode()


@pytest.mark.parametrize("year", ["abc", "1999", "2030", "２０２３", "-1", "2023.5"])
def test_a_year_that_is_not_a_plan_year_gives_a_clear_message_not_an_error(client, leader, plan, year):
    report_sample(plan)
    response = page(client, leader, f"/?year={year}")
    assert response.status_code == 200
    assert response.context["year"] == 2023
    assert "不是本方案的年度（2022–2025），现显示 2023 年" in response.content.decode()


@pytest.mark.parametrize("plan_id", ["999", "abc", "1 OR 1=1"])
def test_an_unknown_plan_is_not_found(client, leader, plan, plan_id):
    assert page(client, leader, f"/?plan={plan_id}").status_code == 404


def test_with_two_plans_in_force_the_one_being_reported_is_shown_and_the_other_can_be_chosen(client, leader, plan, monkeypatch):
    monkeypatch.setattr(selection, "shanghai_today", lambda: date(2026, 3, 1))  # the 2025 figures are being reported
    later = Plan.objects.create(
        organisation=plan.organisation, code="柳高新〔2026〕1号", title="2026-2030", issuer="管委会", issue_date=date(2026, 5, 1),
        baseline_year=2025, first_year=2026, last_year=2030, status="active",
    )
    response = page(client, leader)
    assert response.status_code == 200 and response.context["plan"] == plan
    body = response.content.decode()
    assert 'name="plan"' in body and "柳高新〔2026〕1号" in body
    chosen = page(client, leader, f"/?plan={later.pk}&year=2026")
    assert chosen.context["plan"] == later and chosen.context["year"] == 2026
    monkeypatch.setattr(selection, "shanghai_today", lambda: date(2027, 3, 1))  # now 2026 is being reported
    assert page(client, leader).context["plan"] == later


def test_with_one_plan_there_is_no_plan_selector(client, leader, plan):
    assert 'name="plan"' not in page(client, leader).content.decode()


def test_completeness_shows_reported_submitted_approved_and_overdue(client, leader, plan, monkeypatch):
    report(plan, 19, 2022, 3500, 4, status=ActualStatus.DRAFT)
    report(plan, 20, 2022, not_carried_out=True, status=ActualStatus.SUBMITTED)
    report(plan, 21, 2022, 10, 1, status=ActualStatus.APPROVED)
    monkeypatch.setattr(selection, "shanghai_today", lambda: date(2023, 1, 31))
    before = page(client, leader, "/?year=2022").content.decode()
    row = re.search(r"<th scope=\"row\">财政局</th>(.*?)</tr>", before, re.S).group(1)
    assert re.findall(r'<td class="num">(\d+)</td>', row) == ["4", "2", "2", "1"]  # the draft is not counted…
    assert "填报中" in row and "逾期" not in row
    include_drafts(client, leader)
    row = re.search(r"<th scope=\"row\">财政局</th>(.*?)</tr>", page(client, leader, "/?year=2022").content.decode(), re.S).group(1)
    assert re.findall(r'<td class="num">(\d+)</td>', row) == ["4", "3", "2", "1"]  # …unless drafts are included
    monkeypatch.setattr(selection, "shanghai_today", lambda: date(2023, 2, 1))
    after = page(client, leader, "/?year=2022").content.decode()
    row = re.search(r"<th scope=\"row\">财政局</th>(.*?)</tr>", after, re.S).group(1)
    assert "逾期 2 项" in row


def test_unapproved_values_are_marked_pending_review(client, leader, plan):
    report(plan, 1, 2022, 5, status=ActualStatus.SUBMITTED)
    report(plan, 10, 2022, 3, status=ActualStatus.APPROVED)
    body = page(client, leader, "/?year=2022").content.decode()
    first = body[body.index('href="/indicators/1/') : body.index('href="/indicators/2/')]
    tenth = body[body.index('href="/indicators/10/') : body.index('href="/indicators/11/')]
    assert "待审核" in first and "待审核" not in tenth


def test_a_reporter_sees_another_departments_draft_as_not_reported(client, reporter, other_reporter, plan):
    report(plan, 9, 2022, 19, status=ActualStatus.DRAFT)  # 工业和信息化局's draft
    mine = statuses_on_page(page(client, other_reporter, "/?year=2022"))
    theirs = statuses_on_page(page(client, reporter, "/?year=2022"))
    ninth = plan.indicators.get(order=9).pk
    assert mine[ninth] != Status.MISSING and theirs[ninth] == Status.MISSING


def test_a_figure_saved_by_a_reporter_is_on_the_very_next_overview(client, leader, reporter, plan):
    before = counts_on_page(page(client, leader, "/?year=2022"))
    pledge = plan.indicators.get(order=19)
    saved = workflow.save_entries(reporter, [workflow.Entry(indicator=pledge, year=2022, value="3500", second_value="4")])
    assert counts_on_page(page(client, leader, "/?year=2022")) == before  # a draft stays with its department
    workflow.submit(reporter, saved)
    after = page(client, leader, "/?year=2022")
    assert counts_on_page(after) != before
    assert statuses_on_page(after)[pledge.pk] != Status.MISSING


def test_the_status_chart_carries_the_same_counts_as_its_table(client, leader, plan):
    report_sample(plan)
    response = page(client, leader, "/?year=2023")
    assert 'data-chart="chart-departments"' in response.content.decode()
    summaries = response.context["summaries"]

    figure = json.loads(response.context["department_chart"])
    assert figure["data"], "the chart should have a trace per status present"
    with translation.override("zh-hans"):  # the page was drawn in Chinese
        for trace in figure["data"]:
            status = next(s for s in SEVERITY if str(s.label) == trace["name"])
            assert trace["x"] == [summary.counts[status] for summary in summaries]


def test_a_department_name_with_script_is_escaped_in_the_chart_json_and_the_tables(client, leader, plan):
    Department.objects.filter(code="fgc").update(name='法规处</script><script>alert("x")</script>')
    body = page(client, leader).content.decode()
    assert "<script>alert" not in body
    chart_json = re.search(r'data-chart="chart-departments">(.*?)</script>', body, re.S).group(1)
    assert "<" not in chart_json and ">" not in chart_json
    assert "\\u003cscript\\u003ealert" in chart_json.lower()  # the name is there, escaped
    assert "&lt;/script&gt;&lt;script&gt;alert" in body


def test_no_page_script_is_inline_and_no_element_has_an_event_handler(client, leader, plan):
    report_sample(plan)
    body = page(client, leader).content.decode()
    scripts = re.findall(r"<script\b([^>]*)>", body)
    assert scripts, "the page should load its chart scripts"
    for attributes in scripts:
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes
    assert "/static/vendor/plotly/plotly-basic.min.js" in body and "cdn" not in body.lower()
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", body)


def test_the_overview_without_any_plan_explains_how_to_load_one(client, make_user, db):
    Indicator.objects.all().delete(), Plan.objects.all().delete()  # the suite's database starts with the plan loaded
    leader = make_user("lonely-leader")
    response = page(client, leader)
    assert response.status_code == 200 and "尚未导入工作方案" in response.content.decode()


@pytest.mark.parametrize("factor", [1, 10])
def test_the_overview_needs_the_same_number_of_queries_at_one_and_ten_times_the_seed(
    client, leader, plan, factor, django_assert_max_num_queries
):
    grow_plan(plan, factor, extra_departments=0 if factor == 1 else 5)
    client.force_login(leader)
    with django_assert_max_num_queries(OVERVIEW_MAX_QUERIES):
        response = client.get("/")
    assert sum(counts_on_page(response).values()) == 29 * factor  # the counts cover every indicator
    # The real plan lists every bar; beyond FULL_LIST_LIMIT they come BARS_PER_PAGE at a time,
    # and every indicator is on exactly one page.
    assert len(statuses_on_page(response)) == (29 * factor if 29 * factor <= FULL_LIST_LIMIT else BARS_PER_PAGE)
    shown = {}
    for number in range(1, math.ceil(29 * factor / BARS_PER_PAGE) + 1):
        with django_assert_max_num_queries(OVERVIEW_MAX_QUERIES):
            on_page = statuses_on_page(client.get(f"/?page={number}"))
        assert on_page and not on_page.keys() & shown.keys()
        shown.update(on_page)
    assert len(shown) == 29 * factor


def test_the_demo_data_gives_every_indicator_a_status_and_shows_every_status(client, leader, demo):
    include_drafts(client, leader)
    response = page(client, leader, "/?year=2025")
    shown = statuses_on_page(response)
    rows = build_rows(demo, 2025, Actual.objects.visible_to(leader, drafts=True))
    assert shown == {row.indicator.pk: row.status for row in rows}
    assert len(shown) == 29
    assert set(shown.values()) == set(Status)


def test_the_overview_links_the_assessment_workbook_of_the_chosen_year(client, leader, plan):
    client.force_login(leader)
    page = client.get("/?year=2023").content.decode()
    assert f'href="/export/2023.xlsx?plan={plan.pk}"' in page
    assert "督查考核表（Excel）" in page

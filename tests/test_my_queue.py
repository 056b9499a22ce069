"""我的待办 (/my/): where reporters and reviewers land, what waits for them, and the header badge."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.sizing import grow_plan
from indicators import selection, workflow
from indicators.models import Actual, ActualStatus, Indicator
from tests.conftest import PASSWORD
from tests.dashboard_helpers import report


@pytest.fixture
def demo(mid_season):
    """These tests work in the middle of the season, with the departments' 2025 drafts (conftest.mid_season)."""
    return mid_season

SHANGHAI = ZoneInfo("Asia/Shanghai")
COUNT = re.compile(r'data-count="(\w+)">(\d+)<')
BADGE = re.compile(r'id="my-tasks"[^>]*>[^<]*(?:<span class="queue-count"[^>]*>(\d+)</span>)?')


@pytest.fixture
def today(monkeypatch):
    """Pretend it is a given day in Shanghai: the reporting year and the deadlines follow it."""

    def set_today(day):
        monkeypatch.setattr(selection, "shanghai_today", lambda: day)

    set_today(date(2026, 1, 20))  # reporting 2025; deadline 31 January 2026, 11 days left
    return set_today


def year_card(html, year):
    match = re.search(rf'<article class="queue-year[^"]*" data-year="{year}".*?</article>', html, re.S)
    assert match, f"no card for {year}"
    return match.group(0)


def counts(card):
    return {name: int(n) for name, n in COUNT.findall(card)}


def badge(html):
    match = BADGE.search(html)
    assert match, "no 我的待办 link in the header"
    return int(match.group(1) or 0)


# ---- landing after login --------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, lands_on",
    [("reporter", "/my/"), ("reviewer", "/my/"), ("leader", "/"), ("administrator", "/")],
)
def test_reporters_and_reviewers_land_on_their_tasks_leaders_and_administrators_on_the_overview(client, request, who, lands_on):
    user = request.getfixturevalue(who)
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == lands_on


def test_next_still_wins_over_the_landing_page(client, reporter):
    response = client.post("/accounts/login/?next=/departments/czj/", {"username": reporter.username, "password": PASSWORD, "next": "/departments/czj/"})
    assert response["Location"] == "/departments/czj/"


# ---- a reporter's years ---------------------------------------------------------------------


def test_a_reporter_sees_each_year_to_report_with_its_figures_by_state_and_days_to_the_deadline(client, reporter, demo, today):
    client.force_login(reporter)
    html = client.get("/my/").content.decode()
    # 财政局 leads rows 19–22.  Demo 2025: 19 submitted, 20–22 drafts; 2022–2024 all approved.
    assert counts(year_card(html, 2025)) == {"to_fill": 0, "drafts": 3, "returned": 0, "submitted": 1, "approved": 0}
    assert counts(year_card(html, 2024)) == {"to_fill": 0, "drafts": 0, "returned": 0, "submitted": 0, "approved": 4}
    assert "2026-01-31" in year_card(html, 2025) and "还剩 11 天" in year_card(html, 2025)
    assert '/admin/indicators/actual/year/2025/?plan=' in year_card(html, 2025)
    assert [int(y) for y in re.findall(r'data-year="(\d{4})"', html)] == [2025, 2024, 2023, 2022]  # up to the reporting year, latest first

    today(date(2026, 2, 5))
    html = client.get("/my/").content.decode()
    assert "逾期 5 天" in year_card(html, 2025) and "is-overdue" in year_card(html, 2025)
    assert "逾期" not in year_card(html, 2024)  # nothing left to do is never overdue


def test_a_blank_draft_is_still_to_fill_and_a_year_without_figures_counts_every_indicator(client, reporter, plan, today):
    report(plan, 19, 2025, None, status=ActualStatus.DRAFT, note="还在统计")  # a note, no value
    report(plan, 20, 2025, 300, 1, status=ActualStatus.DRAFT)
    client.force_login(reporter)
    html = client.get("/my/").content.decode()
    assert counts(year_card(html, 2025))["to_fill"] == 3 and counts(year_card(html, 2025))["drafts"] == 1
    assert counts(year_card(html, 2022))["to_fill"] == 4


def test_a_returned_figure_shows_its_reason_and_who_returned_it(client, reporter, reviewer, plan, today):
    reviewer.first_name = "审核员甲"
    reviewer.save()
    actual = report(plan, 19, 2025, 5300, 8, status=ActualStatus.SUBMITTED, by=reporter)
    workflow.return_actuals(reviewer, [actual], "请补充质押合同。")
    client.force_login(reporter)
    card = year_card(client.get("/my/").content.decode(), 2025)
    assert counts(card)["returned"] == 1
    assert "请补充质押合同。" in card and "审核员甲" in card and "专利质押融资金额" in card


def test_another_departments_figures_are_not_in_a_reporters_tasks(client, other_reporter, reviewer, plan, today):
    actual = report(plan, 19, 2025, 5300, 8, status=ActualStatus.SUBMITTED)  # 财政局's
    workflow.return_actuals(reviewer, [actual], "财政局内部退回原因")
    client.force_login(other_reporter)  # 工业和信息化局
    html = client.get("/my/").content.decode()
    assert "财政局内部退回原因" not in html and counts(year_card(html, 2025))["returned"] == 0


def test_plans_not_in_force_are_not_reported_on(client, reporter, plan, today):
    plan.status = "closed"
    plan.save()
    client.force_login(reporter)
    html = client.get("/my/").content.decode()
    assert "data-year=" not in html and "执行中的工作方案中没有本部门牵头的指标" in html


# ---- a reviewer's queue -----------------------------------------------------------------------


def test_a_reviewer_sees_waiting_figures_per_department_and_year_the_oldest_first(client, reviewer, plan, today):
    submitted = [(19, 2025, datetime(2026, 1, 12, 9, tzinfo=SHANGHAI)), (22, 2025, datetime(2026, 1, 15, 9, tzinfo=SHANGHAI)),
                 (9, 2025, datetime(2026, 1, 5, 9, tzinfo=SHANGHAI)), (27, 2024, datetime(2026, 1, 18, 9, tzinfo=SHANGHAI))]
    for order, year, when in submitted:
        actual = report(plan, order, year, 5, 1 if order in (19, 22) else None, status=ActualStatus.SUBMITTED)
        Actual.objects.filter(pk=actual.pk).update(submitted_at=when)
    report(plan, 10, 2025, 3, status=ActualStatus.DRAFT)  # drafts do not wait for anyone
    client.force_login(reviewer)
    html = client.get("/my/").content.decode()
    rows = re.findall(r'<tr data-department="([\w-]+)" data-year="(\d+)">.*?<td class="num">(\d+)</td>', html, re.S)
    assert rows == [("gxj", "2025", "1"), ("czj", "2025", "2"), ("scjg", "2024", "1")]
    assert "2026-01-05" in html and "15 天前" in html
    assert f'/review/2025/?plan={plan.pk}&amp;department=czj' in html
    assert "4 项数据等待审核" in html


def test_a_leader_has_no_tasks_and_no_badge(client, leader, plan, today):
    client.force_login(leader)
    html = client.get("/my/").content.decode()
    assert "既不填报也不审核" in html and 'id="my-tasks"' not in client.get("/").content.decode()


# ---- the header badge --------------------------------------------------------------------------


def test_the_badge_counts_the_reporting_years_unsubmitted_figures_and_every_returned_one(client, reporter, reviewer, plan, today):
    report(plan, 19, 2025, 5300, 8, status=ActualStatus.SUBMITTED)
    report(plan, 20, 2025, 300, 1, status=ActualStatus.DRAFT)  # rows 21, 22: nothing yet
    returned = report(plan, 19, 2024, 4000, 5, status=ActualStatus.SUBMITTED)
    workflow.return_actuals(reviewer, [returned], "请核对")
    client.force_login(reporter)
    # 2025: 20 (draft), 21, 22 (blank) not submitted; 2024: row 19 returned.  Earlier blank years are not counted.
    assert badge(client.get("/").content.decode()) == 4
    assert badge(client.get("/my/").content.decode()) == 4


def test_the_reviewers_badge_counts_every_submitted_figure(client, reviewer, plan, today):
    report(plan, 19, 2025, 5300, 8, status=ActualStatus.SUBMITTED)
    report(plan, 9, 2024, 5, status=ActualStatus.SUBMITTED)
    report(plan, 10, 2025, 5, status=ActualStatus.DRAFT)
    client.force_login(reviewer)
    assert badge(client.get("/departments/czj/").content.decode()) == 2


def test_an_empty_queue_shows_the_link_without_a_count(client, reviewer, plan, today):
    client.force_login(reviewer)
    assert badge(client.get("/").content.decode()) == 0


# ---- cost ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["reporter", "reviewer"])
def test_my_tasks_cost_the_same_queries_at_one_and_ten_times_the_seed(client, request, plan, reviewer, today, who):
    user = request.getfixturevalue(who)
    czj = Indicator.objects.get(plan=plan, order=19).lead_department

    def return_some(count):
        figures = Actual.objects.filter(status=ActualStatus.SUBMITTED, indicator__lead_department=czj).select_related("indicator")
        workflow.return_actuals(reviewer, list(figures[:count]), "请核对")

    def queries():
        client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/my/")
        assert response.status_code == 200
        return len(captured.captured_queries), response.content.decode()

    grow_plan(plan, 1)
    return_some(2)
    small, small_html = queries()
    grow_plan(plan, 10, extra_departments=20)
    Indicator.objects.filter(plan=plan, order__gt=29, order__lte=120).update(lead_department=czj)
    return_some(40)
    large, large_html = queries()
    assert small == large
    assert small_html.count("returned-figure") < large_html.count("returned-figure") or who == "reviewer"
    assert len(large_html) > len(small_html)  # the larger plan is really on the page


def test_a_long_tail_of_waiting_departments_is_summed_not_listed(client, reviewer, plan, today):
    from indicators.views.season import WAITING_SHOWN

    grow_plan(plan, 10, extra_departments=40)
    Actual.objects.filter(year__in=(2024, 2025)).update(status=ActualStatus.SUBMITTED)
    client.force_login(reviewer)
    html = client.get("/my/").content.decode()
    listed = re.findall(r'<tr data-department="[\w-]+" data-year="\d+">', html)
    assert len(listed) == WAITING_SHOWN
    total = Actual.objects.filter(status=ActualStatus.SUBMITTED).count()
    assert f"{total} 项数据等待审核" in html and "未列出" in html

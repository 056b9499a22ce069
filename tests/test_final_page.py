"""The final assessment page (终期评估, /plans/<id>/final/): verdicts, counts, 预评估 until closed, who may read it."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.sizing import grow_plan
from indicators import plans, roles
from indicators.verdicts import VERDICT_ORDER, Verdict, final_verdict, summarise
from indicators.models import Actual, ActualStatus, Department, Indicator, PlanStatus
from indicators.permissions import PUBLISHED_STATUSES
from tests.conftest import include_drafts, login

A, S, D = ActualStatus.APPROVED, ActualStatus.SUBMITTED, ActualStatus.DRAFT
# order -> [(year, value, count, status)], and the verdict each kind of row gets
FIGURES = {
    1: [(2024, "6", None, A), (2025, "7", None, A)],  # a yearly flow past its target 6
    15: [(2025, "470", None, S)],  # a stock 97 % of the way from 122 to 480, not yet approved
    9: [(2025, "12", None, A)],  # 9 → 20: a quarter of the way
    3: [(2025, "5", None, A)],  # the target is “/”: not scored
    19: [(2025, "5600", "10", A)],  # a pair: the amount short (87 %), the count reached: the worse part decides
    23: [(2022, "1", None, A), (2025, "1", None, A)],  # cumulative: 1 + 1 reaches 2 over the plan
    13: [(2025, "7", None, D)],  # a draft: never on the page
}
VERDICTS = {
    1: Verdict.COMPLETED, 15: Verdict.MOSTLY, 9: Verdict.NOT_COMPLETED, 3: Verdict.TRACKED,
    19: Verdict.NOT_COMPLETED, 23: Verdict.COMPLETED, 13: Verdict.MISSING, 26: Verdict.MISSING,
}  # fmt: skip
FINAL_MAX_QUERIES = 12  # session, user and roles, build_rows' five, the plan


@pytest.fixture
def figures(plan):
    indicators = {i.order: i for i in Indicator.objects.filter(plan=plan)}
    for order, entries in FIGURES.items():
        for year, value, count, status in entries:
            Actual.objects.create(
                indicator=indicators[order], year=year, value=Decimal(value),
                second_value=Decimal(count) if count else None, status=status,
            )  # fmt: skip
    return indicators


def url(plan):
    return reverse("final_assessment", args=[plan.pk])


def page(client, user, plan):
    response = login(client, user).get(url(plan))
    assert response.status_code == 200
    return response.content.decode()


def table_row(html, indicator):
    """The page's table row of ``indicator`` (the one that links to its page)."""
    link = reverse("indicator", args=[indicator.pk]) + "?year="
    found = [row for row in re.findall(r"<tr.*?</tr>", html, re.S) if link in row]
    assert len(found) == 1, indicator
    return found[0]


def counts_on(html):
    return {Verdict(v): int(n) for v, n in re.findall(r'data-verdict="(\w+)">(\d+)<', html)}


def test_every_kind_of_row_shows_its_verdict(client, plan, figures, leader):
    html = page(client, leader, plan)
    for order, verdict in VERDICTS.items():
        assert f"verdict-{verdict.value}" in table_row(html, figures[order]), order


def test_a_row_shows_baseline_every_plan_year_the_final_value_and_the_target(client, plan, figures, leader):
    html = page(client, leader, plan)
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td.*?</td>", table_row(html, figures[1]), re.S)]
    # 序号 指标 牵头部门 基础值 2022 2023 2024 2025 终期值 累计 目标 进度 结论
    assert cells[3:] == ["3", "未填报", "未填报", "6", "7", "7", "13", "6", "133.3%", "已完成"]
    pair = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td.*?</td>", table_row(html, figures[19]), re.S)]
    assert pair[3:] == ["2868/2", "未填报", "未填报", "未填报", "5600/10", "5600/10", "5600/10", "6000/10", "87.2%/100.0%", "未完成"]
    cumulative = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td.*?</td>", table_row(html, figures[23]), re.S)]
    assert cumulative[-5:] == ["2", "2", "2", "100.0%", "已完成"]  # the final value is the plan-period total


def test_a_stock_or_a_rate_shows_no_period_total(client, plan, figures, leader):
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td.*?</td>", table_row(page(client, leader, plan), figures[15]), re.S)]
    assert cells[-5:] == ["470", "", "480", "97.2%", "基本完成"]  # the final value unmarked; its 2025 cell says 待审核


def test_the_counts_are_those_of_final_summarise_on_the_published_figures(client, plan, figures, leader):
    # Worked out here from the database, not through the page's rows.
    published = {}
    for actual in Actual.objects.filter(indicator__plan=plan, status__in=PUBLISHED_STATUSES):
        published.setdefault(actual.indicator_id, {})[actual.year] = actual.year_value
    verdicts = {i.pk: final_verdict(i.spec(), published.get(i.pk, {})) for i in Indicator.objects.filter(plan=plan)}
    expected = summarise(verdicts.values())
    html = page(client, leader, plan)
    assert counts_on(html) == expected.counts
    assert re.search(r'id="overall-share">([^<]+)<', html).group(1) == f"{expected.share * 100:.1f}%"
    for department in Department.objects.filter(lead_indicators__plan=plan).distinct():
        own = summarise(v for pk, v in verdicts.items() if Indicator.objects.get(pk=pk).lead_department_id == department.pk)
        row = re.search(rf'<tr data-department="{department.code}">(.*?)</tr>', html, re.S).group(1)
        numbers = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', row)]
        assert numbers == [own.counts[v] for v in VERDICT_ORDER] + [own.total], department.code


def test_drafts_are_never_on_the_page_not_for_administrators_nor_with_drafts_switched_on(client, plan, figures, leader, administrator):
    for html in (page(client, administrator, plan), (include_drafts(client, leader), client.get(url(plan)).content.decode())[1]):
        row = table_row(html, figures[13])
        assert "verdict-missing" in row and ">7<" not in row and "草稿" not in row


def test_it_is_a_pre_assessment_until_the_plan_is_closed_then_the_final_assessment(client, plan, figures, leader, administrator):
    html = page(client, leader, plan)
    assert "<h1 id=\"final-title\">终期评估（预评估）</h1>" in html and 'id="preliminary-notice"' in html
    with pytest.raises(plans.PlanError, match="waiting for review|等待审核"):
        plans.close(administrator, plan, "2025年度考核结束")  # 15's 2025 figure is still submitted
    Actual.objects.filter(status=S).update(status=A)
    plans.close(administrator, plan, "2025年度考核结束")
    html = page(client, leader, plan)
    assert "<h1 id=\"final-title\">终期评估</h1>" in html and "预评估" not in html and 'id="closed-notice"' in html


@pytest.mark.parametrize("role", [roles.LEADER, roles.REVIEWER, roles.ADMINISTRATOR])
def test_leaders_reviewers_and_administrators_read_it(client, plan, make_user, role):
    assert login(client, make_user("someone", role, "scjg")).get(url(plan)).status_code == 200


def test_reporters_may_not_read_it_and_visitors_are_sent_to_log_in(client, plan, reporter):
    assert client.get(url(plan)).status_code == 302
    assert login(client, reporter).get(url(plan)).status_code == 403


def test_an_unknown_or_malformed_plan_is_a_404(client, plan, leader):
    login(client, leader)
    assert client.get(reverse("final_assessment", args=[plan.pk + 1000])).status_code == 404
    for path in ("/plans/abc/final/", "/plans/１/final/", "/plans/" + "9" * 30 + "/final/"):
        assert client.get(path).status_code == 404


def test_a_plan_being_set_up_is_404_but_for_administrators(client, plan, leader, administrator):
    new = plans.rollover(administrator, plan, code="柳高新〔2026〕1号", title="下一期", first_year=2026, last_year=2030)
    assert new.status == PlanStatus.DRAFT
    assert login(client, leader).get(url(new)).status_code == 404
    assert login(client, administrator).get(url(new)).status_code == 200


def test_the_overview_links_to_it_in_the_plans_last_year_or_once_closed(client, plan, leader, reporter, administrator):
    link = f'id="final-assessment-link" href="{url(plan)}"'
    login(client, leader)
    assert link in client.get("/?year=2025").content.decode()
    assert link not in client.get("/?year=2024").content.decode()
    plans.close(administrator, plan, "")
    assert link in client.get("/?year=2024").content.decode()
    assert link not in login(client, reporter).get("/?year=2025").content.decode()  # reporters may not open it
    admin_page = login(client, administrator).get(reverse("admin:indicators_plan_change", args=[plan.pk])).content.decode()
    assert f'href="{url(plan)}" id="final-assessment-link"' in admin_page


@pytest.mark.parametrize("factor", [1, 10])
def test_the_page_needs_the_same_number_of_queries_at_one_and_ten_times_the_seed(client, plan, leader, factor, django_assert_max_num_queries):
    grow_plan(plan, factor)
    login(client, leader)
    with django_assert_max_num_queries(FINAL_MAX_QUERIES):
        response = client.get(url(plan))
    assert response.status_code == 200
    assert sum(counts_on(response.content.decode()).values()) == 29 * factor


def test_a_large_plan_is_paged_and_the_counts_cover_every_row(client, plan, leader):
    grow_plan(plan, 3, [2025])
    html = login(client, leader).get(url(plan) + "?page=2").content.decode()
    assert sum(counts_on(html).values()) == 87
    assert html.count("verdict-") - len(VERDICT_ORDER) == 37  # rows 51–87 on the second page

"""An indicator's earlier plans (往期方案) on its page: the predecessor chain's years, published values and verdicts."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.sizing import grow_plan
from indicators import plans
from indicators.models import Actual, ActualStatus, Indicator
from tests.conftest import login
from tests.test_indicator_page import INDICATOR_MAX_QUERIES

A, S, D = ActualStatus.APPROVED, ActualStatus.SUBMITTED, ActualStatus.DRAFT
NEXT, AFTER = "柳高新〔2026〕1号", "柳高新〔2031〕1号"
PER_EARLIER_PLAN = 6  # find the predecessor, then build_rows for one indicator


def roll(administrator, plan, code, first, last):
    """Review what waits, close ``plan``, roll it over and put the new one in force with every target confirmed “/”."""
    Actual.objects.filter(indicator__plan=plan, status=S).update(status=A)
    plans.close(administrator, plan, "")
    new = plans.rollover(administrator, plan, code=code, title="下一期方案", first_year=first, last_year=last)
    Indicator.objects.filter(plan=new).update(target_pending=False)
    return plans.publish(administrator, new)


def figure(plan, order, year, value, status=A):
    return Actual.objects.create(indicator=Indicator.objects.get(plan=plan, order=order), year=year, value=Decimal(value), status=status)


def indicator_page(client, user, plan, order):
    indicator = Indicator.objects.get(plan=plan, order=order)
    response = login(client, user).get(reverse("indicator", args=[indicator.pk]))
    assert response.status_code == 200
    return response.content.decode()


def earlier_tables(html):
    return re.findall(r'<table class="data-table compact earlier-plan" data-plan="(\d+)">(.*?)</table>', html, re.S)


@pytest.fixture
def next_plan(plan, administrator):
    for year, value in ((2022, "4"), (2023, "5"), (2024, "6"), (2025, "7")):
        figure(plan, 1, year, value)
    figure(plan, 9, 2025, "12", S)
    figure(plan, 9, 2024, "99", D)  # a draft: never shown
    return roll(administrator, plan, NEXT, 2026, 2030)


def test_the_new_plans_indicator_shows_the_earlier_plans_years_values_and_verdict(client, plan, next_plan, leader):
    html = indicator_page(client, leader, next_plan, 1)
    assert "往期方案" in html
    [(plan_id, table)] = earlier_tables(html)
    assert int(plan_id) == plan.pk and plan.code in table
    old = Indicator.objects.get(plan=plan, order=1)
    assert f'href="{reverse("indicator", args=[old.pk])}"' in table
    cells = dict(re.findall(r'data-year="(\d+)">(.*?)</td>', table))
    assert {year: re.sub(r"<[^>]+>", "", text).strip() for year, text in cells.items()} == {
        "2022": "4", "2023": "5", "2024": "6", "2025": "7",
    }  # fmt: skip
    assert "2021 年基础值" in table and "verdict-completed" in table and "终期评估" in table


def test_the_earlier_plans_drafts_are_not_shown_and_its_figures_were_reviewed_before_it_closed(client, plan, next_plan, leader, administrator):
    for user in (leader, administrator):
        [(_plan_id, table)] = earlier_tables(indicator_page(client, user, next_plan, 9))
        assert "99" not in table and "12" in table and "待审核" not in table and "verdict-not_completed" in table


def test_an_indicator_without_a_predecessor_has_no_earlier_plans(client, plan, leader):
    assert "往期方案" not in indicator_page(client, leader, plan, 1)


def test_a_chain_of_plans_is_shown_oldest_first(client, plan, next_plan, administrator, leader):
    figure(next_plan, 1, 2026, "8")
    third = roll(administrator, next_plan, AFTER, 2031, 2035)
    tables = earlier_tables(indicator_page(client, leader, third, 1))
    assert [int(plan_id) for plan_id, _table in tables] == [plan.pk, next_plan.pk]
    assert 'data-year="2026">8' in tables[1][1]


@pytest.mark.parametrize("factor", [1, 10])
def test_the_page_needs_the_same_number_of_queries_at_one_and_ten_times_the_seed(
    client, plan, administrator, leader, factor, django_assert_max_num_queries
):
    grow_plan(plan, factor)
    new = roll(administrator, plan, NEXT, 2026, 2030)
    indicator = Indicator.objects.get(plan=new, order=19)
    login(client, leader)
    with django_assert_max_num_queries(INDICATOR_MAX_QUERIES + PER_EARLIER_PLAN):
        response = client.get(reverse("indicator", args=[indicator.pk]))
    assert response.status_code == 200 and len(earlier_tables(response.content.decode())) == 1

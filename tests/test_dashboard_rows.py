"""The row builder: rows, roll-ups, who sees which figures, and a fixed number of queries."""

from datetime import date
from decimal import Decimal as D

import pytest

from indicators.models import Actual
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.rows import LEAD, build_rows, department_summary, status_counts
from indicators.selection import default_year, latest_reported_year
from indicators.models import ActualStatus, CooperatingDepartment, Department, Indicator, ReportingDeadline, YearlyTarget
from indicators.progress import Status, assess, count_by_status, project
from tests.sizing import grow_plan
from tests.dashboard_helpers import report, report_sample


def independent_values(record):
    """The figures and spec of a row's indicator, the slow, obvious way: straight from the models."""
    indicator = Indicator.objects.get(pk=record.pk)
    return indicator.spec(), {actual.year: actual.year_value for actual in indicator.actuals.all()}


def independent_status(record, year):
    spec, values = independent_values(record)
    return assess(spec, values, year).status


def test_rows_come_one_per_indicator_in_table_order(plan):
    rows = build_rows(plan, 2022, Actual.objects.all())
    assert [row.indicator.order for row in rows] == list(range(1, 30))
    assert all(row.role == LEAD for row in rows)
    assert rows[18].department_names == "财政局、柳州市市场监督管理局柳东新区分局"


def test_every_row_status_agrees_with_progress_assess_for_every_year(plan):
    report_sample(plan)
    report(plan, 5, 2023, not_carried_out=True, note="未开展")
    for year in plan.years:
        rows = build_rows(plan, year, Actual.objects.all())
        for row in rows:
            assert row.status == independent_status(row.indicator, year), (row.indicator.order, year)
            for cell_year, cell in row.cells.items():
                assert cell.assessment.status == independent_status(row.indicator, cell_year)


def test_a_rows_projection_is_the_least_squares_line_of_the_figures_the_viewer_sees(plan, reporter, other_reporter):
    report_sample(plan)  # approved: everybody sees them
    report(plan, 19, 2024, 5000, 6, status=ActualStatus.DRAFT)  # 财政局's draft
    for viewer in (None, reporter):  # the system, and 财政局's reporter, see the draft
        for row in build_rows(plan, 2024, Actual.objects.visible_to(viewer)):
            spec, values = independent_values(row.indicator)
            assert row.projection == project(spec, values, 2024), row.indicator.order
    pledge = {viewer: next(row for row in build_rows(plan, 2024, Actual.objects.visible_to(viewer)) if row.indicator.order == 19) for viewer in (reporter, other_reporter)}
    # 3500/4, 4200/5 and the draft 5000/6: mean 4233.33 in 2023, +750/+1 a year; without the draft +700/+1 from 4200/5.
    assert [part.value for part in pledge[reporter].projection.parts] == [D("5733.33"), D("7.00")]
    assert [part.value for part in pledge[other_reporter].projection.parts] == [D("5600.00"), D("7.00")]


def test_a_departments_rows_are_the_plans_rows_it_leads_or_co_operates_on_lead_first(plan, reporter):
    report_sample(plan)
    report(plan, 19, 2024, 5000, 6, status=ActualStatus.DRAFT)  # 财政局's draft
    report(plan, 9, 2022, 12, status=ActualStatus.RETURNED)  # 工业和信息化局's, hidden from 财政局
    czj = Department.objects.get(code="czj")
    for viewer in (None, reporter):
        figures = Actual.objects.visible_to(viewer)
        whole = {row.indicator.pk: row for row in build_rows(plan, 2024, figures)}
        own = build_rows(plan, 2024, figures, department=czj)
        assert [row.role for row in own] == sorted((row.role for row in own), key=lambda role: role != LEAD)
        assert {row.indicator.pk for row in own} == set(Indicator.objects.involving(czj).values_list("pk", flat=True))
        for got in own:
            want = whole[got.indicator.pk]
            assert [(y, c.text, c.pending, c.assessment) for y, c in got.cells.items()] == [
                (y, c.text, c.pending, c.assessment) for y, c in want.cells.items()
            ]
            assert got.projection == want.projection


@pytest.fixture
def mixed_states(plan):
    report(plan, 19, 2023, 4200, 5, status=ActualStatus.DRAFT, note="财政局草稿")  # led by 财政局 (czj)
    report(plan, 9, 2023, 15, status=ActualStatus.RETURNED)  # led by 工业和信息化局 (gxj)
    report(plan, 1, 2023, 5, status=ActualStatus.SUBMITTED)  # led by scjg
    report(plan, 10, 2023, 3, status=ActualStatus.APPROVED)  # led by scjg
    return plan


def reported_orders(rows, year=2023):
    return {row.indicator.order for row in rows if row.cells[year].reported}


def test_a_reporter_sees_other_departments_drafts_and_returned_figures_as_not_reported(mixed_states, reporter):
    rows = build_rows(mixed_states, 2023, Actual.objects.visible_to(reporter))  # 财政局
    assert reported_orders(rows) == {19, 1, 10}  # own draft yes, 工信局's returned figure no
    by_order = {row.indicator.order: row for row in rows}
    assert by_order[9].status == Status.MISSING and by_order[9].cells[2023].actual is None


def test_the_other_reporter_sees_their_own_returned_figure_but_not_the_draft(mixed_states, other_reporter):
    rows = build_rows(mixed_states, 2023, Actual.objects.visible_to(other_reporter))  # 工业和信息化局
    assert reported_orders(rows) == {9, 1, 10}


def test_administrators_and_commands_see_every_entered_figure(mixed_states, administrator):
    for viewer in (administrator, None):
        assert reported_orders(build_rows(mixed_states, 2023, Actual.objects.visible_to(viewer))) == {19, 9, 1, 10}


def test_leaders_and_reviewers_see_drafts_only_with_the_drafts_switch_on(mixed_states, leader, reviewer):
    for viewer in (leader, reviewer):
        assert reported_orders(build_rows(mixed_states, 2023, Actual.objects.visible_to(viewer))) == {1, 10}
        assert reported_orders(build_rows(mixed_states, 2023, Actual.objects.visible_to(viewer, drafts=True))) == {19, 9, 1, 10}


def test_a_reporter_cannot_switch_on_other_departments_drafts(mixed_states, reporter):
    assert reported_orders(build_rows(mixed_states, 2023, Actual.objects.visible_to(reporter, drafts=True))) == {19, 1, 10}


def test_the_published_reader_sees_no_drafts_at_all(mixed_states):
    assert reported_orders(build_rows(mixed_states, 2023, Actual.objects.published())) == {1, 10}


def test_an_account_without_department_or_role_sees_only_submitted_and_approved(mixed_states, make_user):
    nobody = make_user("nobody")
    assert reported_orders(build_rows(mixed_states, 2023, Actual.objects.visible_to(nobody))) == {1, 10}


def test_the_latest_reported_year_respects_visibility(mixed_states, other_reporter, reporter, leader):
    report(mixed_states, 19, 2024, 5000, 7, status=ActualStatus.DRAFT)
    assert latest_reported_year(mixed_states, Actual.objects.visible_to(reporter)) == 2024  # its own draft
    assert latest_reported_year(mixed_states, Actual.objects.visible_to(leader, drafts=True)) == 2024
    assert latest_reported_year(mixed_states, Actual.objects.visible_to(leader)) == 2023
    assert latest_reported_year(mixed_states, Actual.objects.visible_to(other_reporter)) == 2023


def test_with_nothing_reported_the_default_year_is_the_one_being_reported(plan):
    assert latest_reported_year(plan, Actual.objects.all()) is None
    assert default_year(plan, Actual.objects.all(), today=date(2024, 3, 1)) == 2023
    assert default_year(plan, Actual.objects.all(), today=date(2030, 3, 1)) == 2025
    assert default_year(plan, Actual.objects.all(), today=date(2020, 3, 1)) == 2022


# --- department roll-up --------------------------------------------------------------


def test_department_summary_counts_statuses_and_reporting_states_of_lead_indicators(plan):
    report(plan, 19, 2022, 3500, 4, status=ActualStatus.DRAFT)
    report(plan, 20, 2022, not_carried_out=True, status=ActualStatus.SUBMITTED)
    report(plan, 21, 2022, 10, 1, status=ActualStatus.APPROVED)
    rows = build_rows(plan, 2022, Actual.objects.all())
    summaries = {s.department.code: s for s in department_summary(plan, 2022, rows, today=date(2023, 1, 31))}
    assert list(summaries) == ["scjg", "gxj", "zljjj", "czj", "fgc"]  # lead departments, display order
    czj = summaries["czj"]
    assert (czj.total, czj.reported, czj.submitted, czj.approved) == (4, 3, 2, 1)
    assert czj.counts == count_by_status(row.assessment for row in rows if row.indicator.lead_department.code == "czj")
    assert czj.deadline == date(2023, 1, 31) and not czj.past_deadline and czj.overdue == 0
    assert sum(s.total for s in summaries.values()) == 29
    assert status_counts(rows) == count_by_status(row.assessment for row in rows)


def test_after_the_deadline_every_unsubmitted_lead_indicator_is_overdue(plan):
    report(plan, 19, 2022, 3500, 4, status=ActualStatus.DRAFT)
    report(plan, 21, 2022, 10, 1, status=ActualStatus.APPROVED)
    rows = build_rows(plan, 2022, Actual.objects.all())
    czj = next(s for s in department_summary(plan, 2022, rows, today=date(2023, 2, 1)) if s.department.code == "czj")
    assert czj.past_deadline and czj.overdue == 3  # the draft, and two not reported at all


def test_an_administrators_deadline_replaces_the_default(plan):
    ReportingDeadline.objects.create(plan=plan, year=2022, deadline=date(2023, 3, 15))
    rows = build_rows(plan, 2022, Actual.objects.all())
    summary = department_summary(plan, 2022, rows, today=date(2023, 3, 1))[0]
    assert summary.deadline == date(2023, 3, 15) and summary.overdue == 0


# --- size ------------------------------------------------------------------------------


def test_grow_plan_clones_indicators_with_their_departments_and_targets(plan):
    counterfeit = Indicator.objects.get(plan=plan, order=1)
    YearlyTarget.objects.create(indicator=counterfeit, year=2022, value=D(4))
    growth = grow_plan(plan, 3, [2022], extra_departments=2)
    assert growth.indicators == 58 and growth.departments == 2
    assert Indicator.objects.filter(plan=plan).count() == 87
    clone = Indicator.objects.get(plan=plan, name="查处假冒知识产权行政案件（起）（副本1）")
    assert clone.lead_department.code.startswith("size-")
    assert set(CooperatingDepartment.objects.filter(indicator=clone).values_list("department__code", flat=True)) == {
        "shswj",
        "scjg",
    }
    assert clone.yearly_targets.get(year=2022).value == D(4)
    assert 0 < growth.actuals <= 87


def count_queries(callable_):
    with CaptureQueriesContext(connection) as context:
        callable_()
    return len(context.captured_queries)


def test_loading_rows_costs_the_same_queries_at_one_and_ten_times_the_seed(plan, leader):
    grow_plan(plan, 1)
    leader.role_names  # noqa: B018 – the viewer's roles are read once per request, not per row

    def summary_and_departments():
        rows = build_rows(plan, 2024, Actual.objects.visible_to(leader))
        department_summary(plan, 2024, rows)
        return [row.department_names for row in rows]  # the co-operation links: read once, when first needed

    small = count_queries(lambda: department_summary(plan, 2024, build_rows(plan, 2024, Actual.objects.visible_to(leader))))
    small_with_departments = count_queries(summary_and_departments)
    grow_plan(plan, 10, extra_departments=5)
    assert Indicator.objects.filter(plan=plan).count() == 290
    large = count_queries(lambda: department_summary(plan, 2024, build_rows(plan, 2024, Actual.objects.visible_to(leader))))
    large_with_departments = count_queries(summary_and_departments)
    assert small == large == small_with_departments == large_with_departments == 6

"""The reporting workflow: draft → submitted → approved, returned, reopened."""

from decimal import Decimal

import pytest

from indicators import workflow
from indicators.models import Actual, ActualStatus, Indicator
from indicators.workflow import Entry


def pledge(plan):
    return Indicator.objects.select_related("plan").get(plan=plan, order=19)  # 专利质押融资金额（万元）/笔, led by 财政局


def enter(user, indicator, year=2024, value="3000", second="3", **kwargs):
    entry = workflow.Entry(indicator=indicator, year=year, value=value, second_value=second, **kwargs)
    return workflow.save_entries(user, [entry])


def test_a_reporter_saves_a_draft_of_their_departments_indicator(reporter):
    [actual] = enter(reporter, pledge(reporter.department.lead_indicators.first().plan))
    assert (actual.value, actual.second_value, actual.status, actual.version) == (Decimal(3000), Decimal(3), "draft", 1)
    assert actual.entered_by == reporter


def test_a_reporter_cannot_enter_figures_of_another_departments_indicator(other_reporter, plan):
    with pytest.raises(workflow.WorkflowError, match="only that department enters"):
        enter(other_reporter, pledge(plan))
    assert not Actual.objects.exists()


def test_submit_then_approve_locks_the_figure(reporter, reviewer, plan):
    [actual] = enter(reporter, pledge(plan), value="6500", second="11")
    workflow.submit(reporter, [actual])
    assert actual.status == ActualStatus.SUBMITTED and actual.submitted_by == reporter
    workflow.approve(reviewer, [actual])
    actual.refresh_from_db()
    assert actual.status == ActualStatus.APPROVED and actual.reviewed_by == reviewer
    with pytest.raises(workflow.WorkflowError, match="cannot be changed"):
        enter(reporter, pledge(plan), value="1", second="1", expected_version=actual.version)
    actual.refresh_from_db()
    assert actual.value == Decimal(6500)


def test_a_reporter_cannot_approve(reporter, plan):
    [actual] = enter(reporter, pledge(plan), value="6500", second="11")
    workflow.submit(reporter, [actual])
    with pytest.raises(workflow.WorkflowError, match="permission"):
        workflow.approve(reporter, [actual])
    actual.refresh_from_db()
    assert actual.status == ActualStatus.SUBMITTED


def test_a_reviewer_cannot_approve_a_draft(reporter, reviewer, plan):
    [actual] = enter(reporter, pledge(plan))
    with pytest.raises(workflow.WorkflowError):
        workflow.approve(reviewer, [actual])
    actual.refresh_from_db()
    assert actual.status == ActualStatus.DRAFT


def test_a_returned_figure_carries_the_reason_and_is_editable_again(reporter, reviewer, plan):
    [actual] = enter(reporter, pledge(plan), value="6500", second="11")
    workflow.submit(reporter, [actual])
    workflow.return_actuals(reviewer, [actual], "请补充合同")
    actual.refresh_from_db()
    assert actual.status == ActualStatus.RETURNED and actual.return_reason == "请补充合同"
    [again] = enter(reporter, pledge(plan), value="6600", second="11", expected_version=actual.version)
    assert again.value == Decimal(6600)


def test_returning_needs_a_reason(reporter, reviewer, plan):
    [actual] = enter(reporter, pledge(plan), value="6500", second="11")
    workflow.submit(reporter, [actual])
    with pytest.raises(workflow.WorkflowError, match="reason"):
        workflow.return_actuals(reviewer, [actual], "   ")
    actual.refresh_from_db()
    assert actual.status == ActualStatus.SUBMITTED


def test_a_reviewer_reopens_an_approved_figure_with_a_reason(reporter, reviewer, plan):
    [actual] = enter(reporter, pledge(plan), value="6500", second="11")
    workflow.submit(reporter, [actual])
    workflow.approve(reviewer, [actual])
    workflow.reopen(reviewer, [actual], "数据口径调整")
    actual.refresh_from_db()
    assert actual.status == ActualStatus.RETURNED and actual.is_editable


def test_an_off_track_figure_cannot_be_submitted_without_a_note(reporter, plan):
    # 2868/2 -> 6000/10; 2024 expects about 5217/8: 2900/2 is behind.
    [actual] = enter(reporter, pledge(plan), value="2900", second="2")
    with pytest.raises(workflow.WorkflowError, match="note"):
        workflow.submit(reporter, [actual])
    actual.refresh_from_db()
    assert actual.status == ActualStatus.DRAFT
    [actual] = enter(reporter, pledge(plan), value="2900", second="2", note="银行放款推迟到次年", expected_version=actual.version)
    workflow.submit(reporter, [actual])
    assert actual.status == ActualStatus.SUBMITTED


def test_an_empty_figure_cannot_be_submitted(reporter, plan):
    [actual] = enter(reporter, pledge(plan), value="", second="", note="待统计")
    with pytest.raises(workflow.WorkflowError, match="value"):
        workflow.submit(reporter, [actual])


def test_an_unchanged_row_gets_no_new_version(reporter, plan):
    [actual] = enter(reporter, pledge(plan))
    assert enter(reporter, pledge(plan), expected_version=1) == []
    actual.refresh_from_db()
    assert actual.version == 1 and actual.history.count() == 1


def test_a_stale_version_is_refused_naming_who_changed_it(reporter, make_user, plan):
    colleague = make_user("colleague", "填报员", "czj", first_name="王", last_name="")
    enter(reporter, pledge(plan))
    enter(colleague, pledge(plan), value="4000", second="4", expected_version=1)
    with pytest.raises(workflow.ConflictError) as caught:
        enter(reporter, pledge(plan), value="5000", second="5", expected_version=1)
    assert "王" in caught.value.messages[0] and "4000/4" in caught.value.messages[0]
    assert Actual.objects.get().value == Decimal(4000)


def test_many_rows_are_saved_all_or_none(reporter, plan):
    indicators = list(Indicator.objects.select_related("plan").filter(plan=plan, lead_department__code="czj"))
    entries = [workflow.Entry(indicator=i, year=2024, value="100", second_value="1") for i in indicators]
    entries[-1].value = "abc"
    with pytest.raises(workflow.WorkflowError):
        workflow.save_entries(reporter, entries)
    assert not Actual.objects.exists()


def test_every_change_is_in_the_history_with_user(reporter, reviewer, plan):
    [actual] = enter(reporter, pledge(plan), value="6500", second="11")
    enter(reporter, pledge(plan), value="6600", second="11", expected_version=1)
    workflow.submit(reporter, [Actual.objects.get()])
    workflow.approve(reviewer, [Actual.objects.get()])
    history = list(Actual.objects.get().history.order_by("history_date"))
    assert [h.history_type for h in history] == ["+", "~", "~", "~"]
    assert [h.status for h in history] == ["draft", "draft", "submitted", "approved"]
    assert [h.history_user for h in history] == [reporter, reporter, reporter, reviewer]
    assert [h.value for h in history][:2] == [Decimal(6500), Decimal(6600)]


# ---- what must hold below every path (the probes' planted bugs) --------------------------------------


def test_the_central_write_refuses_an_entry_that_does_not_say_which_version_it_saw(reporter, plan):
    pledge = plan.indicators.get(order=19)
    for existing in (False, True):
        if existing:
            workflow.save_entries(reporter, [Entry(indicator=pledge, year=2024, value="1", second_value="1")])
        with pytest.raises(workflow.WorkflowError, match="which version"):
            workflow.save_entries(reporter, [Entry(indicator=pledge, year=2024, value="2", second_value="2", expected_version=None)])
    assert Actual.objects.get(indicator=pledge, year=2024).value == 1  # “no version” never means “no check”


def test_a_figures_year_lies_within_its_plans_years_whatever_writes_it(reporter, plan):
    from django.core.exceptions import ValidationError

    pledge = plan.indicators.get(order=19)
    with pytest.raises(ValidationError, match="2022"):
        Actual(indicator=pledge, year=2026, value=1, second_value=1).clean()
    with pytest.raises(workflow.WorkflowError, match="2022"):
        workflow.save_entries(reporter, [Entry(indicator=pledge, year=2021, value="1", second_value="1")])
    assert not Actual.objects.filter(indicator=pledge).exists()


def test_a_refused_transition_leaves_the_callers_figures_as_they_were_so_a_second_try_behaves_the_same(reporter, plan):
    good, blank = workflow.save_entries(reporter, [
        Entry(indicator=plan.indicators.get(order=19), year=2024, value="5000", second_value="8", note="说明"),
        Entry(indicator=plan.indicators.get(order=20), year=2024, note="尚未取得数据"),
    ])
    as_read = (good.status, good.version, good.submitted_by_id, good.submitted_at)
    with pytest.raises(workflow.WorkflowError):
        workflow.submit(reporter, [good, blank])  # the blank draft cannot be submitted: nothing is
    assert (good.status, good.version, good.submitted_by_id, good.submitted_at) == as_read
    assert Actual.objects.get(pk=good.pk).status == ActualStatus.DRAFT
    [done] = workflow.submit(reporter, [good])  # the same object, tried again on its own
    assert done.status == ActualStatus.SUBMITTED and Actual.objects.get(pk=good.pk).version == as_read[1] + 1


def test_a_return_rolled_back_after_its_notice_was_queued_sends_no_mail(reporter, reviewer, plan, mailoutbox, django_capture_on_commit_callbacks):
    from django.db import transaction

    [figure] = workflow.save_entries(reporter, [Entry(indicator=plan.indicators.get(order=19), year=2024, value="5000", second_value="8", note="说明")])
    reporter.email = "czj@example.invalid"
    reporter.save()
    [submitted] = workflow.submit(reporter, [figure])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                workflow.return_with_notice(reviewer, [submitted], "请补充佐证材料")
                raise RuntimeError("something later in the same request failed")
    assert callbacks == [] and mailoutbox == []
    assert Actual.objects.get(pk=figure.pk).status == ActualStatus.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        workflow.return_with_notice(reviewer, [Actual.objects.select_related("indicator__plan").get(pk=figure.pk)], "请补充佐证材料")
    assert len(mailoutbox) == 1  # the same return, committed, is mailed

"""The plan's life: a plan being set up disturbs nobody, closing freezes figures, roll-over to the next plan."""

from datetime import date
from decimal import Decimal

import re

import pytest

from indicators.final_assessment import final_assessment
from tests.conftest import login
from django.core.management import CommandError, call_command

from indicators import plans, selection, workflow
from indicators.models import Actual, ActualStatus, CooperatingDepartment, Indicator, Organisation, Plan, PlanStatus

NEXT = "柳高新〔2026〕1号"


@pytest.fixture(autouse=True)
def reporting_2025(monkeypatch):
    """Late 2026: the 2025 figures are still being reported."""
    monkeypatch.setattr(selection, "shanghai_today", lambda: date(2026, 11, 29))


def draft_plan(**extra):
    return Plan.objects.create(
        organisation=Organisation.objects.get(code="gxq"), code=NEXT, title="2026-2030", issuer="管委会", issue_date=date(2026, 5, 1),
        baseline_year=2025, first_year=2026, last_year=2030, **extra,
    )


def row(plan, order):
    return Indicator.objects.select_related("plan").get(plan=plan, order=order)


# ---- a plan being set up --------------------------------------------------------------------


def test_a_draft_plan_leaves_the_2025_reporting_untouched(client, plan, reporter, leader):
    draft_plan()
    client.force_login(reporter)
    page = client.get("/admin/indicators/actual/year/2025/")
    assert page.status_code == 200 and page.context["plan"] == plan
    assert client.get("/admin/indicators/actual/year/").url.startswith("/admin/indicators/actual/year/2025/")
    assert client.get("/import/2025/").status_code == 200
    client.force_login(leader)
    overview = client.get("/")
    assert overview.context["plan"] == plan and NEXT not in overview.content.decode()
    assert client.get("/export/2025.xlsx").status_code == 200


def test_a_draft_plan_is_for_administrators_only(client, plan, leader, reporter, administrator):
    draft = draft_plan()
    Indicator.objects.create(plan=draft, order=1, task_number=1, name="新指标（件）", unit="件", baseline_printed="—",
                             target_printed="10", lead_department=reporter.department)
    indicator = draft.indicators.get()
    for user in (leader, reporter):
        client.force_login(user)
        assert client.get(f"/?plan={draft.pk}").status_code == 404
        assert client.get(f"/indicators/{indicator.pk}/").status_code == 404
        assert client.get(f"/export/2026.xlsx?plan={draft.pk}").status_code == 404
    client.force_login(reporter)
    assert client.get(f"/admin/indicators/actual/year/2026/?plan={draft.pk}").status_code == 404
    with pytest.raises(workflow.WorkflowError):
        workflow.save_entries(reporter, [workflow.Entry(indicator=row(draft, 1), year=2026, value="1")])
    client.force_login(administrator)
    assert client.get("/").context["plan"] == plan  # never a default, even for administrators
    assert client.get(f"/?plan={draft.pk}&year=2026").status_code == 200


def test_the_default_plan_follows_the_reporting_year(plan, monkeypatch):
    later = draft_plan(status=PlanStatus.ACTIVE)
    plans_ = [later, plan]
    assert selection.default_plan(plans_) == plan
    monkeypatch.setattr(selection, "shanghai_today", lambda: date(2027, 2, 1))
    assert selection.default_plan(plans_) == later
    later.status = PlanStatus.DRAFT
    plan.status = PlanStatus.CLOSED
    assert selection.default_plan(plans_) == plan  # no plan in force covers 2026: the newest closed one
    assert selection.default_plan([later]) is None


# ---- publishing ----------------------------------------------------------------------------


def test_publishing_needs_every_target_set_or_confirmed(plan, administrator):
    new = plans.rollover(administrator, plan, code=NEXT, title="下一期", first_year=2026, last_year=2030)
    with pytest.raises(plans.PlanError) as caught:
        plans.publish(administrator, new)
    assert len(caught.value.messages) == 29
    new.indicators.exclude(order=3).update(target_pending=False, target_printed="20")
    with pytest.raises(plans.PlanError, match="3. "):
        plans.publish(administrator, new)
    new.indicators.filter(order=3).update(target_pending=False)  # “/” confirmed
    plans.publish(administrator, new)
    new.refresh_from_db()
    assert new.status == PlanStatus.ACTIVE


def test_the_admin_action_confirms_slash_targets_and_leaves_set_ones_alone(client, plan, administrator, leader):
    new = plans.rollover(administrator, plan, code=NEXT, title="下一期", first_year=2026, last_year=2030)
    new.indicators.filter(order=1).update(target_printed="10")  # set, but its pending mark left on
    with pytest.raises(plans.PlanError):
        plans.confirm_undecided_targets(leader, new.indicators.all())
    client.force_login(administrator)
    response = client.post(
        f"/admin/indicators/indicator/?plan={new.pk}",
        {"action": "confirm_undecided_targets", "_selected_action": list(new.indicators.values_list("pk", flat=True))},
        follow=True,
    )
    assert "28" in response.content.decode()
    assert list(new.indicators.filter(target_pending=True).values_list("order", flat=True)) == [1]
    assert Indicator.history.filter(plan_id=new.pk, history_change_reason="“/” confirmed").count() == 28


def test_only_administrators_change_a_plans_state(plan, leader, reviewer):
    for user in (leader, reviewer):
        with pytest.raises(plans.PlanError):
            plans.close(user, plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE


# ---- closing and reopening --------------------------------------------------------------------


def test_closing_freezes_every_figure_until_an_administrator_reopens_it(client, plan, reporter, reviewer, administrator):
    [draft] = workflow.save_entries(reporter, [workflow.Entry(indicator=row(plan, 19), year=2025, value="5000", second_value="8")])
    [other] = workflow.save_entries(reporter, [workflow.Entry(indicator=row(plan, 20), year=2025, value="500", second_value="2")])
    workflow.submit(reporter, [Actual.objects.select_related("indicator__plan").get(pk=other.pk)])
    with pytest.raises(plans.PlanError, match="waiting for review"):
        plans.close(administrator, plan, "2025年度考核结束")  # nothing may wait for review when a plan closes
    workflow.approve(reviewer, [Actual.objects.select_related("indicator__plan").get(pk=other.pk)])
    plans.close(administrator, plan, "2025年度考核结束")

    with pytest.raises(workflow.WorkflowError, match="closed"):
        workflow.save_entries(reporter, [workflow.Entry(indicator=row(plan, 19), year=2025, value="6000", second_value="9", expected_version=1)])
    approved = Actual.objects.select_related("indicator__plan").get(pk=other.pk)
    with pytest.raises(workflow.WorkflowError, match="closed"):
        workflow.reopen(reviewer, [approved], "改一下")
    client.force_login(reporter)
    page = client.get("/admin/indicators/actual/year/2025/").content.decode()
    assert "已收官" in page and f'name="i{draft.indicator_id}-value"' not in page
    response = client.post(f"/admin/indicators/actual/{draft.pk}/change/", {"value": "1", "second_value": "1", "version": "1"})
    assert response.status_code == 403 or "errornote" in response.content.decode() or response.status_code == 302
    draft.refresh_from_db()
    assert draft.value == Decimal(5000)

    with pytest.raises(plans.PlanError, match="reason|原因"):  # (the request above left Chinese active)
        plans.reopen(administrator, plan, "  ")
    plans.reopen(administrator, plan, "补报一项遗漏数据")
    workflow.save_entries(reporter, [workflow.Entry(indicator=row(plan, 19), year=2025, value="6000", second_value="9", expected_version=1)])
    history = list(plan.history.order_by("history_date").values_list("status", "status_reason", "history_change_reason"))
    assert history[-2:] == [("closed", "2025年度考核结束", "closed"), ("active", "补报一项遗漏数据", "reopened")]


def test_the_close_page_lists_what_is_unreported_or_unapproved(client, demo):
    from indicators.models import User

    administrator = User.objects.get(username="admin")
    client.force_login(administrator)
    page = client.get(f"/admin/indicators/plan/{demo.pk}/close/")
    assert page.status_code == 200
    body = page.content.decode()
    open_count = page.context["open_count"]
    approved = Actual.objects.filter(indicator__plan=demo, status=ActualStatus.APPROVED).count()
    assert open_count == 29 * 4 - approved and str(open_count) in body
    response = client.post(f"/admin/indicators/plan/{demo.pk}/close/", {"reason": "终期评估"})
    assert response.status_code == 200 and "等待审核" in response.content.decode()  # submitted figures must be reviewed first
    demo.refresh_from_db()
    assert demo.status == PlanStatus.ACTIVE
    Actual.objects.filter(indicator__plan=demo, status=ActualStatus.SUBMITTED).update(status=ActualStatus.APPROVED)
    response = client.post(f"/admin/indicators/plan/{demo.pk}/close/", {"reason": "终期评估"})
    assert response.status_code == 302
    demo.refresh_from_db()
    assert demo.status == PlanStatus.CLOSED and demo.status_changed_by == administrator


def test_the_life_pages_are_for_administrators(client, plan, leader):
    client.force_login(leader)
    for step in ("publish", "close", "reopen", "rollover"):
        assert client.get(f"/admin/indicators/plan/{plan.pk}/{step}/").status_code in (302, 403)


# ---- roll-over ----------------------------------------------------------------------------------


def approve(plan, order, year, value=None, second=None, not_carried_out=False):
    indicator = row(plan, order)
    Actual.objects.update_or_create(
        indicator=indicator, year=year,
        defaults={"value": value, "second_value": second, "not_carried_out": not_carried_out,
                  "note": "x" if not_carried_out else "", "status": ActualStatus.APPROVED},
    )


def test_a_rollover_copies_the_table_and_carries_the_baselines(plan, administrator):
    approve(plan, 1, 2025, Decimal(7))  # a yearly flow
    approve(plan, 2, 2025, Decimal("95.9"))  # a rate
    approve(plan, 19, 2025, Decimal(5600), Decimal(10))  # a pair
    approve(plan, 20, 2025, not_carried_out=True)  # 未开展 in the last year
    for year, value in ((2022, 0), (2023, 1), (2024, 0), (2025, 1)):
        approve(plan, 23, year, Decimal(value))  # cumulative: the plan-period total
    Actual.objects.create(indicator=row(plan, 4), year=2025, value=Decimal(3), status=ActualStatus.SUBMITTED)  # counted, as in the final assessment
    Actual.objects.create(indicator=row(plan, 9), year=2025, value=Decimal(15), status=ActualStatus.DRAFT)  # never counted

    new = plans.rollover(administrator, plan, code=NEXT, title="下一期方案", first_year=2026, last_year=2030)
    assert (new.status, new.baseline_year, new.first_year, new.last_year) == (PlanStatus.DRAFT, 2025, 2026, 2030)
    assert new.indicators.count() == 29
    baselines = dict(new.indicators.values_list("order", "baseline_printed"))
    assert baselines[1] == "7" and baselines[2] == "95.9%" and baselines[19] == "5600/10"
    assert baselines[20] == "—" and baselines[23] == "2" and baselines[4] == "3"
    unreported = set(new.indicators.filter(baseline_unreported=True).values_list("order", flat=True))
    assert 9 in unreported and 4 not in unreported and 1 not in unreported and 20 not in unreported
    finals = {item.indicator.order: item.final_text for item in final_assessment(plan).rows}
    assert [finals[order] for order in (1, 2, 4, 19, 23)] == ["7", "95.9%", "3", "5600/10", "2"]  # the same figures
    for old in plan.indicators.all():
        copy = new.indicators.get(order=old.order)
        assert copy.predecessor_id == old.pk and copy.target_printed == "/" and copy.target_pending
        assert (copy.name, copy.task_number, copy.unit, copy.second_unit, copy.measure, copy.target_basis, copy.lead_department_id) == (
            old.name, old.task_number, old.unit, old.second_unit, old.measure, old.target_basis, old.lead_department_id)
        assert list(CooperatingDepartment.objects.filter(indicator=copy).order_by("position").values_list("department_id", flat=True)) == list(
            CooperatingDepartment.objects.filter(indicator=old).order_by("position").values_list("department_id", flat=True))


def test_a_rollover_refuses_bad_years_and_a_taken_number(plan, administrator):
    with pytest.raises(plans.PlanError, match="start the year after"):
        plans.rollover(administrator, plan, code=NEXT, title="x", first_year=2027, last_year=2030)
    with pytest.raises(plans.PlanError, match="exists"):
        plans.rollover(administrator, plan, code=plan.code, title="x", first_year=2026, last_year=2030)
    assert Plan.objects.count() == 1 and Indicator.objects.count() == 29


def test_the_rollover_command_and_the_admin_page(client, plan, administrator):
    call_command("rollover_plan", "--from", plan.code, "--code", NEXT, "--title", "下一期", "--first-year", "2026",
                 "--last-year", "2030", "--user", administrator.username, verbosity=0)
    assert Plan.objects.get(code=NEXT).indicators.count() == 29
    with pytest.raises(CommandError, match="No plan"):
        call_command("rollover_plan", "--from", "nope", "--code", "x", "--title", "x", "--first-year", "2026", "--last-year", "2030")
    client.force_login(administrator)
    response = client.post(f"/admin/indicators/plan/{plan.pk}/rollover/", {
        "code": "柳高新〔2026〕9号", "title": "另一方案", "first_year": "2026", "last_year": "2030",
    })
    assert response.status_code == 302
    assert Plan.objects.get(code="柳高新〔2026〕9号").status == PlanStatus.DRAFT


def test_a_plan_moves_only_from_the_state_each_step_expects(plan, administrator):
    before = plan.history.count()
    with pytest.raises(plans.PlanError, match="closed|收官"):
        plans.reopen(administrator, plan, "复核数据")  # in force, not closed
    plans.close(administrator, plan)
    with pytest.raises(plans.PlanError, match="in force|执行"):
        plans.close(administrator, plan)  # closed already
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED and plan.history.count() == before + 1  # the one close, nothing more


# ---- the administrator's plan pages, in Chinese ---------------------------------------------------


def test_the_plans_footnotes_are_edited_as_lines_of_text(client, plan, administrator):
    client.force_login(administrator)
    page = client.get(f"/admin/indicators/plan/{plan.pk}/change/").content.decode()
    assert "1. 表内知识产权包括" in page and '["1.' not in page  # lines, not a JSON list
    from indicators.admin.plan import PlanForm

    form = PlanForm(instance=plan)
    data = {**form.initial, "footnotes": "1. 第一条\r\n\r\n  2. 第二条  \n"}
    form = PlanForm(data=data, instance=plan)
    form.is_valid()
    assert form.cleaned_data["footnotes"] == ["1. 第一条", "2. 第二条"]


def test_the_plans_history_speaks_chinese_and_names_who_did_it(client, plan, make_user):
    from django.contrib.auth.models import Group

    from indicators import roles

    administrator = make_user("wang", roles.ADMINISTRATOR, first_name="小明", last_name="王")
    Actual.objects.filter(indicator__plan=plan, status=ActualStatus.SUBMITTED).delete()
    plans.close(administrator, plan, "终期评估")
    new = plans.rollover(administrator, plan, code=NEXT, title="下一期方案", first_year=2026, last_year=2030)
    client.force_login(administrator)
    for shown in (plan, new):
        page = client.get(f"/admin/indicators/plan/{shown.pk}/history/").content.decode()
        assert "王小明" in page and "Deleted" not in page and "pk=None" not in page
        for english in ("closed", "published", "rolled over"):
            assert f">{english}<" not in page
    assert "收官" in client.get(f"/admin/indicators/plan/{plan.pk}/history/").content.decode()
    assert "由 柳高新〔2022〕2号 滚动生成" in client.get(f"/admin/indicators/plan/{new.pk}/history/").content.decode()
    assert Group.objects.filter(name=roles.ADMINISTRATOR).exists()


def test_the_roll_over_proposes_the_five_year_plan_period_that_holds_its_first_year(client, plan, administrator):
    assert plans.five_year_period(2026) == (2026, 2030) and plans.five_year_period(2031) == (2031, 2035)
    assert plans.five_year_period(2030) == (2026, 2030) and plans.five_year_period(2022) == (2021, 2025)
    form = login(client, administrator).get(f"/admin/indicators/plan/{plan.pk}/rollover/").context["form"]
    assert (form.initial["first_year"], form.initial["last_year"]) == (2026, 2030)


def test_a_refused_publish_links_each_indicator_to_where_its_target_is_set(client, plan, administrator):
    new = plans.rollover(administrator, plan, code=NEXT, title="下一期方案", first_year=2026, last_year=2030)
    page = login(client, administrator).get(f"/admin/indicators/plan/{new.pk}/publish/").content.decode()
    links = re.findall(r'<a href="/admin/indicators/indicator/(\d+)/change/">', page[page.index('id="pending-targets"'):])
    assert sorted(map(int, links)) == sorted(new.indicators.values_list("pk", flat=True))


def test_the_indicator_list_opens_on_the_plan_in_force_and_names_each_rows_plan(client, plan, administrator):
    new = plans.rollover(administrator, plan, code=NEXT, title="下一期方案", first_year=2026, last_year=2030)
    name = ">查处假冒知识产权行政案件（起）</a>"

    def rows(query=""):
        return login(client, administrator).get(f"/admin/indicators/indicator/{query}").content.decode().split('id="result_list"')[1]

    assert rows().count(name) == 1 and "field-plan" in rows()  # one plan's rows: the plan in force
    assert rows(f"?plan={new.pk}").count(name) == 1 and NEXT in rows(f"?plan={new.pk}")
    assert rows("?plan=all").count(name) == 2  # 全部: both plans
    assert rows("?plan=nonsense").count(name) == 1  # an unknown choice is the default


def test_the_indicator_list_still_serves_the_predecessor_lookup_popup(client, plan, administrator):
    page = login(client, administrator).get("/admin/indicators/indicator/?_to_field=id&_popup=1")
    assert page.status_code == 200 and 'id="result_list"' in page.content.decode()

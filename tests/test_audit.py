"""Every change of an actual, yearly target or indicator is in its history, which cannot be edited."""

from decimal import Decimal

from django.contrib import admin

from indicators import workflow
from indicators.models import Actual, Indicator, YearlyTarget


def test_a_yearly_target_set_in_the_admin_is_recorded_with_the_administrator(client, administrator, plan):
    indicator = Indicator.objects.get(plan=plan, order=1)
    client.force_login(administrator)
    url = f"/admin/indicators/indicator/{indicator.pk}/change/"
    form = {
        "plan": plan.pk, "order": 1, "task_number": 1, "name": indicator.name, "baseline_printed": "3",
        "target_printed": "6", "unit": "起", "second_unit": "", "measure": "flow", "target_basis": "year",
        "higher_is_better": "on", "lead_department": indicator.lead_department_id,
        "cooperation-TOTAL_FORMS": "0", "cooperation-INITIAL_FORMS": "0",
        "yearly_targets-TOTAL_FORMS": "1", "yearly_targets-INITIAL_FORMS": "0",
        "yearly_targets-0-year": "2024", "yearly_targets-0-value": "5",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    target = YearlyTarget.objects.get(indicator=indicator, year=2024)
    assert target.value == Decimal(5)
    record = target.history.get()
    assert record.history_user == administrator and record.history_type == "+"
    assert indicator.history.latest().history_user == administrator


def test_a_bad_printed_target_is_refused_in_the_admin(client, administrator, plan):
    indicator = Indicator.objects.get(plan=plan, order=1)
    client.force_login(administrator)
    response = client.post(f"/admin/indicators/indicator/{indicator.pk}/change/", {
        "plan": plan.pk, "order": 1, "task_number": 1, "name": indicator.name, "baseline_printed": "3",
        "target_printed": "六", "unit": "起", "measure": "flow", "target_basis": "year",
        "lead_department": indicator.lead_department_id,
        "cooperation-TOTAL_FORMS": "0", "cooperation-INITIAL_FORMS": "0",
        "yearly_targets-TOTAL_FORMS": "0", "yearly_targets-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    indicator.refresh_from_db()
    assert indicator.target_printed == "6"


def test_history_models_are_not_editable_in_the_admin():
    registered = {model._meta.model_name for model in admin.site._registry}
    assert not any(name.startswith("historical") for name in registered)


def test_history_cannot_be_reverted_from_the_admin(client, administrator, reporter, plan, settings):
    indicator = Indicator.objects.select_related("plan").get(plan=plan, order=19)
    [actual] = workflow.save_entries(reporter, [workflow.Entry(indicator=indicator, year=2024, value="1", second_value="1")])
    record = actual.history.get()
    client.force_login(administrator)
    url = f"/admin/indicators/actual/{actual.pk}/history/{record.history_id}/"
    response = client.post(url, {"value": "999", "second_value": "9"})
    assert response.status_code in (302, 403, 404)
    actual.refresh_from_db()
    assert actual.value == Decimal(1)


def test_status_changes_are_in_the_history_with_user_and_time(reporter, reviewer, plan):
    indicator = Indicator.objects.select_related("plan").get(plan=plan, order=19)
    [actual] = workflow.save_entries(reporter, [workflow.Entry(indicator=indicator, year=2024, value="6500", second_value="11")])
    workflow.submit(reporter, [actual])
    workflow.return_actuals(reviewer, [actual], "缺少合同")
    records = list(Actual.objects.get().history.order_by("history_date"))
    assert [(r.status, r.history_user.username, r.history_change_reason) for r in records] == [
        ("draft", "staff-czj", "entered"), ("submitted", "staff-czj", "submitted"), ("returned", "reviewer", "returned"),
    ]
    assert all(r.history_date for r in records)

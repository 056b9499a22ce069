"""``manage.py demo_data``: sample figures showing every status and state, and the demo accounts."""

import pytest
from django.core.management import CommandError, call_command

from indicators.models import Actual, Contribution, Indicator, User
from indicators.progress import Status, assess


def snapshot():
    return (
        sorted(Actual.objects.values_list("indicator_id", "year", "value", "second_value", "status", "version", "note")),
        sorted(User.objects.values_list("username", "password", "department_id")),
        Actual.history.count(),
        sorted(Contribution.objects.values_list("indicator_id", "year", "department_id", "share", "note", "version", "requested_at")),
    )


def test_running_demo_data_twice_changes_nothing_the_second_time(plan):
    call_command("demo_data", "--force", verbosity=0)
    first = snapshot()
    call_command("demo_data", "--force", verbosity=0)
    assert snapshot() == first


def test_demo_data_refuses_without_debug_or_force(plan, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_data", verbosity=0)
    assert not Actual.objects.exists()


def test_demo_accounts_exist_for_every_role_and_department_with_the_demo_password(demo):
    names = set(User.objects.values_list("username", flat=True))
    assert {"admin", "leader", "reviewer"} <= names
    assert {f"staff-{code}" for code in ("scjg", "czj", "gxj", "fgc", "smwlj")} <= names
    assert len([n for n in names if n.startswith("staff-")]) == 13
    czj = User.objects.get(username="staff-czj")
    assert czj.check_password("ipzone-demo") and czj.is_reporter and czj.department.code == "czj"
    assert User.objects.get(username="leader").is_leader
    assert User.objects.get(username="reviewer").is_reviewer
    assert User.objects.get(username="admin").is_administrator


def test_every_demo_figure_is_marked_as_sample_data(demo):
    assert Actual.objects.exists()
    assert not Actual.objects.exclude(note__contains="示例数据").exists()


def test_the_demo_2025_figures_show_every_status_and_every_workflow_state(demo):
    statuses = set()
    for indicator in Indicator.objects.select_related("plan", "lead_department").prefetch_related("cooperation__department", "yearly_targets").prefetch_related("actuals"):
        values = {a.year: a.year_value for a in indicator.actuals.all()}
        statuses.add(assess(indicator.spec(), values, 2025).status)
    assert statuses == set(Status)
    assert set(Actual.objects.filter(year=2025).values_list("status", flat=True)) == {"draft", "submitted", "approved", "returned"}


def test_the_demo_shows_a_realistic_moment_of_the_season(demo, client):
    """2022–2024 approved; 2025 mostly approved, a few submitted, one returned with its reason, one draft."""
    earlier = set(Actual.objects.filter(year__lt=2025).values_list("status", flat=True))
    assert earlier == {"approved"}
    states = list(Actual.objects.filter(year=2025).values_list("status", flat=True))
    assert states.count("returned") == 1 and states.count("draft") == 1
    assert 0 < states.count("submitted") < states.count("approved")
    assert Actual.objects.get(year=2025, status="returned").return_reason
    assert all(user.get_full_name() for user in User.objects.all())
    client.force_login(User.objects.get(username="leader"))
    counts = client.get("/?year=2025").context["counts"]
    assert counts[Status.MISSING] == 4  # rows 4 and 26 not reported, the returned and the draft figure still with their departments


def test_the_demo_has_a_contribution_supplied_and_one_asked_for_and_not_supplied_yet(demo):
    supplied = Contribution.objects.get(indicator__order=1, year=2025, department__code="shswj")
    assert supplied.share == 2 and "示例数据" in supplied.note and supplied.entered_by.username == "staff-shswj"
    asked = Contribution.objects.get(indicator__order=4, year=2025, department__code="dqgzb")
    assert asked.owed and asked.requested_by.username == "staff-scjg" and asked.entered_at is None
    assert Contribution.objects.count() == 2 and all(c.history.exists() for c in Contribution.objects.all())

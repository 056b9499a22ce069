"""A department and a role are all an account needs: no hidden “staff status” box to tick."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client

from indicators import roles
from indicators.models import Actual, ActualStatus, Department, Indicator, User
from tests.conftest import PASSWORD


@pytest.fixture
def en():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def log_in(client, user, next_url="/admin/"):
    return client.post(f"/admin/login/?next={next_url}", {"username": user.username, "password": PASSWORD, "next": next_url})


def test_a_reporter_without_staff_status_logs_in_enters_and_submits_a_year(en, plan, make_user):
    reporter = make_user("zhang.wei", roles.REPORTER, "czj")
    assert not reporter.is_staff
    response = log_in(en, reporter, "/admin/indicators/actual/year/2024/")
    assert response.status_code == 302 and response["Location"] == "/admin/indicators/actual/year/2024/"
    assert en.get("/admin/").status_code == 200
    assert 'href="/admin/"' in en.get("/").content.decode()  # the header's data-entry link
    data = {}
    for indicator in Indicator.objects.filter(plan=plan, lead_department__code="czj"):
        prefix = f"i{indicator.pk}-"
        data.update({prefix + "version": 0, prefix + "value": "5300", prefix + "second_value": "8", prefix + "note": "年度汇总"})
    data["_submit"] = "1"
    response = en.post("/admin/indicators/actual/year/2024/", data)
    assert response.status_code == 302
    figures = Actual.objects.filter(year=2024, indicator__lead_department__code="czj")
    assert figures.count() == 4 and {a.status for a in figures} == {ActualStatus.SUBMITTED}
    assert figures.first().value == Decimal(5300) and figures.first().submitted_by == reporter


@pytest.mark.parametrize("role", [roles.REVIEWER, roles.LEADER, roles.ADMINISTRATOR])
def test_every_role_opens_the_admin_without_staff_status(en, plan, make_user, role):
    user = make_user("someone", role, "scjg")
    assert log_in(en, user).status_code == 302
    assert en.get("/admin/").status_code == 200
    assert en.get("/admin/indicators/actual/").status_code == 200


def test_an_account_without_a_role_cannot_enter_the_admin(en, plan, make_user):
    nobody = make_user("no.role", department="czj", is_staff=True)  # even Django's staff box does not open it
    response = log_in(en, nobody)
    assert response.status_code == 200 and "needs a role" in response.content.decode()
    assert "_auth_user_id" not in en.session
    en.force_login(nobody)
    assert en.get("/admin/").status_code == 302  # to the admin's log-in page
    assert en.get("/admin/indicators/actual/year/2024/").status_code == 302
    assert 'href="/admin/"' not in en.get("/").content.decode()


def test_an_inactive_account_with_a_role_cannot_enter(en, plan, make_user):
    user = make_user("left.the.office", roles.REPORTER, "czj", is_active=False)
    assert log_in(en, user).status_code == 200
    assert "_auth_user_id" not in en.session


def test_the_user_form_makes_department_and_role_the_first_fields_and_has_no_staff_box(en, administrator, reporter):
    en.force_login(administrator)
    page = en.get(f"/admin/indicators/user/{reporter.pk}/change/").content.decode()
    assert 'name="is_staff"' not in page and 'name="user_permissions"' not in page
    assert page.index('name="department"') < page.index('name="last_name"')
    assert page.count('type="checkbox" name="groups"') == len(roles.ALL_ROLES)
    assert 'name="department"' in en.get("/admin/indicators/user/add/").content.decode()


def test_an_administrator_creates_a_working_reporter_in_one_form(en, administrator):
    en.force_login(administrator)
    response = en.post("/admin/indicators/user/add/", {
        "username": "li.na", "usable_password": "true", "password1": "Qx7!long-enough-pass", "password2": "Qx7!long-enough-pass",
        "department": Department.objects.get(code="czj").pk, "groups": [Group.objects.get(name=roles.REPORTER).pk],
        "last_name": "李", "first_name": "娜",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    created = User.objects.get(username="li.na")
    assert created.is_reporter and not created.is_staff
    client = Client()
    assert client.post("/admin/login/", {"username": "li.na", "password": "Qx7!long-enough-pass"}).status_code == 302
    assert client.get("/admin/indicators/actual/year/2024/").status_code == 200


def test_a_reporter_without_a_department_is_refused_with_a_message(en, administrator):
    en.force_login(administrator)
    response = en.post("/admin/indicators/user/add/", {
        "username": "wang.fang", "usable_password": "true", "password1": "Qx7!long-enough-pass", "password2": "Qx7!long-enough-pass",
        "groups": [Group.objects.get(name=roles.REPORTER).pk],
    })
    assert response.status_code == 200 and "A reporter needs a department" in response.content.decode()
    assert not User.objects.filter(username="wang.fang").exists()


def test_an_administrator_who_is_not_a_superuser_cannot_make_superusers(en, plan, make_user, reporter):
    manager = make_user("manager", roles.ADMINISTRATOR)
    en.force_login(manager)
    page = en.get(f"/admin/indicators/user/{reporter.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page


def test_an_administrator_unlocks_a_locked_out_account(en, plan, make_user, reporter):
    manager = make_user("manager", roles.ADMINISTRATOR)
    locked = Client()
    for _ in range(5):
        locked.post("/accounts/login/", {"username": reporter.username, "password": "wrong"})
    assert locked.post("/accounts/login/", {"username": reporter.username, "password": PASSWORD}).status_code == 429
    en.force_login(manager)
    from axes.models import AccessAttempt

    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    assert attempts and en.get("/admin/axes/accessattempt/").status_code == 200
    en.post("/admin/axes/accessattempt/", {"action": "unlock", "_selected_action": attempts})
    assert not AccessAttempt.objects.exists()
    assert locked.post("/accounts/login/", {"username": reporter.username, "password": PASSWORD}).status_code == 302


def test_the_roles_are_read_only_and_say_what_they_may_do(en, administrator):
    en.force_login(administrator)
    reporter_role = Group.objects.get(name=roles.REPORTER)
    page = en.get(f"/admin/auth/group/{reporter_role.pk}/change/").content.decode()
    assert "may add yearly figure；" in page and "may view indicator" in page
    assert 'name="permissions"' not in page
    assert en.post(f"/admin/auth/group/{reporter_role.pk}/change/", {"name": "x"}).status_code == 403


def test_make_run_prints_each_demo_login_with_its_department_and_how_many_indicators_it_leads(plan, capsys):
    call_command("demo_data", "--force")
    out = capsys.readouterr().out
    assert "staff-czj" in out and "财政局 — leads 4 indicators" in out
    assert "柳州市市场监督管理局柳东新区分局 — leads 15 indicators" in out
    assert "社会事务局 — leads 0 indicators" in out
    assert not User.objects.filter(is_staff=True).exists()


def test_an_administrator_sets_a_new_password_for_an_account(en, administrator, reporter):
    en.force_login(administrator)
    url = f"/admin/indicators/user/{reporter.pk}/password/"
    assert "current password for this user will be lost" in en.get(url).content.decode()
    response = en.post(url, {"usable_password": "true", "password1": "Nw8!another-long-pass", "password2": "Nw8!another-long-pass"})
    assert response.status_code == 302
    assert Client().post("/admin/login/", {"username": reporter.username, "password": "Nw8!another-long-pass"}).status_code == 302

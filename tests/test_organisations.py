"""Organisations: a zone sees nothing of its sibling; the city above reads both and writes neither (docs/design.md,
"Organisations").

The demo holds the high-tech zone (gxq, 柳高新〔2022〕2号), a second zone (luzhai, 鹿开〔2022〕5号, imported from its
table) and the city (liuzhou) above both.  The matrix asks every URL about the high-tech zone's objects of each
role of the second zone (a sibling: 404 or the admin's "does not exist", never 403 with a name), of the city (the
parent: reads, never writes) and of the zone itself.
"""

import io

import openpyxl
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators import permissions, workflow
from indicators.models import Actual, Department, Evidence, Indicator, IssuedDocument, Organisation, Plan, User
from indicators.permissions import APPROVE, ENTER, ISSUE, MANAGE, REVIEW, VIEW, can

ZONE, SIBLING = "柳高新〔2022〕2号", "鹿开〔2022〕5号"
GONE = "gone"  # 404, or the admin's redirect away from an object outside the user's lists
SIBLING_ROLES = ["lz-staff-czjr", "lz-reviewer", "lz-leader", "lz-admin"]
PARENT_ROLES = ["city-leader", "city-reviewer", "city-admin"]
ZONE_ROLES = ["staff-czj", "reviewer", "leader"]


@pytest.fixture
def zones(two_zones, tmp_path, settings, make_user):
    from indicators import roles

    settings.MEDIA_ROOT = tmp_path
    make_user("city-admin", roles.ADMINISTRATOR, organisation_code="liuzhou")
    plan = Plan.objects.get(code=ZONE)
    figure = Actual.objects.get(indicator__plan=plan, indicator__order=19, year=2025)  # submitted, 财政局's
    evidence = Evidence.objects.create(actual=figure, file=SimpleUploadedFile("合同.pdf", b"%PDF-1.4"), original_name="合同.pdf",
                                       content_type="application/pdf", size=8)
    leader = User.objects.get(username="leader")
    document = IssuedDocument.objects.create(plan=plan, year=2025, kind=IssuedDocument.Kind.WORKBOOK, title="2025年报送版",
                                             issued_by=leader, file=SimpleUploadedFile("a.xlsx", b"x"), filename="a.xlsx",
                                             sha256="0" * 64, size=1, figures={})
    return {
        "plan": plan.pk, "figure": figure.pk, "indicator": figure.indicator_id, "evidence": evidence.pk, "issued": document.pk,
        "department": Department.objects.get(organisation__code="gxq", code="czj").pk,
        "account": User.objects.get(username="staff-czj").pk, "sibling_plan": Plan.objects.get(code=SIBLING).pk,
    }


# url -> (a sibling's answer, the parent's answer: None where the parent's role is refused anyway).  A sibling is
# not found (404, the admin's redirect), or refused by role exactly as for an object that does not exist.
MATRIX = [
    ("/?plan={plan}", GONE, 200),
    ("/departments/czj/?plan={plan}", GONE, 200),
    ("/indicators/{indicator}/", GONE, 200),
    ("/plans/{plan}/final/", GONE, 200),
    ("/evidence/{evidence}/", GONE, 200),
    ("/issued/{issued}/", GONE, 200),
    ("/export/2025.xlsx?plan={plan}", GONE, 200),
    ("/export/2025-brief.docx?plan={plan}", GONE, 200),
    ("/organisations/gxq/", GONE, 200),
    ("/organisations/liuzhou/", GONE, 200),
    ("/review/2025/?plan={plan}", GONE, 200),
    ("/admin/indicators/plan/{plan}/change/", GONE, 200),
    ("/admin/indicators/indicator/{indicator}/change/", GONE, 200),
    ("/admin/indicators/actual/{figure}/change/", GONE, 200),
    ("/admin/indicators/actual/{figure}/history/", GONE, 200),
    ("/admin/indicators/department/{department}/change/", GONE, None),
    ("/admin/indicators/user/{account}/change/", GONE, None),
    ("/admin/indicators/plan/{plan}/targets/", GONE, None),
    ("/admin/indicators/plan/{plan}/close/", GONE, None),
    ("/admin/indicators/plan/{plan}/rollover/", GONE, None),
    ("/admin/indicators/plan/{plan}/history/", GONE, 200),
    ("/admin/indicators/actual/year/2025/?plan={plan}", GONE, None),
    ("/import/2025/?plan={plan}", GONE, None),
    ("/import/template/2025.xlsx?plan={plan}", GONE, None),
    ("/contributions/2025/?plan={plan}", GONE, None),
    ("/plans/{plan}/targets.xlsx", GONE, None),
    ("/admin/indicators/plan/{plan}/table.xlsx", GONE, None),
]


def answer(response):
    if response.status_code == 404:
        return GONE
    if response.status_code == 302 and response["Location"].rstrip("/").endswith("/admin"):
        return GONE
    return response.status_code


def sign_in(client, username):
    client.logout()
    client.force_login(User.objects.get(username=username))


@pytest.mark.parametrize("url, sibling, parent", MATRIX, ids=[m[0] for m in MATRIX])
def test_a_sibling_finds_nothing_of_the_zone_and_the_parent_reads_it(client, zones, url, sibling, parent):
    missing = {key: 999_999 for key in zones}  # nothing has this key: what the sibling gets must not differ from it
    for username in SIBLING_ROLES:
        sign_in(client, username)
        response = client.get(url.format(**zones))
        got = answer(response)
        assert got in (GONE, 403) and got == answer(client.get(url.format(**missing))), f"{username} {url}: {response.status_code}"
        assert "柳高新" not in response.content.decode(errors="replace")
    if parent is not None:
        for username in PARENT_ROLES:
            if "/review/" in url and username == "city-leader":
                continue  # leaders do not review anywhere
            sign_in(client, username)
            assert answer(client.get(url.format(**zones))) == parent, f"{username} {url}"


@pytest.mark.parametrize("url", [
    "/", "/my/", "/review/2025/", "/export/2025.xlsx", "/admin/indicators/plan/", "/admin/indicators/indicator/?plan=all",
    "/admin/indicators/actual/", "/admin/indicators/department/", "/admin/indicators/user/", "/admin/indicators/organisation/",
    "/admin/indicators/plan/import-table/",
])
def test_no_list_or_export_of_a_zone_names_its_sibling(client, zones, url):
    for username in ("lz-admin", "lz-leader", "lz-reviewer", "lz-staff-czjr"):
        sign_in(client, username)
        response = client.get(url)
        if response.status_code != 200:
            continue
        body = response.content if not url.endswith(".xlsx") else workbook_text(response)
        text = body.decode(errors="replace") if isinstance(body, bytes) else body
        for word in ("柳高新", "财政局", "柳州高新区"):  # the sibling; the parent city may be named
            assert word not in text, f"{username} {url} shows {word}"


def workbook_text(response) -> str:
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    return " ".join(str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row if cell.value is not None)


def test_the_parent_writes_nothing_below_it_and_a_sibling_nothing_beside_it(zones):
    figure = Actual.objects.get(pk=zones["figure"])
    plan = figure.indicator.plan
    for username in ("city-leader", "city-reviewer", "city-admin", "lz-admin", "lz-reviewer", "lz-staff-czjr"):
        user = User.objects.get(username=username)
        for action in (APPROVE, REVIEW, ENTER):
            assert not can(user, action, figure), (username, action)
        assert can(user, MANAGE, plan) == (username == "city-admin") and not can(user, ISSUE, plan), username
    assert not Actual.objects.filter(pk=figure.pk, indicator__in=Indicator.objects.entered_by(User.objects.get(username="city-admin"))).exists()
    assert can(User.objects.get(username="city-reviewer"), VIEW, figure)
    assert not can(User.objects.get(username="lz-leader"), VIEW, figure)
    assert can(User.objects.get(username="reviewer"), APPROVE, figure)


def test_the_desk_of_the_city_and_of_the_sibling_change_no_figure_of_the_zone(client, zones):
    figure = Actual.objects.get(pk=zones["figure"])
    for username in ("city-reviewer", "city-admin", "lz-reviewer", "lz-admin"):
        sign_in(client, username)
        client.post(f"/review/2025/?plan={zones['plan']}", {"action": "approve_all", "figure": [f"{figure.pk}:{figure.version}"]})
        client.post("/admin/indicators/actual/", {"action": "approve_selected", "_selected_action": [figure.pk]})
        with pytest.raises(workflow.WorkflowError):
            workflow.approve(User.objects.get(username=username), [figure])
        figure.refresh_from_db()
        assert figure.status == "submitted", username


def test_the_city_leader_reads_both_zones_and_compares_them(client, zones):
    sign_in(client, "city-leader")
    page = client.get("/").content.decode()
    assert "柳州高新区" in page and "鹿寨经济开发区" in page
    assert ZONE in page and SIBLING in page
    assert 'id="comparison-table"' in page and "专利质押融资金额（万元）/笔" in page
    assert client.get(f"/?plan={zones['sibling_plan']}").status_code == 200


def test_a_zones_leader_sees_only_the_zone(client, zones):
    sign_in(client, "lz-leader")
    page = client.get("/").content.decode()
    assert SIBLING in page and ZONE not in page and "organisation-line" not in page


def test_the_parent_overview_costs_the_same_queries_for_one_zone_or_two(client, zones):
    sign_in(client, "city-leader")
    Plan.objects.filter(code=SIBLING).update(status="closed")
    with CaptureQueriesContext(connection) as one:
        client.get("/organisations/liuzhou/")
    Plan.objects.filter(code=SIBLING).update(status="active")
    with CaptureQueriesContext(connection) as two:
        client.get("/organisations/liuzhou/")
    assert len(one.captured_queries) == len(two.captured_queries)


def test_reminders_name_only_the_reviewers_own_organisation(zones, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    User.objects.filter(username__in=["reviewer", "lz-reviewer"]).update(email="r@example.invalid")
    call_command("send_reminders", "--organisation", "luzhai", verbosity=0)
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert bodies and all("财政局" not in body and "柳高新" not in body for body in bodies.values())
    mail.outbox.clear()
    call_command("send_reminders", verbosity=0)
    lz = [m for m in mail.outbox if User.objects.filter(username="lz-reviewer", email__in=m.to).exists()]
    assert lz and all("柳高新" not in m.body for m in lz)


def test_commands_name_the_organisation_when_plans_of_several_are_here(zones, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--organisation"):
        call_command("export_xlsx", "--year", "2025", "--output", str(tmp_path / "a.xlsx"))
    call_command("export_xlsx", "--year", "2025", "--output", str(tmp_path / "a.xlsx"), "--organisation", "luzhai", verbosity=0)
    book = openpyxl.load_workbook(tmp_path / "a.xlsx")
    text = " ".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value)
    assert SIBLING in text and ZONE not in text


def test_department_codes_are_unique_within_an_organisation_only(zones):
    from django.core.exceptions import ValidationError

    city = Organisation.objects.get(code="liuzhou")
    Department(organisation=city, code="czj", name="财政局", order=1).full_clean()  # the zone has one of that name: fine
    with pytest.raises(ValidationError):
        Department(organisation=Organisation.objects.get(code="gxq"), code="czj", name="另一个", order=1).full_clean()


def test_the_scope_of_an_account_without_organisation_is_empty(zones):
    stray = User.objects.create(username="stray")
    assert not Plan.objects.visible_to(stray).exists()
    assert not Actual.objects.visible_to(stray).exists()
    assert not permissions.reads_organisation(stray, Plan.objects.get(code=ZONE).organisation_id)


def test_the_history_of_a_deleted_figure_stays_within_its_organisation(client, zones):
    draft = Actual.objects.get(indicator__plan_id=zones["plan"], indicator__order=20, year=2025)
    pk = draft.pk
    draft.delete()
    sign_in(client, "lz-leader")
    assert client.get(f"/admin/indicators/actual/{pk}/history/").status_code == 404
    sign_in(client, "city-leader")
    assert client.get(f"/admin/indicators/actual/{pk}/history/").status_code == 200


def test_drafts_switched_on_open_only_the_own_organisations_drafts_as_list_and_as_one(zones):
    draft = Actual.objects.get(indicator__plan_id=zones["plan"], indicator__order=20, year=2025)
    assert draft.status == "draft"
    city, zone = User.objects.get(username="city-reviewer"), User.objects.get(username="reviewer")
    assert not can(city, VIEW, draft, drafts=True)
    assert not Actual.objects.visible_to(city, drafts=True).filter(pk=draft.pk).exists()
    assert can(zone, VIEW, draft, drafts=True) and Actual.objects.visible_to(zone, drafts=True).filter(pk=draft.pk).exists()


def test_an_indicators_departments_and_predecessor_belong_to_its_plans_organisation(zones):
    from django.core.exceptions import ValidationError

    indicator = Actual.objects.get(pk=zones["figure"]).indicator
    indicator.lead_department = Department.objects.get(organisation__code="luzhai", code="czjr")
    with pytest.raises(ValidationError, match="another organisation"):
        indicator.full_clean()
    indicator.refresh_from_db()
    indicator.predecessor = Plan.objects.get(code=SIBLING).indicators.first()
    with pytest.raises(ValidationError, match="another organisation"):
        indicator.full_clean()


@pytest.mark.parametrize("username", ["city-reviewer", "city-admin"])
def test_the_citys_reviewer_and_administrator_read_the_zones_desk_without_buttons(client, zones, username):
    sign_in(client, username)
    page = client.get(f"/review/2025/?plan={zones['plan']}").content.decode()
    assert 'id="frozen-notice"' in page and "柳州高新区" in page and 'name="action"' not in page


def test_administrators_manage_their_organisation_and_those_below_and_superusers_everything(zones):
    city_admin = User.objects.get(username="city-admin")
    zone_admin, superuser = User.objects.get(username="lz-admin"), User.objects.get(username="admin")
    zone_plan, sibling_plan = Plan.objects.get(code=ZONE), Plan.objects.get(code=SIBLING)
    city = Organisation.objects.get(code="liuzhou")
    assert can(city_admin, MANAGE, zone_plan) and can(city_admin, MANAGE, sibling_plan)
    assert can(zone_admin, MANAGE, sibling_plan) and not can(zone_admin, MANAGE, zone_plan) and not can(zone_admin, MANAGE, city)
    assert all(can(superuser, MANAGE, thing) for thing in (zone_plan, sibling_plan, city))
    managed = set(Organisation.objects.filter(permissions.organisations_managed(zone_admin)).values_list("code", flat=True))
    assert managed == {"luzhai"}
    assert set(Organisation.objects.filter(permissions.organisations_managed(city_admin)).values_list("code", flat=True)) == {
        "liuzhou", "gxq", "luzhai"}


@pytest.mark.parametrize("drafts", [False, True])
@pytest.mark.parametrize("username", ["city-leader", "city-reviewer", "lz-admin", "lz-leader", "lz-staff-czjr", "leader", "staff-czj", "admin"])
def test_the_queryset_and_the_object_test_agree_across_organisations(zones, username, drafts):
    user = User.objects.get(username=username)
    visible = set(Actual.objects.visible_to(user, drafts=drafts).values_list("pk", flat=True))
    for actual in Actual.objects.select_related("indicator__plan", "indicator__lead_department"):
        assert (actual.pk in visible) == can(user, VIEW, actual, drafts=drafts), (username, actual.indicator.plan.code, actual.status)
    plans = set(Plan.objects.visible_to(user).values_list("pk", flat=True))
    assert all((plan.pk in plans) == can(user, VIEW, plan) for plan in Plan.objects.all())


def test_no_write_of_the_sibling_or_the_parent_reaches_the_zone(client, zones):
    figure = Actual.objects.get(pk=zones["figure"])
    indicator = figure.indicator
    before = (figure.status, figure.value, figure.version)
    writes = [
        (f"/admin/indicators/actual/year/2025/?plan={zones['plan']}",
         {f"i{indicator.pk}-value": "1", f"i{indicator.pk}-second_value": "1", f"i{indicator.pk}-version": figure.version}),
        (f"/admin/indicators/actual/{figure.pk}/change/", {"value": "1", "second_value": "1", "version": figure.version}),
        ("/contributions/2025/ask/", {"indicator": indicator.pk}),
        (f"/plans/{zones['plan']}/issue/", {"year": "2025", "kind": "workbook", "title": "越权报送"}),
    ]
    managing = [  # the plan's life and form: the city's administrator manages the zones below (not tried here)
        (f"/admin/indicators/plan/{zones['plan']}/close/", {"reason": "越权收官"}),
        (f"/admin/indicators/plan/{zones['plan']}/change/", {"code": "改号", "title": "t"}),
    ]
    documents = IssuedDocument.objects.count()
    for username in SIBLING_ROLES + PARENT_ROLES:
        sign_in(client, username)
        for url, data in writes + (managing if username != "city-admin" else []):
            response = client.post(url, data)
            assert response.status_code in (302, 403, 404), (username, url, response.status_code)
    figure.refresh_from_db()
    assert (figure.status, figure.value, figure.version) == before
    plan = Plan.objects.get(pk=zones["plan"])
    assert plan.status == "active" and plan.code == ZONE
    assert IssuedDocument.objects.count() == documents
    assert not figure.indicator.contributions.filter(requested_by__isnull=False, requested_by__organisation__code="luzhai").exists()


def test_no_administrator_but_a_superuser_sees_or_changes_a_superusers_account(client, zones):
    superuser = User.objects.get(username="admin")
    assert superuser.organisation.code == "gxq"
    for username in ("city-admin", "admin"):
        sign_in(client, username)
        listed = f"/admin/indicators/user/{superuser.pk}/change/" in client.get("/admin/indicators/user/").content.decode()
        opened = answer(client.get(f"/admin/indicators/user/{superuser.pk}/password/"))
        assert (listed, opened) == ((False, GONE) if username == "city-admin" else (True, 200)), username


def test_a_new_indicator_cannot_take_a_co_operating_department_or_predecessor_of_another_organisation(client, zones):
    sign_in(client, "lz-admin")
    plan, gxq_department = Plan.objects.get(code=SIBLING), Department.objects.get(organisation__code="gxq", code="czj")
    gxq_indicator = Actual.objects.get(pk=zones["figure"]).indicator
    page = client.get(f"/admin/indicators/indicator/add/?predecessor={gxq_indicator.pk}").content.decode()
    assert gxq_indicator.name not in page
    data = {"plan": plan.pk, "order": 99, "task_number": 1, "name": "新指标（件）", "code": "", "unit": "件", "second_unit": "",
            "baseline_printed": "1", "target_printed": "2", "measure": "flow", "target_basis": "year", "higher_is_better": "on",
            "lead_department": Department.objects.get(organisation__code="luzhai", code="czjr").pk,
            "cooperation-TOTAL_FORMS": 1, "cooperation-INITIAL_FORMS": 0, "cooperation-0-department": gxq_department.pk,
            "cooperation-0-position": 1, "yearly_targets-TOTAL_FORMS": 0, "yearly_targets-INITIAL_FORMS": 0}
    response = client.post("/admin/indicators/indicator/add/", data)
    assert response.status_code == 200 and not plan.indicators.filter(order=99).exists()
    assert gxq_department.name not in response.content.decode()
    response = client.post("/admin/indicators/indicator/add/", {**data, "predecessor": gxq_indicator.pk, "cooperation-TOTAL_FORMS": 0})
    assert response.status_code == 200 and not plan.indicators.filter(order=99).exists()
    sign_in(client, "city-admin")  # administers both zones: the department is a choice, but not for this plan
    response = client.post("/admin/indicators/indicator/add/", data)
    assert "该部门与方案不属于同一单位" in response.content.decode() and not plan.indicators.filter(order=99).exists()


def test_a_plans_organisation_is_fixed_once_it_exists(client, zones):
    import re

    sign_in(client, "city-admin")
    page = client.get(f"/admin/indicators/plan/{zones['sibling_plan']}/change/").content.decode()
    assert re.search(r'<select name="organisation"[^>]*disabled', page)  # shown, not changeable
    department = Department.objects.get(organisation__code="luzhai", code="czjr")
    client.post(f"/admin/indicators/department/{department.pk}/change/",
                {"organisation": Organisation.objects.get(code="gxq").pk, "code": "czjr", "name": department.name, "order": 1})
    department.refresh_from_db()
    assert department.organisation.code == "luzhai"


def test_a_code_taken_in_the_organisation_is_a_message_when_a_department_or_plan_is_changed(client, zones):
    sign_in(client, "lz-admin")
    department = Department.objects.get(organisation__code="luzhai", code="czjr")
    response = client.post(f"/admin/indicators/department/{department.pk}/change/",
                           {"code": "jjfz", "name": department.name, "order": 1})
    assert response.status_code == 200 and "本单位已有该代码的部门" in response.content.decode()
    department.refresh_from_db()
    assert department.code == "czjr"
    Department(organisation=department.organisation, code="czj", name="财政局", order=9).save()  # the zone's code: fine here


def test_an_organisation_is_never_below_itself_nor_deeper_than_four_levels(zones):
    from django.core.exceptions import ValidationError

    city, zone = Organisation.objects.get(code="liuzhou"), Organisation.objects.get(code="gxq")
    city.parent = zone
    with pytest.raises(ValidationError, match="below itself"):
        city.full_clean()
    province = Organisation.objects.create(code="gx", name="广西")
    country = Organisation.objects.create(code="cn", name="全国")
    Organisation.objects.filter(pk=province.pk).update(parent=country)
    city.parent = province  # country > province > city > zone: four levels
    city.full_clean()
    city.save()
    country.parent = Organisation.objects.create(code="earth", name="世界")
    with pytest.raises(ValidationError, match="4"):
        country.full_clean()  # five levels with the zone at the bottom


def test_only_superusers_create_organisations(client, zones):
    for username, allowed in (("city-admin", False), ("admin", True)):
        sign_in(client, username)
        client.post("/admin/indicators/organisation/add/", {"code": f"new-{username}", "name": f"新园区{username}"})
        assert Organisation.objects.filter(code=f"new-{username}").exists() == allowed


def test_the_roles_page_counts_only_the_accounts_one_administers(client, zones):
    from indicators import roles

    sign_in(client, "lz-admin")
    page = client.get("/admin/auth/group/").content.decode()
    reporters = User.objects.filter(organisation__code="luzhai", groups__name=roles.REPORTER).count()
    assert f'<td class="field-members">{reporters}</td>' in page.replace(f"{roles.REPORTER}</a>", "")


def test_commands_refuse_an_unknown_organisation_and_take_a_known_one(zones, tmp_path):
    from django.core.management.base import CommandError

    for command in ("export_plan", "export_target_proposals"):
        with pytest.raises(CommandError, match="Known organisations"):
            call_command(command, SIBLING, "--output", str(tmp_path / "x.xlsx"), "--organisation", "nowhere")
    call_command("export_plan", SIBLING, "--output", str(tmp_path / "plan.xlsx"), "--organisation", "luzhai", verbosity=0)
    assert (tmp_path / "plan.xlsx").exists()
    with pytest.raises(CommandError, match="Known organisations"):
        call_command("send_reminders", "--organisation", "nowhere", "--dry-run")


def test_a_city_with_a_closed_plan_of_its_own_opens_its_own_overview(client, zones):
    city = Organisation.objects.get(code="liuzhou")
    own = Plan.objects.get(code=ZONE)
    Plan.objects.create(organisation=city, code="柳市〔2021〕1号", title="市级方案", issuer="市政府", issue_date=own.issue_date,
                        baseline_year=2020, first_year=2021, last_year=2023, status="closed")
    sign_in(client, "city-leader")
    page = client.get("/").content.decode()
    assert "柳市〔2021〕1号 市级方案" in page and 'id="organisation-plans"' not in page and 'id="organisation-line"' in page

"""Contributions of co-operating departments (配合部门): their share, note and files for a figure they
co-operate on, the lead's request for them, who sees them, and the one guard on them.

In the demo, 社会事务局 (shswj) co-operates on rows 1, 5, 21, 28 and 29; 党群工作部 (dqgzb) on row 4, which
柳州市市场监督管理局柳东新区分局 (scjg) leads and has asked dqgzb about for 2025; 财政局 (czj) co-operates on
nothing and leads rows 19–22, on which scjg co-operates (21 also shswj and dqgzb).
"""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from indicators import notices, permissions, todo, workflow
from indicators.models import Actual, Contribution, Evidence, Indicator, Plan, PlanStatus, User

PDF = b"%PDF-1.4\n% evidence\n%%EOF\n"


@pytest.fixture
def season(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return demo


def user(name):
    return User.objects.get(username=name)


def row(order):
    return Indicator.objects.select_related("plan", "lead_department").get(order=order)


def contribution(order, code, year=2025):
    return Contribution.objects.filter(indicator__order=order, department__code=code, year=year).first()


def post_row(client, order, share="", second="", note="", version=None, files=(), year=2025):
    indicator = row(order)
    prefix = f"c{indicator.pk}"
    if version is None:
        found = Contribution.objects.filter(indicator=indicator, year=year, department=client.session_user.department).first()
        version = found.version if found else 0
    data = {f"{prefix}-share": share, f"{prefix}-second_share": second, f"{prefix}-note": note, f"{prefix}-version": version}
    if files:
        data[f"{prefix}-evidence"] = list(files)
    return client.post(f"/contributions/{year}/", data)


@pytest.fixture
def as_user(client):
    def sign_in(name):
        client.force_login(user(name))
        client.session_user = user(name)
        return client

    return sign_in


def pdf(name="协查记录.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# ---- contributing ------------------------------------------------------------------------------------


def test_a_cooperating_clerk_supplies_a_share_a_note_and_files_for_a_row(season, as_user):
    client = as_user("staff-dqgzb")
    response = post_row(client, 4, share="1", note="配合宣传，协查 1 起。", files=[pdf()])
    assert response.status_code == 302
    saved = contribution(4, "dqgzb")
    assert saved.share == 1 and saved.note == "配合宣传，协查 1 起。" and saved.entered_by.username == "staff-dqgzb"
    assert not saved.owed  # the lead's request is answered
    [item] = Evidence.objects.filter(contribution=saved)
    assert item.actual is None and item.original_name == "协查记录.pdf"
    page = client.get("/contributions/2025/").content.decode()
    assert "协查记录.pdf" in page and "已保存 1 条配合情况" in page


def test_a_pair_takes_two_shares_and_the_lead_sees_their_sum_with_units(season, as_user):
    as_user("staff-shswj")
    workflow.save_contributions(user("staff-shswj"), [workflow.Share(indicator=row(21), year=2025, share="100", second_share="1")])
    workflow.save_contributions(user("staff-dqgzb"), [workflow.Share(indicator=row(21), year=2025, share="50.5", note="只知金额")])
    page = as_user("staff-czj").get("/admin/indicators/actual/year/2025/").content.decode()
    cell = page[page.index(f'id="row-{row(21).pk}"'):]
    cell = cell[: cell.index("</th>")]
    assert "100万元/1件" in cell and "50.5万元" in cell and "150.5万元/1件" in cell and "只知金额" in cell
    assert "柳州市市场监督管理局柳东新区分局" in cell  # the third co-operating department, still to supply


def test_shares_are_checked_like_figures_and_a_refused_save_saves_nothing(season, as_user):
    client = as_user("staff-shswj")
    indicator_1, indicator_5 = row(1), row(5)
    response = client.post("/contributions/2025/", {
        f"c{indicator_1.pk}-share": "1.5", f"c{indicator_1.pk}-version": 0,  # 起 counts whole cases
        f"c{indicator_5.pk}-share": "十", f"c{indicator_5.pk}-version": 0,
        f"c{indicator_5.pk}-evidence": SimpleUploadedFile("病毒.exe", b"MZ", content_type="application/octet-stream"),
    })
    assert response.status_code == 200
    page = response.content.decode()
    assert "不是整数" in page and "不是数字" in page and "病毒.exe" in page and "未保存任何数据" in page
    assert contribution(5, "shswj") is None and contribution(1, "shswj").share == 2  # the demo's share stays
    assert not Evidence.objects.filter(contribution__isnull=False).exists()
    with translation.override("en"), pytest.raises(workflow.WorkflowError, match="note"):
        workflow.save_contributions(user("staff-shswj"), [workflow.Share(indicator=indicator_5, year=2025, note="x" * 2001)])


def test_every_change_of_a_contribution_is_kept_with_who_and_when(season):
    clerk = user("staff-dqgzb")
    first = workflow.save_contributions(clerk, [workflow.Share(indicator=row(4), year=2025, share="1", expected_version=1)])[0]
    workflow.save_contributions(clerk, [workflow.Share(indicator=row(4), year=2025, share="2", expected_version=first.version)])
    records = list(contribution(4, "dqgzb").history.order_by("history_date", "history_id"))
    assert [r.share for r in records] == [None, 1, 2]  # asked by the lead, then two entries
    assert [r.history_user.username for r in records] == ["staff-scjg", "staff-dqgzb", "staff-dqgzb"]
    assert all(r.history_date for r in records)


def test_two_people_never_overwrite_each_others_contribution_but_a_row_left_as_seen_does_not_block(season):
    first, second = user("staff-shswj"), user("staff-shswj")
    seen = contribution(1, "shswj").version
    workflow.save_contributions(first, [workflow.Share(indicator=row(1), year=2025, share="3", expected_version=seen)])
    with pytest.raises(workflow.ConflictError, match="3起"):
        workflow.save_contributions(second, [workflow.Share(indicator=row(1), year=2025, share="4", expected_version=seen)])
    as_seen = contribution(1, "shswj").history.get(version=seen)
    left_as_seen = workflow.Share(indicator=row(1), year=2025, share=str(as_seen.share), note=as_seen.note, expected_version=seen)
    workflow.save_contributions(second, [left_as_seen, workflow.Share(indicator=row(5), year=2025, share="1")])
    assert contribution(1, "shswj").share == 3 and contribution(5, "shswj").share == 1


def test_two_first_contributions_to_one_row_at_once_the_later_is_told_to_reload_and_nothing_breaks(season, monkeypatch):
    from indicators.workflow import contributions

    clerk, indicator = user("staff-shswj"), row(5)
    assert contribution(5, "shswj") is None
    read_stale = contributions.as_seen

    def another_clerk_first(*args):  # the other clerk's first contribution lands after this save read the rows
        Contribution.objects.create(indicator=indicator, year=2025, department=clerk.department, share=2, entered_by=clerk)
        return read_stale(*args)

    monkeypatch.setattr(contributions, "as_seen", another_clerk_first)
    with pytest.raises(workflow.ConflictError, match="it is now “2.*Reload the page"):  # not an IntegrityError (a 500)
        workflow.save_contributions(clerk, [workflow.Share(indicator=indicator, year=2025, share="1")])


# ---- what a co-operating clerk may not touch ----------------------------------------------------------


def test_a_cooperating_clerk_cannot_touch_the_leads_figure(season, as_user):
    client = as_user("staff-shswj")
    figure = Actual.objects.get(indicator__order=1, year=2025)
    before = (figure.value, figure.version, figure.status)
    assert "柳州市市场监督管理局柳东新区分局" in permissions.refusal(user("staff-shswj"), permissions.ENTER, figure.indicator)
    client.post("/admin/indicators/actual/year/2025/", {f"i{figure.indicator_id}-value": "99", f"i{figure.indicator_id}-version": figure.version})
    post_row(client, 1, share="9")
    figure.refresh_from_db()
    assert (figure.value, figure.version, figure.status) == before
    with pytest.raises(workflow.WorkflowError):
        workflow.save_entries(user("staff-shswj"), [workflow.Entry(indicator=row(1), year=2025, value="99", expected_version=figure.version)])


def test_a_cooperating_clerk_cannot_contribute_to_another_indicator_nor_change_another_departments_contribution(season, as_user):
    client = as_user("staff-dqgzb")
    post_row(client, 1, share="7", version=contribution(1, "shswj").version)  # row 1: shswj co-operates, dqgzb does not
    post_row(client, 21, share="5")  # row 21: shswj, dqgzb and scjg co-operate; dqgzb writes its own
    assert contribution(1, "shswj").share == 2 and contribution(1, "dqgzb") is None
    assert contribution(21, "dqgzb").share == 5 and contribution(21, "shswj") is None
    with translation.override("en"), pytest.raises(workflow.WorkflowError, match="does not co-operate"):
        workflow.save_contributions(user("staff-dqgzb"), [workflow.Share(indicator=row(1), year=2025, share="7")])
    shswj_item = contribution(1, "shswj")
    assert permissions.refusal(user("staff-dqgzb"), permissions.CONTRIBUTE, shswj_item)
    assert permissions.can(user("staff-shswj"), permissions.CONTRIBUTE, shswj_item)


def test_a_contribution_on_a_closed_plan_is_refused_and_the_page_says_why(season, as_user):
    Plan.objects.filter(pk=season.pk).update(status=PlanStatus.CLOSED)
    with pytest.raises(workflow.WorkflowError, match="closed"):
        workflow.save_contributions(user("staff-dqgzb"), [workflow.Share(indicator=row(4), year=2025, share="1", expected_version=1)])
    client = as_user("staff-dqgzb")
    post_row(client, 4, share="1")
    assert contribution(4, "dqgzb").share is None
    page = client.get("/contributions/2025/").content.decode()
    assert 'id="frozen-notice"' in page and 'type="submit"' not in page.split('id="frozen-notice"')[1].split("</main>")[0]


def test_only_reporters_open_the_contributions_page(season, client):
    for name, status in [("staff-czj", 200), ("leader", 403), ("reviewer", 403), ("admin", 403)]:
        client.force_login(user(name))
        assert client.get("/contributions/2025/").status_code == status, name
    client.force_login(user("staff-czj"))
    assert "贵部门在本方案中不是任何指标的配合部门" in client.get("/contributions/2025/").content.decode()


# ---- who sees a contribution ---------------------------------------------------------------------------


def test_the_lead_and_the_reviewer_see_a_contribution_another_departments_reporter_does_not(season, as_user, client):
    shswj = user("staff-shswj")
    [item] = workflow.save_contributions(shswj, [workflow.Share(indicator=row(21), year=2025, share="80", second_share="1", note="社会事务局协助办理", evidence=[pdf("协办.pdf")])])
    evidence = item.evidence.get()
    Actual.objects.filter(indicator__order=21, year=2025).update(status="submitted")
    year_page = as_user("staff-czj").get("/admin/indicators/actual/year/2025/").content.decode()
    desk = as_user("reviewer").get("/review/2025/?department=czj").content.decode()
    for page in (year_page, desk):
        assert "社会事务局协助办理" in page and "80万元/1件" in page and f"/evidence/{evidence.pk}/" in page and "协办.pdf" in page
    for name in ("staff-shswj", "staff-czj", "reviewer", "leader", "admin"):
        assert as_user(name).get(f"/evidence/{evidence.pk}/").status_code == 200, name
    for name in ("staff-gxj", "staff-dqgzb"):  # another department's reporter; a fellow co-operating department too
        response = as_user(name).get(f"/evidence/{evidence.pk}/")
        assert response.status_code == 404 and "协办" not in response.content.decode(), name
    client.logout()
    assert "/login/" in client.get(f"/evidence/{evidence.pk}/")["Location"]


def test_the_queryset_and_the_test_on_one_contribution_agree(season):
    workflow.save_contributions(user("staff-scjg"), [workflow.Share(indicator=row(19), year=2025, share="100", second_share="1")])
    items = list(Contribution.objects.select_related("indicator__plan"))
    assert len(items) == 3
    people = ["staff-shswj", "staff-dqgzb", "staff-scjg", "staff-czj", "staff-gxj", "reviewer", "leader", "admin"]
    for name in people:
        person = user(name)
        visible = set(Contribution.objects.visible_to(person).values_list("pk", flat=True))
        assert visible == {c.pk for c in items if permissions.can(person, permissions.VIEW_CONTRIBUTION, c)}, name
    assert set(Contribution.objects.visible_to(user("staff-gxj"))) == set()
    assert {c.department.code for c in Contribution.objects.visible_to(user("staff-czj"))} == {"scjg"}
    assert {c.indicator.order for c in Contribution.objects.visible_to(user("staff-scjg"))} == {1, 4, 19}  # leads 1 and 4


# ---- the lead asks ---------------------------------------------------------------------------------------


def test_the_lead_asks_from_a_small_form_of_its_own_and_the_cooperating_reporters_get_a_chinese_mail_with_a_link(
    season, as_user, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://ipzone.example.gov.cn"
    client = as_user("staff-czj")
    page = client.get("/admin/indicators/actual/year/2025/").content.decode()
    table_form = page[page.index('enctype="multipart/form-data"'): page.index("</form>", page.index('enctype="multipart/form-data"'))]
    assert 'form="ask-contributions"' in table_form and 'id="ask-contributions"' not in table_form
    assert re.search(r'<form id="ask-contributions" method="post" action="/contributions/2025/ask/">', page)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/contributions/2025/ask/", {"indicator": row(21).pk, "next": "/admin/indicators/actual/year/2025/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/admin/indicators/actual/year/2025/"
    assert "已请求社会事务局、党群工作部、柳州市市场监督管理局柳东新区分局补充" in response.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == ["staff-dqgzb@example.invalid", "staff-scjg@example.invalid", "staff-shswj@example.invalid"]
    message = mail.outbox[0]
    assert message.subject == "[ipzone] 请补充配合情况：其他知识产权质押融资金额（万元）/件（2025年）"
    assert f"https://ipzone.example.gov.cn/contributions/2025/?plan={season.pk}" in message.body
    assert "财政局" in message.body and "您好" in message.body
    assert all(contribution(21, code).owed for code in ("shswj", "dqgzb", "scjg"))


# Committed for real: the notices go out when the request commits, and the page names whom they missed.
@pytest.mark.django_db(transaction=True)
def test_a_notice_that_cannot_go_out_is_named_to_the_lead_and_the_request_stays(plan, client, settings, tmp_path):
    from django.core.management import call_command

    call_command("demo_data", "--force", verbosity=0)
    User.objects.filter(username="staff-shswj").update(email="shswj\n@example.invalid")  # an address that makes no mail
    client.force_login(user("staff-czj"))
    response = client.post("/contributions/2025/ask/", {"indicator": row(21).pk}, follow=True)
    page = response.content.decode()
    who = user("staff-shswj").get_full_name()
    assert f"已记录请求，但未能通知 {who}（通知邮件未能发出），请另行告知" in page and contribution(21, "shswj").owed


def test_the_lead_asks_the_departments_that_have_not_supplied_theirs_and_all_again_once_all_have(season):
    lead = user("staff-czj")
    workflow.save_contributions(user("staff-scjg"), [workflow.Share(indicator=row(21), year=2025, note="已协助")])
    asked = workflow.request_contributions(lead, row(21), 2025).departments
    assert [d.code for d in asked] == ["shswj", "dqgzb"] and not contribution(21, "scjg").owed
    assert [d.code for d in workflow.request_contributions(user("staff-scjg"), row(1), 2025).departments] == ["shswj"]


def test_only_the_lead_department_asks_and_never_on_a_closed_plan(season, as_user):
    as_user("staff-shswj").post("/contributions/2025/ask/", {"indicator": row(21).pk})
    assert contribution(21, "dqgzb") is None
    Plan.objects.filter(pk=season.pk).update(status=PlanStatus.CLOSED)
    client = as_user("staff-czj")
    response = client.post("/contributions/2025/ask/", {"indicator": row(21).pk}, follow=True)
    assert contribution(21, "dqgzb") is None and "已收官" in response.content.decode()
    assert "配合部门补充" not in client.get("/admin/indicators/actual/year/2025/").content.decode().split("</form>")[-2]


def test_a_department_without_reporters_is_named_to_the_lead(season):
    User.objects.filter(department__code="dqgzb").delete()
    delivery = notices.notify_requested(row(4), 2025, [row(4).cooperation.get().department], user("staff-scjg"))
    assert delivery.nobody == ["党群工作部"] and notices.delivery_problems(delivery, requested=True)


# ---- 我的待办 and the badge ------------------------------------------------------------------------------


def test_a_cooperating_clerk_finds_the_rows_on_my_tasks_and_the_badge_counts_what_the_lead_asked_for(season, as_user, monkeypatch):
    from datetime import date

    from indicators import selection

    monkeypatch.setattr(selection, "shanghai_today", lambda: date(2026, 1, 20))
    client = as_user("staff-dqgzb")
    page = client.get("/my/").content.decode()
    assert 'id="cooperating"' in page and "/contributions/2025/?plan=" in page
    for order in (4, 21, 28, 29):
        assert f'data-indicator="{row(order).pk}"' in page
    assert re.search(r'id="my-tasks"[^>]*>[^<]*<span class="queue-count"[^>]*>1</span>', page)
    assert todo.badge_count(user("staff-dqgzb")) == 1 and todo.badge_count(user("staff-smwlj")) == 0
    post_row(client, 4, share="1")
    assert todo.badge_count(user("staff-dqgzb")) == 0
    Plan.objects.filter(pk=season.pk).update(status=PlanStatus.CLOSED)  # plans in force only
    assert todo.cooperation(user("staff-dqgzb").department_id, season.organisation_id) == []


def test_an_administrator_with_a_department_is_not_pointed_to_the_contributions_page_they_cannot_open(season, client, monkeypatch):
    from datetime import date

    from indicators import selection

    monkeypatch.setattr(selection, "shanghai_today", lambda: date(2026, 1, 20))
    administrator = user("admin")
    before = todo.badge_count(administrator)
    administrator.department = user("staff-dqgzb").department  # asked for row 4's contribution
    administrator.save()
    client.force_login(administrator)
    assert client.get("/contributions/2025/").status_code == 403  # contributions are the reporters'
    assert 'id="cooperating"' not in client.get("/my/").content.decode()
    assert todo.badge_count(administrator) == before + todo.reporter_badge(administrator.department_id)  # nothing owed


def test_a_cooperating_clerk_contributes_to_a_row_in_three_page_loads(season, client, monkeypatch):
    """From the login page: logging in lands on 我的待办 (1), its button opens the contributions page (2),
    the save comes back to it (3) — a redirect after a POST is part of one load."""
    from datetime import date

    from indicators import selection

    monkeypatch.setattr(selection, "shanghai_today", lambda: date(2026, 1, 20))
    client.get("/accounts/login/")
    loads = []
    landed = client.post("/accounts/login/", {"username": "staff-dqgzb", "password": "ipzone-demo"}, follow=True)
    loads.append(landed.redirect_chain[-1][0])
    link = re.search(r'id="cooperating".*?href="(/contributions/2025/\?plan=\d+)"', landed.content.decode(), re.S).group(1)
    page = client.get(link)
    loads.append(link)
    indicator = row(4)
    version = re.search(rf'name="c{indicator.pk}-version" value="(\d+)"', page.content.decode()).group(1)
    saved = client.post(link, {f"c{indicator.pk}-share": "1", f"c{indicator.pk}-note": "协查 1 起", f"c{indicator.pk}-version": version}, follow=True)
    loads.append(saved.redirect_chain[-1][0])
    assert loads == ["/my/", link, link] and "已保存 1 条配合情况" in saved.content.decode()
    assert contribution(4, "dqgzb").share == 1


def test_an_evidence_file_belongs_to_a_figure_or_a_contribution_never_both_nor_neither(season):
    from django.db import IntegrityError, transaction

    figure, item = Actual.objects.get(indicator__order=1, year=2025), contribution(1, "shswj")
    for owners in ({}, {"actual": figure, "contribution": item}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Evidence.objects.create(file="evidence/x.pdf", original_name="x.pdf", content_type="application/pdf", size=1, **owners)

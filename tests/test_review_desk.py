"""The review desk (/review/<year>/): what a reviewer sees, approve, return with a reason, approve a department at once."""

import re
import socket
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.sizing import grow_plan
from indicators import workflow
from indicators.models import Actual, ActualStatus, Evidence
from tests.dashboard_helpers import report

ROW = re.compile(r'<tr data-actual="(\d+)" data-version="(\d+)"')


def submitted(plan, order, year, value, second=None, *, by=None, note="", **extra):
    actual = report(plan, order, year, value, second, status=ActualStatus.SUBMITTED, note=note, by=by)
    if by is not None or extra:
        Actual.objects.filter(pk=actual.pk).update(submitted_by=by, **extra)
        actual.refresh_from_db()
    return actual


def desk(client, user, url="/review/2025/"):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def row_html(html, actual):
    match = re.search(rf'<tr data-actual="{actual.pk}".*?</tr>', html, re.S)
    assert match, f"figure {actual.pk} is not on the desk"
    return match.group(0)


@pytest.fixture
def mailed_reporter(reporter):
    reporter.email = "staff-czj@example.invalid"
    reporter.first_name = "张财政"
    reporter.save()
    return reporter


# ---- what the desk shows ---------------------------------------------------------------------


def test_each_submitted_figure_shows_value_with_unit_target_last_year_status_note_and_evidence(client, reviewer, reporter, plan, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report(plan, 19, 2024, 5000, 7)
    pledge = submitted(plan, 19, 2025, "5300.0000", "8", by=reporter, note="含两笔专利权质押。")
    Evidence.objects.create(actual=pledge, file=SimpleUploadedFile("合同.pdf", b"%PDF-1.4"), original_name="合同.pdf", content_type="application/pdf", size=8)
    rate = submitted(plan, 2, 2025, "95.2600")
    html = desk(client, reviewer)
    row = row_html(html, pledge)
    assert "5300万元/8笔" in row and "4.0000" not in html and "5300.0000" not in html
    assert "6000万元/10笔" in row  # 2025: the printed target
    assert "5000万元/7笔" in row and "2024" in row  # last year
    assert "需加快" in row  # the status it would get
    assert "含两笔专利权质押。" in row and "合同.pdf" in row and "/evidence/" in row
    assert "95.26%" in row_html(html, rate)
    assert "财政局" in html and html.index("柳州市市场监督管理局柳东新区分局") < html.index("财政局")  # departments in display order


def test_only_submitted_figures_of_the_year_are_on_the_desk(client, reviewer, plan):
    waiting = submitted(plan, 19, 2025, 5300, 8)
    others = [
        report(plan, 20, 2025, 300, 1, status=ActualStatus.DRAFT),
        report(plan, 21, 2025, 300, 1, status=ActualStatus.APPROVED),
        submitted(plan, 22, 2024, 300, 1),
    ]
    shown = {int(pk) for pk, _v in ROW.findall(desk(client, reviewer))}
    assert shown == {waiting.pk} and not shown & {o.pk for o in others}


def test_a_figure_far_from_its_target_or_confirmed_despite_a_warning_is_flagged(client, reviewer, plan):
    typo = submitted(plan, 1, 2025, 700)  # target 7 cases
    confirmed = submitted(plan, 5, 2025, 10, outlier_confirmed=True)
    plain = submitted(plan, 6, 2025, 5)
    html = desk(client, reviewer)
    assert "超过当年目标" in row_html(html, typo) and 'class="flagged"' in row_html(html, typo)
    assert "填报人已确认无误" in row_html(html, confirmed)
    assert "flagged" not in row_html(html, plain)


def test_the_first_plan_year_compares_with_the_baseline(client, reviewer, plan):
    first = submitted(plan, 19, 2022, 3500, 4)
    row = row_html(desk(client, reviewer, "/review/2022/"), first)
    assert "2868/2" in row and "2021 年基础值" in row


def test_a_department_and_a_year_outside_the_plan(client, reviewer, plan):
    submitted(plan, 19, 2025, 5300, 8)
    submitted(plan, 9, 2025, 5)
    only = desk(client, reviewer, "/review/2025/?department=czj")
    assert 'data-department="czj"' in only and 'data-department="gxj"' not in only
    assert client.get("/review/2025/?department=nope").status_code == 404
    assert client.get("/review/2030/").status_code == 404
    assert client.get("/review/").status_code == 302


# ---- one figure ---------------------------------------------------------------------------------


def test_a_reviewer_approves_one_figure(client, reviewer, plan):
    actual = submitted(plan, 19, 2025, 5300, 8)
    client.force_login(reviewer)
    response = client.post("/review/2025/", {"action": "approve", "figure": f"{actual.pk}:{actual.version}"}, follow=True)
    actual.refresh_from_db()
    assert actual.status == ActualStatus.APPROVED and actual.reviewed_by == reviewer
    assert "已审核通过 1 项数据" in response.content.decode()


def test_returning_needs_a_reason_and_without_one_nothing_changes(client, reviewer, plan):
    actual = submitted(plan, 19, 2025, 5300, 8)
    client.force_login(reviewer)
    response = client.post("/review/2025/", {"action": "return", "figure": f"{actual.pk}:{actual.version}", "reason": "  "}, follow=True)
    actual.refresh_from_db()
    assert actual.status == ActualStatus.SUBMITTED and "未退回" in response.content.decode()


def test_returning_a_figure_mails_whoever_submitted_it_in_chinese_with_the_reason_and_a_link(
    client, reviewer, mailed_reporter, plan, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://ipzone.example.gov.cn"
    actual = submitted(plan, 19, 2025, 5300, 8, by=mailed_reporter)
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/review/2025/", {"action": "return", "figure": f"{actual.pk}:{actual.version}", "reason": "请补充质押合同。"}, follow=True)
    actual.refresh_from_db()
    assert actual.status == ActualStatus.RETURNED and actual.return_reason == "请补充质押合同。"
    [message] = mail.outbox
    assert message.to == ["staff-czj@example.invalid"]
    assert "退回" in message.subject and "专利质押融资金额" in message.subject
    assert "张财政" in message.body and "请补充质押合同。" in message.body and "5300/8" in message.body
    assert f"https://ipzone.example.gov.cn/admin/indicators/actual/year/2025/?plan={plan.pk}" in message.body
    assert "https://ipzone.example.gov.cn/my/" in message.body
    assert "已将“专利质押融资金额（万元）/笔”（2025年）退回" in response.content.decode()


# Committed for real (no test transaction around the request): the notice goes out when the
# return commits, as in production, and the page can tell the reviewer what became of it.
@pytest.mark.django_db(transaction=True)
def test_a_failing_mail_server_neither_undoes_the_return_nor_fails_the_page(client, reviewer, mailed_reporter, plan, settings, caplog):
    with socket.socket() as probe:  # a port nobody listens on: the connection is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    actual = submitted(plan, 19, 2025, 5300, 8, by=mailed_reporter)
    client.force_login(reviewer)
    response = client.post("/review/2025/", {"action": "return", "figure": f"{actual.pk}:{actual.version}", "reason": "请补充质押合同。"})
    assert response.status_code == 302
    actual.refresh_from_db()
    assert actual.status == ActualStatus.RETURNED
    page = client.get(response["Location"]).content.decode()
    assert "通知邮件未能发出" in page and "张财政" in page
    assert "could not send" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_submitter_without_an_address_is_named_to_the_reviewer(client, reviewer, reporter, plan):
    actual = submitted(plan, 19, 2025, 5300, 8, by=reporter)
    client.force_login(reviewer)
    page = client.post("/review/2025/", {"action": "return", "figure": f"{actual.pk}:{actual.version}", "reason": "请核对"}, follow=True)
    assert "staff-czj 未登记电子邮箱" in page.content.decode() and not mail.outbox


def test_returning_through_the_admin_action_mails_too(client, reviewer, mailed_reporter, plan, django_capture_on_commit_callbacks):
    actual = submitted(plan, 19, 2025, 5300, 8, by=mailed_reporter)
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/indicators/actual/", {"action": "return_selected", "_selected_action": [actual.pk], "apply": "1", "reason": "口径不符"})
    actual.refresh_from_db()
    assert actual.status == ActualStatus.RETURNED
    assert [m.to for m in mail.outbox] == [["staff-czj@example.invalid"]] and "口径不符" in mail.outbox[0].body


def test_a_figure_changed_since_the_page_was_drawn_is_not_returned(client, reviewer, reporter, plan):
    actual = submitted(plan, 19, 2025, 5300, 8)
    seen = f"{actual.pk}:{actual.version}"
    Actual.objects.filter(pk=actual.pk).update(version=actual.version + 1, value=Decimal(9999))
    client.force_login(reviewer)
    response = client.post("/review/2025/", {"action": "return", "figure": seen, "reason": "请核对"}, follow=True)
    actual.refresh_from_db()
    assert actual.status == ActualStatus.SUBMITTED and "9999" in response.content.decode()


def test_back_to_where_the_reviewer_came_from_but_never_to_another_site(client, reviewer, plan):
    first, second = submitted(plan, 19, 2025, 5300, 8), submitted(plan, 20, 2025, 300, 1)
    client.force_login(reviewer)
    back = f"/admin/indicators/actual/{first.pk}/change/"
    response = client.post("/review/2025/", {"action": "approve", "figure": f"{first.pk}:{first.version}", "next": back})
    assert response["Location"] == back
    response = client.post("/review/2025/?plan=1", {"action": "approve", "figure": f"{second.pk}:{second.version}", "next": "https://evil.example/"})
    assert response["Location"] == "/review/2025/?plan=1"


# ---- a department at once -------------------------------------------------------------------------


def test_approving_a_department_approves_what_was_shown_and_names_a_figure_changed_meanwhile(client, reviewer, reporter, plan):
    rows = [submitted(plan, order, 2025, 300, 1) for order in (19, 20, 21, 22)]
    html = desk(client, reviewer, "/review/2025/?department=czj")
    form = re.search(r'<form[^>]*class="approve-all">.*?</form>', html, re.S).group(0)
    seen = re.findall(r'name="figure" value="([\d:]+)"', form)
    assert len(seen) == 4
    # Meanwhile the reporter's figure 21 came back and was submitted again with another value.
    changed = rows[2]
    workflow.return_actuals(reviewer, [changed], "请核对")
    changed.refresh_from_db()
    workflow.save_entries(reporter, [workflow.Entry(indicator=changed.indicator, year=2025, value="450", second_value="2", expected_version=changed.version)])
    changed.refresh_from_db()
    workflow.submit(reporter, [Actual.objects.select_related("indicator__plan").get(pk=changed.pk)])

    response = client.post("/review/2025/?department=czj", {"action": "approve_all", "figure": seen}, follow=True)
    statuses = {a.pk: a.status for a in Actual.objects.filter(pk__in=[r.pk for r in rows])}
    assert statuses == {rows[0].pk: "approved", rows[1].pk: "approved", rows[2].pk: "submitted", rows[3].pk: "approved"}
    page = response.content.decode()
    assert "已审核通过 3 项数据" in page and "未予通过" in page and "其他知识产权质押融资金额" in page and "450/2" in page


def test_bulk_approval_refuses_a_form_that_does_not_say_which_versions_it_showed(client, reviewer, plan):
    actual = submitted(plan, 19, 2025, 5300, 8)
    client.force_login(reviewer)
    for figure in ([str(actual.pk)], [f"{actual.pk}:x"], [], [f"{actual.pk}:{actual.version}", "1e3:1"]):
        client.post("/review/2025/", {"action": "approve_all", "figure": figure})
        actual.refresh_from_db()
        assert actual.status == ActualStatus.SUBMITTED, figure


def test_approve_unchanged_skips_deleted_and_changed_figures_and_approves_the_rest(reviewer, reporter, plan):
    kept, changed, gone = (submitted(plan, order, 2025, 300, 1) for order in (19, 20, 21))
    Actual.objects.filter(pk=changed.pk).update(version=changed.version + 1)
    seen = {kept.pk: kept.version, changed.pk: changed.version, gone.pk: gone.version}
    Actual.objects.filter(pk=gone.pk).delete()
    approved, skipped = workflow.approve_unchanged(reviewer, seen, plan=plan, year=2025)
    assert [a.pk for a in approved] == [kept.pk]
    assert {p.key for p in skipped} == {changed.pk, gone.pk}
    kept.refresh_from_db()
    assert kept.status == ActualStatus.APPROVED and kept.history.latest().history_user == reviewer
    with pytest.raises(workflow.WorkflowError, match="permission"):
        workflow.approve_unchanged(reporter, {changed.pk: changed.version + 1}, plan=plan, year=2025)


# ---- the admin's figure page -------------------------------------------------------------------------


def test_the_admin_figure_page_shows_the_years_target_and_the_review_buttons_to_reviewers(client, reviewer, reporter, plan):
    actual = submitted(plan, 19, 2025, 5300, 8)
    client.force_login(reviewer)
    page = client.get(f"/admin/indicators/actual/{actual.pk}/change/").content.decode()
    assert "6000万元/10笔" in page and "当年目标" in page
    assert 'id="review-panel"' in page and f'value="{actual.pk}:{actual.version}"' in page and 'action="/review/2025/' in page
    assert "5300万元/8笔" in page and "5300.0000" not in page  # natural precision, with units
    returned = report(plan, 19, 2024, 4200, 5, status=ActualStatus.APPROVED)
    page = client.get(f"/admin/indicators/actual/{returned.pk}/change/").content.decode()
    assert "4200万元/5笔" in page and 'id="review-panel"' not in page  # only a submitted figure is reviewed
    client.force_login(reporter)
    page = client.get(f"/admin/indicators/actual/{actual.pk}/change/").content.decode()
    assert "6000万元/10笔" in page and 'id="review-panel"' not in page


def test_a_resubmitted_figure_no_longer_shows_the_old_reason_which_stays_in_the_history(client, reviewer, reporter, plan):
    actual = submitted(plan, 19, 2025, 5300, 8)
    workflow.return_actuals(reviewer, [actual], "旧的退回原因")
    actual = Actual.objects.select_related("indicator__plan").get(pk=actual.pk)
    workflow.submit(reporter, [actual])
    actual.refresh_from_db()
    assert actual.status == ActualStatus.SUBMITTED and actual.return_reason == ""
    assert "旧的退回原因" in set(actual.history.values_list("return_reason", flat=True))
    client.force_login(reviewer)
    assert "旧的退回原因" not in client.get(f"/admin/indicators/actual/{actual.pk}/change/").content.decode()


# ---- cost ------------------------------------------------------------------------------------------------


def test_the_desk_costs_the_same_queries_at_one_and_ten_times_the_seed(client, reviewer, reporter, plan, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    def queries():
        client.force_login(reviewer)
        Actual.objects.filter(status=ActualStatus.SUBMITTED).update(submitted_by=reporter)
        for actual in Actual.objects.filter(year=2025, status=ActualStatus.SUBMITTED).order_by("pk")[:: max(1, Actual.objects.count() // 40)]:
            Evidence.objects.get_or_create(actual=actual, defaults={"file": SimpleUploadedFile("a.pdf", b"%PDF"), "original_name": "a.pdf", "content_type": "application/pdf", "size": 4})
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/review/2025/")
        assert response.status_code == 200
        return len(captured.captured_queries), len(ROW.findall(response.content.decode()))

    grow_plan(plan, 1)
    small, small_rows = queries()
    grow_plan(plan, 10, extra_departments=20)
    large, large_rows = queries()
    assert small == large and small_rows < large_rows


def test_a_large_year_is_paged_every_figure_on_exactly_one_page_at_the_same_cost(client, reviewer, plan):
    from indicators.views.season import DESK_ROWS

    grow_plan(plan, 10, extra_departments=20)
    Actual.objects.filter(year=2025).update(status=ActualStatus.SUBMITTED)
    waiting = set(Actual.objects.filter(year=2025).values_list("pk", flat=True))
    assert len(waiting) > 2 * DESK_ROWS
    client.force_login(reviewer)
    seen, costs, number = [], set(), 1
    while True:
        with CaptureQueriesContext(connection) as captured:
            html = client.get(f"/review/2025/?page={number}").content.decode()
        costs.add(len(captured.captured_queries))
        rows = [int(pk) for pk, _v in ROW.findall(html)]
        assert 0 < len(rows) <= DESK_ROWS
        seen += rows
        if f"page={number + 1}" not in html:
            break
        number += 1
    assert sorted(seen) == sorted(waiting) and len(costs) == 1

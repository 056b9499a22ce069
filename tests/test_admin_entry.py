"""Data entry in the admin: reporters see their department's figures only."""

from decimal import Decimal

import pytest

from indicators.models import Actual, ActualStatus, Evidence, Indicator, User


@pytest.fixture
def demo(mid_season):
    """These tests work in the middle of the season, with the departments' 2025 drafts (conftest.mid_season)."""
    return mid_season

CHANGELIST = "/admin/indicators/actual/"


def change_url(actual):
    return f"/admin/indicators/actual/{actual.pk}/change/"


def actual_of(plan, order, year=2025):
    return Actual.objects.get(indicator__plan=plan, indicator__order=order, year=year)


@pytest.fixture
def czj(client, demo):
    from indicators.models import User

    client.force_login(User.objects.get(username="staff-czj"))
    return client


def test_staff_czj_sees_the_财政局_rows_and_nothing_led_by_another_department(czj, demo):
    page = czj.get(CHANGELIST + "?year__exact=2025").content.decode()
    assert "专利质押融资金额（万元）/笔" in page
    assert "知识产权保险投保金额（万元）/笔" in page
    assert "查处假冒知识产权行政案件（起）" not in page  # led by 柳州市市场监督管理局柳东新区分局
    assert "专利（PCT）国际申请量（件）" not in page  # led by 工业和信息化局


def test_reporter_cannot_open_another_departments_actual(client, demo):
    from indicators.models import User

    client.force_login(User.objects.get(username="staff-gxj"))
    response = client.get(change_url(actual_of(demo, 20)))  # 财政局's draft
    assert response.status_code in (302, 403, 404)
    assert response.status_code != 200
    if response.status_code == 302:
        assert "/admin/" in response["Location"]
    assert "商标质押" not in client.get(response.get("Location", "/admin/"), follow=True).content.decode()


def test_reporter_cannot_post_to_another_departments_actual(client, demo):
    from indicators.models import User

    client.force_login(User.objects.get(username="staff-gxj"))
    target = actual_of(demo, 20)
    response = client.post(change_url(target), {"value": "1", "second_value": "1", "note": "x", "version": target.version})
    assert response.status_code != 200 or "errornote" in response.content.decode()
    target.refresh_from_db()
    assert target.value == Decimal(800)


def test_a_reporter_edits_a_draft_and_the_change_is_in_its_history(czj, demo):
    draft = actual_of(demo, 20)
    assert draft.status == ActualStatus.DRAFT
    response = czj.post(
        change_url(draft),
        {"value": "900", "second_value": "3", "note": "更正", "version": draft.version,
         "evidence-TOTAL_FORMS": "0", "evidence-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    draft.refresh_from_db()
    assert draft.value == Decimal(900)
    history = czj.get(change_url(draft).replace("change/", "history/")).content.decode()
    assert "900" in history


def test_a_bad_value_in_the_admin_form_shows_a_message_and_saves_nothing(czj, demo):
    draft = actual_of(demo, 20)
    response = czj.post(
        change_url(draft),
        {"value": "十二", "second_value": "3", "note": "", "version": draft.version,
         "evidence-TOTAL_FORMS": "0", "evidence-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    draft.refresh_from_db()
    assert draft.value == Decimal(800)


def test_an_approved_figure_is_read_only(czj, demo):
    approved = actual_of(demo, 19, 2024)
    assert approved.status == ActualStatus.APPROVED
    page = czj.get(change_url(approved))
    assert page.status_code == 200
    assert 'name="value"' not in page.content.decode()
    czj.post(change_url(approved), {"value": "1", "second_value": "1", "version": approved.version})
    approved.refresh_from_db()
    assert approved.value == Decimal(5000)


def test_a_stale_form_is_refused_with_who_changed_it(czj, demo):
    draft = actual_of(demo, 20)
    stale = draft.version
    czj.post(change_url(draft), {"value": "901", "second_value": "3", "version": stale,
                                 "evidence-TOTAL_FORMS": "0", "evidence-INITIAL_FORMS": "0"})
    response = czj.post(change_url(draft), {"value": "902", "second_value": "3", "version": stale,
                                            "evidence-TOTAL_FORMS": "0", "evidence-INITIAL_FORMS": "0"})
    page = response.content.decode()
    name = User.objects.get(username="staff-czj").get_full_name()  # 姓名, as Chinese writes it
    assert response.status_code == 200 and name and name in page and "staff-czj" not in page and "901/3" in page
    draft.refresh_from_db()
    assert draft.value == Decimal(901)


def test_the_year_page_lists_the_reporters_indicators_with_unit_and_what_to_enter(czj, demo):
    page = czj.get("/admin/indicators/actual/year/2025/").content.decode()
    assert page.count('data-indicator="') == 4  # 财政局 leads rows 19–22
    assert "专利质押融资金额（万元）/笔" in page and "万元" in page and "笔" in page
    assert "count or amount" in page or "当年发生数" in page


def test_the_year_page_saves_all_rows_in_one_submit(czj, demo):
    rows = {i.order: i for i in Indicator.objects.filter(plan=demo, lead_department__code="czj")}
    drafts = {a.indicator.order: a for a in Actual.objects.filter(indicator__in=rows.values(), year=2025)}
    data = {}
    for order, indicator in rows.items():
        actual = drafts.get(order)
        data[f"i{indicator.pk}-value"] = "1,000"
        data[f"i{indicator.pk}-second_value"] = "２"
        data[f"i{indicator.pk}-note"] = "年度汇总"
        data[f"i{indicator.pk}-version"] = actual.version if actual else 0
    response = czj.post("/admin/indicators/actual/year/2025/", data)
    assert response.status_code == 302
    for order in (20, 21, 22):
        assert actual_of(demo, order).value == Decimal(1000)
    assert actual_of(demo, 19).value == Decimal(5600)  # submitted: locked, not overwritten


def test_one_bad_row_on_the_year_page_saves_nothing(czj, demo):
    rows = list(Indicator.objects.filter(plan=demo, lead_department__code="czj").order_by("order"))
    before = dict(Actual.objects.filter(year=2025).values_list("pk", "value"))
    data = {}
    for indicator in rows:
        actual = Actual.objects.filter(indicator=indicator, year=2025).first()
        data[f"i{indicator.pk}-value"] = "1000"
        data[f"i{indicator.pk}-second_value"] = "2"
        data[f"i{indicator.pk}-version"] = actual.version if actual else 0
    data[f"i{rows[-1].pk}-value"] = "-5"
    response = czj.post("/admin/indicators/actual/year/2025/", data)
    assert response.status_code == 200
    assert "row-error" in response.content.decode()
    assert dict(Actual.objects.filter(year=2025).values_list("pk", "value")) == before


def test_a_year_outside_the_plan_on_the_year_page_is_a_message_not_an_error(czj, demo):
    response = czj.get("/admin/indicators/actual/year/2031/", follow=True)
    assert response.status_code == 200
    assert "2022" in response.content.decode()
    assert czj.get("/admin/indicators/actual/year/?year=abc", follow=True).status_code == 200


def test_leaders_and_reviewers_have_no_year_page(client, demo):
    from indicators.models import User

    client.force_login(User.objects.get(username="leader"))
    assert client.get("/admin/indicators/actual/year/2025/").status_code == 403


def test_a_reviewer_returns_a_figure_with_a_reason_through_the_action(client, demo):
    from indicators.models import User

    client.force_login(User.objects.get(username="reviewer"))
    submitted = actual_of(demo, 9)
    assert submitted.status == ActualStatus.SUBMITTED
    page = client.post(CHANGELIST, {"action": "return_selected", "_selected_action": [submitted.pk]})
    assert page.status_code == 200 and 'name="reason"' in page.content.decode()
    client.post(CHANGELIST, {"action": "return_selected", "_selected_action": [submitted.pk], "apply": "1", "reason": "数据与年报不符"})
    submitted.refresh_from_db()
    assert submitted.status == ActualStatus.RETURNED and submitted.return_reason == "数据与年报不符"


def test_a_reviewer_approves_through_the_action(client, demo):
    from indicators.models import User

    client.force_login(User.objects.get(username="reviewer"))
    submitted = actual_of(demo, 2)
    client.post(CHANGELIST, {"action": "approve_selected", "_selected_action": [submitted.pk]})
    submitted.refresh_from_db()
    assert submitted.status == ActualStatus.APPROVED


def test_a_reporter_submits_through_the_action(czj, demo):
    draft = actual_of(demo, 22)
    czj.post(CHANGELIST, {"action": "submit_selected", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == ActualStatus.SUBMITTED


def test_a_reporter_has_no_approve_action(czj, demo):
    submitted = actual_of(demo, 19)
    czj.post(CHANGELIST, {"action": "approve_selected", "_selected_action": [submitted.pk]})
    submitted.refresh_from_db()
    assert submitted.status == ActualStatus.SUBMITTED


def test_a_leader_reads_every_figure_but_changes_none(client, demo):
    from indicators.models import User

    client.force_login(User.objects.get(username="leader"))
    page = client.get(CHANGELIST + "?year__exact=2025").content.decode()
    assert "查处假冒知识产权行政案件（起）" in page and "专利质押融资金额（万元）/笔" in page
    draft = actual_of(demo, 20)
    client.post(change_url(draft), {"value": "1", "second_value": "1", "version": draft.version})
    draft.refresh_from_db()
    assert draft.value == Decimal(800)


def test_evidence_of_the_wrong_type_is_refused(czj, demo, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    draft = actual_of(demo, 20)
    upload = SimpleUploadedFile("合同.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = czj.post(change_url(draft), {
        "value": "800", "second_value": "3", "note": draft.note, "version": draft.version,
        "evidence-TOTAL_FORMS": "1", "evidence-INITIAL_FORMS": "0", "evidence-0-file": upload,
    })
    assert response.status_code == 200
    assert Evidence.objects.count() == 0


def test_evidence_is_attached_and_downloaded_only_by_those_who_may_see_it(czj, client, demo, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from indicators.models import User

    settings.MEDIA_ROOT = tmp_path
    draft = actual_of(demo, 20)
    upload = SimpleUploadedFile("质押合同.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    response = czj.post(change_url(draft), {
        "value": "800", "second_value": "3", "note": draft.note, "version": draft.version,
        "evidence-TOTAL_FORMS": "1", "evidence-INITIAL_FORMS": "0", "evidence-0-file": upload,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    evidence = Evidence.objects.get()
    assert evidence.original_name == "质押合同.pdf" and "质押合同" not in evidence.file.name
    download = czj.get(f"/evidence/{evidence.pk}/")
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download["Content-Disposition"]
    client.force_login(User.objects.get(username="staff-gxj"))
    assert client.get(f"/evidence/{evidence.pk}/").status_code == 404


def year_page_data(plan, year=2025, **overrides):
    """What the year page posts for 财政局: every editable row with the version it showed."""
    data = {}
    for indicator in Indicator.objects.filter(plan=plan, lead_department__code="czj"):
        actual = Actual.objects.filter(indicator=indicator, year=year).first()
        if actual is not None and not actual.is_editable:
            continue
        data[f"i{indicator.pk}-value"] = "" if actual is None or actual.value is None else str(actual.value)
        data[f"i{indicator.pk}-second_value"] = "" if actual is None or actual.second_value is None else str(actual.second_value)
        data[f"i{indicator.pk}-note"] = actual.note if actual else ""
        data[f"i{indicator.pk}-not_carried_out"] = "on" if actual is not None and actual.not_carried_out else ""
        data[f"i{indicator.pk}-version"] = actual.version if actual else 0
    data.update(overrides)
    return data


@pytest.mark.parametrize("version", ["", "abc", "-1"])
def test_a_year_page_row_without_its_version_saves_nothing(czj, demo, version):
    draft = actual_of(demo, 20)
    data = year_page_data(demo, **{f"i{draft.indicator_id}-value": "999", f"i{draft.indicator_id}-version": version})
    response = czj.post("/admin/indicators/actual/year/2025/", data)
    assert response.status_code == 200 and "row-error" in response.content.decode()
    draft.refresh_from_db()
    assert draft.value == Decimal(800)


def test_the_admin_form_without_a_version_saves_nothing(czj, demo):
    draft = actual_of(demo, 20)
    response = czj.post(change_url(draft), {"value": "901", "second_value": "3", "version": "",
                                            "evidence-TOTAL_FORMS": "0", "evidence-INITIAL_FORMS": "0"})
    assert response.status_code == 200 and "errornote" in response.content.decode()
    draft.refresh_from_db()
    assert draft.value == Decimal(800)


def test_rows_submitted_while_the_page_was_open_are_named_not_reported_as_saved(czj, demo):
    from indicators import workflow

    draft = actual_of(demo, 20)
    data = year_page_data(demo, **{f"i{draft.indicator_id}-value": "999"})
    # A colleague submits row 20 after the page was drawn.
    workflow.submit(draft.entered_by, [Actual.objects.select_related("indicator__plan").get(pk=draft.pk)])
    response = czj.post("/admin/indicators/actual/year/2025/", data, follow=True)
    page = response.content.decode()
    assert "知识产权（商标）质押融资金额" in page or draft.indicator.name in page
    assert "未保存" in page and "已保存 0" not in page
    draft.refresh_from_db()
    assert draft.value == Decimal(800) and draft.status == ActualStatus.SUBMITTED

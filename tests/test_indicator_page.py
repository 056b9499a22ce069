"""The indicator page at /indicators/<id>/: trend, values, notes, evidence, history."""

import json
import re

import pytest
from django.utils import translation

from indicators.models import Actual, ActualStatus, Evidence, Indicator
from indicators.progress import assess
from tests.sizing import grow_plan
from tests.conftest import include_drafts
from tests.dashboard_helpers import report

# Session, user, indicator, roles, default year, 5 for indicators, actuals, evidence, history, menu.
INDICATOR_MAX_QUERIES = 14

VALUE_ROW = re.compile(r'<tr(?: class="current")? data-year="(\d+)">(.*?)</tr>', re.S)


def page(client, user, url):
    client.force_login(user)
    with translation.override("zh-hans"):
        return client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")


def url(plan, order, year=None):
    pk = Indicator.objects.get(plan=plan, order=order).pk
    return f"/indicators/{pk}/" + (f"?year={year}" if year else "")


def value_rows(response):
    return {int(year): cells for year, cells in VALUE_ROW.findall(response.content.decode())}


def change(actual, user, **fields):
    """Save a change as ``user`` would through the admin, so the history names them."""
    for name, value in fields.items():
        setattr(actual, name, value)
    actual._history_user = user
    actual.save()
    return actual


def test_the_indicator_page_needs_a_login(client, plan):
    response = client.get(url(plan, 1))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("path", ["/indicators/99999/", "/indicators/abc/", "/indicators/-1/"])
def test_an_unknown_indicator_is_not_found(client, leader, plan, path):
    assert page(client, leader, path).status_code == 404


def test_each_years_status_in_the_values_table_agrees_with_progress_assess(client, leader, plan):
    report(plan, 9, 2022, 10)
    report(plan, 9, 2023, 8, status=ActualStatus.SUBMITTED)
    report(plan, 9, 2024, 18, status=ActualStatus.DRAFT)
    include_drafts(client, leader)
    indicator = Indicator.objects.get(plan=plan, order=9)
    values = {a.year: a.year_value for a in Actual.objects.filter(indicator=indicator)}
    rows = value_rows(page(client, leader, url(plan, 9, 2024)))
    assert sorted(rows) == [2022, 2023, 2024, 2025]
    for year, cells in rows.items():
        status = assess(indicator.spec(), values, year).status
        assert f'class="badge status-{status.value}"' in cells, year
    assert "待审核" in rows[2023] and "已提交" in rows[2023]
    assert "草稿" in rows[2024] and "已审核" in rows[2022]
    assert "未填报" in rows[2025]


def test_a_pair_gets_one_trend_chart_per_part_with_baseline_targets_and_projection(client, leader, plan):
    report(plan, 19, 2022, 3500, 4)
    report(plan, 19, 2023, 4200, 5)
    response = page(client, leader, url(plan, 19, 2023))
    body = response.content.decode()
    assert 'data-chart="chart-trend-1"' in body and 'data-chart="chart-trend-2"' in body
    amount = json.loads(response.context["trends"][0]["json"])
    names = [trace["name"] for trace in amount["data"]]
    assert names == ["2021 年基础值", "年度目标", "2025 年目标值", "实际值", "趋势预测"]
    actual = amount["data"][3]
    assert actual["x"] == [2022, 2023] and actual["y"] == [3500, 4200]
    assert "万元" in actual["text"][0] and "需加快" in actual["text"][0]  # value, unit and status in the hover
    assert amount["data"][1]["line"]["dash"] == "dash" and amount["data"][4]["line"]["dash"] == "dot"
    assert "按当前趋势 2025 年预计" in body


def test_a_cumulative_indicator_shows_its_running_total(client, leader, plan):
    report(plan, 23, 2022, 1)
    report(plan, 23, 2023, 1)
    rows = value_rows(page(client, leader, url(plan, 23, 2023)))
    assert re.search(r'<td class="num">2</td>', rows[2023])  # 1 + 1, compared with the target 2
    assert "已达标" in rows[2023]


def test_a_note_with_script_is_escaped(client, leader, plan):
    report(plan, 1, 2022, 4, note='<script>alert("x")</script>\n第二行')
    body = page(client, leader, url(plan, 1, 2022)).content.decode()
    assert '<script>alert("x")' not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>第二行" in body


def test_a_unit_with_script_is_escaped_in_the_chart_json(client, leader, plan):
    Indicator.objects.filter(plan=plan, order=1).update(unit="</script><i>")
    report(plan, 1, 2022, 4)
    body = page(client, leader, url(plan, 1, 2022)).content.decode()
    chart = re.search(r'data-chart="chart-trend-1">(.*?)</script>', body, re.S).group(1)
    assert "<" not in chart and ">" not in chart
    assert "<i>" not in body


def test_evidence_is_listed_with_its_download_link(client, leader, plan):
    actual = report(plan, 19, 2022, 3500, 4, note="质押登记")
    evidence = Evidence.objects.create(
        actual=actual, file="evidence/2022/abc.pdf", original_name="质押登记证明.pdf", content_type="application/pdf", size=2048
    )
    body = page(client, leader, url(plan, 19, 2022)).content.decode()
    assert f'<a href="/evidence/{evidence.pk}/">质押登记证明.pdf</a>' in body
    assert "质押登记" in body


def test_the_history_shows_who_changed_what_from_old_to_new(client, leader, reporter, plan):
    actual = report(plan, 19, 2022, 3500, 4, status=ActualStatus.DRAFT, by=reporter)
    change(actual, reporter, value=3600)
    change(actual, reporter, status=ActualStatus.SUBMITTED)
    include_drafts(client, leader)
    body = page(client, leader, url(plan, 19, 2022)).content.decode()
    history = body[body.index('id="history-table"') :]
    assert "staff-czj" in history
    assert "3500/4 → 3600/4" in history
    assert "草稿 → 已提交" in history


def test_a_reporter_of_another_department_sees_nothing_of_a_draft(client, reporter, other_reporter, plan):
    actual = report(plan, 9, 2022, 17, status=ActualStatus.RETURNED, note="工信局内部说明")
    actual.return_reason = "请核对口径"
    actual.save()
    Evidence.objects.create(actual=actual, file="evidence/2022/x.pdf", original_name="内部材料.pdf", content_type="application/pdf", size=1)
    theirs = page(client, reporter, url(plan, 9, 2022))
    body = theirs.content.decode()
    for secret in ("工信局内部说明", "请核对口径", "内部材料.pdf", ">17 <", "已退回"):
        assert secret not in body, secret
    assert "未填报" in value_rows(theirs)[2022]
    mine = page(client, other_reporter, url(plan, 9, 2022)).content.decode()
    for shown in ("工信局内部说明", "请核对口径", "内部材料.pdf", "已退回"):
        assert shown in mine, shown


def test_the_history_never_leaks_a_reopened_draft_to_another_department(client, reviewer, reporter, other_reporter, plan):
    actual = report(plan, 9, 2022, 17, status=ActualStatus.APPROVED)
    change(actual, reviewer, status=ActualStatus.RETURNED)
    change(actual, other_reporter, value=23, note="修改中")
    theirs = page(client, reporter, url(plan, 9, 2022)).content.decode()
    history = theirs[theirs.index('id="history-title"') :]
    # (Not just "23": the history's time stamps may contain it.)
    assert "17" in history and "→ 23" not in history and ">23<" not in history and "修改中" not in history
    mine = page(client, other_reporter, url(plan, 9, 2022)).content.decode()
    assert "17 → 23" in mine[mine.index('id="history-title"') :]


def test_a_bad_year_falls_back_with_a_message(client, leader, plan):
    response = page(client, leader, url(plan, 1, "1999"))
    assert response.status_code == 200 and "不是本方案的年度" in response.content.decode()


@pytest.mark.parametrize("factor", [1, 10])
def test_the_indicator_page_needs_the_same_number_of_queries_at_one_and_ten_times_the_seed(
    client, leader, plan, factor, django_assert_max_num_queries
):
    grow_plan(plan, factor)
    actual = Actual.objects.filter(indicator__plan=plan, indicator__order=19).order_by("year").first()
    Evidence.objects.create(actual=actual, file="evidence/x.pdf", original_name="a.pdf", content_type="application/pdf", size=1)
    change(actual, leader, note="改")
    include_drafts(client, leader)
    path = url(plan, 19)
    with django_assert_max_num_queries(INDICATOR_MAX_QUERIES):
        response = client.get(path)
    assert response.status_code == 200 and "a.pdf" in response.content.decode()


def test_the_history_names_people_by_their_chinese_name_surname_first(client, leader, plan, make_user):
    from indicators import roles

    clerk = make_user("staff-x", roles.REPORTER, "czj", first_name="小红", last_name="欧阳")
    actual = report(plan, 19, 2022, 3500, 4, status=ActualStatus.SUBMITTED, by=clerk)
    change(actual, clerk, value=3600)
    body = page(client, leader, url(plan, 19, 2022)).content.decode()
    history = body[body.index('id="history-table"') :]
    assert "欧阳小红" in history and "小红 欧阳" not in history and "staff-x" not in history

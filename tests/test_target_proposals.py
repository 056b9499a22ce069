"""Setting the next plan's targets: the three rules on hand-worked cases, the page, its save and the 目标测算表.

Every expected number below is worked out by hand in its comment (old plan 2021 baseline, 2022–2025;
new plan 2026–2030).  The least-squares line through four consecutive years x̄ = 2023.5 has
Σ(x − x̄)² = 1.5² + 0.5² + 0.5² + 1.5² = 5.
"""

import io
import re
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.utils import translation
from openpyxl import load_workbook

from indicators import plans
from indicators.models import Actual, Indicator, PlanStatus, User
from indicators.progress import NO_PROPOSAL, IndicatorSpec, Rule, YearValue, target_proposals
from indicators.values import parse_printed as P
from tests.sizing import grow_plan

NEXT = "柳高新〔2026〕1号"


def spec(baseline, target, **options):
    return IndicatorSpec(baseline_year=2021, first_year=2022, last_year=2025, baseline=P(baseline), target=P(target), **options)


def figures(*values):
    """2022, 2023, … in order; None is a year not reported, a tuple a pair."""
    found = {}
    for year, value in enumerate(values, start=2022):
        if isinstance(value, tuple):
            found[year] = YearValue(amount=D(value[0]), count=D(value[1]))
        elif value is not None:
            found[year] = YearValue(amount=D(value))
    return found


def proposed(indicator, values, *, whole=(True,), rate=False):
    """{rule: text} of the proposals offered, and the list itself."""
    found = target_proposals(indicator, values, 2026, 2030, whole_number=whole, rate=rate)
    assert [p.rule for p in found] == [Rule.TREND, Rule.GROWTH, Rule.PACE]
    return {p.rule: p.text for p in found if p.offered}, found


# ---- the rules, by hand -------------------------------------------------------------------------


def test_a_rising_flow_gets_its_trend_its_average_growth_and_its_old_pace():
    # 查处假冒知识产权行政案件: baseline 3, target 6; 4, 5, 6, 7 reported.
    # Trend: slope 1 (Σ(x−x̄)(y−ȳ) = 1.5·1.5 + 0.5·0.5 + 0.5·0.5 + 1.5·1.5 = 5, over 5), ȳ = 5.5:
    #   5.5 + 1 × (2030 − 2023.5) = 12.
    # Growth: (7 / 3)^(1/4) = 1.2359, 23.6 % a year; 7 × 1.2359^5 = 7 × (7/3)^(5/4) = 7 × 2.884 = 20.19 → 20.
    # Pace: (6 − 3) / 4 = 0.75 a year; 6 + 0.75 × 5 = 9.75 → 10 (whole units, halves up).
    offered, found = proposed(spec("3", "6"), figures(4, 5, 6, 7))
    assert offered == {Rule.TREND: "12", Rule.GROWTH: "20", Rule.PACE: "10"}
    assert "23.6%" in found[1].words and "2021" in found[1].words and "0.75" in found[2].words


def test_a_stock_is_read_at_the_new_last_year():
    # 知识产权托管企业: a stock, 2 → 10; 4, 6, 8, 10 reported.
    # Trend: slope 2, ȳ = 7: 7 + 2 × 6.5 = 20.  Growth: 10 × 5^(5/4) = 10 × 7.477 = 74.77 → 75 (49.5 % a year).
    # Pace: (10 − 2) / 4 = 2 a year; 10 + 2 × 5 = 20.
    offered, _found = proposed(spec("2", "10"), figures(4, 6, 8, 10))
    assert offered == {Rule.TREND: "20", Rule.GROWTH: "75", Rule.PACE: "20"}


def test_a_rate_near_100_percent_is_never_proposed_above_100():
    # 非正常专利申请主动撤回率: 95.26 % → 96 %; 97, 98, 99, 99.5 reported.
    # Trend: ȳ = 98.375; Σ(x−x̄)(y−ȳ) = 1.5·1.375 + 0.5·0.375 + 0.5·0.625 + 1.5·1.125 = 4.25, slope 0.85:
    #   98.375 + 0.85 × 6.5 = 103.9 → 100.
    # Growth: (99.5 / 95.26)^(1/4) = 1.0109; 99.5 × 1.0109^5 = 105.07 → 100.
    # Pace: (96 − 95.26) / 4 = 0.185 a year; 96 + 0.185 × 5 = 96.925 → 96.93 (two decimals, halves up).
    rate = spec("95.26%", "96%", whole_number=(False,))
    offered, found = proposed(rate, figures("97", "98", "99", "99.5"), whole=(False,), rate=True)
    assert offered == {Rule.TREND: "100%", Rule.GROWTH: "100%", Rule.PACE: "96.93%"}
    assert found[0].values == (D(100),) and "100" in found[0].words.split(".")[-2]  # the cap is said in words


def test_a_pair_is_proposed_part_by_part():
    # 专利质押融资金额（万元）/笔: 2868/2 → 6000/10; 3500/4, 4200/5, 5000/7, 5600/10 reported.
    # Trend, amount: ȳ = 4575, Σ = 1.5·1075 + 0.5·375 + 0.5·425 + 1.5·1025 = 3550, slope 710: 4575 + 710 × 6.5 = 9190.
    #        count: ȳ = 6.5, Σ = 1.5·2.5 + 0.5·1.5 + 0.5·0.5 + 1.5·3.5 = 10, slope 2: 6.5 + 13 = 19.5 → 20.
    # Growth, amount: 5600 × (5600 / 2868)^(5/4) = 5600 × 1.95258^1.25 = 5600 × 2.3081 = 12925.55 (two decimals);
    #        count: 10 × 5^(5/4) = 74.77 → 75.
    # Pace, amount: (6000 − 2868) / 4 = 783; 6000 + 783 × 5 = 9915.  count: (10 − 2) / 4 = 2; 10 + 10 = 20.
    pair = spec("2868/2", "6000/10", parts=2, whole_number=(False, True))
    offered, found = proposed(pair, figures((3500, 4), (4200, 5), (5000, 7), (5600, 10)), whole=(False, True))
    assert offered == {Rule.TREND: "9190/20", Rule.GROWTH: "12925.55/75", Rule.PACE: "9915/20"}
    assert "18.2%/49.5%" in found[1].words and "783/2" in found[2].words


def test_a_cumulative_indicator_is_proposed_for_the_new_periods_total():
    # 产业规划类专利导航项目: — → 2 over the plan, counted cumulatively; 0, 1, 0, 1 reported.
    # Trend of the yearly figures: ȳ = 0.5, Σ = 1.5·0.5 − 0.5·0.5 − 0.5·0.5 + 1.5·0.5 = 1, slope 0.2;
    #   2026 … 2030: 1.0 + 1.2 + 1.4 + 1.6 + 1.8 = 7.
    # Growth: the baseline is “—”: not offered.  Pace: 2 over 4 years = 0.5 a year × 5 years = 2.5 → 3.
    offered, found = proposed(spec("—", "2", basis="cumulative"), figures(0, 1, 0, 1))
    assert offered == {Rule.TREND: "7", Rule.PACE: "3"}
    assert "2026–2030" in found[0].words and "0.5" in found[2].words


def test_a_year_not_reported_is_left_out_of_the_trend():
    # 战略性新兴产业发明专利拥有量: — → 500; 150, (2023 not reported), 380, 490.
    # Trend through three points: x̄ = 2023.667, ȳ = 340; Σ(x−x̄)(y−ȳ) = 1.667·190 + 0.333·40 + 1.333·150 = 530,
    #   Σ(x−x̄)² = 2.778 + 0.111 + 1.778 = 4.667, slope 113.57: 340 + 113.57 × 6.333 = 1059.3 → 1059.
    # Pace: (500 − 0) / 4 = 125 a year; 500 + 125 × 5 = 1125.
    offered, found = proposed(spec("—", "500"), figures(150, None, 380, 490))
    assert offered == {Rule.TREND: "1059", Rule.PACE: "1125"}
    assert "3" in found[0].words


@pytest.mark.parametrize("baseline", ["0", "—", "/"])
def test_average_growth_is_not_offered_from_0_or_a_dash_and_says_why(baseline):
    _offered, found = proposed(spec(baseline, "5"), figures(1, 2, 3, 4))
    assert found[1].values is None and found[1].text == ""
    assert "0" in found[1].words and "“—”" in found[1].words
    assert found[0].offered and found[2].offered


def test_a_slash_row_with_nothing_to_compute_from_is_left_to_the_administrator():
    offered, found = proposed(spec("—", "/"), {})
    assert offered == {} and all(p.words for p in found)
    offered, _found = proposed(spec("—", "以实际业务开展为准"), figures(5))
    assert offered == {}  # one year is no trend, “—” no growth, no number no pace


def test_a_slash_row_with_figures_still_gets_its_trend():
    # 知识产权纠纷诉前调解: target “/”; 5, 8, 12, 10: ȳ = 8.75, Σ = 1.5·3.75 + 0.5·0.75 + 0.5·3.25 + 1.5·1.25 = 9.5,
    # slope 1.9: 8.75 + 1.9 × 6.5 = 21.1 → 21.
    offered, _found = proposed(spec("—", "/"), figures(5, 8, 12, 10))
    assert offered == {Rule.TREND: "21"}


def test_the_rules_read_in_chinese_in_the_worksheets_language():
    with translation.override("zh-hans"):
        _offered, found = proposed(spec("3", "6"), figures(4, 5, 6, 7))
        assert "最小二乘" in found[0].words and "年均增长率" in found[1].words and "原方案" in found[2].words
        assert "原方案" in str(NO_PROPOSAL)


# ---- the page and its save -------------------------------------------------------------------------


@pytest.fixture
def administrator(demo):
    return account("admin")


def account(username):
    return User.objects.get(username=username)  # the demo's accounts


@pytest.fixture
def next_plan(demo, administrator):
    return plans.rollover(administrator, demo, code=NEXT, title="知识产权强市建设工作方案（2026-2030年）", first_year=2026, last_year=2030)


def url(plan):
    return f"/admin/indicators/plan/{plan.pk}/targets/"


def row(plan, order):
    return Indicator.objects.get(plan=plan, order=order)


def test_the_targets_page_and_worksheet_are_for_administrators_only(client, next_plan, demo):
    assert client.get(url(next_plan)).status_code == 302  # to the log-in
    for username in ("leader", "reviewer", "staff-czj"):
        client.force_login(account(username))
        assert client.get(url(next_plan)).status_code == 403
        assert client.post(url(next_plan), {f"t{row(next_plan, 1).pk}": "9"}).status_code == 403
        assert client.get(f"/plans/{next_plan.pk}/targets.xlsx").status_code == 404  # a plan being set up is theirs
        assert client.get(f"/plans/{demo.pk}/targets.xlsx").status_code == 403
    assert row(next_plan, 1).target_printed == "/"
    client.force_login(account("admin"))
    assert client.get("/admin/indicators/plan/999999/targets/").status_code == 404
    assert client.get("/plans/999999/targets.xlsx").status_code == 404


def test_one_save_sets_every_chosen_row_or_none(client, next_plan, administrator):
    first, rate, pair, slash = (row(next_plan, order) for order in (1, 2, 19, 3))
    client.force_login(administrator)
    refused = client.post(url(next_plan), {f"t{first.pk}": "12", f"t{rate.pk}": "96.93%", f"t{pair.pk}": "9190", f"t{slash.pk}": "/"})
    assert refused.status_code == 200
    assert "成对指标须填写" in refused.content.decode() or "amount/count" in refused.content.decode()
    assert [r.errors != [] for r in refused.context["rows"] if r.indicator.pk in (first.pk, pair.pk)] == [False, True]
    assert 'value="12"' in refused.content.decode()  # what was typed is kept
    assert Indicator.objects.filter(plan=next_plan, target_pending=False).count() == 0  # nothing saved

    saved = client.post(url(next_plan), {f"t{first.pk}": "12", f"t{rate.pk}": "96.93%", f"t{pair.pk}": "9190/20",
                                         f"t{slash.pk}": "/", f"t{row(next_plan, 4).pk}": ""})
    assert saved.status_code == 302
    targets = dict(Indicator.objects.filter(plan=next_plan, target_pending=False).values_list("order", "target_printed"))
    assert targets == {1: "12", 2: "96.93%", 19: "9190/20", 3: "/"}  # row 4, left blank, is still to be set
    record = first.history.latest()
    assert record.history_user == administrator and record.history_change_reason == "target set"
    assert slash.history.latest().history_change_reason == "“/” confirmed"
    shown = {r.indicator.order: r for r in client.get(url(next_plan)).context["rows"]}
    assert shown[1].path == [(2026, "8起"), (2027, "9起"), (2028, "10起"), (2029, "11起"), (2030, "12起")]  # 7 → 12, whole, never above the line
    assert shown[3].path == [] and shown[4].path == []  # “/”: no yearly path to show


def test_a_target_longer_than_its_field_is_refused_with_a_message_and_nothing_is_saved(client, next_plan, administrator):
    client.force_login(administrator)
    refused = client.post(url(next_plan), {f"t{row(next_plan, 1).pk}": "0" * 70 + "1", f"t{row(next_plan, 3).pk}": "/"})
    assert refused.status_code == 200 and "64" in refused.content.decode()  # never cut short, nor a database error
    assert not Indicator.objects.filter(plan=next_plan, target_pending=False).exists()


def test_a_plan_in_force_keeps_its_targets(client, next_plan, administrator):
    next_plan.status = PlanStatus.ACTIVE
    next_plan.save()
    client.force_login(administrator)
    page = client.post(url(next_plan), {f"t{row(next_plan, 1).pk}": "12"}, follow=True)
    assert [message.level_tag for message in page.context["messages"]] == ["error"] and row(next_plan, 1).target_printed == "/"
    assert 'name="t' not in page.content.decode()  # nothing to type into


def test_the_indicator_form_and_the_refused_publish_lead_to_the_proposals(client, next_plan, administrator):
    client.force_login(administrator)
    form = client.get(f"/admin/indicators/indicator/{row(next_plan, 19).pk}/change/").content.decode()
    assert 'id="target-proposals"' in form and 'data-fill="id_target_printed" data-untick="id_target_pending" data-value="9190/20"' in form
    assert "2868/2" in form and "5600/10" in form
    publish = client.get(f"/admin/indicators/plan/{next_plan.pk}/publish/").content.decode()
    assert f'href="{url(next_plan)}"' in publish


def test_a_row_with_nothing_to_compute_from_is_left_to_the_administrator_in_words(client, next_plan, demo, administrator):
    Actual.objects.filter(indicator__plan=demo, indicator__order=3).delete()  # target “/” and now no figure
    client.force_login(administrator)
    rows = {r.indicator.order: r for r in client.get(url(next_plan)).context["rows"]}
    assert rows[3].offered == [] and rows[1].offered != []
    page = client.get(url(next_plan)).content.decode()
    section = page[page.index(f'id="row-{rows[3].indicator.pk}"'):page.index(f'id="row-{rows[4].indicator.pk}"')]
    assert "此项目标由管理员确定" in section and 'data-rule=' not in section and 'data-value="/"' in section


@pytest.mark.parametrize("factor", [1, 10])
def test_the_targets_page_costs_the_same_queries_whatever_the_plans_size(client, demo, administrator, django_assert_max_num_queries, factor):
    plan = demo
    grow_plan(plan, factor)
    new = plans.rollover(administrator, plan, code=NEXT, title="下一期", first_year=2026, last_year=2030)
    client.force_login(administrator)
    with django_assert_max_num_queries(14):
        page = client.get(url(new))
    assert len(page.context["rows"]) == min(29 * factor, 50)  # 50 rows a page, as the department table
    shown = []
    for number in range(1, (29 * factor + 49) // 50 + 1):
        with django_assert_max_num_queries(14):
            shown += [row.indicator.pk for row in client.get(url(new), {"page": number}).context["rows"]]
    assert sorted(shown) == sorted(new.indicators.values_list("pk", flat=True))  # every row on exactly one page


def test_a_save_on_a_later_page_sets_its_rows_and_comes_back_to_that_page(client, demo, administrator):
    grow_plan(demo, 2)
    new = plans.rollover(administrator, demo, code=NEXT, title="下一期", first_year=2026, last_year=2030)
    client.force_login(administrator)
    rows = client.get(url(new), {"page": 2}).context["rows"]
    assert [r.indicator.order for r in rows] == list(range(51, 59))
    saved = client.post(url(new) + "?page=2", {f"t{rows[0].indicator.pk}": "/"})
    assert saved.status_code == 302 and saved["Location"].endswith("?page=2")
    assert Indicator.objects.get(pk=rows[0].indicator.pk).target_pending is False
    assert client.get(url(new)).context["pending"] == 57


# ---- the 目标测算表 ---------------------------------------------------------------------------------


def test_the_worksheet_carries_the_history_the_proposals_and_an_empty_column_for_the_meeting(next_plan, tmp_path):
    output = tmp_path / "目标测算表.xlsx"
    call_command("export_target_proposals", NEXT, "--output", str(output), verbosity=0)
    ws = load_workbook(io.BytesIO(output.read_bytes()))["目标测算"]
    title = ws["A1"].value
    assert NEXT in title and "柳高新〔2022〕2号" in title and "A1:" in str(ws.merged_cells)
    headers = [cell.value for cell in ws[3]]
    assert headers[:4] == ["序号", "指标内容", "牵头部门", "2021年基础值"] and headers[-1] == "会议意见"
    assert {"2025年", "终期值", "评估结论", "趋势外推", "年均增长", "原目标进度", "测算说明"} <= set(headers)
    lines = {r[1]: dict(zip(headers, r)) for r in ws.iter_rows(min_row=4, values_only=True)}
    assert len(lines) == 29
    pledge = lines["专利质押融资金额（万元）/笔"]
    assert (pledge["2021年基础值"], pledge["2025年"], pledge["趋势外推"], pledge["原目标进度"]) == ("2868/2", "5600/10（待审核）", "9190/20", "9915/20")
    assert "最小二乘" in pledge["测算说明"] and pledge["会议意见"] is None and pledge["评估结论"] == "未完成"
    assert lines["查处假冒知识产权行政案件（起）"]["趋势外推"] == 12  # a number, not text
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1 and ws.print_title_rows == "$3:$3"
    assert all(cell.style.startswith("ipzone ") for cell in ws[4])  # named styles, assigned by name


def test_the_command_refuses_an_unknown_plan(db, tmp_path):
    with pytest.raises(Exception, match="No plan"):
        call_command("export_target_proposals", "不存在", "--output", str(tmp_path / "x.xlsx"))


def test_the_worksheet_download_is_named_in_chinese(client, next_plan, administrator):
    client.force_login(administrator)
    response = client.get(f"/plans/{next_plan.pk}/targets.xlsx")
    assert response.status_code == 200
    assert re.search(r"filename\*=UTF-8''%E7%9B%AE%E6%A0%87%E6%B5%8B%E7%AE%97%E8%A1%A8", response["Content-Disposition"])

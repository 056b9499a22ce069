"""The assessment workbook: reopened with openpyxl and checked cell by cell."""

import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from django.utils import translation

from indicators import formatting, plans
from indicators.downloads import content_disposition
from indicators.excel import AssessmentWorkbook
from indicators.excel.assessment import MAIN_SHEET, SUMMARY_SHEET
from indicators.excel.final_sheet import FINAL_SHEET
from indicators.excel.styles import sheet_title
from indicators.final_assessment import final_assessment
from indicators.models import Actual, ActualStatus, Department, Indicator, Plan
from indicators.progress import STATUS_COLOURS, Status
from indicators.rows import build_rows
from indicators.verdicts import VERDICT_ORDER
from tests.figures import EXPECTED_IN_WORKBOOK_2024, make_figures, put_forward
from tests.test_plan_fixture import ROWS

HEADERS = [
    "序号", "主要任务序号", "指标内容", "2021年基础值", "2022年", "2023年", "2024年", "2025年",
    "2024年目标", "2025年目标值", "年度完成率", "目标完成率", "进度状态", "责任部门", "情况说明",
]
HEADER_ROW, FIRST = 3, 4
COL = {name: index for index, name in enumerate(HEADERS, start=1)}
LEAD_SHEETS = ["柳州市市场监督管理局柳东新区分局", "工业和信息化局", "战略和经济发展局", "财政局", "法规处"]


def open_book(data):
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.fixture
def figures(plan):
    return put_forward(make_figures(plan))


@pytest.fixture
def book(plan, figures, leader):
    return open_book(AssessmentWorkbook(plan, 2024, leader).render())


@pytest.fixture
def main(book):
    return book[MAIN_SHEET]


def row_of(ws, order):
    return FIRST + order - 1


def value(ws, order, header):
    return ws.cell(row=row_of(ws, order), column=COL[header]).value


def test_the_main_sheet_has_a_title_naming_the_plan_and_year_on_two_lines_then_the_fifteen_columns(main, plan):
    heading, what = main["A1"].value.split("\n")  # broken where it reads well, never mid-phrase
    assert heading == f"{plan.code}《{plan.title}》" and what == "量化指标完成情况（截至2024年）"
    assert main.row_dimensions[1].height >= 2 * 14  # two lines of 14-pt text
    assert [c.value for c in main[HEADER_ROW]] == HEADERS
    assert main.max_column == 15
    assert "A1:O1" in {str(r) for r in main.merged_cells.ranges}


def test_indicators_are_numbered_1_to_29_and_that_years_target_stands_beside_the_final_one(main):
    assert [value(main, order, "序号") for order in range(1, 30)] == list(range(1, 30))
    assert value(main, 1, "2024年目标") == "5" and value(main, 19, "2024年目标") == "5217/8"
    assert value(main, 2, "2024年目标") == "95.82%"  # a rate's target keeps its %, as its figures do
    assert value(main, 3, "2024年目标") == "/"


def test_all_29_rows_match_the_plans_table_in_order(main):
    for order, _task, name, baseline, target, *_numbers, departments, _measure, _basis in ROWS:
        r = row_of(main, order)
        assert main.cell(row=r, column=COL["序号"]).value == order
        assert main.cell(row=r, column=COL["指标内容"]).value == name
        assert main.cell(row=r, column=COL["2021年基础值"]).value == baseline
        assert main.cell(row=r, column=COL["2025年目标值"]).value == target
        assert main.cell(row=r, column=COL["责任部门"]).value == "、".join(departments)
    # the printed markers survive as text, exactly
    assert value(main, 3, "2021年基础值") == "—"
    assert value(main, 3, "2025年目标值") == "/"
    assert value(main, 19, "2021年基础值") == "2868/2"
    assert value(main, 2, "2021年基础值") == "95.26%"
    assert value(main, 21, "2025年目标值") == "以实际业务开展为准"


def test_task_numbers_are_merged_down_their_group(main):
    merged = {str(r) for r in main.merged_cells.ranges}
    tasks = {}
    for order, task, *_rest in ROWS:
        tasks.setdefault(task, []).append(order)
    for task, orders in tasks.items():
        first, last = row_of(main, orders[0]), row_of(main, orders[-1])
        assert main.cell(row=first, column=COL["主要任务序号"]).value == task
        if len(orders) > 1:
            assert f"B{first}:B{last}" in merged
            assert main.cell(row=last, column=COL["主要任务序号"]).border.bottom.style == "thin"  # the merged cell keeps its grid
        else:
            assert not any(m.startswith(f"B{first}:") for m in merged)
    assert "B16:B19" in merged  # task 7: rows 13–16 of the table


def test_year_columns_hold_numbers_pairs_and_未开展_and_nothing_after_the_as_of_year(main):
    assert value(main, 1, "2022年") == 4 and value(main, 1, "2023年") == 5
    assert value(main, 1, "2025年") is None  # entered for 2025, but the workbook is as of 2024
    assert value(main, 19, "2022年") == "3500/4"
    assert value(main, 20, "2024年") == "未开展"
    assert value(main, 2, "2024年") == 95.5
    assert main.cell(row=row_of(main, 2), column=COL["2024年"]).number_format == 'General"%"'
    assert value(main, 5, "2024年") is None  # not reported is blank, never 0


def test_unapproved_values_are_marked_待审核(main):
    pending_number = main.cell(row=row_of(main, 1), column=COL["2024年"])
    assert pending_number.value == 6  # still a number…
    assert pending_number.number_format == 'General"（待审核）"'  # …shown as 6（待审核）
    assert value(main, 19, "2024年") == "5000/8（待审核）"  # submitted pair
    assert value(main, 21, "2024年") is None  # a draft is not in the meeting's workbook
    approved = main.cell(row=row_of(main, 1), column=COL["2023年"])
    assert approved.number_format == "General"
    assert "待审核" in main["A2"].value  # the info line explains the mark


def test_completion_is_a_percentage_number_against_the_year_and_the_final_target(main):
    cell = main.cell(row=row_of(main, 26), column=COL["目标完成率"])
    assert cell.value == 0.818  # (28 − 19) / (30 − 19), the way from baseline to target, rounded once as formatting.percent does
    assert cell.number_format == "0.0%"
    assert cell.data_type == "n"
    year = main.cell(row=row_of(main, 26), column=COL["年度完成率"])
    assert year.value is not None and year.value >= cell.value and year.number_format == "0.0%"
    assert value(main, 3, "目标完成率") is None and value(main, 3, "年度完成率") is None  # no numeric target


def test_a_pair_shows_the_completion_of_both_parts(main):
    assert re.fullmatch(r"(\d+\.\d%|—)/(\d+\.\d%|—)", value(main, 19, "目标完成率"))


def test_the_info_line_states_each_formula(main):
    info = main["A2"].value
    assert "年度完成率 =（实际值 − 基期值）÷（当年目标值 − 基期值）" in info
    assert "目标完成率 =（实际值 − 基期值）÷（2025年目标值 − 基期值）" in info


def test_status_words_are_chinese_and_filled_with_the_status_colours(main):
    words = {row_of(main, order): word for order, word in EXPECTED_IN_WORKBOOK_2024.items()}
    for r, word in words.items():
        assert main.cell(row=r, column=COL["进度状态"]).value == word
    assert value(main, 5, "进度状态") == "未填报"
    behind = main.cell(row=row_of(main, 2), column=COL["进度状态"])
    assert behind.fill.fgColor.rgb[-6:] == STATUS_COLOURS[Status.BEHIND].lstrip("#")
    achieved = main.cell(row=row_of(main, 1), column=COL["进度状态"])
    assert achieved.fill.fgColor.rgb[-6:] == STATUS_COLOURS[Status.ACHIEVED].lstrip("#")


def test_notes_are_the_as_of_years_情况说明(main):
    assert value(main, 20, "情况说明") == "当年未开展商标质押业务"


def test_the_footnotes_注1_to_3_are_under_the_table(main, plan):
    after = row_of(main, 29) + 2
    notes = [main.cell(row=after + i, column=1).value for i in range(3)]
    assert notes[0] == "注：" + plan.footnotes[0]
    for note, footnote in zip(notes, plan.footnotes, strict=True):
        assert note.endswith(footnote)
    assert f"A{after}:O{after}" in {str(r) for r in main.merged_cells.ranges}


def test_print_setup_is_a4_landscape_one_page_wide_with_header_rows_repeated(book):
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert ws.print_title_rows == "$3:$3"
    assert book[MAIN_SHEET].freeze_panes == "D4"


def test_columns_are_wide_enough_for_chinese_and_text_wraps_and_rows_are_at_least_two_lines(main):
    assert main.column_dimensions["C"].width >= 16
    assert main.column_dimensions["N"].width >= 14  # 责任部门
    cell = main.cell(row=row_of(main, 28), column=COL["责任部门"])
    assert cell.alignment.wrap_text
    assert cell.border.left.style == "thin"
    # ten departments need several lines: the row was made tall enough to show them
    assert main.row_dimensions[row_of(main, 28)].height > main.row_dimensions[row_of(main, 27)].height
    # no row is squashed beside its neighbours: one line of text still gets two lines' height
    assert min(main.row_dimensions[row_of(main, order)].height for order in range(1, 30)) == 2 * 13.5 + 3


def test_formula_looking_notes_are_stored_as_text(plan, figures, leader):
    made = figures
    for (order, year), note in {(2, 2024): "-2", (7, 2024): "=1+1", (9, 2024): "@SUM(A1)", (19, 2024): "+3"}.items():
        assert made[(order, year)].note == note
    main = open_book(AssessmentWorkbook(plan, 2024, leader).render())[MAIN_SHEET]
    for order, note in {2: "-2", 7: "=1+1", 9: "@SUM(A1)", 19: "+3"}.items():
        cell = main.cell(row=row_of(main, order), column=COL["情况说明"])
        assert cell.value == note
        assert cell.data_type == "s"
        assert cell.quotePrefix


def test_control_characters_in_a_note_do_not_break_the_workbook(plan, leader):
    indicator = Indicator.objects.get(plan=plan, order=5)
    Actual.objects.create(indicator=indicator, year=2024, value=Decimal(3), note="换行\n可以\x07，响铃不行", status=ActualStatus.SUBMITTED)
    main = open_book(AssessmentWorkbook(plan, 2024, leader).render())[MAIN_SHEET]
    assert value(main, 5, "情况说明") == "换行\n可以，响铃不行"


def test_one_sheet_per_lead_department_and_the_summary(book):
    assert book.sheetnames == [MAIN_SHEET, *LEAD_SHEETS, SUMMARY_SHEET]
    czj = book["财政局"]
    names = [czj.cell(row=r, column=COL["指标内容"]).value for r in range(FIRST, FIRST + 4)]
    assert names == [row[2] for row in ROWS if row[0] in (19, 20, 21, 22)]
    assert czj.cell(row=FIRST + 4, column=COL["指标内容"]).value is None
    assert [czj.cell(row=r, column=1).value for r in range(FIRST, FIRST + 4)] == [19, 20, 21, 22]  # numbered as in the plan
    assert czj["A1"].value.split("\n")[1] == "财政局牵头指标完成情况（截至2024年）"
    assert czj.freeze_panes == "D4"


def test_the_summary_counts_statuses_and_reporting_per_department(book):
    ws = book[SUMMARY_SHEET]
    headers = [c.value for c in ws[HEADER_ROW]]
    assert headers[:9] == ["部门", "牵头指标数", "未填报", "倒退", "滞后", "需加快", "正常", "已达标", "不考核"]
    assert headers[9:13] == ["已填报", "已提交（含已审核）", "已审核", "逾期未提交"]
    lines = {ws.cell(row=r, column=1).value: [c.value for c in ws[r]] for r in range(FIRST, ws.max_row + 1)}
    # 财政局 leads 19–22: 需加快 (19, submitted), 不考核 (20, approved), 未填报 (21 is a draft, 22);
    # reported 2, submitted 2, approved 1, overdue 2
    assert lines["财政局"][1:13] == [4, 2, 0, 0, 1, 0, 0, 1, 2, 2, 1, 2]
    assert lines["合计"][1] == 29
    assert sum(lines["合计"][2:9]) == 29
    assert ws.cell(row=HEADER_ROW, column=5).fill.fgColor.rgb[-6:] == STATUS_COLOURS[Status.BEHIND].lstrip("#")


def test_a_reporter_gets_only_their_departments_sheet(plan, figures, reporter):
    workbook = AssessmentWorkbook(plan, 2024, reporter)
    assert workbook.filename == "量化指标完成情况_2024年_财政局.xlsx"
    book = open_book(workbook.render())
    assert book.sheetnames == ["财政局"]
    ws = book["财政局"]
    texts = {str(c.value) for row in ws.iter_rows() for c in row if c.value is not None}
    assert "专利质押融资金额（万元）/笔" in texts
    assert "查处假冒知识产权行政案件（起）" not in texts
    assert ws.cell(row=FIRST, column=COL["2024年"]).value == "5000/8（待审核）"  # their own submitted figure


def test_the_workbook_shows_no_drafts_not_even_to_the_department_that_drafted_them(plan, figures, reporter):
    # 财政局 leads rows 19–22; row 21's 2024 figure is still its draft
    ws = open_book(AssessmentWorkbook(plan, 2024, reporter).render())["财政局"]
    assert ws.cell(row=FIRST + 2, column=COL["指标内容"]).value == "其他知识产权质押融资金额（万元）/件"
    assert ws.cell(row=FIRST + 2, column=COL["2024年"]).value is None
    assert ws.cell(row=FIRST + 2, column=COL["进度状态"]).value == "未填报"


def test_the_workbook_costs_the_same_queries_however_many_indicators(plan, figures, leader, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        AssessmentWorkbook(plan, 2024, leader).render()
    czj = Department.objects.get(code="czj")
    Indicator.objects.bulk_create(
        Indicator(plan=plan, order=100 + n, task_number=17 + n // 3, name=f"新增指标{n}", unit="件",
                  baseline_printed="1", target_printed="9", lead_department=czj)
        for n in range(60)
    )
    leader = type(leader).objects.get(pk=leader.pk)
    with CaptureQueriesContext(connection) as large:
        data = AssessmentWorkbook(plan, 2024, leader).render()
    assert len(large.captured_queries) == len(small.captured_queries) <= 10
    assert open_book(data)[MAIN_SHEET].cell(row=FIRST + 88, column=COL["指标内容"]).value == "新增指标59"


def test_a_2026_2030_plan_gets_its_own_year_columns(plan, leader, make_user):
    later = Plan.objects.create(organisation=plan.organisation, code="柳高新〔2026〕1号", title="下一期方案", issuer="管委会", issue_date=date(2026, 3, 1),
                                baseline_year=2025, first_year=2026, last_year=2030, footnotes=["1. 说明。"])
    Indicator.objects.create(plan=later, order=1, task_number=1, name="新指标（件）", unit="件", baseline_printed="—",
                             target_printed="10", lead_department=Department.objects.get(code="scjg"))
    ws = open_book(AssessmentWorkbook(later, 2027, leader).render())[MAIN_SHEET]
    assert [c.value for c in ws[HEADER_ROW]] == [
        "序号", "主要任务序号", "指标内容", "2025年基础值", "2026年", "2027年", "2028年", "2029年", "2030年",
        "2027年目标", "2030年目标值", "年度完成率", "目标完成率", "进度状态", "责任部门", "情况说明",
    ]
    assert ws.cell(row=FIRST, column=COL["指标内容"]).value == "新指标（件）"
    assert ws.cell(row=FIRST + 2, column=1).value == "注：1. 说明。"
    assert ws.print_title_rows == "$3:$3"


def test_sheet_names_are_valid_unique_and_at_most_31_characters():
    taken = {"量化指标完成情况"}
    long = "很长的部门名称" * 6
    first, second = sheet_title(long, taken), sheet_title(long, taken)
    assert len(first) == 31 and len(second) <= 31 and first != second
    assert sheet_title("a/b:c*d?[e]", taken) == "a_b_c_d__e_"
    assert sheet_title("量化指标完成情况", taken) == "量化指标完成情况(2)"


# -- the download -----------------------------------------------------------------------------------
def download(client, url):
    response = client.get(url)
    return response, b"".join(response.streaming_content) if response.status_code == 200 else b""


def test_leaders_download_the_whole_workbook_with_a_chinese_file_name(client, plan, figures, leader):
    client.force_login(leader)
    response, data = download(client, reverse("export_xlsx", args=[2024]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert 'filename="assessment_2024.xlsx"' in disposition  # ASCII fallback for old clients
    assert "filename*=UTF-8''%E9%87%8F%E5%8C%96%E6%8C%87%E6%A0%87%E5%AE%8C%E6%88%90%E6%83%85%E5%86%B5_2024%E5%B9%B4.xlsx" in disposition
    assert "no-store" in response["Cache-Control"]
    assert open_book(data).sheetnames[0] == MAIN_SHEET


def test_reviewers_and_administrators_get_the_whole_workbook_too(client, plan, reviewer, administrator):
    for user in (reviewer, administrator):
        client.force_login(user)
        _response, data = download(client, f"/export/2024.xlsx?plan={plan.pk}")
        assert SUMMARY_SHEET in open_book(data).sheetnames


def test_a_reporter_downloads_only_their_department(client, plan, figures, reporter):
    client.force_login(reporter)
    response, data = download(client, "/export/2024.xlsx")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert 'filename="assessment_2024_czj.xlsx"' in response["Content-Disposition"]
    assert open_book(data).sheetnames == ["财政局"]


def test_anonymous_visitors_are_sent_to_the_login_page(client, plan):
    response = client.get("/export/2024.xlsx")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/export/2024.xlsx")


@pytest.mark.parametrize(
    "url, status",
    [
        ("/export/2019.xlsx", 404),
        ("/export/2026.xlsx", 404),
        ("/export/99999999999999999999999.xlsx", 404),
        ("/export/abc.xlsx", 404),
        ("/export/2024.xlsx?plan=abc", 404),
        ("/export/2024.xlsx?plan=99999999999999999999999", 404),
        ("/export/2024.xlsx?plan=999", 404),
    ],
)
def test_a_year_outside_the_plan_or_a_bad_plan_is_a_clear_error_never_a_500(client, plan, leader, url, status):
    client.force_login(leader)
    assert client.get(url).status_code == status


def test_a_user_with_no_role_may_not_export(client, plan, make_user):
    client.force_login(make_user("nobody"))
    assert client.get("/export/2024.xlsx").status_code == 403


def test_content_disposition_escapes_what_a_header_cannot_hold():
    header = content_disposition('a"b\r\n.xlsx', 'a"b\r\n.xlsx')
    assert "\r" not in header and "\n" not in header
    assert header == "attachment; filename=\"a_b__.xlsx\"; filename*=UTF-8''a%22b%0D%0A.xlsx"


# -- the command ------------------------------------------------------------------------------------
def test_the_export_xlsx_command_writes_the_workbook(plan, figures, tmp_path):
    output = tmp_path / "量化指标完成情况_2024年.xlsx"
    call_command("export_xlsx", "--year", "2024", "--output", str(output), "--plan", plan.code, stdout=io.StringIO())
    book = openpyxl.load_workbook(output)
    assert book.sheetnames[0] == MAIN_SHEET and SUMMARY_SHEET in book.sheetnames
    assert book[MAIN_SHEET].cell(row=row_of(book[MAIN_SHEET], 1), column=COL["2024年"]).value == 6


def test_the_export_xlsx_command_refuses_a_year_outside_the_plan(plan, tmp_path):
    with pytest.raises(CommandError, match="2030"):
        call_command("export_xlsx", "--year", "2030", "--output", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="No plan"):
        call_command("export_xlsx", "--year", "2024", "--output", str(tmp_path / "x.xlsx"), "--plan", "nope")


# ---- the plan's last year: the sheet 终期评估 (the final-assessment page's rows) ----


@pytest.fixture
def last_year(plan, figures):
    indicators = {i.order: i for i in Indicator.objects.filter(plan=plan)}
    Actual.objects.filter(indicator=indicators[1], year=2025).update(status=ActualStatus.APPROVED)  # 7: 已完成
    Actual.objects.create(indicator=indicators[9], year=2025, value=Decimal(12), status=ActualStatus.SUBMITTED)  # 未完成
    Actual.objects.create(indicator=indicators[15], year=2025, value=Decimal(470), status=ActualStatus.APPROVED)  # 基本完成
    Actual.objects.create(indicator=indicators[13], year=2025, value=Decimal(5), status=ActualStatus.DRAFT)  # never shown
    return indicators


FINAL_HEADERS = [
    "序号", "指标内容", "牵头部门", "2021年基础值", "2022年", "2023年", "2024年", "2025年",
    "终期值", "方案期累计", "2025年目标值", "目标完成率", "评估结论",
]  # fmt: skip


EXPORTED = datetime(2026, 1, 15, 2, 30, tzinfo=UTC)  # 10:30 in Shanghai


def test_the_last_years_workbook_ends_with_the_final_assessment_sheet(plan, last_year, leader):
    book = open_book(AssessmentWorkbook(plan, 2025, leader, now=EXPORTED).render())
    assert book.sheetnames == [MAIN_SHEET, *LEAD_SHEETS, SUMMARY_SHEET, FINAL_SHEET]
    ws = book[FINAL_SHEET]
    assert [c.value for c in ws[HEADER_ROW]] == FINAL_HEADERS
    heading, what = ws["A1"].value.split("\n")
    assert plan.code in heading and what == "量化指标终期评估（预评估，截至2026年1月15日）"  # when the figures were read
    assert "预评估" in ws["A2"].value and ws.freeze_panes == "C4"


def test_the_final_sheet_has_the_pages_rows_and_counts(plan, last_year, leader):
    ws = open_book(AssessmentWorkbook(plan, 2025, leader).render())[FINAL_SHEET]
    assessment = final_assessment(plan)  # what the page shows
    with translation.override("zh-hans"):
        words = {verdict: str(verdict.label) for verdict in VERDICT_ORDER}
    lines = {ws.cell(row=r, column=1).value: [c.value for c in ws[r]] for r in range(FIRST, FIRST + 29)}
    assert [lines[item.indicator.order][12] for item in assessment.rows] == [words[item.verdict.verdict] for item in assessment.rows]
    assert lines[1][3:12] == ["3", 4, 5, 6, 7, 7, 22, "6", 1.333]  # 目标完成率 rounded once, as formatting.percent
    assert lines[9][12] == "未完成" and lines[9][7] == 12 and "（待审核）" in ws.cell(row=FIRST + 8, column=8).number_format
    assert lines[13][7] is None and lines[13][8] == "未填报"  # the draft is not there
    assert lines[15][9] is None  # a stock has no plan-period total
    assert lines[19][8:12] == ["未填报", "12500/17", "6000/10", None]  # a pair without its 2025 figure; the total of 2022–2024
    assert lines[2][6] == 95.5 and ws.cell(row=FIRST + 1, column=7).number_format == 'General"%"'  # a rate keeps its %…
    assert lines[2][10] == "96%"  # …its target too
    fills = {order: ws.cell(row=FIRST + order - 1, column=13).fill.fgColor.rgb[-6:] for order in (1, 13)}
    assert fills == {1: STATUS_COLOURS[Status.ACHIEVED].lstrip("#"), 13: STATUS_COLOURS[Status.MISSING].lstrip("#")}
    summary = {ws.cell(row=r, column=3).value: [c.value for c in ws[r]][3:10] for r in range(FIRST + 30, ws.max_row + 1)}
    total = assessment.summary
    assert summary["合计"] == [*(total.counts[v] for v in VERDICT_ORDER), 29, float(formatting.rounded(total.share, Decimal("0.001")))]
    for entry in assessment.departments:
        assert summary[entry.department.name][:6] == [*(entry.summary.counts[v] for v in VERDICT_ORDER), entry.summary.total]


def test_the_final_sheet_says_预评估_until_the_plan_is_closed(plan, last_year, leader, administrator):
    Actual.objects.filter(indicator__plan=plan, status=ActualStatus.SUBMITTED).update(status=ActualStatus.APPROVED)
    plan = plans.close(administrator, plan, "")
    ws = open_book(AssessmentWorkbook(plan, 2025, leader, now=EXPORTED).render())[FINAL_SHEET]
    assert ws["A1"].value.endswith("量化指标终期评估（截至2026年1月15日）") and "预评估" not in ws["A1"].value + ws["A2"].value


def test_a_reporters_last_year_workbook_is_still_their_department_only(plan, last_year, reporter):
    assert open_book(AssessmentWorkbook(plan, 2025, reporter).render()).sheetnames == ["财政局"]


# ---- one truth per fact ---------------------------------------------------------------------------


def shown(cell) -> str:
    """What a completion cell shows: its text, or its number through ``0.0%`` (Excel prints the stored value)."""
    if cell.value is None or isinstance(cell.value, str):
        return cell.value or ""
    assert cell.number_format == "0.0%"
    return f"{Decimal(str(cell.value)) * 100:.1f}%"


def test_every_percentage_in_the_workbook_is_formatting_percent_of_the_rows(demo):
    """年度完成率 and 目标完成率 of each indicator are what ``formatting.percent`` writes for its row (demo data)."""
    main = open_book(AssessmentWorkbook(demo, 2024).render())[MAIN_SHEET]
    rows = build_rows(demo, 2024, Actual.objects.published())
    assert len(rows) == 29
    for row in rows:
        for header, name in (("年度完成率", "year_completion"), ("目标完成率", "completion")):
            fractions = [getattr(part, name) for part in row.assessment.parts]
            expected = "" if all(f is None for f in fractions) else formatting.percents(fractions)
            assert shown(main.cell(row=row_of(main, row.indicator.order), column=COL[header])) == expected, (row, header)


def workbook_texts(book) -> str:
    return "\n".join(f"{cell.value}|{cell.number_format}" for ws in book.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None)


def test_a_closed_plans_workbook_says_已收官_and_asks_for_nothing(plan, last_year, leader, administrator):
    Actual.objects.filter(indicator__plan=plan, status=ActualStatus.SUBMITTED).update(status=ActualStatus.APPROVED)
    plan = plans.close(administrator, plan, "")
    for year in (2024, 2025):
        book = open_book(AssessmentWorkbook(plan, year, leader).render())
        texts = workbook_texts(book)
        assert "已收官" in texts
        for word in ("逾期", "补报", "截止", "尽快", "待审核"):
            assert word not in texts, (year, word)
        assert [c.value for c in book[SUMMARY_SHEET][HEADER_ROW]][-3:] == ["已填报", "已提交（含已审核）", "已审核"]

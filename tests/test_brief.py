"""The supervision brief (督查通报): opened with python-docx and read section by section."""

import io
import re
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from docx import Document
from docx.oxml.ns import qn

from indicators import formatting, plans
from indicators.brief import BriefRefused, SupervisionBrief
from indicators.brief.gongwen import FACES, chinese_number
from indicators.excel.assessment import IndicatorTable
from indicators.verdicts import final_verdict, summarise
from indicators.models import Actual, ActualStatus, Indicator, PlanStatus
from indicators.progress import OFF_TRACK, Status
from indicators.rows import build_rows, department_summary, status_counts
from indicators.text import clean_text
from tests.conftest import login

A, S, D, R = ActualStatus.APPROVED, ActualStatus.SUBMITTED, ActualStatus.DRAFT, ActualStatus.RETURNED
AFTER_DEADLINE = date(2025, 3, 1)  # the 2024 figures were due on 31 January 2025
AFTER_PLAN = date(2026, 3, 1)  # the plan's last year, 2025, is over
DRAFT_NOTE = "内部草稿勿外传"

# order, year, value, count, state, note.  As of 2024, seen without drafts: 1 已达标, 2 滞后 (待审核),
# 7 倒退, 11 滞后, 19 滞后 (a pair: the amount needs acceleration, the count is behind), 20 不考核
# (未开展), 23 正常 (cumulative), 26 正常; 9, 10 and 13 are draft or returned, so 未填报.
FIGURES = [
    (1, 2023, "5", None, A, ""),
    (1, 2024, "6", None, A, ""),
    (2, 2024, "95.5", None, S, "人员调整，撤回进度放缓。"),
    (7, 2024, "1", None, A, "两家托管企业迁出园区"),
    (9, 2024, "8", None, D, DRAFT_NOTE),
    (10, 2024, "3", None, R, DRAFT_NOTE),
    (11, 2023, "14", None, A, ""),
    (11, 2024, "12", None, A, ""),
    (13, 2024, "777", None, D, DRAFT_NOTE),
    (19, 2024, "5000", "4", A, ""),
    (20, 2024, None, None, A, "当年未开展商标质押业务"),
    (23, 2022, "0", None, A, ""),
    (23, 2024, "1", None, A, ""),
    (26, 2023, "20", None, A, ""),
    (26, 2024, "28", None, A, ""),
]
BEHIND_2024 = {2: Status.BEHIND, 7: Status.DETERIORATING, 11: Status.BEHIND, 19: Status.BEHIND}


def make(plan, figures):
    indicators = {i.order: i for i in Indicator.objects.filter(plan=plan)}
    for order, year, value, count, state, note in figures:
        Actual.objects.create(
            indicator=indicators[order], year=year, status=state, note=note,
            value=Decimal(value) if value is not None else None,
            second_value=Decimal(count) if count is not None else None,
            not_carried_out=value is None,
        )


@pytest.fixture
def figures(plan):
    make(plan, FIGURES)
    return plan


def render(plan, year=2024, *, today=AFTER_DEADLINE, **options):
    return Document(io.BytesIO(SupervisionBrief(plan, year, today=today, **options).render()))


def sections(document) -> dict[str, list[str]]:
    """Body paragraphs under each 一级 heading; “” holds the title and introduction."""
    found, current = {"": []}, ""
    for paragraph in document.paragraphs:
        if paragraph.style.name == "一级标题":
            current = paragraph.text
            found[current] = []
        elif paragraph.text:
            found[current].append(paragraph.text)
    return found


def mm(*lengths):
    return tuple(round(length.mm) for length in lengths)  # stored in twips: 210 mm reads back as 210.01


def published_rows(plan, year):
    return build_rows(plan, year, Actual.objects.published())


def status_words():
    with translation.override("zh-hans"):
        return {status: str(status.label) for status in Status}


# ---- 一、总体情况 --------------------------------------------------------------------------


def test_the_overall_counts_are_the_overviews_counts_of_the_same_year_and_the_change_against_the_year_before(figures):
    plan = figures
    overview = sections(render(plan))["一、总体情况"][0]
    counts, before = status_counts(published_rows(plan, 2024)), status_counts(published_rows(plan, 2023))
    words = status_words()
    for status in (Status.ACHIEVED, Status.ON_TRACK, Status.ACCELERATE, Status.BEHIND, Status.DETERIORATING, Status.MISSING):
        found = re.search(rf"{words[status]}(\d+)项（(较上年增加|较上年减少|与上年持平)(\d*)", overview)
        assert found, (status, overview)
        assert int(found.group(1)) == counts[status]
        moved = counts[status] - before[status]
        assert found.group(2) == ("较上年增加" if moved > 0 else "较上年减少" if moved < 0 else "与上年持平")
        assert found.group(3) == (str(abs(moved)) if moved else "")
    assert counts[Status.BEHIND] == 3 and counts[Status.DETERIORATING] == 1  # the data above, seen without drafts
    scored = sum(counts.values()) - counts[Status.TRACKED]
    assert f"，不考核{counts[Status.TRACKED]}项（" in overview
    on_track = counts[Status.ACHIEVED] + counts[Status.ON_TRACK]
    assert f"纳入考核的{scored}项中，进度符合要求（已达标、正常）的{on_track}项，占{Decimal(on_track * 100) / scored:.1f}%" in overview


def test_the_counts_equal_what_a_leader_sees_on_the_overview_when_nothing_is_in_draft(figures, leader):
    plan = figures
    Actual.objects.filter(status__in=[D, R]).delete()
    overview = sections(render(plan))["一、总体情况"][0]
    words = status_words()
    for status, count in status_counts(build_rows(plan, 2024, Actual.objects.visible_to(leader))).items():
        if status != Status.TRACKED:
            assert f"{words[status]}{count}项" in overview


def test_the_first_year_of_the_plan_has_nothing_to_compare_with(figures):
    overview = sections(render(figures, 2022))["一、总体情况"][0]
    assert "较上年" not in overview and "为方案实施首年" in overview


def test_reporting_completeness_is_counted_against_the_years_deadline(figures):
    plan = figures
    summaries = department_summary(plan, 2024, published_rows(plan, 2024), today=AFTER_DEADLINE)
    submitted = sum(s.submitted for s in summaries)
    approved = sum(s.approved for s in summaries)
    overdue = [s for s in summaries if s.overdue]
    reporting = sections(render(plan))["一、总体情况"][1]
    assert "截止日期为2025年1月31日" in reporting
    assert f"已提交{submitted}项（其中已审核{approved}项、待审核{submitted - approved}项）" in reporting
    assert f"{len(overdue)}个部门共{sum(s.overdue for s in overdue)}项指标逾期未提交" in reporting
    before = sections(render(plan, today=date(2025, 1, 21)))["一、总体情况"][1]
    assert "距截止日期还有10天" in before and "逾期" not in before


# ---- 二、三、四 -----------------------------------------------------------------------------


def test_each_lead_department_has_one_paragraph_naming_its_behind_indicators_with_value_target_and_note(figures):
    plan = figures
    rows = published_rows(plan, 2024)
    paragraphs = sections(render(plan))["二、各部门情况"]
    summaries = department_summary(plan, 2024, rows, today=AFTER_DEADLINE)
    assert len(paragraphs) == len(summaries) == 5
    for number, (paragraph, summary) in enumerate(zip(paragraphs, summaries, strict=True), start=1):
        assert paragraph.startswith(f"（{chinese_number(number)}）{summary.department.name}。牵头指标{summary.total}项")
    scjg = paragraphs[0]
    # Named in prose, the unit after each number, as Chinese writes it.
    assert "2024年非正常专利申请主动撤回率95.5%（待审核），年度目标95.82%，进度滞后，部门说明：“人员调整，撤回进度放缓”" in scjg
    assert "2024年知识产权托管企业1家，年度目标8家，进度倒退，部门说明：“两家托管企业迁出园区”" in scjg
    assert "2024年自治区专利奖12件，年度目标15件，进度滞后，部门未作说明" in scjg
    assert "2024年专利质押融资金额5000万元、4笔，年度目标5217万元、8笔" in paragraphs[3]
    assert "无滞后、倒退指标" in paragraphs[1]  # 工业和信息化局: its behind figure is a draft


def test_every_behind_indicator_is_named_in_problems_and_next_steps_with_its_department_and_gap(figures):
    plan = figures
    rows = published_rows(plan, 2024)
    behind = [row for row in rows if row.status in OFF_TRACK]
    assert {row.indicator.order: row.status for row in behind} == BEHIND_2024
    brief = sections(render(plan))
    problems, steps = brief["三、存在问题"], brief["四、下一步工作"]
    for row in behind:
        name, department = formatting.prose_name(row.indicator.name), row.lead_department.name
        assert any(name in p and f"（{department}牵头）" in p and status_words()[row.status] in p for p in problems), name
        assert any(p.startswith(f"{steps.index(p)}.{department}：{name}距2024年度目标尚差") for p in steps if name in p), name
    gaps = {p.split("：", 1)[1] for p in steps if "尚差" in p}
    assert "非正常专利申请主动撤回率距2024年度目标尚差0.32个百分点。" in gaps
    assert "知识产权托管企业距2024年度目标尚差7家。" in gaps
    assert "专利质押融资金额距2024年度目标尚差217万元、4笔。" in gaps  # per part of the pair


def test_overdue_departments_are_listed_as_problems_with_the_indicators_they_owe(figures):
    plan = figures
    rows = published_rows(plan, 2024)
    problems = sections(render(plan))["三、存在问题"]
    for summary in department_summary(plan, 2024, rows, today=AFTER_DEADLINE):
        line = next(p for p in problems if f".{summary.department.name}有" in p)
        assert f"有{summary.overdue}项指标逾期未提交2024年度数据" in line
        owed = [formatting.prose_name(row.indicator.name) for row in rows if row.lead_department == summary.department and not row.current.reported]
        assert len(owed) == summary.overdue and all(name in line for name in owed)
    assert not any("逾期" in p for p in sections(render(plan, today=date(2025, 1, 31)))["三、存在问题"])


# ---- 附表 -------------------------------------------------------------------------------------


def test_the_appendix_is_the_workbooks_main_sheet_one_row_per_indicator(figures):
    plan = figures
    document = render(plan)
    (table,) = document.tables
    rows = published_rows(plan, 2024)
    with translation.override("zh-hans"):
        sheet = IndicatorTable(plan, 2024, rows)
        printed = [[cell.text for cell in line] for line in sheet.lines]
    assert [cell.text for cell in table.rows[0].cells] == [column.header for column in sheet.columns]
    assert len(table.rows) == 1 + len(rows) == 30
    for row, texts in zip(table.rows[1:], printed, strict=True):
        # the same texts, the task number merged down its group (a merged cell reads as the group's number)
        assert [cell.text for cell in row.cells] == [clean_text(text) for text in texts]
    second = [cell.text for cell in table.rows[2].cells]
    assert second[:3] == ["2", "1", "非正常专利申请主动撤回率（%）"]
    assert second[6] == "95.5%（待审核）" and second[8] == "95.82%" and second[12] == "滞后"  # a rate keeps its %


def test_the_appendix_fits_a_landscape_a4_page_and_repeats_its_header(figures):
    document = render(figures)
    portrait, landscape = document.sections
    assert mm(portrait.page_width, portrait.page_height) == (210, 297)
    assert mm(landscape.page_width, landscape.page_height) == (297, 210)
    (table,) = document.tables
    xml = ElementTree.fromstring(document.element.xml)
    tbl = xml.find(f".//{qn('w:tbl')}")
    widths = sum(int(col.get(qn("w:w"))) for col in tbl.find(qn("w:tblGrid")))
    text_width = (landscape.page_width - landscape.left_margin - landscape.right_margin) / 635
    assert text_width - 20 <= widths <= text_width
    assert tbl.find(f"{qn('w:tr')}/{qn('w:trPr')}/{qn('w:tblHeader')}") is not None


# ---- what never appears, what is marked --------------------------------------------------


def everything(document) -> str:
    return ElementTree.tostring(ElementTree.fromstring(document.element.xml), encoding="unicode", method="text")


def test_drafts_and_returned_figures_never_appear_whoever_asks(figures, leader, administrator):
    plan = figures
    for viewer in (None, leader, administrator):
        text = everything(Document(io.BytesIO(SupervisionBrief(plan, 2024, viewer, today=AFTER_DEADLINE).render())))
        assert DRAFT_NOTE not in text and "777" not in text
    appendix = {row.cells[2].text: [c.text for c in row.cells] for row in render(plan).tables[0].rows[1:]}
    assert appendix["专利（PCT）国际申请量（件）"][6] == "" and appendix["专利（PCT）国际申请量（件）"][12] == "未填报"


def test_a_reporter_gets_no_brief(figures, reporter):
    with pytest.raises(PermissionError):
        SupervisionBrief(figures, 2024, reporter)


def test_text_typed_by_users_is_cleaned_of_what_a_word_file_cannot_hold(figures):
    plan = figures
    # Written straight into the database, as rows stored before the check existed could be.
    Actual.objects.filter(indicator__order=7, year=2024).update(note="迁出\ufffe园区\u202e，\x07另见附件\u200b")
    document = render(plan)
    assert "部门说明：“迁出园区，另见附件”" in sections(document)["二、各部门情况"][0]
    assert "迁出园区，另见附件" in [row.cells[-1].text for row in document.tables[0].rows]


# ---- the final assessment --------------------------------------------------------------------

FINAL_FIGURES = [
    (1, 2025, "6", None, A, ""),  # 已完成
    (2, 2025, "95.9", None, A, "差一点"),  # 未完成: 86 % of the way
    (7, 2025, "10", None, S, ""),  # 已完成 (待审核)
    (11, 2025, "15.7", None, A, ""),  # 基本完成: 92.5 %
    (13, 2025, "9", None, D, DRAFT_NOTE),  # a draft: 未填报
    (19, 2025, "5600", "10", A, ""),  # 未完成 (the amount; the count is complete)
    (23, 2025, "1", None, A, ""),  # cumulative 0 + 1 + 1 = 2: 已完成
    (26, 2025, "25", None, A, "人才流失"),  # 未完成
]


def verdicts(plan):
    rows = published_rows(plan, 2025)
    return rows, [
        final_verdict(row.spec, {year: cell.actual.year_value for year, cell in row.cells.items() if cell.actual is not None})
        for row in rows
    ]


def test_the_final_assessments_verdict_counts_equal_summarise_overall_and_per_department(figures):
    plan = figures
    make(plan, FINAL_FIGURES)
    brief = sections(render(plan, 2025, final=True, today=AFTER_PLAN))
    rows, found = verdicts(plan)
    summary = summarise(found)
    overview = brief["一、总体情况"][0]
    words = {"completed": "已完成", "mostly": "基本完成", "not_completed": "未完成", "missing": "未填报", "tracked": "不考核"}
    for verdict, count in summary.counts.items():
        assert f"{words[verdict]}{count}项" in overview
    assert summary.counts["completed"] == 3 and summary.counts["mostly"] == 1 and summary.counts["not_completed"] == 3
    assert f"为{summary.share * 100:.1f}%" in overview and "经预评估" in overview
    for paragraph in brief["二、各部门情况"]:
        department = paragraph.split("）", 1)[1].split("。", 1)[0]
        mine = summarise(v for row, v in zip(rows, found, strict=True) if row.lead_department.name == department)
        assert f"牵头指标{mine.total}项" in paragraph
        for verdict, count in mine.counts.items():
            assert (f"{words[verdict]}{count}项" in paragraph) == bool(count), (department, verdict)
    problems = "\n".join(brief["三、存在问题"])
    assert "非正常专利申请主动撤回率终期值95.9%，目标值96%，目标完成率86.5%，未完成（柳州市市场监督管理局柳东新区分局牵头）" in problems
    assert "专利质押融资金额终期值5600万元、10笔，目标值6000万元、10笔，目标完成率87.2%、100.0%，未完成（财政局牵头）" in problems
    steps = "\n".join(brief["四、下一步工作"])
    assert "广西知识产权“十百千”人才距目标值尚差5人" in steps and "专利质押融资金额距目标值尚差400万元，" in steps


def test_the_final_assessment_is_a_pre_assessment_until_the_plan_is_closed(figures):
    plan = figures
    make(plan, FINAL_FIGURES)
    document = render(plan, 2025, final=True, today=AFTER_PLAN)
    assert document.paragraphs[0].text.split("\n") == [
        "关于《柳州高新技术产业开发区国家级知识产权强国建设试点园区建设工作方案》", "量化指标终期评估情况的督查通报", "（预评估）",
    ]  # broken where it reads well; the plan's period is on the line under the title
    assert document.paragraphs[1].text == "（柳高新〔2022〕2号　实施期2022—2025年）"
    assert SupervisionBrief(plan, 2025, final=True, today=AFTER_PLAN).filename == "督查通报_终期评估_2022-2025年.docx"
    plan.status = PlanStatus.CLOSED
    plan.save()
    closed = render(plan, 2025, final=True, today=AFTER_PLAN)
    assert "预评估" not in everything(closed)
    assert "经终期评估" in sections(closed)["一、总体情况"][0]
    header = [cell.text for cell in closed.tables[0].rows[0].cells]
    assert header[13] == "终期评估" and header[12] == "进度状态"
    by_name = {row.cells[2].text: row.cells[13].text for row in closed.tables[0].rows[1:]}
    assert by_name["查处假冒知识产权行政案件（起）"] == "已完成" and by_name["自治区高价值专利培育示范中心（个）"] == "未填报"


@pytest.mark.parametrize("year, today", [(2025, date(2025, 12, 31)), (2024, AFTER_PLAN)])
def test_the_final_assessment_is_refused_before_the_plans_last_year_is_over_or_for_another_year(figures, year, today):
    with pytest.raises(BriefRefused, match="2025"):
        SupervisionBrief(figures, year, final=True, today=today)


# ---- the document's look ----------------------------------------------------------------


def test_the_page_fonts_and_page_numbers_are_those_of_an_official_document(figures):
    document = render(figures)
    section = document.sections[0]
    assert mm(section.top_margin, section.bottom_margin, section.left_margin, section.right_margin) == (37, 35, 28, 26)
    fonts = {}
    for name in ("公文正文", "公文标题", "一级标题", "二级标题", "页码", "Normal"):
        style = document.styles[name]
        fonts[name] = style.element.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:eastAsia"))
    assert fonts == {"公文正文": "仿宋_GB2312", "公文标题": "方正小标宋简体", "一级标题": "黑体", "二级标题": "楷体_GB2312", "页码": "宋体",
                     "Normal": "仿宋_GB2312"}
    assert document.styles["公文正文"].font.size.pt == 16 and document.styles["公文标题"].font.size.pt == 22
    assert document.styles["Normal"].font.size.pt == 9  # the appendix's cells (小五)
    assert all(paragraph.style.name == "公文正文" for paragraph in document.paragraphs if paragraph.text.startswith("（一）"))
    assert document.settings.odd_and_even_pages_header_footer
    for footer in (section.footer, section.even_page_footer):
        xml = footer.paragraphs[0].paragraph_format.element.xml
        assert "PAGE" in xml and footer.paragraphs[0].text.startswith("— ") and footer.paragraphs[0].text.endswith(" —")
    title, under = document.paragraphs[0], document.paragraphs[1]
    assert title.style.name == "公文标题" and "柳高新〔2022〕2号" in under.text and "截至2024年12月31日" in under.text


def test_the_fontconfig_file_maps_every_official_font_to_the_servers_fallback():
    from pathlib import Path

    import indicators.brief

    conf = ElementTree.parse(Path(indicators.brief.__file__).parent / "fonts.conf").getroot()
    mapped = {alias.findtext("family"): alias.findtext("prefer/family") for alias in conf.iter("alias")}
    bold = set()
    for match in conf.iter("match"):
        mapped[match.findtext("test/string")] = match.findtext("edit/string")
        if any(edit.get("name") == "weight" and edit.findtext("const") == "bold" for edit in match.iter("edit")):
            bold.add(match.findtext("test/string"))
    assert mapped == {face.name: face.fallback for face in FACES}
    assert bold == {face.name for face in FACES if face.bold}


def test_chinese_numbers_for_headings():
    assert [chinese_number(n) for n in (1, 10, 11, 20, 21, 100, 105, 130)] == ["一", "十", "十一", "二十", "二十一", "一百", "一百零五", "一百三十"]


def test_the_brief_costs_the_same_few_queries_however_many_figures(figures):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as captured:
            SupervisionBrief(figures, 2024, today=AFTER_DEADLINE).render()
        return len(captured.captured_queries)

    before = queries()
    make(figures, FINAL_FIGURES)
    Actual.objects.filter(status=D).update(status=S)
    assert queries() == before <= 8


# ---- the download and the command ------------------------------------------------------------


@pytest.mark.parametrize("account", ["leader", "reviewer", "administrator"])
def test_leaders_reviewers_and_administrators_download_the_brief(client, figures, account, request):
    login(client, request.getfixturevalue(account))
    response = client.get(reverse("export_brief", args=[2024]) + f"?plan={figures.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"brief_2024.docx\"; filename*=UTF-8''%E7%9D%A3%E6%9F%A5%E9%80%9A%E6%8A%A5_2024%E5%B9%B4.docx"
    )
    assert response["Cache-Control"] == "private, no-store"
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    assert DRAFT_NOTE not in everything(document) and len(document.tables[0].rows) == 30


def test_reporters_and_strangers_get_no_brief(client, figures, reporter):
    url = reverse("export_brief", args=[2024])
    assert client.get(url).status_code == 302  # to the login page
    login(client, reporter)
    assert client.get(url).status_code == 403


def test_an_unknown_plan_or_a_year_outside_it_is_not_found(client, figures, leader):
    login(client, leader)
    assert client.get(reverse("export_brief", args=[2024]) + "?plan=99999").status_code == 404
    assert client.get(reverse("export_brief", args=[2030])).status_code == 404


def test_the_final_assessment_download_before_its_time_says_why_in_chinese(client, figures, leader, monkeypatch):
    monkeypatch.setattr("indicators.selection.shanghai_today", lambda: date(2025, 6, 1))
    login(client, leader)
    response = client.get(reverse("export_brief", args=[2025]) + f"?plan={figures.pk}&final=1", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    page = response.content.decode()
    assert "终期评估须在方案最后一年（2025年）结束后出具" in page and "柳高新〔2022〕2号" in page
    assert reverse("export_brief", args=[2025]) + f"?plan={figures.pk}" in page


def test_the_final_assessment_download_names_the_file_for_the_plan_period(client, figures, leader, monkeypatch):
    monkeypatch.setattr("indicators.selection.shanghai_today", lambda: AFTER_PLAN)
    login(client, leader)
    response = client.get(reverse("export_brief", args=[2025]) + f"?plan={figures.pk}&final=1")
    assert response.status_code == 200
    assert "filename=\"brief_final_2022-2025.docx\"" in response["Content-Disposition"]
    wrong_year = client.get(reverse("export_brief", args=[2024]) + f"?plan={figures.pk}&final=1")
    assert wrong_year.status_code == 400 and "?plan=" in wrong_year.content.decode()


def test_the_command_writes_the_brief_and_the_final_assessment(figures, tmp_path, monkeypatch):
    monkeypatch.setattr("indicators.selection.shanghai_today", lambda: AFTER_PLAN)
    out = tmp_path / "督查通报_2024年.docx"
    call_command("export_brief", "--year", "2024", "--output", str(out), "--plan", figures.code)
    document = Document(str(out))
    assert DRAFT_NOTE not in everything(document) and len(document.tables[0].rows) == 30
    final = tmp_path / "final.docx"
    call_command("export_brief", "--year", "2025", "--output", str(final), "--final")
    assert "终期评估" in Document(str(final)).paragraphs[0].text
    assert not list(tmp_path.glob("*.partial"))


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--year", "2024", "--final"], "last year, 2025"),
        (["--year", "2024", "--plan", "柳高新〔2099〕1号"], "No plan"),
        (["--year", "2030"], "No plan covers 2030"),
    ],
)
def test_the_command_refuses_with_a_clear_message(figures, tmp_path, arguments, message, monkeypatch):
    monkeypatch.setattr("indicators.selection.shanghai_today", lambda: AFTER_PLAN)
    with pytest.raises(CommandError, match=message):
        call_command("export_brief", "--output", str(tmp_path / "x.docx"), *arguments)


def test_the_command_refuses_a_final_assessment_before_the_plan_ends(figures, tmp_path, monkeypatch):
    monkeypatch.setattr("indicators.selection.shanghai_today", lambda: date(2025, 11, 1))
    with translation.override("en"), pytest.raises(CommandError, match="once its last year, 2025, is over"):
        call_command("export_brief", "--year", "2025", "--output", str(tmp_path / "x.docx"), "--final")


def test_a_plan_without_indicators_still_gives_a_brief_that_opens(db):
    from indicators.models import Organisation, Plan

    plan = Plan.objects.create(
        organisation=Organisation.objects.get(code="gxq"), code="柳高新〔2026〕1号", title="测试方案", issuer="管委会", issue_date=date(2026, 1, 1),
        baseline_year=2025, first_year=2026, last_year=2027, status=PlanStatus.ACTIVE,
    )
    document = render(plan, 2026, today=date(2027, 3, 1))
    assert "0项量化指标" in sections(document)["一、总体情况"][0]
    assert len(document.tables[0].rows) == 1


def test_the_dashboards_offer_the_brief_to_leaders_but_not_to_reporters(client, figures, leader, reporter):
    brief = reverse("export_brief", args=[2024]) + f"?plan={figures.pk}"
    final = reverse("export_brief", args=[2025]) + f"?plan={figures.pk}&amp;final=1"
    login(client, leader)
    page = client.get(reverse("overview") + f"?plan={figures.pk}&year=2024").content.decode()
    assert f'href="{brief}"' in page and "final=1" not in page  # the final assessment: in the plan's last year only
    assert f'href="{final}"' in client.get(reverse("overview") + f"?plan={figures.pk}&year=2025").content.decode()
    assert f'href="{brief}"' in client.get(reverse("department", args=["czj"]) + f"?plan={figures.pk}&year=2024").content.decode()
    client.logout()
    login(client, reporter)
    for url in (reverse("overview"), reverse("department", args=["czj"])):
        response = client.get(url + f"?plan={figures.pk}&year=2024")
        assert response.status_code == 200
        page = response.content.decode()
        assert reverse("export_xlsx", args=[2024]) in page and "-brief.docx" not in page


# ---- one truth per fact, in prose as Chinese writes it -----------------------------------------


def test_every_indicator_of_the_plan_has_a_prose_name_without_its_unit(plan):
    units = ("（起）", "（%）", "（件）", "（件次）", "（家）", "（个）", "（万元）", "（篇次）", "（次）", "/笔", "/件")
    for indicator in Indicator.objects.filter(plan=plan):
        prose = formatting.prose_name(indicator.name)
        assert prose and indicator.name.startswith(prose), indicator.name
        assert not prose.endswith(units) and "（万元）" not in prose, prose
    assert formatting.prose_name("专利（PCT）国际申请量（件）") == "专利（PCT）国际申请量"  # a parenthesis inside the name stays


def all_at_zero(plan, year):
    """Every indicator reported as 0 (approved) in ``year``: every scored one is behind or deteriorating."""
    for indicator in Indicator.objects.filter(plan=plan):
        Actual.objects.create(indicator=indicator, year=year, value=Decimal(0), second_value=Decimal(0) if indicator.is_pair else None,
                              status=A, note="")


def test_every_sentence_naming_a_figure_names_the_indicator_in_prose_with_the_unit_after_the_number(plan):
    all_at_zero(plan, 2024)
    brief = sections(render(plan))
    prose = "\n".join(brief["二、各部门情况"] + brief["三、存在问题"] + brief["四、下一步工作"])
    rows = [row for row in published_rows(plan, 2024) if row.status in OFF_TRACK]
    assert len(rows) >= 15
    for row in rows:
        name, units = formatting.prose_name(row.indicator.name), row.indicator.units
        figure = "、".join(f"0{unit}" for unit in units)  # 0万元、0笔
        said = f"截至2024年{name}累计{figure}，年度目标累计" if row.spec.basis == "cumulative" else f"2024年{name}{figure}，年度目标"
        assert said in prose, name
        assert row.indicator.name not in prose or row.indicator.name == name  # never “…（件）” in a sentence


def test_the_final_briefs_sentences_put_the_unit_after_the_number_too(plan):
    all_at_zero(plan, 2025)
    brief = sections(render(plan, 2025, final=True, today=AFTER_PLAN))
    problems = "\n".join(brief["三、存在问题"])
    for indicator in Indicator.objects.filter(plan=plan, order__in=[1, 7, 19]):
        name = formatting.prose_name(indicator.name)
        assert f"{name}终期值{'、'.join(f'0{unit}' for unit in indicator.units)}，目标值" in problems, name
        assert indicator.name not in problems


def test_every_percentage_in_the_appendix_is_formatting_percent_of_the_rows(demo):
    """年度完成率 and 目标完成率 of each indicator in 附表 are what ``formatting.percent`` writes for its row (demo data)."""
    table = render(demo).tables[0]
    headers = [cell.text for cell in table.rows[0].cells]
    rows = {row.indicator.order: row for row in published_rows(demo, 2024)}
    for line in table.rows[1:]:
        cells = [cell.text for cell in line.cells]
        row = rows[int(cells[0])]
        for header, name in (("年度完成率", "year_completion"), ("目标完成率", "completion")):
            fractions = [getattr(part, name) for part in row.assessment.parts]
            assert cells[headers.index(header)] == ("" if all(f is None for f in fractions) else formatting.percents(fractions))


def test_the_brief_is_signed_by_the_issuing_office_then_dated(figures, settings):
    paragraphs = [p.text for p in render(figures).paragraphs]
    at = paragraphs.index("2025年3月1日")
    assert paragraphs[at - 1] == figures.issuer  # the plan's issuer by default
    settings.BRIEF_ISSUER = "柳州高新区督查室"
    paragraphs = [p.text for p in render(figures).paragraphs]
    assert paragraphs[paragraphs.index("2025年3月1日") - 1] == "柳州高新区督查室"


@pytest.mark.parametrize("final", [False, True])
def test_a_closed_plans_brief_says_已收官_asks_for_nothing_and_names_its_successor(figures, administrator, final):
    plan = figures
    make(plan, FINAL_FIGURES)
    Actual.objects.filter(indicator__plan=plan, status=S).update(status=A)
    plan = plans.close(administrator, plan, "")
    year = 2025 if final else 2024
    text = everything(render(plan, year, final=final, today=AFTER_PLAN))
    assert "已收官" in text
    for word in ("逾期", "补报", "截止", "尽快", "待审核"):
        assert word not in text, word
    assert "柳高新〔2026〕1号" not in text
    plans.rollover(administrator, plan, code="柳高新〔2026〕1号", title="2026-2030年工作方案", first_year=2026, last_year=2030)
    assert "下一轮方案柳高新〔2026〕1号《2026-2030年工作方案》" in everything(render(plan, year, final=final, today=AFTER_PLAN))

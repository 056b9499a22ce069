"""A plan's table typed by hand, read into a new plan: every way the printed table is typed, every refusal.

Each refusal checks that nothing was saved (no plan, no indicator, no department).
"""

import io
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from indicators.excel import ImportFailed
from indicators.excel.plan_import import PlanDetails, import_plan, prepare_import
from indicators.excel.plan_table import read_plan_table
from indicators.models import Department, Indicator, Organisation, Plan
from indicators.plans import PlanError

TYPED = Path(__file__).parent / "plan_table_2022.txt"  # （三）量化指标 as typed from the plan's text
HEADER = ["主要任务序号", "指标内容", "2025年基础值", "2030年目标值", "责任部门"]
SCJG = "柳州市市场监督管理局柳东新区分局"
# The organisation is the high-tech zone's, looked up when used (``zone``): its key is the database's.
DETAILS = PlanDetails("柳高新〔2026〕1号", "2026-2030年工作方案", "柳州高新技术产业开发区管理委员会", date(2026, 3, 1), 2026, 2030, 0)


def zone(details: PlanDetails) -> PlanDetails:
    return replace(details, organisation_id=Organisation.objects.get(code="gxq").pk)


def workbook(rows, *, header=HEADER, merges=(), formats=None, title="（三）量化指标") -> bytes:
    """A workbook typed the plain way: a title, the header, ``rows`` (lists of cell values), ``merges``."""
    book = openpyxl.Workbook()
    ws = book.active
    if title:
        ws.append([title])
    ws.append(header)
    for row in rows:
        ws.append(row)
    for coord in merges:
        ws.merge_cells(coord)
    for coord, number_format in (formats or {}).items():
        ws[coord].number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def typed_2022() -> bytes:
    """The 2022 plan's table from the text it was typed as: a record per blank-line block, a cell per line."""
    blocks = [[line[1:] if line.startswith("\t") else line for line in block.splitlines()]
              for block in TYPED.read_text(encoding="utf-8").split("\n\n") if block.strip()]
    return workbook([[int(c) if c.isdigit() else (c or None) for c in cells] for cells in blocks[1:]], header=blocks[0])


def counts():
    return Plan.objects.count(), Indicator.objects.count(), Department.objects.count()


def read(data):
    return read_plan_table(data)


def create(administrator, data, **kwargs):
    return import_plan(administrator, read(data), zone(DETAILS), **kwargs)


def refused(administrator, data, *expected, **kwargs) -> list[str]:
    """The import is refused with every ``expected`` text among its messages, and nothing is saved."""
    before = counts()
    with pytest.raises((PlanError, ImportFailed)) as caught:
        create(administrator, data, **kwargs)
    assert counts() == before
    text = "\n".join(caught.value.messages)
    for part in expected:
        assert part in text, text
    return caught.value.messages


def one(name="查处假冒知识产权行政案件（起）", baseline="3", target="6", departments=SCJG, task=1):
    return [task, name, baseline, target, departments]


# ---- the table as typed from the plan -------------------------------------------------------------


def test_the_table_typed_from_the_plans_text_imports_as_printed(plan, administrator):
    new = create(administrator, typed_2022())
    assert new.status == "draft" and new.baseline_year == 2025
    assert new.footnotes == plan.footnotes
    old = {i.order: i for i in plan.indicators.all()}
    rows = list(new.indicators.select_related("lead_department").order_by("order"))
    assert len(rows) == 29
    for row in rows:
        printed = old[row.order]
        assert (row.task_number, row.name, row.baseline_printed, row.target_printed, row.second_unit) == (
            printed.task_number, printed.name, printed.baseline_printed, printed.target_printed, printed.second_unit)
        # The unit is the printed one; rows 17, 25, 26 and 27 print none (the fixture chose 个, 个, 人, 次).
        assert row.unit == ("" if row.order in (17, 25, 26, 27) else printed.unit)
        assert row.responsible_departments() == printed.responsible_departments()
        # Without the hidden columns: a % makes a rate, anything else a count each year.
        assert row.measure == ("rate" if row.order in (2, 5) else "flow")
        assert row.target_basis == "year" and row.higher_is_better


def test_a_department_printed_twice_is_kept_once(plan, administrator):
    new = create(administrator, typed_2022())
    row28 = new.indicators.get(order=28)
    names = [d.name for d in row28.responsible_departments()]
    assert names.count(SCJG) == 1 and len(names) == 10


@pytest.mark.parametrize("header, row", [
    (["主要任务序号", "量化指标", "基期值", "目标值", "责任部门"], [1, "查处假冒知识产权行政案件（起）", "3", "6", f"{SCJG}、社会事务局"]),
    # Another order and other words.
    (["责任部门", "序号", "指标名称", "2025年基准值", "2030年目标值"], [f"{SCJG}、社会事务局", 1, "查处假冒知识产权行政案件（起）", "3", "6"]),
])
def test_a_table_typed_with_other_header_words_or_column_order_imports(plan, administrator, header, row):
    indicator = create(administrator, workbook([row], header=header)).indicators.get()
    assert (indicator.name, indicator.unit, indicator.baseline_printed, indicator.target_printed) == ("查处假冒知识产权行政案件（起）", "起", "3", "6")
    assert [d.name for d in indicator.responsible_departments()] == [SCJG, "社会事务局"]


# ---- task numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["merged", "repeated", "blank"])
def test_a_row_without_a_task_number_belongs_to_the_task_above(plan, administrator, layout):
    second = 1 if layout == "repeated" else None
    rows = [one(task=1), one("自治区专利奖（件）", task=second), one("中国专利奖（件）", task=2), one("柳州市知识产权标杆企业（个）", task=None)]
    merges = ["A3:A4", "A5:A6"] if layout == "merged" else []
    new = create(administrator, workbook(rows, merges=merges))
    assert list(new.indicators.order_by("order").values_list("task_number", flat=True)) == [1, 1, 2, 2]


def test_the_first_row_needs_a_task_number_and_numbers_are_whole(plan, administrator):
    refused(administrator, workbook([one(task=None), one(task="一")]), "第 3 行：", "第 4 行：", "主要任务序号")


# ---- units, values and departments ---------------------------------------------------------------


@pytest.mark.parametrize("name, unit, second", [
    ("查处假冒知识产权行政案件（起）", "起", ""),
    ("查处假冒知识产权行政案件(起)", "起", ""),
    ("专利（PCT）国际申请量（件）", "件", ""),
    ("非正常专利申请主动撤回率（%）", "%", ""),
    ("专利质押融资金额（万元）/笔", "万元", "笔"),
    ("专利质押融资金额(万元)/笔", "万元", "笔"),
    ("专利质押融资金额（万元/笔）", "万元", "笔"),
    ("新增地理标志保护产品", "", ""),
])
def test_units_are_read_from_either_kind_of_parenthesis(plan, administrator, name, unit, second):
    pair = bool(second)
    new = create(administrator, workbook([one(name, "2868/2" if pair else "3", "6000/10" if pair else "6")]))
    indicator = new.indicators.get()
    assert (indicator.name, indicator.unit, indicator.second_unit) == (name, unit, second)


def test_a_name_without_a_unit_is_marked_inferred_for_the_preview(plan):
    table = read(workbook([one("新增地理标志保护产品"), one()]))
    assert table.rows[0].inferred == ["unit", "measure", "basis", "direction"]
    assert table.rows[1].inferred == ["measure", "basis", "direction"]


@pytest.mark.parametrize("typed, stored", [
    ("—", "—"), ("-", "—"), ("－", "—"), ("/", "/"), ("以实际业务开展为准", "以实际业务开展为准"),
    ("以实际业务\n开展为准", "以实际业务开展为准"), ("95.26%", "95.26%"), ("95.26％", "95.26%"), (12, "12"), (12.5, "12.5"),
])
def test_printed_markers_and_numbers_are_kept_as_printed(plan, administrator, typed, stored):
    new = create(administrator, workbook([one("指标甲（件）", typed, "/")]))
    assert new.indicators.get().baseline_printed == stored


def test_a_percentage_excel_stored_as_a_fraction_reads_as_printed_and_makes_a_rate(plan, administrator):
    data = workbook([one("非正常专利申请主动撤回率", 0.9526, 0.96)], formats={"C3": "0.00%", "D3": "0%"})
    indicator = create(administrator, data).indicators.get()
    assert (indicator.baseline_printed, indicator.target_printed, indicator.measure) == ("95.26%", "96%", "rate")


def test_a_pair_reads_amount_and_count(plan, administrator):
    indicator = create(administrator, workbook([one("专利质押融资金额（万元）/笔", "2868/2", "6000/10")])).indicators.get()
    assert indicator.is_pair and indicator.baseline.count == 2 and indicator.target.amount == 6000


@pytest.mark.parametrize("separated", [
    "财政局、社会事务局、党群工作部", "财政局，社会事务局，党群工作部", "财政局,社会事务局, 党群工作部",
    "财政局\n社会事务局\n党群工作部", "财政局；社会事务局、 党群工作部 ",
])
def test_departments_are_separated_by_any_of_the_usual_marks(plan, administrator, separated):
    indicator = create(administrator, workbook([one(departments=separated)])).indicators.get()
    assert [d.code for d in indicator.responsible_departments()] == ["czj", "shswj", "dqgzb"]


# ---- footnotes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", [
    [["注：1. 甲。"], ["　　2. 乙。"]],
    [["注", "1. 甲。"], [None, "2. 乙。"]],
    [["注：1. 甲。\n2. 乙。"]],
    [["1. 甲。"], ["2. 乙。"]],
])
def test_footnotes_under_the_table_are_read(plan, administrator, typed):
    new = create(administrator, workbook([one(), [None] * 5, *typed]))
    assert new.footnotes == ["1. 甲。", "2. 乙。"] and new.indicators.count() == 1


def test_a_name_starting_with_注_is_an_indicator_not_a_footnote(plan, administrator):
    new = create(administrator, workbook([one(), one("注册商标拥有量（件）", task=None)]))
    assert new.indicators.count() == 2 and new.footnotes == []


# ---- departments the table names that do not exist -----------------------------------------------


def test_unknown_departments_are_listed_with_their_rows_and_nothing_is_saved(plan, administrator):
    data = workbook([one(departments="知识产权局、财政局"), one(departments="知识产权局", task=2)])
    refused(administrator, data, "知识产权局", "第 3 行", "第 4 行")
    prepared = prepare_import(read(data), zone(DETAILS))
    assert prepared.unknown == {"知识产权局": [3, 4]}


def test_an_unknown_department_is_mapped_to_an_existing_one(plan, administrator):
    data = workbook([one(departments="市场监管分局、财政局")])
    indicator = create(administrator, data, mapped={"市场监管分局": "scjg"}).indicators.get()
    assert [d.code for d in indicator.responsible_departments()] == ["scjg", "czj"]


def test_an_unknown_department_is_created_with_its_code(plan, administrator):
    data = workbook([one(departments="财政局、知识产权局"), one(departments="知识产权局", task=2)])
    new = create(administrator, data, created={"知识产权局": "zscqj"})
    created = Department.objects.get(code="zscqj")
    assert created.name == "知识产权局" and created.order > 13
    assert [i.lead_department.code for i in new.indicators.order_by("order")] == ["czj", "zscqj"]


@pytest.mark.parametrize("mapped, created, expected", [
    ({"知识产权局": "nope"}, None, "“nope”"),
    (None, {"知识产权局": "czj"}, "财政局"),
    (None, {"知识产权局": "Bad Code"}, "知识产权局"),
])
def test_a_wrong_mapping_or_code_is_refused(plan, administrator, mapped, created, expected):
    refused(administrator, workbook([one(departments="知识产权局")]), expected, mapped=mapped, created=created)


# ---- refusals -------------------------------------------------------------------------------------


def test_a_bad_printed_value_is_refused_with_its_row_and_column(plan, administrator):
    refused(administrator, workbook([one(), one(baseline="约3", task=2)]), "第 4 行：“2025年基础值”：")


def test_a_pair_missing_its_count_is_refused(plan, administrator):
    refused(administrator, workbook([one("专利质押融资金额（万元）/笔", "2868", "6000/")]),
            "A pair indicator needs", "A pair needs both parts")


def test_a_dash_as_target_and_a_rate_pair_are_refused_by_the_models_rules(plan, administrator):
    refused(administrator, workbook([one(target="—")]), "“—” marks a baseline only")


def test_every_problem_is_listed_with_its_row_at_once(plan, administrator):
    rows = [one(), one(baseline="x", task=2), one(name="", task=3), one(departments="", task=4), one(target="abc", task="x")]
    messages = refused(administrator, workbook(rows), "“指标内容”", "“责任部门”", "“主要任务序号”", "“2030年目标值”")
    assert sorted({m.split("：")[0] for m in messages}) == ["第 4 行", "第 5 行", "第 6 行", "第 7 行"]
    assert len(messages) == 5 and all(m.startswith("第 ") for m in messages)


def test_a_pair_excel_turned_into_a_date_is_refused_with_a_hint(plan, administrator):
    refused(administrator, workbook([one("专利质押融资金额（万元）/笔", date(2868, 2, 1), "6000/10")]), "into a date")


def test_a_plan_number_taken_or_years_out_of_order_are_refused(plan, administrator):
    data = workbook([one()])
    before = counts()
    for details in (PlanDetails(plan.code, "t", "i", date(2026, 1, 1), 2026, 2030, plan.organisation_id),
                    PlanDetails("新号", "t", "i", date(2026, 1, 1), 2030, 2026, plan.organisation_id)):
        with pytest.raises(PlanError):
            import_plan(administrator, read(data), details)
    assert counts() == before


def test_only_administrators_import_a_plan(plan, leader):
    with pytest.raises(PlanError):
        create(leader, workbook([one()]))
    assert not Plan.objects.filter(code=DETAILS.code).exists()


@pytest.mark.parametrize("data, expected", [
    (workbook([], header=[], title=None), "The sheet is empty"),
    (workbook([]), "no indicators"),
    (workbook([["甲", "乙"]], header=["名称", "数值"]), "No header row"),
    (b"not a workbook at all", "not an Excel workbook"),
    (b"PK\x03\x04" + b"\x00" * 200, "damaged"),
])
def test_an_empty_or_damaged_or_foreign_file_is_a_message(plan, administrator, data, expected):
    refused(administrator, data, expected)


def test_a_workbook_with_a_broken_sheet_is_damaged_not_a_server_error(plan, administrator):
    source = workbook([one()])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            body = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"<v>", b"<v>&#xFFFE;", 1).replace(b'r="A1"', b'r="A1" s="999"', 1)
            zout.writestr(info, body)
    refused(administrator, out.getvalue(), "damaged")

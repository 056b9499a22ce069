"""The assessment workbook (督查考核, docs/design.md "The assessment workbook") for a plan as of a year.

Those who read every department get 量化指标完成情况, a sheet per lead department, 部门汇总 and, in the plan's
last year, 终期评估; a reporter gets their department's sheet.  Published figures only, whoever exports it,
the unapproved ones marked 待审核; written in Chinese whatever the request's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from itertools import groupby

from django.utils import timezone, translation

from indicators import issued
from indicators.downloads import Download
from indicators.excel.changes_sheet import CHANGES_SHEET, write_changes_sheet
from indicators.excel.final_sheet import FINAL_SHEET, write_final_sheet
from indicators.excel.styles import (BLANK, PENDING, Cell, completion_cell, fit_width, footnotes, groups, merge_down,
                                     new_workbook, print_setup, put_line, put_row, row_height, set_widths, sheet_title, text,
                                     year_cell, year_target)
from indicators.final_assessment import final_assessment
from indicators.models import Actual, Plan
from indicators.permissions import READ_ALL, can
from indicators.progress import SEVERITY
from indicators.rows import DepartmentSummary, IndicatorRow, build_rows, department_summary

MAIN_SHEET, SUMMARY_SHEET = "量化指标完成情况", "部门汇总"
HEADER_ROW = 3  # under the title and the information line


def plan_heading(plan: Plan) -> str:
    return f"{plan.code}《{plan.title}》"


@dataclass(frozen=True)
class Column:
    header: str
    width: float  # Excel's units
    left: bool = False  # names, departments and notes; the rest is centred


class IndicatorTable:
    """The plan's table with the figures as of ``year``, one line per row: a sheet of this workbook and the brief's 附表.

    That year's target stands after the year columns, beside the final target: the two targets in the order of
    the two rates read from them.
    """

    def __init__(self, plan: Plan, year: int, rows: list[IndicatorRow]):
        self.plan, self.year, self.rows = plan, year, rows
        self.lines = [self.line(row) for row in rows]

    def line(self, row: IndicatorRow) -> list[Cell]:
        indicator, parts = row.indicator, row.assessment.parts
        note = row.current.actual.note if row.current.actual is not None else ""
        return [
            Cell(indicator.order, "centre", str(indicator.order)),
            Cell(indicator.task_number, "centre", str(indicator.task_number)),
            text(indicator.name, "text"),
            text(indicator.baseline_printed),
            *[year_cell(row, year) if year <= self.year else BLANK for year in self.plan.years],
            text(year_target(row, self.year)),
            text(indicator.target_printed),
            completion_cell([part.year_completion for part in parts]),
            completion_cell([part.completion for part in parts]),
            Cell(str(row.status.label), f"status {row.status}", str(row.status.label)),
            text(row.department_names, "text"),
            text(note, "text"),
        ]

    @cached_property
    def columns(self) -> list[Column]:
        plan, year = self.plan, self.year
        kinds = [
            ("序号", 5, 5, False), ("主要任务序号", 7, 7, False), ("指标内容", 16, 30, True),
            (f"{plan.baseline_year}年基础值", 9, 11, False), *[(f"{y}年", 8, 16, False) for y in plan.years],
            (f"{year}年目标", 9, 11, False), (f"{plan.last_year}年目标值", 9, 11, False),
            ("年度完成率", 8, 14, False), ("目标完成率", 8, 14, False), ("进度状态", 8, 8, False),
            ("责任部门", 14, 30, True), ("情况说明", 18, 32, True),
        ]  # fmt: skip
        texts = list(zip(*[[cell.text for cell in line] for line in self.lines])) or [()] * len(kinds)
        return [Column(header, fit_width(column, minimum=low, maximum=high, header=header), left)
                for (header, low, high, left), column in zip(kinds, texts, strict=True)]

    def groups(self) -> list[tuple[int, int]]:
        """主要任务序号 is printed once per task, merged down its rows."""
        return groups([row.indicator.task_number for row in self.rows])

    def write(self, ws, *, title: str, info: str) -> None:
        widths = [column.width for column in self.columns]
        set_widths(ws, widths)
        row = put_line(ws, 1, title, widths, "title")
        row = put_line(ws, row, info, widths, "info")
        headers = [column.header for column in self.columns]
        row = put_row(ws, row, [(header, "header") for header in headers], height=row_height(headers, [w - 1 for w in widths], minimum=1))
        covered = merge_down(ws, row, 2, self.groups())
        for index, line in enumerate(self.lines):
            cells = [(cell.value if column != 1 or index not in covered else None, cell.style) for column, cell in enumerate(line)]
            row = put_row(ws, row, cells, height=row_height([c.text for c in line], widths))
        row += 1
        for note in footnotes(self.plan):
            row = put_line(ws, row, note, widths)
        print_setup(ws, header_row=HEADER_ROW, freeze=f"D{HEADER_ROW + 1}")


def write_summary(ws, plan: Plan, summaries: list[DepartmentSummary], *, title: str, info: str) -> None:
    """部门汇总: per lead department its indicators by status and how far reporting has come; a closed plan asks for nothing."""
    reporting = ["已填报", "已提交（含已审核）", "已审核"] + (["逾期未提交", "填报截止日期"] if plan.asks_for_figures else [])
    headers = ["部门", "牵头指标数", *[str(status.label) for status in SEVERITY], *reporting]
    lines = [
        [s.department.name, s.total, *[s.counts[status] for status in SEVERITY], s.reported, s.submitted, s.approved,
         *([s.overdue, f"{s.deadline.year}年{s.deadline.month}月{s.deadline.day}日"] if plan.asks_for_figures else [])]
        for s in summaries
    ]  # fmt: skip
    columns = list(zip(*lines)) or [()] * len(headers)
    widths = [fit_width(columns[0], minimum=14, maximum=34),
              *[fit_width([str(v) for v in column], minimum=8, maximum=14, header=header) for header, column in zip(headers[1:], columns[1:], strict=True)]]
    set_widths(ws, widths)
    row = put_line(ws, 1, title, widths, "title")
    row = put_line(ws, row, info, widths, "info")
    styles = ["header", "header", *[f"status {status}" for status in SEVERITY], *["header"] * len(reporting)]
    row = put_row(ws, row, list(zip(headers, styles, strict=True)), height=row_height(headers, [w - 1 for w in widths], minimum=1))
    counted = len(headers) - plan.asks_for_figures  # every column but the deadline is a count
    totals = ["合计", *[sum(line[i] for line in lines) for i in range(1, counted)], *[""] * plan.asks_for_figures]
    for line in [*lines, totals]:
        style = "bold" if line is totals else "text"
        row = put_row(ws, row, [(line[0], style), *[(value, "centre") for value in line[1:]]], height=row_height([line[0]], widths))
    print_setup(ws, header_row=HEADER_ROW, freeze=f"B{HEADER_ROW + 1}")


class AssessmentWorkbook(Download):
    def __init__(self, plan: Plan, year: int, viewer=None, *, now=None):
        if not plan.contains_year(year):
            raise ValueError(f"{year} is outside {plan.code} ({plan.first_year}–{plan.last_year})")
        self.plan, self.year, self.now = plan, year, now or timezone.now()
        self.department = None if can(viewer, READ_ALL) else getattr(viewer, "department", None)
        if self.department is None and not can(viewer, READ_ALL):
            raise PermissionError("This user may not export figures.")
        suffix = ("", "") if self.department is None else (f"_{self.department.name}", f"_{self.department.code}")
        self.filename = f"量化指标完成情况_{year}年{suffix[0]}.xlsx"
        self.ascii_filename = f"assessment_{year}{suffix[1]}.xlsx"

    @cached_property
    def rows(self) -> list[IndicatorRow]:
        rows = build_rows(self.plan, self.year, Actual.objects.published())  # the meeting's figures, whoever exports
        if self.department is not None:
            rows = [row for row in rows if row.indicator.lead_department_id == self.department.pk]
        return rows

    def title(self, what: str) -> str:
        return f"{plan_heading(self.plan)}\n{what}（截至{self.year}年）"

    def info(self) -> str:
        plan = self.plan
        stamp = timezone.localtime(self.now).strftime("%Y-%m-%d %H:%M")
        state = "本方案已收官，数据不再变动。" if plan.is_closed else f"数值后标“{PENDING}”的尚未经审核。"
        return (
            f"截至{self.year}年底；导出时间 {stamp}（北京时间）。{state}"
            f"年度完成率 =（实际值 − 基期值）÷（当年目标值 − 基期值），目标完成率 =（实际值 − 基期值）÷（{plan.last_year}年目标值 − 基期值），"
            f"即从基期值到目标值已走完的比例（基期值为“—”时即实际值 ÷ 目标值；累计口径的实际值为方案期内累计值）；"
            f"成对指标依次列出金额与件（笔）数两部分。进度状态按当年目标判定，未单独设定年度目标的按基期值到目标值线性推算（整数单位向下取整）。"
        )

    def build(self):
        with translation.override("zh-hans"):
            workbook = new_workbook()
            workbook.properties.title, workbook.properties.creator = plan_heading(self.plan), "ipzone"
            taken = {name.lower() for name in (MAIN_SHEET, SUMMARY_SHEET, FINAL_SHEET, CHANGES_SHEET)}
            if self.department is not None:
                self.department_sheet(workbook, self.department, self.rows, taken)
            else:
                IndicatorTable(self.plan, self.year, self.rows).write(
                    workbook.create_sheet(MAIN_SHEET), title=self.title("量化指标完成情况"), info=self.info())
                by_lead = sorted(self.rows, key=lambda row: (row.lead_department.order, row.lead_department.code, row.indicator.order))
                for rows in (list(group) for key, group in groupby(by_lead, key=lambda row: row.lead_department.pk)):
                    self.department_sheet(workbook, rows[0].lead_department, rows, taken)
                summaries = department_summary(self.plan, self.year, self.rows)
                write_summary(workbook.create_sheet(SUMMARY_SHEET), self.plan, summaries, title=self.title("部门汇总"), info=self.info())
                if self.year == self.plan.last_year:
                    day = timezone.localtime(self.now).date()
                    write_final_sheet(workbook.create_sheet(FINAL_SHEET), final_assessment(self.plan, self.rows),
                                      heading=plan_heading(self.plan), day=day)
            if (item := issued.latest(self.plan, self.year)) and (changes := self.changes(item)):
                write_changes_sheet(workbook.create_sheet(CHANGES_SHEET), changes, heading=f"{plan_heading(self.plan)}\n{issued.since_heading(item)}")
        return workbook

    def changes(self, item) -> list:
        """What changed since ``item`` went out: every figure of the year, or of the department's rows."""
        shown = {row.indicator.pk for row in self.rows}
        return [change for change in issued.changes_since(item) if change.indicator.pk in shown]

    def department_sheet(self, workbook, department, rows, taken) -> None:
        sheet = workbook.create_sheet(sheet_title(department.name, taken))
        IndicatorTable(self.plan, self.year, rows).write(sheet, title=self.title(f"{department.name}牵头指标完成情况"), info=self.info())

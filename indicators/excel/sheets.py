"""The sheets of the assessment workbook.

``IndicatorSheet`` is the plan's table with the year's figures — used for the main
sheet 量化指标完成情况 and, with fewer rows, for each department's sheet.
``SummarySheet`` is 部门汇总.  Both take rows built by ``indicators.dashboard`` and do
no queries, so a workbook costs the same number of queries however large it is.

The column headers, sheet names and markers are the fixed Chinese of the printed
assessment table, not interface text, so they are literals rather than translations.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import groupby

from django.utils import translation
from openpyxl.worksheet.worksheet import Worksheet

from indicators import values as V
from indicators.rows import DepartmentSummary, IndicatorRow, YearCell
from indicators.excel.xlsx import (
    BOLD_FONT,
    HEADER_FILL,
    SMALL_FONT,
    TITLE_FONT,
    WRAP_CENTER,
    WRAP_LEFT,
    fill,
    fit_height,
    fit_width,
    merge,
    merged_text_row,
    print_setup,
    put_number,
    put_text,
    set_widths,
    style_blank,
)
from indicators.models import ActualStatus, Measure, Plan
from indicators.progress import SEVERITY, STATUS_COLOURS, Status

MAIN_SHEET = "量化指标完成情况"
SUMMARY_SHEET = "部门汇总"
NOT_CARRIED_OUT = "未开展"
PENDING = "（待审核）"
COMPLETION_FORMAT = "0.0%"
# Unapproved single numbers stay numbers (they can be summed and charted) and show the mark
# through their number format; texts (pairs, 未开展) get the mark appended.
NUMBER_FORMATS = {
    (False, False): "General",
    (False, True): f'General"{PENDING}"',
    (True, False): 'General"%"',
    (True, True): f'General"%{PENDING}"',
}

STATUS_FILLS = {status: fill(colour) for status, colour in STATUS_COLOURS.items()}

TITLE_ROW, INFO_ROW, HEADER_ROW = 1, 2, 3
FIRST_DATA_ROW = HEADER_ROW + 1


# The words of the printed table, used only for a label the zh-hans catalogue does not
# translate yet: the workbook is a Chinese document whatever state the catalogue is in.
PRINTED_STATUS = {
    Status.ACHIEVED: "已达标",
    Status.ON_TRACK: "正常",
    Status.ACCELERATE: "需加快",
    Status.BEHIND: "滞后",
    Status.DETERIORATING: "倒退",
    Status.MISSING: "未填报",
    Status.TRACKED: "不考核",
}
PRINTED_ACTUAL_STATUS = {
    ActualStatus.DRAFT: "草稿",
    ActualStatus.SUBMITTED: "已提交",
    ActualStatus.APPROVED: "已审核",
    ActualStatus.RETURNED: "已退回",
}


def _in_chinese(choices, printed) -> dict:
    with translation.override("en"):
        english = {choice: str(choice.label) for choice in choices}
    with translation.override("zh-hans"):
        chinese = {choice: str(choice.label) for choice in choices}
    return {choice: printed[choice] if chinese[choice] == english[choice] else chinese[choice] for choice in choices}


def status_words() -> dict[Status, str]:
    """进度状态 as printed: the Status labels in Simplified Chinese, whatever the request's language."""
    return _in_chinese(Status, PRINTED_STATUS)


def plan_heading(plan: Plan) -> str:
    return f"{plan.code}《{plan.title}》"


def main_headers(plan: Plan) -> list[str]:
    return [
        "主要任务序号",
        "指标内容",
        f"{plan.baseline_year}年基础值",
        *[f"{year}年" for year in plan.years],
        f"{plan.last_year}年目标值",
        "完成率",
        "进度状态",
        "责任部门",
        "情况说明",
    ]


def _as_text(value) -> str:
    return V.format_number(value) if isinstance(value, Decimal) else str(value)


class IndicatorSheet:
    """One row per indicator in table order, as the printed assessment table lays it out."""

    def __init__(self, name: str, plan: Plan, year: int, rows: list[IndicatorRow], *, title: str, info: str, words=None):
        self.name = name
        self.plan = plan
        self.year = year
        self.rows = rows
        self.title = title
        self.info = info
        self.words = words or status_words()
        self.headers = main_headers(plan)
        self.year_columns = {year: 4 + index for index, year in enumerate(plan.years)}  # 1-based

    # -- cells ------------------------------------------------------------------------------
    def year_value(self, indicator, cell: YearCell | None):
        """``(value, number_format)`` for a year column: a number, a text or blank."""
        if cell is None or not cell.reported:
            return None, None
        actual = cell.actual
        pending = cell.pending
        if actual.not_carried_out:
            return NOT_CARRIED_OUT + (PENDING if pending else ""), None
        if indicator.is_pair:
            return V.format_pair(actual.value, actual.second_value) + (PENDING if pending else ""), None
        return actual.value, NUMBER_FORMATS[(indicator.measure == Measure.RATE, pending)]

    def widths(self) -> list[float]:
        names = [row.indicator.name for row in self.rows]
        departments = [row.department_names for row in self.rows]
        notes = [row.current.actual.note if row.current.actual is not None else "" for row in self.rows]
        printed = [row.indicator.baseline_printed for row in self.rows] + [row.indicator.target_printed for row in self.rows]
        return [
            7.0,
            fit_width(names, minimum=16, maximum=30),
            fit_width(printed, minimum=9, maximum=11, header=self.headers[2]),
            *[fit_width(self.year_texts(year), minimum=8, maximum=16) for year in self.plan.years],
            fit_width(printed, minimum=9, maximum=11, header=self.headers[-5]),
            8.0,
            8.0,
            fit_width(departments, minimum=14, maximum=30),
            fit_width(notes, minimum=18, maximum=32),
        ]

    def year_texts(self, year: int) -> list[str]:
        """What a year column shows, the 待审核 mark included (a pair with the mark needs 16 units)."""
        if year > self.year:
            return []
        texts = []
        for row in self.rows:
            value, number_format = self.year_value(row.indicator, row.cells.get(year))
            if value is not None:
                texts.append(_as_text(value) + (PENDING if number_format and PENDING in number_format else ""))
        return texts

    # -- writing ----------------------------------------------------------------------------
    def write(self, ws: Worksheet):
        columns = len(self.headers)
        widths = self.widths_used = self.widths()
        set_widths(ws, widths)
        merged_text_row(ws, TITLE_ROW, columns, self.title, font=TITLE_FONT, alignment=WRAP_CENTER, widths=widths)
        merged_text_row(ws, INFO_ROW, columns, self.info, font=SMALL_FONT, widths=widths)
        for column, header in enumerate(self.headers, start=1):
            put_text(ws.cell(row=HEADER_ROW, column=column), header, font=BOLD_FONT, alignment=WRAP_CENTER, fill=HEADER_FILL)
        fit_height(ws, HEADER_ROW, self.headers, [w - 1 for w in widths])  # bold is a little wider
        row_number, task = FIRST_DATA_ROW, None
        for row in self.rows:
            self.write_row(ws, row_number, row, first_of_task=row.indicator.task_number != task)
            task = row.indicator.task_number
            row_number += 1
        self.merge_tasks(ws)
        self.write_footnotes(ws, row_number + 1, widths)
        print_setup(ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}", freeze=f"C{FIRST_DATA_ROW}")

    def write_row(self, ws: Worksheet, r: int, row: IndicatorRow, first_of_task: bool = True):
        indicator = row.indicator
        texts = []  # what each cell shows, for the row height

        def text(column, value, alignment=WRAP_LEFT):
            texts.append(value)
            return put_text(ws.cell(row=r, column=column), value, alignment=alignment)

        task_cell = ws.cell(row=r, column=1)
        if first_of_task:
            put_number(task_cell, indicator.task_number, alignment=WRAP_CENTER)
        else:
            style_blank(task_cell, alignment=WRAP_CENTER)  # covered by the group's merged cell
        texts.append("")
        text(2, indicator.name)
        text(3, indicator.baseline_printed, WRAP_CENTER)
        for year, column in self.year_columns.items():
            cell = ws.cell(row=r, column=column)
            value, number_format = self.year_value(indicator, row.cells.get(year) if year <= self.year else None)
            if value is None:
                style_blank(cell, alignment=WRAP_CENTER)
                texts.append("")
            elif number_format is None:
                text(column, value, WRAP_CENTER)
            else:
                put_number(cell, value, number_format=number_format, alignment=WRAP_CENTER)
                texts.append(_as_text(value) + (PENDING if PENDING in number_format else ""))
        column = 4 + len(self.year_columns)
        text(column, indicator.target_printed, WRAP_CENTER)
        completion = row.assessment.completion
        cell = ws.cell(row=r, column=column + 1)
        if completion is None:
            style_blank(cell, alignment=WRAP_CENTER)
        else:
            put_number(cell, completion, number_format=COMPLETION_FORMAT, alignment=WRAP_CENTER)
        texts.append("")
        texts.append(self.words[row.status])
        put_text(ws.cell(row=r, column=column + 2), self.words[row.status], alignment=WRAP_CENTER, fill=STATUS_FILLS[row.status])
        text(column + 3, row.department_names)
        text(column + 4, row.current.actual.note if row.current.actual is not None else "")
        fit_height(ws, r, texts, self.widths_used)

    def merge_tasks(self, ws: Worksheet):
        """主要任务序号 is printed once per group, merged down its rows as in the plan."""
        r, ranges = FIRST_DATA_ROW, []
        for _task, group in groupby(self.rows, key=lambda row: row.indicator.task_number):
            size = len(list(group))
            if size > 1:
                ranges.append(f"A{r}:A{r + size - 1}")
            r += size
        merge(ws, ranges)

    def write_footnotes(self, ws: Worksheet, first: int, widths):
        for index, note in enumerate(self.plan.footnotes):
            prefix = "注：" if index == 0 else "　　"
            merged_text_row(ws, first + index, len(self.headers), prefix + note, widths=widths)


SUMMARY_HEADERS = ["部门", "牵头指标数"]
REPORTING_HEADERS = ["已填报", "已提交（含已审核）", "已审核", "逾期未提交", "填报截止日期"]


class SummarySheet:
    """部门汇总: per lead department, the year's indicators by status and how far reporting has come."""

    name = SUMMARY_SHEET

    def __init__(self, plan: Plan, year: int, summaries: list[DepartmentSummary], *, title: str, info: str, words=None):
        self.plan = plan
        self.year = year
        self.summaries = summaries
        self.title = title
        self.info = info
        self.words = words or status_words()

    @property
    def headers(self) -> list[str]:
        return [*SUMMARY_HEADERS, *[self.words[status] for status in SEVERITY], *REPORTING_HEADERS]

    def line(self, summary: DepartmentSummary) -> list:
        return [
            summary.department.name,
            summary.total,
            *[summary.counts[status] for status in SEVERITY],
            summary.reported,
            summary.submitted,
            summary.approved,
            summary.overdue,
            summary.deadline.isoformat(),
        ]

    def write(self, ws: Worksheet):
        headers = self.headers
        widths = [fit_width([s.department.name for s in self.summaries], minimum=14, maximum=34)] + [
            fit_width([], minimum=8, maximum=12, header=h) for h in headers[1:]
        ]
        widths[-1] = 12.0
        set_widths(ws, widths)
        merged_text_row(ws, TITLE_ROW, len(headers), self.title, font=TITLE_FONT, alignment=WRAP_CENTER, widths=widths)
        merged_text_row(ws, INFO_ROW, len(headers), self.info, font=SMALL_FONT, widths=widths)
        status_columns = {3 + index: status for index, status in enumerate(SEVERITY)}
        for column, header in enumerate(headers, start=1):
            cell = put_text(ws.cell(row=HEADER_ROW, column=column), header, font=BOLD_FONT, alignment=WRAP_CENTER)
            status = status_columns.get(column)
            cell.fill = STATUS_FILLS[status] if status else HEADER_FILL
        fit_height(ws, HEADER_ROW, headers, [w - 1 for w in widths])
        r = FIRST_DATA_ROW
        lines = [self.line(summary) for summary in self.summaries]
        for line in lines:
            self.write_line(ws, r, line)
            fit_height(ws, r, [line[0]], widths)
            r += 1
        totals = ["合计"] + [sum(line[i] for line in lines) for i in range(1, len(headers) - 1)] + [""]
        self.write_line(ws, r, totals, font=BOLD_FONT)
        fit_height(ws, r, [], widths)
        print_setup(ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}", freeze=f"B{FIRST_DATA_ROW}")

    @staticmethod
    def write_line(ws: Worksheet, r: int, values: list, *, font=None):
        for column, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=column)
            if isinstance(value, int):
                put_number(cell, value, alignment=WRAP_CENTER)
            else:
                put_text(cell, value, alignment=WRAP_LEFT if column == 1 else WRAP_CENTER)
            if font is not None:
                cell.font = font


def actual_status_words() -> dict[str, str]:
    """审核状态 as printed in the template: the ActualStatus labels in Simplified Chinese."""
    return {status.value: word for status, word in _in_chinese(ActualStatus, PRINTED_ACTUAL_STATUS).items()}

"""The sheets of the assessment workbook.

``IndicatorSheet`` is the plan's table with the year's figures — used for the main
sheet 量化指标完成情况 and, with fewer rows, for each department's sheet.
``SummarySheet`` is 部门汇总.  Both take rows built by ``indicators.rows`` and do
no queries, so a workbook costs the same number of queries however large it is.

The column headers, sheet names and markers are the fixed Chinese of the printed
assessment table, not interface text, so they are literals rather than translations.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from itertools import groupby

from django.utils import translation
from django.utils.functional import cached_property

from indicators import formatting
from indicators import values as V
from indicators.rows import DepartmentSummary, IndicatorRow, YearCell
from indicators.excel.xlsx import (
    BODY_FONT,
    BOLD_FONT,
    HEADER_FILL,
    SMALL_FONT,
    TITLE_FONT,
    WRAP_CENTER,
    WRAP_LEFT,
    fill,
    fit_width,
    print_setup,
    set_widths,
)
from indicators.excel.writer import SheetWriter, row_height
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


def chinese_labels(choices, printed) -> dict:
    """``choices``' labels in Simplified Chinese whatever the request's language; ``printed`` for any not translated yet."""
    with translation.override("en"):
        english = {choice: str(choice.label) for choice in choices}
    with translation.override("zh-hans"):
        chinese = {choice: str(choice.label) for choice in choices}
    return {choice: printed[choice] if chinese[choice] == english[choice] else chinese[choice] for choice in choices}


def status_words() -> dict[Status, str]:
    """进度状态 as printed: the Status labels in Simplified Chinese, whatever the request's language."""
    return chinese_labels(Status, PRINTED_STATUS)


def plan_heading(plan: Plan) -> str:
    return f"{plan.code}《{plan.title}》"


def main_headers(plan: Plan) -> list[str]:
    return [
        "主要任务序号",
        "指标内容",
        f"{plan.baseline_year}年基础值",
        *[f"{year}年" for year in plan.years],
        f"{plan.last_year}年目标值",
        YEAR_COMPLETION,
        FINAL_COMPLETION,
        "进度状态",
        "责任部门",
        "情况说明",
    ]


YEAR_COMPLETION, FINAL_COMPLETION = "年度完成率", "目标完成率"


completion_text = formatting.percent  # as the cell's ``0.0%`` format shows it (Excel rounds halves up)


def completions(row: IndicatorRow) -> tuple:
    """年度完成率 and 目标完成率 of a row: a fraction each, or for a pair a text with both parts."""
    parts = row.assessment.parts
    if len(parts) == 1:
        return parts[0].year_completion, parts[0].completion
    return tuple(formatting.percents(getattr(part, name) for part in parts) for name in ("year_completion", "completion"))


def _as_text(value) -> str:
    return formatting.number(value) if isinstance(value, Decimal) else str(value)


def year_value(indicator, cell: YearCell | None):
    """``(value, number_format)`` for a year column: a number, a text or blank."""
    if cell is None or not cell.reported:
        return None, None
    actual = cell.actual
    pending = cell.pending
    if actual.not_carried_out:
        return NOT_CARRIED_OUT + (PENDING if pending else ""), None
    if indicator.is_pair:
        return formatting.pair(actual.value, actual.second_value) + (PENDING if pending else ""), None
    return actual.value, NUMBER_FORMATS[(indicator.measure == Measure.RATE, pending)]


def shown_text(value, number_format) -> str:
    """What a year column's ``year_value`` prints, the 待审核 mark included; "" for blank."""
    if value is None:
        return ""
    if number_format is None:
        return value
    return _as_text(value) + (PENDING if PENDING in number_format else "")


def note_of(row: IndicatorRow) -> str:
    """情况说明: the note of the as-of year's figure."""
    return row.current.actual.note if row.current.actual is not None else ""


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
        return year_value(indicator, cell)

    @cached_property
    def shown(self) -> list[list[tuple]]:
        """Per row, per plan year: ``(value, number_format, text)``, the text as it is printed.

        Worked out once for the column widths and the cells; years after the as-of year are blank.
        """
        shown = []
        for row in self.rows:
            line = []
            for year in self.plan.years:
                value, number_format = self.year_value(row.indicator, row.cells.get(year)) if year <= self.year else (None, None)
                line.append((value, number_format, shown_text(value, number_format)))
            shown.append(line)
        return shown

    @cached_property
    def completions(self) -> list[tuple]:
        return [completions(row) for row in self.rows]

    def completion_widths(self) -> list[float]:
        # A pair's completion is a text of both parts (“86.5%／50.0%”); a single one a number.
        columns = list(zip(*self.completions)) or [(), ()]
        return [fit_width([v for v in column if isinstance(v, str)], minimum=8, maximum=14) for column in columns]

    def widths(self) -> list[float]:
        names = [row.indicator.name for row in self.rows]
        departments = [row.department_names for row in self.rows]
        notes = [note_of(row) for row in self.rows]
        printed = [row.indicator.baseline_printed for row in self.rows] + [row.indicator.target_printed for row in self.rows]
        # What a year column shows, the 待审核 mark included (a pair with the mark needs 16 units).
        years = [fit_width([line[index][2] for line in self.shown], minimum=8, maximum=16) for index in range(len(self.plan.years))]
        return [
            7.0,
            fit_width(names, minimum=16, maximum=30),
            fit_width(printed, minimum=9, maximum=11, header=self.headers[2]),
            *years,
            fit_width(printed, minimum=9, maximum=11, header=self.headers[-6]),
            *self.completion_widths(),
            8.0,
            fit_width(departments, minimum=14, maximum=30),
            fit_width(notes, minimum=18, maximum=32),
        ]

    # -- writing ----------------------------------------------------------------------------
    def write(self, out: SheetWriter):
        columns = len(self.headers)
        widths = self.widths_used = self.widths()
        set_widths(out.ws, widths)
        out.merged_text_row(columns, self.title, font=TITLE_FONT, alignment=WRAP_CENTER, widths=widths)
        out.merged_text_row(columns, self.info, font=SMALL_FONT, widths=widths)
        out.append(
            [out.text(header, font=BOLD_FONT, alignment=WRAP_CENTER, fill=HEADER_FILL) for header in self.headers],
            height=row_height(self.headers, [w - 1 for w in widths]),  # bold is a little wider
        )
        # The styles of the data cells, looked up once for the sheet.
        self.left, self.center = out.style(), out.style(alignment=WRAP_CENTER)
        self.numbers = {
            number_format: out.style(alignment=WRAP_CENTER, number_format=number_format)
            for number_format in ("General", COMPLETION_FORMAT, *NUMBER_FORMATS.values())
        }
        self.statuses = {status: out.style(alignment=WRAP_CENTER, fill=colour) for status, colour in STATUS_FILLS.items()}
        task = None
        for row, shown, completion in zip(self.rows, self.shown, self.completions, strict=True):
            self.write_row(out, row, shown, first_of_task=row.indicator.task_number != task, completions=completion)
            task = row.indicator.task_number
        self.merge_tasks(out)
        out.append([])
        for index, note in enumerate(self.plan.footnotes):
            prefix = "注：" if index == 0 else "　　"
            out.merged_text_row(columns, prefix + note, widths=widths)
        out.finish()
        print_setup(out.ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}", freeze=f"C{FIRST_DATA_ROW}")

    def completion_cell(self, out: SheetWriter, value):
        if value is None:
            return out.blank(self.center)
        if isinstance(value, str):  # a pair: both parts as text
            return out.text(value, self.center)
        return out.number(value, self.numbers[COMPLETION_FORMAT])

    def printed_row(self, row: IndicatorRow, shown: list[tuple], completions: tuple) -> list[str]:
        """What each column of ``row`` prints, as text: the row height's measure, and the brief's appendix."""
        indicator = row.indicator
        return [
            str(indicator.task_number),
            indicator.name,
            indicator.baseline_printed,
            *[text for _value, _format, text in shown],
            indicator.target_printed,
            *["" if value is None else value if isinstance(value, str) else completion_text(value) for value in completions],
            self.words[row.status],
            row.department_names,
            note_of(row),
        ]

    def printed_rows(self) -> list[list[str]]:
        return [self.printed_row(*line) for line in zip(self.rows, self.shown, self.completions, strict=True)]

    def write_row(self, out: SheetWriter, row: IndicatorRow, shown: list[tuple], first_of_task: bool = True, completions=(None, None)):
        indicator = row.indicator
        left, center, numbers = self.left, self.center, self.numbers
        texts = self.printed_row(row, shown, completions)
        status, note = texts[-3], texts[-1]
        cells = [
            # 主要任务序号 once per group; the rest of the group is covered by its merged cell
            out.number(indicator.task_number, numbers["General"]) if first_of_task else out.blank(center),
            out.text(indicator.name, left),
            out.text(indicator.baseline_printed, center),
        ]
        for value, number_format, _text in shown:
            if value is None:
                cells.append(out.blank(center))
            elif number_format is None:
                cells.append(out.text(value, center))
            else:
                cells.append(out.number(value, numbers[number_format]))
        cells += [
            out.text(indicator.target_printed, center),
            *[self.completion_cell(out, value) for value in completions],
            out.text(status, self.statuses[row.status]),
            out.text(row.department_names, left),
            out.text(note, left),
        ]
        out.append(cells, height=row_height(texts, self.widths_used))

    def merge_tasks(self, out: SheetWriter):
        """主要任务序号 is printed once per group, merged down its rows as in the plan."""
        r = FIRST_DATA_ROW
        for _task, group in groupby(self.rows, key=lambda row: row.indicator.task_number):
            size = len(list(group))
            if size > 1:
                out.merge(f"A{r}:A{r + size - 1}")
            r += size


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

    def write(self, out: SheetWriter):
        headers = self.headers
        widths = [fit_width([s.department.name for s in self.summaries], minimum=14, maximum=34)] + [
            fit_width([], minimum=8, maximum=12, header=h) for h in headers[1:]
        ]
        widths[-1] = 12.0
        set_widths(out.ws, widths)
        out.merged_text_row(len(headers), self.title, font=TITLE_FONT, alignment=WRAP_CENTER, widths=widths)
        out.merged_text_row(len(headers), self.info, font=SMALL_FONT, widths=widths)
        status_columns = {3 + index: status for index, status in enumerate(SEVERITY)}
        out.append(
            [
                out.text(header, font=BOLD_FONT, alignment=WRAP_CENTER, fill=STATUS_FILLS[status_columns[column]]
                         if column in status_columns else HEADER_FILL)
                for column, header in enumerate(headers, start=1)
            ],
            height=row_height(headers, [w - 1 for w in widths]),
        )
        lines = [self.line(summary) for summary in self.summaries]
        for line in lines:
            self.write_line(out, line, height=row_height([line[0]], widths))
        totals = ["合计"] + [sum(line[i] for line in lines) for i in range(1, len(headers) - 1)] + [""]
        self.write_line(out, totals, font=BOLD_FONT, height=row_height([], widths))
        out.finish()
        print_setup(out.ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}", freeze=f"B{FIRST_DATA_ROW}")

    @staticmethod
    def write_line(out: SheetWriter, values: list, *, font=BODY_FONT, height=None):
        out.append(
            [
                out.number(value, font=font, alignment=WRAP_CENTER) if isinstance(value, int)
                else out.text(value, font=font, alignment=WRAP_LEFT if column == 1 else WRAP_CENTER)
                for column, value in enumerate(values, start=1)
            ],
            height=height,
        )


def actual_status_words() -> dict[str, str]:
    """审核状态 as printed in the template: the ActualStatus labels in Simplified Chinese."""
    return {status.value: word for status, word in chinese_labels(ActualStatus, PRINTED_ACTUAL_STATUS).items()}

"""A plan's table of quantified indicators as printed, written to Excel (and read back by ``plan_reading``).

The visible columns are the table of the plan document (柳高新〔2022〕2号, "（三）量化指标"):
主要任务序号 (merged down each task) · 指标内容 (the unit in parentheses, as printed) · the
baseline year's value · the last year's target · 责任部门 (joined with 、), then the footnotes
under the table (注：1. …).  What the printed table does not carry — the unit when the name
prints none, what is entered, how the target is compared, the direction, the roll-over flags —
goes into hidden columns to the right, so that exporting a plan and importing the file gives
the same plan again; a table typed by hand simply lacks them (docs/design.md, "The plan's life").

The headers and words here are the fixed Chinese of the printed table, not interface text.
"""

from __future__ import annotations

from itertools import groupby

from django.db.models import Prefetch
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from openpyxl.utils import get_column_letter

from indicators.excel.base import BaseExporter
from indicators.excel.sheets import plan_heading
from indicators.excel.writer import BookWriter, SheetWriter, row_height
from indicators.excel.xlsx import (
    BOLD_FONT,
    HEADER_FILL,
    NO_BORDER,
    TITLE_FONT,
    WRAP_CENTER,
    WRAP_LEFT,
    fit_width,
    print_setup,
    set_widths,
)
from indicators.models import CooperatingDepartment, Indicator, Measure, Plan
from indicators.progress import TargetBasis

TABLE_SHEET = "量化指标"
HELP_SHEET = "填写说明"
TITLE_ROW, HEADER_ROW = 1, 2
FIRST_ROW = HEADER_ROW + 1

# The printed columns.
TASK, NAME, DEPARTMENTS = "主要任务序号", "指标内容", "责任部门"
DEPARTMENT_SEPARATOR = "、"
FOOTNOTE_PREFIX, FOOTNOTE_INDENT = "注：", "　　"


def baseline_header(plan: Plan) -> str:
    return f"{plan.baseline_year}年基础值"


def target_header(plan: Plan) -> str:
    return f"{plan.last_year}年目标值"


# The hidden columns, found by these exact headers.
UNIT, SECOND_UNIT, MEASURE, BASIS, DIRECTION, BASELINE_UNREPORTED, TARGET_PENDING = (
    "单位", "计数单位", "填报口径", "考核方式", "指标方向", "基期值未填报", "目标值待定",
)
HIDDEN = (UNIT, SECOND_UNIT, MEASURE, BASIS, DIRECTION, BASELINE_UNREPORTED, TARGET_PENDING)
YES = "是"

MEASURE_WORDS = {Measure.FLOW: "当年发生数", Measure.STOCK: "年末存量", Measure.RATE: "比率"}
# In a table with the hidden columns, a blank 考核方式 / 指标方向 / flag is the default, not a guess.
DEFAULT_BASIS = TargetBasis.YEAR
BASIS_WORDS = {TargetBasis.YEAR: "逐年考核", TargetBasis.CUMULATIVE: "累计考核"}
DIRECTION_WORDS = {True: "越高越好", False: "越低越好"}

HELP_LINES = [
    "1. “量化指标”表按方案印发的样式排列：主要任务序号、指标内容（单位写在括号内，如“（件）”“（万元）/笔”）、基础值、目标值、责任部门。",
    "2. 同一主要任务的多行可以合并“主要任务序号”单元格，也可以每行重复填写；序号留空的行属于上一项任务。",
    "3. 基础值和目标值按方案原文填写：数字、百分数（如 95.26%）、成对数值（如 2868/2）、“—”（未开展）、“/”（不开展或不确定）或“以实际业务开展为准”。",
    "4. 责任部门用“、”分隔，第一个为牵头部门；部门名称须与系统中的名称一致，否则导入时需对应到已有部门或新建部门。",
    "5. 表下的注释以“注：”开头，每条一行。",
    "6. 表格右侧隐藏的列（单位、计数单位、填报口径、考核方式、指标方向、基期值未填报、目标值待定）保存方案原文没有印出的设置，"
    "请勿删除。考核方式留空为逐年考核，指标方向留空为越高越好，基期值未填报、目标值待定留空为否；"
    "新增的行可以不填单位和填报口径，导入时推断（单位取指标名称末尾括号内的文字，带“%”的为比率，其余为当年发生数），导入后可在系统中修改。",
    "7. 导入时只要有一行不符合要求，整张表都不会保存，页面会列出行号和原因。",
]


class PlanTableExport(BaseExporter):
    """The plan's table (``TABLE_SHEET``) and a sheet of instructions, as one workbook."""

    identifier = "plan_table"
    verbose_name = _("The plan's table of indicators")

    def __init__(self, plan: Plan):
        self.plan = plan

    def get_filename(self) -> str:
        return f"{self.plan.code}_量化指标.xlsx"

    def get_ascii_filename(self) -> str:
        return f"plan_{self.plan.pk}_table.xlsx"

    @cached_property
    def indicators(self) -> list[Indicator]:
        """The plan's indicators in table order, each with its departments (three queries)."""
        links = CooperatingDepartment.objects.select_related("department").order_by("position", "pk")
        return list(
            self.plan.indicators.select_related("lead_department")
            .prefetch_related(Prefetch("cooperation", queryset=links))
            .order_by("order")
        )

    @staticmethod
    def departments(indicator: Indicator) -> str:
        return DEPARTMENT_SEPARATOR.join(d.name for d in indicator.responsible_departments())

    def headers(self) -> list[str]:
        return [TASK, NAME, baseline_header(self.plan), target_header(self.plan), DEPARTMENTS, *HIDDEN]

    def widths(self) -> list[float]:
        rows = self.indicators
        printed = [i.baseline_printed for i in rows] + [i.target_printed for i in rows]
        return [
            9.0,
            fit_width([i.name for i in rows], minimum=24, maximum=40),
            fit_width(printed, minimum=10, maximum=14, header=baseline_header(self.plan)),
            fit_width(printed, minimum=10, maximum=14, header=target_header(self.plan)),
            fit_width([self.departments(i) for i in rows], minimum=24, maximum=50),
            *[10.0] * len(HIDDEN),
        ]

    def write(self, handle) -> None:
        book = BookWriter()
        self.write_table(book.sheet(TABLE_SHEET))
        help_sheet = book.sheet(HELP_SHEET)
        help_sheet.ws.column_dimensions["A"].width = 110
        for line in HELP_LINES:
            help_sheet.append([help_sheet.text(line, border=NO_BORDER)], height=row_height([line], [110]))
        print_setup(help_sheet.ws, title_rows=None, freeze=None)
        book.save(handle)

    def write_table(self, out: SheetWriter) -> None:
        visible = 5
        headers, widths = self.headers(), self.widths()
        set_widths(out.ws, widths)
        out.merged_text_row(visible, f"{plan_heading(self.plan)}量化指标", font=TITLE_FONT, alignment=WRAP_CENTER,
                            widths=widths[:visible])
        out.append([out.text(h, font=BOLD_FONT, alignment=WRAP_CENTER, fill=HEADER_FILL) for h in headers],
                   height=row_height(headers[:visible], [w - 1 for w in widths[:visible]]))
        left, center = out.style(), out.style(alignment=WRAP_CENTER)
        task = None
        for indicator in self.indicators:
            departments = self.departments(indicator)
            first_of_task = indicator.task_number != task
            task = indicator.task_number
            cells = [
                # Printed once per task, its merged cell covering the task's rows (``merge_tasks``).
                out.number(indicator.task_number, center) if first_of_task else out.blank(center),
                out.text(indicator.name, left),
                out.text(indicator.baseline_printed, center),
                out.text(indicator.target_printed, center),
                out.text(departments, left),
                # Hidden: what is entered always; the rest only when it is not the default (a cell left out
                # is not read at all, which keeps a 2,900-row table quick to import).
                out.text(indicator.unit, center) if indicator.unit else None,
                out.text(indicator.second_unit, center) if indicator.second_unit else None,
                out.text(MEASURE_WORDS.get(indicator.measure, indicator.measure), center),
                None if indicator.target_basis == DEFAULT_BASIS
                else out.text(BASIS_WORDS.get(indicator.target_basis, indicator.target_basis), center),
                None if indicator.higher_is_better else out.text(DIRECTION_WORDS[False], center),
                out.text(YES, center) if indicator.baseline_unreported else None,
                out.text(YES, center) if indicator.target_pending else None,
            ]
            texts = ["", indicator.name, indicator.baseline_printed, indicator.target_printed, departments]
            out.append(cells, height=row_height(texts, widths[:visible]))
        self.merge_tasks(out)
        if self.plan.footnotes:
            out.append([])
        for index, note in enumerate(self.plan.footnotes):
            prefix = FOOTNOTE_PREFIX if index == 0 else FOOTNOTE_INDENT
            out.merged_text_row(visible, prefix + note, alignment=WRAP_LEFT, widths=widths[:visible])
        out.finish()
        for column in range(visible + 1, len(headers) + 1):
            out.ws.column_dimensions[get_column_letter(column)].hidden = True
        print_setup(out.ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}", freeze=f"A{FIRST_ROW}")

    def merge_tasks(self, out: SheetWriter) -> None:
        row = FIRST_ROW
        for _task, group in groupby(self.indicators, key=lambda indicator: indicator.task_number):
            size = len(list(group))
            if size > 1:
                out.merge(f"A{row}:A{row + size - 1}")
            row += size

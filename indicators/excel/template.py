"""The Excel template a department fills in for one year.

One row per indicator the department leads, with the current figures filled in.
Two hidden, locked columns carry what the importer needs to be safe: the indicator's
id (so renaming or re-sorting rows changes nothing) and the version of the actual the
reporter saw (so an upload never silently overwrites a figure someone changed since).
The year, department and plan are written above the table and compared on upload.
Sheet protection (without a password) keeps people from typing into the wrong
cells by accident; it is not a security measure — the importer checks every row again.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from openpyxl.styles import PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from indicators.excel.base import BaseExporter
from indicators.excel.sheets import actual_status_words
from indicators.excel.xlsx import (
    BOLD_FONT,
    HEADER_FILL,
    LOCKED_FILL,
    NO_BORDER,
    SMALL_FONT,
    TITLE_FONT,
    WRAP_CENTER,
    WRAP_LEFT,
    set_widths,
)
from indicators.excel.writer import BookWriter, SheetWriter, row_height
from indicators.models import Actual, Indicator, Measure
from indicators.progress import yearly_target

TEMPLATE_SHEET = "填报"
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
EDITABLE = Protection(locked=False)
HELP_SHEET = "填报说明"

# Header texts the importer looks for (exactly these words, in any column order).
ID, VERSION, VALUE, COUNT, NOT_CARRIED_OUT, NOTE = "指标ID", "版本", "数值", "件数/笔数", "未开展", "情况说明"
REQUIRED_HEADERS = (ID, VERSION, VALUE, COUNT, NOT_CARRIED_OUT, NOTE)
YEAR_LABEL, DEPARTMENT_LABEL, PLAN_LABEL = "填报年度", "填报部门", "方案"
YES = "是"

# What to enter, as printed next to each indicator (Indicator.measure).
MEASURE_WORDS = {Measure.FLOW: "当年发生数", Measure.STOCK: "年末存量", Measure.RATE: "比率（%，填写数字）"}

TITLE_ROW, META_ROW, HEADER_ROW = 1, 2, 3
FIRST_ROW = HEADER_ROW + 1

HELP_LINES = [
    "1. 只填写“数值”“件数/笔数”“未开展”“情况说明”四列，其余列不要改动；不要删除或调换隐藏的“指标ID”“版本”列。",
    "2. “数值”按“填报口径”填写：当年发生数填本年度新增的数量或金额；年末存量填年底的总量；比率填百分数的数字（如 95.26）。",
    "3. 成对指标（如 专利质押融资金额（万元）/笔）在“数值”填金额，在“件数/笔数”填笔数或件数，两者都要填。",
    "4. 数值不清楚时请留空：留空表示“未填报”，不会当作 0。",
    "5. 当年未开展该项工作时，在“未开展”填“是”，数值留空，并在“情况说明”写明原因。",
    "6. 已提交或已审核的行已锁定，上传时不能修改；如需修改，请联系审核员退回。",
    "7. 填好后在系统“从 Excel 导入”页面上传；有任何一行不符合要求时整份文件都不会保存，页面会列出行号和原因。",
]


class ImportTemplate(BaseExporter):
    identifier = "import_template"
    verbose_name = _("Excel template for entering a year's figures")

    def __init__(self, plan, year: int, department, *, now=None):
        if not plan.contains_year(year):
            raise ValueError(f"{year} is outside {plan.code} ({plan.first_year}–{plan.last_year})")
        self.plan = plan
        self.year = year
        self.department = department
        self.now = now or timezone.now()

    def get_filename(self) -> str:
        return f"量化指标填报_{self.department.name}_{self.year}年.xlsx"

    def get_ascii_filename(self) -> str:
        return f"template_{self.department.code}_{self.year}.xlsx"

    @cached_property
    def rows(self) -> list[tuple[Indicator, Actual | None]]:
        indicators = list(
            Indicator.objects.filter(plan=self.plan, lead_department=self.department)
            .select_related("plan")
            .prefetch_related("yearly_targets")
            .order_by("order")
        )
        actuals = {a.indicator_id: a for a in Actual.objects.filter(indicator__in=indicators, year=self.year).order_by()}
        return [(indicator, actuals.get(indicator.pk)) for indicator in indicators]

    def headers(self) -> list[tuple[str, float]]:
        return [
            (ID, 8),
            (VERSION, 6),
            ("序号", 9),
            ("指标内容", 34),
            ("单位", 10),
            ("填报口径", 12),
            (f"{self.year}年目标", 11),
            (f"{self.plan.last_year}年目标值", 11),
            ("审核状态", 9),
            (VALUE, 12),
            (COUNT, 10),
            (NOT_CARRIED_OUT, 8),
            (NOTE, 40),
        ]

    def write(self, handle) -> None:
        book = BookWriter()
        self.write_sheet(book.sheet(TEMPLATE_SHEET))
        help_sheet = book.sheet(HELP_SHEET)
        help_sheet.ws.column_dimensions["A"].width = 110
        for line in HELP_LINES:
            help_sheet.append([help_sheet.text(line, border=NO_BORDER)])
        book.save(handle)

    def write_sheet(self, out: SheetWriter):
        ws = out.ws
        headers = self.headers()
        widths = [width for _text, width in headers]
        set_widths(ws, widths)
        title = f"{self.department.name}{self.year}年量化指标填报表（{self.plan.code}）"
        out.merged_text_row(len(headers), title, font=TITLE_FONT, alignment=WRAP_CENTER, widths=widths)
        # The year, department and plan: the importer reads the cell right of each label.
        meta = [None, None, out.text(YEAR_LABEL, font=SMALL_FONT, border=NO_BORDER),
                out.number(self.year, font=BOLD_FONT, alignment=WRAP_LEFT, border=NO_BORDER),
                out.text(DEPARTMENT_LABEL, font=SMALL_FONT, border=NO_BORDER),
                out.text(self.department.name, font=BOLD_FONT, border=NO_BORDER), None,
                out.text(PLAN_LABEL, font=SMALL_FONT, border=NO_BORDER),
                out.text(self.plan.code, font=BOLD_FONT, border=NO_BORDER)]
        row = out.append(meta)
        out.merge(f"I{row}:K{row}")
        out.append(
            [out.text(text, font=BOLD_FONT, alignment=WRAP_CENTER, fill=HEADER_FILL) for text, _width in headers],
            height=row_height([text for text, _width in headers], widths),
        )

        statuses = actual_status_words()
        yes_no = DataValidation(type="list", formula1=f'"{YES}"', allow_blank=True, showDropDown=False)
        yes_no.error = "填“是”或留空"
        yes_no.prompt = "当年未开展该项工作时填“是”，并在情况说明中写明原因"
        ws.add_data_validation(yes_no)
        for indicator, actual in self.rows:
            can_edit = actual is None or actual.is_editable
            target = yearly_target(indicator.spec(indicator.yearly_targets.all()), self.year)
            unit = f"{indicator.unit} / {indicator.second_unit}" if indicator.is_pair else indicator.unit
            locked = {"fill": LOCKED_FILL}
            cells = [
                out.number(indicator.pk, **locked),
                out.number(actual.version if actual is not None else 0, **locked),
                out.number(indicator.order, alignment=WRAP_CENTER, **locked),
                out.text(indicator.name, **locked),
                out.text(unit, alignment=WRAP_CENTER, **locked),
                out.text(MEASURE_WORDS.get(indicator.measure, ""), alignment=WRAP_CENTER, **locked),
                out.text(str(target), alignment=WRAP_CENTER, **locked),
                out.text(indicator.target_printed, alignment=WRAP_CENTER, **locked),
                out.text(statuses[actual.status] if actual is not None else "", alignment=WRAP_CENTER, **locked),
                *self.inputs(out, indicator, actual, can_edit),
            ]
            row = out.append(cells, height=row_height([cell.value for cell in cells], widths))
            if can_edit:
                yes_no.add(f"L{row}")
        out.finish()
        for column in ("A", "B"):
            ws.column_dimensions[column].hidden = True
        ws.freeze_panes = f"E{FIRST_ROW}"
        ws.protection.sheet = True
        # Let people widen columns and rows to read long notes; only cell contents are guarded.
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"

    @staticmethod
    def inputs(out: SheetWriter, indicator, actual, can_edit: bool) -> list:
        """数值, 件数/笔数, 未开展 and 情况说明: unlocked and tinted where the reporter may type."""
        def where(column):
            if can_edit and (column != COUNT or indicator.is_pair):
                return {"fill": INPUT_FILL, "protection": EDITABLE}  # where to type, at a glance
            return {"fill": LOCKED_FILL}

        value = actual.value if actual is not None else None
        count = actual.second_value if actual is not None and indicator.is_pair else None
        return [
            out.blank(**where(VALUE)) if value is None else out.number(value, **where(VALUE)),
            out.blank(**where(COUNT)) if count is None else out.number(count, **where(COUNT)),
            out.text(YES if actual is not None and actual.not_carried_out else "", alignment=WRAP_CENTER,
                     **where(NOT_CARRIED_OUT)),
            out.text(actual.note if actual is not None else "", **where(NOTE)),
        ]

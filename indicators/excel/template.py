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
from openpyxl import Workbook
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
    fit_height,
    merged_text_row,
    put_number,
    put_text,
    set_widths,
    style_blank,
)
from indicators.models import Actual, Indicator, Measure
from indicators.progress import yearly_target

TEMPLATE_SHEET = "填报"
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
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
        workbook = Workbook()
        ws = workbook.active
        ws.title = TEMPLATE_SHEET
        self.write_sheet(ws)
        help_sheet = workbook.create_sheet(HELP_SHEET)
        help_sheet.column_dimensions["A"].width = 110
        for index, line in enumerate(HELP_LINES, start=1):
            put_text(help_sheet.cell(row=index, column=1), line, border=NO_BORDER)
        workbook.active = 0
        workbook.save(handle)

    def write_sheet(self, ws):
        headers = self.headers()
        widths = [width for _text, width in headers]
        set_widths(ws, widths)
        title = f"{self.department.name}{self.year}年量化指标填报表（{self.plan.code}）"
        merged_text_row(ws, TITLE_ROW, len(headers), title, font=TITLE_FONT, alignment=WRAP_CENTER, widths=widths)
        # The year, department and plan: the importer reads the cell right of each label.
        meta = [(3, YEAR_LABEL), (4, self.year), (5, DEPARTMENT_LABEL), (6, self.department.name),
                (8, PLAN_LABEL), (9, self.plan.code)]
        for column, value in meta:
            cell = ws.cell(row=META_ROW, column=column)
            if isinstance(value, int):
                put_number(cell, value, font=BOLD_FONT, alignment=WRAP_LEFT, border=NO_BORDER)
            else:
                put_text(cell, value, font=BOLD_FONT if column in (4, 6, 9) else SMALL_FONT, border=NO_BORDER)
        ws.merge_cells(start_row=META_ROW, start_column=9, end_row=META_ROW, end_column=11)
        for column, (text, _width) in enumerate(headers, start=1):
            put_text(ws.cell(row=HEADER_ROW, column=column), text, font=BOLD_FONT, alignment=WRAP_CENTER).fill = HEADER_FILL
        fit_height(ws, HEADER_ROW, [text for text, _width in headers], widths)

        statuses = actual_status_words()
        yes_no = DataValidation(type="list", formula1=f'"{YES}"', allow_blank=True, showDropDown=False)
        yes_no.error = "填“是”或留空"
        yes_no.prompt = "当年未开展该项工作时填“是”，并在情况说明中写明原因"
        ws.add_data_validation(yes_no)
        editable = Protection(locked=False)
        for r, (indicator, actual) in enumerate(self.rows, start=FIRST_ROW):
            can_edit = actual is None or actual.is_editable
            target = yearly_target(indicator.spec(indicator.yearly_targets.all()), self.year)
            unit = f"{indicator.unit} / {indicator.second_unit}" if indicator.is_pair else indicator.unit
            put_number(ws.cell(row=r, column=1), indicator.pk)
            put_number(ws.cell(row=r, column=2), actual.version if actual is not None else 0)
            put_number(ws.cell(row=r, column=3), indicator.order, alignment=WRAP_CENTER)
            put_text(ws.cell(row=r, column=4), indicator.name)
            put_text(ws.cell(row=r, column=5), unit, alignment=WRAP_CENTER)
            put_text(ws.cell(row=r, column=6), MEASURE_WORDS.get(indicator.measure, ""), alignment=WRAP_CENTER)
            put_text(ws.cell(row=r, column=7), str(target), alignment=WRAP_CENTER)
            put_text(ws.cell(row=r, column=8), indicator.target_printed, alignment=WRAP_CENTER)
            put_text(ws.cell(row=r, column=9), statuses[actual.status] if actual is not None else "", alignment=WRAP_CENTER)
            self.write_inputs(ws, r, indicator, actual)
            for column in range(1, 14):
                cell = ws.cell(row=r, column=column)
                if column >= 10 and can_edit and (column != 11 or indicator.is_pair):
                    cell.protection = editable
                    cell.fill = INPUT_FILL  # where to type, at a glance
                else:
                    cell.fill = LOCKED_FILL
            if can_edit:
                yes_no.add(f"L{r}")
            fit_height(ws, r, [c.value for c in ws[r]], widths)
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
    def write_inputs(ws, r, indicator, actual):
        value_cell, count_cell = ws.cell(row=r, column=10), ws.cell(row=r, column=11)
        flag_cell, note_cell = ws.cell(row=r, column=12), ws.cell(row=r, column=13)
        if actual is not None and actual.value is not None:
            put_number(value_cell, actual.value)
        else:
            style_blank(value_cell)
        if actual is not None and indicator.is_pair and actual.second_value is not None:
            put_number(count_cell, actual.second_value)
        else:
            style_blank(count_cell)
        put_text(flag_cell, YES if actual is not None and actual.not_carried_out else "", alignment=WRAP_CENTER)
        put_text(note_cell, actual.note if actual is not None else "")

"""The Excel template a department fills in for one year (read back by ``importer``): two hidden, locked columns
carry the indicator's id and the version of the figure the reporter saw.  Sheet protection only keeps people from
typing into the wrong cells: the import checks every row again."""

from __future__ import annotations

from functools import cached_property

from django.utils import translation
from openpyxl.worksheet.datavalidation import DataValidation

from indicators.downloads import Download
from indicators.excel.styles import help_sheet, new_workbook, print_setup, put_line, put_row, row_height, set_widths
from indicators.formatting import printed
from indicators.models import Actual, ActualStatus, Indicator, Measure
from indicators.progress import yearly_target

TEMPLATE_SHEET, HELP_SHEET = "填报", "填报说明"
# Header texts the import looks for (exactly these words, in any column order).
ID, VERSION, VALUE, COUNT, NOT_CARRIED_OUT, NOTE = "指标ID", "版本", "数值", "件数/笔数", "未开展", "情况说明"
REQUIRED_HEADERS = (ID, VERSION, VALUE, COUNT, NOT_CARRIED_OUT, NOTE)
YEAR_LABEL, DEPARTMENT_LABEL, PLAN_LABEL = "填报年度", "填报部门", "方案"
YES = "是"
HEADER_ROW = 3
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


class ImportTemplate(Download):
    def __init__(self, plan, year: int, department):
        if not plan.contains_year(year):
            raise ValueError(f"{year} is outside {plan.code} ({plan.first_year}–{plan.last_year})")
        self.plan, self.year, self.department = plan, year, department
        self.filename = f"量化指标填报_{department.name}_{year}年.xlsx"
        self.ascii_filename = f"template_{department.code}_{year}.xlsx"

    @cached_property
    def rows(self) -> list[tuple[Indicator, Actual | None]]:
        indicators = list(Indicator.objects.filter(plan=self.plan, lead_department=self.department)
                          .select_related("plan").prefetch_related("yearly_targets").order_by("order"))
        actuals = {a.indicator_id: a for a in Actual.objects.filter(indicator__in=indicators, year=self.year).order_by()}
        return [(indicator, actuals.get(indicator.pk)) for indicator in indicators]

    def headers(self) -> list[tuple[str, float]]:
        return [(ID, 8), (VERSION, 6), ("序号", 9), ("指标内容", 34), ("单位", 10), ("填报口径", 12), (f"{self.year}年目标", 11),
                (f"{self.plan.last_year}年目标值", 11), ("审核状态", 9), (VALUE, 12), (COUNT, 10), (NOT_CARRIED_OUT, 8), (NOTE, 40)]

    def build(self):
        with translation.override("zh-hans"):
            workbook = new_workbook()
            self.write(workbook.create_sheet(TEMPLATE_SHEET))
            help_sheet(workbook, HELP_SHEET, HELP_LINES)
        return workbook

    def write(self, ws) -> None:
        headers, widths = zip(*self.headers())
        set_widths(ws, widths)
        put_line(ws, 1, f"{self.department.name}{self.year}年量化指标填报表（{self.plan.code}）", widths, "title")
        # The year, department and plan: the import reads the cell right of each label.
        put_row(ws, 2, [None, None, (YEAR_LABEL, "info"), (self.year, "plain"), (DEPARTMENT_LABEL, "info"),
                        (self.department.name, "plain"), None, (PLAN_LABEL, "info"), (self.plan.code, "plain")])
        ws.merge_cells("I2:K2")
        row = put_row(ws, HEADER_ROW, [(header, "header") for header in headers], height=row_height(headers, widths, minimum=1))
        yes_no = DataValidation(type="list", formula1=f'"{YES}"', allow_blank=True)
        yes_no.error, yes_no.prompt = "填“是”或留空", "当年未开展该项工作时填“是”，并在情况说明中写明原因"
        ws.add_data_validation(yes_no)
        for indicator, actual in self.rows:
            can_edit = actual is None or actual.is_editable
            target = yearly_target(indicator.spec(indicator.yearly_targets.all()), self.year)
            rate = ("%",) if indicator.unit == "%" else None
            cells = [
                (indicator.pk, "locked"), (actual.version if actual is not None else 0, "locked"), (indicator.order, "locked centre"),
                (indicator.name, "locked"), (" / ".join(indicator.units), "locked centre"),
                (str(Measure(indicator.measure).label), "locked centre"),
                (printed(target, rate), "locked centre"), (indicator.target_printed, "locked centre"),
                (str(ActualStatus(actual.status).label) if actual is not None else "", "locked centre"),
                *self.inputs(indicator, actual, can_edit),
            ]
            ws_row = row
            row = put_row(ws, row, cells, height=row_height([str(cell[0]) for cell in cells], widths))
            if can_edit:
                yes_no.add(f"L{ws_row}")
        ws.column_dimensions["A"].hidden = ws.column_dimensions["B"].hidden = True
        ws.protection.sheet = True
        ws.protection.formatColumns = ws.protection.formatRows = False  # widen a column or a row to read a long note
        print_setup(ws, header_row=HEADER_ROW, freeze=f"E{FIRST_ROW}")

    @staticmethod
    def inputs(indicator, actual, can_edit: bool) -> list:
        """数值, 件数/笔数, 未开展 and 情况说明: unlocked and tinted where the reporter may type."""
        def where(column, centre=False):
            typed = can_edit and (column != COUNT or indicator.is_pair)
            return ("input" if typed else "locked") + (" centre" if centre else "")

        value = actual.value if actual is not None else None
        count = actual.second_value if actual is not None and indicator.is_pair else None
        flag = YES if actual is not None and actual.not_carried_out else ""
        return [(value, where(VALUE)), (count, where(COUNT)), (flag, where(NOT_CARRIED_OUT, centre=True)),
                (actual.note if actual is not None else "", where(NOTE))]

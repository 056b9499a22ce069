"""The workbook's sheet 报送后修改: the figures changed since the year's last issued document (docs/design.md §10).

Written only when a document of the year was issued and something changed since: indicator, year, the figure
as issued and as now, who, when and why (``issued.changes_since``).
"""

from __future__ import annotations

from django.utils import timezone

from indicators.excel.styles import fit_width, print_setup, put_line, put_row, row_height, set_widths
from indicators.issued import BACK, NOT_CARRIED, Change

CHANGES_SHEET = "报送后修改"
HEADERS = ["序号", "指标内容", "年份", "报送时", "现在", "修改人", "修改时间", "原因"]
HEADER_ROW = 3


def line(change: Change) -> list[str]:
    when = timezone.localtime(change.when).strftime("%Y-%m-%d %H:%M") if change.when else ""
    return [str(change.indicator.order), change.indicator.name, f"{change.year}年", change.old or NOT_CARRIED,
            change.new or BACK, change.who, when, change.why]  # fmt: skip


def write_changes_sheet(ws, changes: list[Change], *, heading: str) -> None:
    lines = [line(change) for change in changes]
    widths = [fit_width(column, minimum=5 if index in (0, 2) else 8, maximum=30 if index in (1, 7) else 16, header=header)
              for index, (header, column) in enumerate(zip(HEADERS, zip(*lines), strict=True))]
    set_widths(ws, widths)
    row = put_line(ws, 1, heading, widths, "title")
    row = put_line(ws, row, "“报送时”为报送版所载数值，“现在”为本表导出时已提交或已审核的数值；原因为修改或退回时填写的说明。", widths, "info")
    row = put_row(ws, row, [(header, "header") for header in HEADERS], height=row_height(HEADERS, widths, minimum=1))
    for cells in lines:
        row = put_row(ws, row, [(cells[0], "centre"), (cells[1], "text"), *[(cell, "centre") for cell in cells[2:7]], (cells[7], "text")],
                      height=row_height(cells, widths))
    print_setup(ws, header_row=HEADER_ROW, freeze=f"A{HEADER_ROW + 1}")

"""附表: the plan's table as the workbook's main sheet prints it, on landscape A4 pages.

The texts and the columns' proportions are the workbook's own (``excel.sheets.IndicatorSheet``:
``headers``, ``printed_rows``, ``widths``), so the brief's table and the sheet 量化指标完成情况
can never differ.  Status words instead of colours; the header row repeats on every page.
The final assessment adds a column 终期评估 after 进度状态.
"""

from __future__ import annotations

import re

from indicators.brief.gongwen import ANNEX_LABEL, ANNEX_NOTE, ANNEX_TITLE, CELL, HEADER_CELL, GongwenDocument
from indicators.brief.table import CELL_MARGIN, Column, add_table
from indicators.excel.sheets import MAIN_SHEET, PENDING, IndicatorSheet, plan_heading
from indicators.excel.xlsx import display_width
from indicators.models import Plan
from indicators.rows import IndicatorRow

LEFT_ALIGNED = {1, -2, -1}  # 指标内容, 责任部门, 情况说明 (as on the sheet)
VERDICT_HEADER = "终期评估"
VERDICT_WIDTH = 8.0  # in the sheet's character units, like 进度状态
HALF_WIDTH = 95  # twips of a digit at 9 pt (小五); a Chinese character is two
SHORT = 8  # half-width units: up to four Chinese characters (进度状态, 以实际…) are kept together
_LATIN_RUN = re.compile(r"[0-9A-Za-z.,%/+\-]+")


def _unbroken(text: str) -> int:
    """How much of ``text`` must stay on one line, in half-width units: a short text whole (a status
    word, a rate, a year's value without its pending mark), else its longest run of digits and Latin
    letters (Chinese wraps anywhere)."""
    width = display_width(text)
    if width <= SHORT:
        return width
    return max([SHORT] + [len(run) for run in _LATIN_RUN.findall(text)])


def _needed(header: str, texts: list[str]) -> int:
    """Twips a short column needs so that no value or word of it breaks."""
    widest = max(_unbroken(text.split(PENDING)[0]) for text in [header, *texts])
    return widest * HALF_WIDTH + 2 * CELL_MARGIN + 20


def fit(widths: list[float], headers: list[str], texts: list[list[str]], *, flexible: set[int], total: int) -> list[int]:
    """The sheet's column widths scaled to ``total`` twips; a short column (a status, a rate, a year's value)
    is widened to keep its values on one line, and the text columns (``flexible``) give up that room."""
    scaled = [width * total / sum(widths) for width in widths]
    for index, header in enumerate(headers):
        if index not in flexible:
            scaled[index] = max(scaled[index], _needed(header, [line[index] for line in texts]))
    excess = sum(scaled) - total
    if excess > 0:
        room = sum(scaled[index] for index in flexible)
        for index in flexible:
            scaled[index] -= excess * scaled[index] / room
    return [int(width) for width in scaled]


def table_title(plan: Plan, year: int) -> str:
    return f"{plan_heading(plan)}量化指标完成情况（截至{year}年）"


def appendix(doc: GongwenDocument, plan: Plan, year: int, rows: list[IndicatorRow], *, verdicts: list[str] | None = None):
    """Add the appendix on new landscape pages; ``verdicts`` (one word per row) adds the 终期评估 column."""
    width = doc.landscape_section()
    doc.paragraph("附表", ANNEX_LABEL)
    title = doc.paragraph(table_title(plan, year), ANNEX_TITLE)

    sheet = IndicatorSheet(MAIN_SHEET, plan, year, rows, title="", info="")
    headers, widths, texts = list(sheet.headers), sheet.widths(), sheet.printed_rows()
    left = {index % len(headers) for index in LEFT_ALIGNED}
    if verdicts is not None:
        at = headers.index("进度状态") + 1
        headers.insert(at, VERDICT_HEADER)
        widths.insert(at, VERDICT_WIDTH)
        texts = [[*line[:at], verdict, *line[at:]] for line, verdict in zip(texts, verdicts, strict=True)]
        left = {index + 1 if index >= at else index for index in left}
    twips = fit(widths, headers, texts, flexible=left, total=width)
    columns = [
        Column(header, twips[index], "left" if index in left else "center") for index, header in enumerate(headers)
    ]
    continues = [index > 0 and row.indicator.task_number == rows[index - 1].indicator.task_number for index, row in enumerate(rows)]
    add_table(
        title.paragraph_format.element,  # the title's w:p: the table follows it
        columns, texts, header_style=doc.styles[HEADER_CELL].style_id, cell_style=doc.styles[CELL].style_id, merge_first=continues,
    )

    doc.paragraph(f"说明：数值后标“{PENDING}”的尚未经审核；完成率、进度状态的口径与评估工作簿“{MAIN_SHEET}”表相同。", ANNEX_NOTE)
    for index, text in enumerate(plan.footnotes):  # as under the sheet's table
        doc.paragraph(("注：" if index == 0 else "　　") + text, ANNEX_NOTE)

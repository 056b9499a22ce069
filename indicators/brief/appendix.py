"""附表: the workbook's main sheet (``excel.assessment.IndicatorTable``) on landscape pages, so the two cannot differ.

Status words instead of colours; the header row repeats on every page and a row never breaks across two;
主要任务序号 is merged down its group.  The final assessment adds a column 终期评估 after 进度状态.
"""

from __future__ import annotations

import math
import re

from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Twips

from indicators.brief import wordxml
from indicators.brief.gongwen import ANNEX_LABEL, ANNEX_NOTE, ANNEX_TITLE, HEADER_CELL, GongwenDocument
from indicators.excel.assessment import MAIN_SHEET, Column, IndicatorTable, plan_heading
from indicators.excel.styles import PENDING, display_width, footnotes
from indicators.rows import IndicatorRow
from indicators.text import clean_text

CELL_MARGIN = 57  # twips left and right of a cell's text: 1 mm
HALF_WIDTH = 95  # twips of a digit at 9 pt (小五); a Chinese character is two
SHORT, SHORT_HEADER = 6, 8  # half-width units: a value (已达标, 100.0%) or a header (进度状态) this short stays on one line
TEXT_MINIMUM = 60  # twips per unit of a text column's width on the sheet, at the least (a name of 16 units: 5 characters)
_LATIN_RUN = re.compile(r"[0-9A-Za-z.,%+\-]+")


def needed(header: str, texts: list[str]) -> int:
    """Twips a centred column needs so that no value breaks (a short one whole, a longer one at its longest run of
    digits and Latin letters: Chinese and a pair's “/” wrap anywhere) and its header takes at most two lines."""
    def unbroken(text):
        width = display_width(text)
        return width if width <= SHORT else max([2, *(len(run) for run in _LATIN_RUN.findall(text))])

    header = display_width(header)
    header = header if header <= SHORT_HEADER else 2 * math.ceil(header / 4)  # half a longer one, in whole characters
    return max([header, *(unbroken(text.split(PENDING)[0]) for text in texts)]) * HALF_WIDTH + 2 * CELL_MARGIN + 20


def fit(columns: list[Column], lines: list[list[str]], total: int) -> list[int]:
    """Twips per column within ``total``: a centred column what it ``needed``, the text columns the rest, shared as on
    the sheet; a table that leaves the text too little room is narrowed as a whole."""
    widths = [0 if column.left else needed(column.header, [line[index] for line in lines]) for index, column in enumerate(columns)]
    text = sum(column.width for column in columns if column.left)
    room = max(total - sum(widths), TEXT_MINIMUM * text)
    widths = [room * column.width / text if column.left else width for width, column in zip(widths, columns, strict=True)]
    return [int(width * min(1, total / sum(widths))) for width in widths]


def appendix(doc: GongwenDocument, plan, year: int, rows: list[IndicatorRow], *, verdicts: list[str] | None = None) -> None:
    """The appendix on new landscape pages; ``verdicts`` (one word per row) adds the column 终期评估."""
    total = doc.landscape_section()
    doc.paragraph("附表", ANNEX_LABEL)
    doc.lines([plan_heading(plan), f"量化指标完成情况（截至{year}年）"], ANNEX_TITLE)
    sheet = IndicatorTable(plan, year, rows)
    columns, lines = list(sheet.columns), [[cell.text for cell in line] for line in sheet.lines]
    if verdicts is not None:
        at = [column.header for column in columns].index("进度状态") + 1
        columns.insert(at, Column("终期评估", columns[at - 1].width))
        lines = [[*line[:at], verdict, *line[at:]] for line, verdict in zip(lines, verdicts, strict=True)]
    widths = [Twips(width) for width in fit(columns, lines, total)]

    table = doc.doc.add_table(rows=1, cols=len(columns))
    table.style, table.alignment, table.autofit = doc.doc.styles["Table Grid"], WD_TABLE_ALIGNMENT.CENTER, False
    wordxml.cell_margins(table.style, CELL_MARGIN)
    for grid in table.columns:
        grid.width = None  # the rows added below leave their widths to the grid (a fixed layout), set at the end
    header = table.rows[0]
    for cell, column, width in zip(header.cells, columns, widths, strict=True):
        cell.width = width
        cell.paragraphs[0].style = doc.styles[HEADER_CELL]
        cell.paragraphs[0].add_run(column.header)
    wordxml.keep_together(header)
    wordxml.repeat_header(header)
    first_of_group = {group[0] for group in sheet.groups()}
    cells = []
    for index, line in enumerate(lines):
        row = table.add_row()
        wordxml.keep_together(row)
        cells.append(row.cells)
        for position, (cell, text, column) in enumerate(zip(cells[-1], line, columns, strict=True)):
            if not (text and (position != 1 or index in first_of_group)) and not column.left:
                continue  # an empty cell, centred like the style Normal: the table's text (gongwen)
            paragraph = cell.paragraphs[0]
            if text := clean_text(text):
                paragraph.add_run(text)  # a line break or a tab becomes Word's
            if column.left:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    for grid, width in zip(table.columns, widths, strict=True):
        grid.width = width
    for start, size in sheet.groups():
        if size > 1:
            wordxml.merge_down([cells[start + offset][1] for offset in range(size)])
            cells[start][1].vertical_alignment = WD_ALIGN_VERTICAL.CENTER

    marked = "" if plan.is_closed else f"数值后标“{PENDING}”的尚未经审核；"
    doc.paragraph(f"说明：{marked}完成率、进度状态的口径与评估工作簿“{MAIN_SHEET}”表相同。", ANNEX_NOTE)
    for note in footnotes(plan):  # as under the sheet's table
        doc.paragraph(note, ANNEX_NOTE)

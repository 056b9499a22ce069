"""How the workbooks look, and the rules that protect their reader, stated once for every sheet (docs/documents.md):
named styles, ``put`` for every cell, widths that fit Chinese text, one print set-up."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter

from indicators import formatting
from indicators.progress import STATUS_COLOURS
from indicators.rows import IndicatorRow
from indicators.text import clean_text

PENDING = "（待审核）"  # an unapproved figure's mark
TEXT_MAX = 32767  # characters a cell holds
FORMULA_PREFIXES = ("=", "+", "-", "@")
LINE_HEIGHT = 13.5  # points per printed line of 10-pt text
MAX_ROW_HEIGHT = 409  # Excel's limit, in points

FONT = "宋体"  # on every Chinese Windows and in WPS; LibreOffice substitutes a CJK font
THIN = Side(style="thin", color="000000")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
GENERAL = Alignment(vertical="center", wrap_text=True)  # text left, numbers right
TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
SIZES = {"title": 14, "info": 9}  # points of the styles not in 10-pt text


def fill(colour: str) -> PatternFill:
    return PatternFill("solid", fgColor=colour.lstrip("#").upper())


def number_style(*, rate: bool = False, pending: bool = False) -> str:
    """A single figure stays a number: a rate's ``%`` and an unapproved one's mark are in the number format."""
    return "number" + (" rate" if rate else "") + (" pending" if pending else "")


def looks() -> dict[str, dict]:
    """Every look a cell can have: its name and ``NamedStyle``'s arguments."""
    grey, locked, typed = fill("D9D9D9"), {"fill": fill("F2F2F2")}, {"fill": fill("FFF2CC"), "protection": Protection(locked=False)}
    looks = {
        "text": {"alignment": LEFT},
        "centre": {"alignment": CENTRE},
        "bold": {"font": Font(name=FONT, size=10, bold=True), "alignment": LEFT},
        "header": {"font": Font(name=FONT, size=10, bold=True), "alignment": CENTRE, "fill": grey},
        "title": {"font": Font(name=FONT, size=SIZES["title"], bold=True), "alignment": CENTRE, "border": Border()},
        "info": {"font": Font(name=FONT, size=SIZES["info"]), "alignment": TOP_LEFT, "border": Border()},
        "plain": {"alignment": TOP_LEFT, "border": Border()},
        "percent": {"alignment": CENTRE, "number_format": "0.0%"},
        "locked": {"alignment": LEFT, **locked},
        "locked centre": {"alignment": CENTRE, **locked},
        "input": {"alignment": GENERAL, **typed},
        "input centre": {"alignment": CENTRE, **typed},
    }
    for rate in (False, True):
        for pending in (False, True):
            shown = f'General"{"%" if rate else ""}{PENDING if pending else ""}"' if rate or pending else "General"
            looks[number_style(rate=rate, pending=pending)] = {"alignment": CENTRE, "number_format": shown}
    for status, colour in STATUS_COLOURS.items():
        looks[f"status {status}"] = {"alignment": CENTRE, "fill": fill(colour)}
    return looks


def new_workbook() -> Workbook:
    """An empty workbook with every look as a named style (``ipzone <look>``), given to a cell by name."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, look in looks().items():
        font = look.pop("font", Font(name=FONT, size=10))
        workbook.add_named_style(NamedStyle(name=f"ipzone {name}", font=font, border=look.pop("border", GRID), **look))
    return workbook


def clean(text) -> str:
    """``text`` as a cell holds it: cleaned, its line ends a spreadsheet's ``\\n`` (a browser sends ``\\r\\n``)."""
    return clean_text("" if text is None else text).replace("\r\n", "\n").replace("\r", "\n")[:TEXT_MAX]


def share(fraction: Decimal) -> float:
    """A completion as the ``0.0%`` cell stores it: rounded once, as ``formatting.percent`` rounds, so both show the same."""
    return float(formatting.rounded(fraction, Decimal("0.001")))


def put(ws, row: int, column: int, value, style: str = "text"):
    """Write one cell in the named ``style``: a number, or a text cleaned (``clean_text``) and never a formula,
    whoever typed it (OWASP's CSV injection: ``=``, ``+``, ``-``, ``@``)."""
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    elif value is not None and not isinstance(value, (int, float)):
        value = clean(value)
    cell = ws.cell(row=row, column=column, value=value)
    cell.style = f"ipzone {style}"
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"  # openpyxl would store "=…" as a formula
        cell.quotePrefix = True  # Excel and WPS would read "+3" or "@SUM(A1)" as one when the cell is edited
    return cell


def put_row(ws, row: int, cells, *, height: float | None = None) -> int:
    """``cells`` — ``(value, style)`` pairs, ``None`` for a column left alone — into ``row``; the next row."""
    for column, cell in enumerate(cells, start=1):
        if cell is not None:
            put(ws, row, column, *cell)
    if height is not None:
        ws.row_dimensions[row].height = height
    return row + 1


# East Asian Wide and Fullwidth characters (Unicode UAX #11): CJK, kana, hangul, full-width forms.
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]"
)


def line_width(line: str) -> int:
    return len(line) if line.isascii() else len(line) + len(_WIDE.findall(line))


def display_width(text) -> int:
    """Width of the longest line in Excel's units (a Latin digit): East Asian wide characters count double."""
    text = str(text or "")
    return line_width(text) if "\n" not in text else max(line_width(line) for line in text.split("\n"))


def lines(text, width: float, size: float = 10) -> int:
    """How many printed lines ``text`` takes in a column ``width`` units wide: about 1.05 × width half-width
    characters a line at 10 pt (a unit is 7 px, a 宋体 CJK character 13.3 px)."""
    usable = max(width * 1.05 * 10 / size - 0.5, 1)
    return sum(max(1, math.ceil(line_width(line) / usable)) for line in str(text or "").split("\n"))


def row_height(texts, widths, *, minimum: int = 2) -> float:
    """The height of a table's row: its tallest text's lines, at least ``minimum`` (a spreadsheet does not grow
    the rows of a generated file; two lines keep a row from looking squashed beside its neighbours)."""
    count = max([minimum, *(lines(text, width) for text, width in zip(texts, widths, strict=False) if text and len(text) * 2 > width)])
    return min(count * LINE_HEIGHT + 3, MAX_ROW_HEIGHT)


def fit_width(texts, *, minimum: float, maximum: float, header: str = "") -> float:
    """A column's width from its contents within ``minimum``–``maximum`` (text wraps beyond); a header may take two lines."""
    widest = max([math.ceil(display_width(header) / 2), *(display_width(text) for text in texts)])
    return float(min(maximum, max(minimum, widest + 2)))


def set_widths(ws, widths) -> None:
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def groups(keys) -> list[tuple[int, int]]:
    """``(first line, size)`` of each run of equal ``keys``: a task's rows, its number printed once, merged down."""
    found = []
    for index, key in enumerate(keys):
        if found and key == keys[index - 1]:
            found[-1] = (found[-1][0], found[-1][1] + 1)
        else:
            found.append((index, 1))
    return found


def merge_down(ws, first_row: int, column: int, groups) -> set[int]:
    """Merge ``column`` down each group (``(first line, size)``) of the lines from ``first_row``, before they are
    written, so a covered cell keeps its border; the lines whose cell is covered."""
    covered = set()
    for start, size in groups:
        if size > 1:
            ws.merge_cells(start_row=first_row + start, start_column=column, end_row=first_row + start + size - 1, end_column=column)
            covered.update(range(start + 1, start + size))
    return covered


def put_line(ws, row: int, text: str, widths, style: str = "plain") -> int:
    """A text across the table (a title, an information line, a footnote): merged, as tall as its lines."""
    size = SIZES.get(style, 10)
    put(ws, row, 1, text, style)
    if len(widths) > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(widths))
    ws.row_dimensions[row].height = lines(text, sum(widths) * 0.85, size) * LINE_HEIGHT * size / 10 + 6
    return row + 1


def help_sheet(workbook, name: str, lines: list[str]) -> None:
    """A sheet of instructions, a line a row."""
    ws = workbook.create_sheet(name)
    ws.column_dimensions["A"].width = 110
    for row, line in enumerate(lines, start=1):
        put_row(ws, row, [(line, "plain")], height=row_height([line], [110], minimum=1))
    print_setup(ws, header_row=None, freeze=None)


def footnotes(plan) -> list[str]:
    """The plan's notes as printed under its table: “注：1. …”, the others aligned under the first."""
    return [("注：" if index == 0 else "　　") + note for index, note in enumerate(plan.footnotes)]


def print_setup(ws, *, header_row: int | None, freeze: str | None) -> None:
    """A4 landscape, one page wide and as many tall as needed, the header row on every page, pages numbered."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0  # 0: as many pages tall as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if header_row:
        ws.print_title_rows = f"{header_row}:{header_row}"
    if freeze:
        ws.freeze_panes = freeze
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.size = 9


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name: no ``[]:*?/\\``, at most 31 characters, compared case-insensitively."""
    base = re.sub(r"[\[\]:*?/\\]", "_", clean_text(name)).strip().strip("'") or "Sheet"
    candidate, counter = base[:31], 2
    while candidate.lower() in taken:
        candidate = base[: 31 - len(f"({counter})")] + f"({counter})"
        counter += 1
    taken.add(candidate.lower())
    return candidate


@dataclass(frozen=True)
class Cell:
    """A figure: what the sheet stores (a number shown through its style's format, or a text) and the text it
    shows, which the brief's 附表 prints: a sheet and the brief cannot differ."""

    value: object
    style: str
    text: str


BLANK = Cell(None, "centre", "")


def text(value, style: str = "centre") -> Cell:
    return Cell(value, style, value)


def year_cell(row: IndicatorRow, year: int) -> Cell:
    """A year's figure as ``YearCell.text`` writes it (a rate with its ``%``), unapproved ones marked."""
    cell = row.cells[year]
    if not cell.reported:
        return BLANK
    shown = cell.text + (PENDING if cell.pending else "")
    if cell.actual.not_carried_out or row.indicator.is_pair:
        return text(shown)
    return Cell(cell.actual.value, number_style(rate=row.indicator.unit == "%", pending=cell.pending), shown)


def completion_cell(fractions) -> Cell:
    """年度完成率 or 目标完成率: a percentage number, or for a pair the text of both parts (``formatting.percents``)."""
    if all(fraction is None for fraction in fractions):
        return BLANK
    if len(fractions) == 1:
        return Cell(share(fractions[0]), "percent", formatting.percent(fractions[0]))
    return text(formatting.percents(fractions))


def year_target(row: IndicatorRow, year: int) -> str:
    """That year's target, a rate's with its ``%`` (``formatting.printed``)."""
    return formatting.printed(row.cells[year].target, ("%",) if row.indicator.unit == "%" else None)

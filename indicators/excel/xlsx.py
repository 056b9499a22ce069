"""Small openpyxl helpers shared by every workbook this package writes.

Kept apart from the sheet layouts so the rules that protect the reader — user text
is never a formula, widths that fit Chinese text, one print set-up — are stated once.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from indicators.text import clean_text

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_TEXT_MAX = 32767  # characters in a cell, as openpyxl's setter truncates

# 宋体 is on every Chinese Windows and in WPS; LibreOffice substitutes a CJK font for it.
FONT_NAME = "宋体"
BODY_FONT = Font(name=FONT_NAME, size=10)
BOLD_FONT = Font(name=FONT_NAME, size=10, bold=True)
TITLE_FONT = Font(name=FONT_NAME, size=14, bold=True)
SMALL_FONT = Font(name=FONT_NAME, size=9)

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
NO_BORDER = Border()

WRAP_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
WRAP_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP_RIGHT = Alignment(horizontal="right", vertical="center", wrap_text=True)
TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)

HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")

# Excel's "Number" width unit is about one Latin digit of the default font; a CJK
# character takes about two.  Points per printed line of 10-pt text, with leading.
LINE_HEIGHT = 13.5
MAX_ROW_HEIGHT = 409  # Excel's limit, in points

# What an attacker's "=HYPERLINK(…)" or "@SUM(…)" would start with (OWASP CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@")

_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31


def fill(colour: str) -> PatternFill:
    """A solid fill from ``#RRGGBB`` (the form ``progress.STATUS_COLOURS`` uses)."""
    return PatternFill("solid", fgColor=colour.lstrip("#").upper())


# East Asian Wide and Fullwidth characters (Unicode UAX #11): CJK, kana, hangul, full-width forms.
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]"
)


@lru_cache(maxsize=16384)
def _line_width(line: str) -> int:
    # Cached: department lists and printed values repeat on every sheet.
    return len(line) + len(_WIDE.findall(line))


def display_width(text) -> int:
    """Width of the longest line in Excel units: East Asian wide characters count double."""
    if text is None:
        return 0
    return _text_width(str(text))


@lru_cache(maxsize=16384)
def _text_width(text: str) -> int:
    # Cached like _line_width: a 100× workbook measures the same names and values ~100,000 times.
    return max(_line_width(line) for line in text.split("\n"))


def wrapped_lines(text, width: float) -> int:
    """How many printed lines ``text`` takes in a column ``width`` units wide (an estimate).

    A unit is 7 px of the default font plus 5 px of padding per column; 10-pt 宋体 draws a
    CJK character in 13.3 px and a Latin one in half that, so a line holds about
    1.05 × width half-width characters.
    """
    if text is None or text == "":
        return 1
    return _wrapped_lines(str(text), width)


@lru_cache(maxsize=16384)
def _wrapped_lines(text: str, width: float) -> int:
    usable = max(width * 1.05 - 0.5, 1)
    total = 0
    for line in text.split("\n"):
        total += max(1, math.ceil(_line_width(line) / usable))
    return total


def set_widths(ws: Worksheet, widths: list[float]):
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def fit_width(texts, *, minimum: float, maximum: float, header=None) -> float:
    """A column width from its contents, kept within ``minimum``–``maximum`` (text wraps beyond).

    The header may wrap onto two lines, so it asks for half its width.
    """
    widest = max((display_width(t) for t in texts if t not in (None, "")), default=0)
    if header:
        widest = max(widest, math.ceil(display_width(header) / 2))
    return float(min(maximum, max(minimum, widest + 2)))


def print_setup(ws: Worksheet, *, title_rows: str | None, freeze: str | None):
    """A4 landscape, one page wide and as many pages tall as needed, header rows on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # 0 = as many pages tall as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.3
    if title_rows:
        ws.print_title_rows = title_rows
    if freeze:
        ws.freeze_panes = freeze
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.size = 9


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name: no ``[]:*?/\\``, at most 31 characters, compared case-insensitively."""
    base = _SHEET_NAME_FORBIDDEN.sub("_", clean_text(name)).strip().strip("'") or "Sheet"
    candidate = base[:SHEET_NAME_MAX]
    counter = 2
    while candidate.lower() in taken:
        suffix = f"({counter})"
        candidate = base[: SHEET_NAME_MAX - len(suffix)] + suffix
        counter += 1
    taken.add(candidate.lower())
    return candidate

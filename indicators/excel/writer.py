"""Writing a workbook fast through openpyxl's public API.

``BookWriter`` holds one workbook's named styles and cleaned texts; ``SheetWriter`` writes a
sheet from the top down, a row of cells at a time.  The speed comes from three choices:

- Each combination of font, alignment, border, fill, number format and protection is one
  ``NamedStyle``, and a cell is created with that style's array whole.  Setting font, border, …
  one by one makes openpyxl look each style object up (hashing it) for every cell, which
  dominated the time of a 2,900-row workbook.
- Rows are appended (``Worksheet.append``), merged ranges handed over at once (``finish``).
- The cyclic garbage collector is paused while a workbook is built and saved
  (``collection_paused``): openpyxl keeps about ten objects per cell alive until the file is
  saved, and every full collection walked all of them again (a quarter of the time at 100×).

Write-only mode (``Workbook(write_only=True)``) supports what these sheets need (merged ranges,
print titles, frozen panes, widths, heights, validation) but was slower with openpyxl 3.1: each
styled cell appended is bound again and replaced by a fresh one.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import NamedStyle
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.worksheet import Worksheet

from indicators.excel.xlsx import (
    BODY_FONT,
    BORDER,
    FORMULA_PREFIXES,
    LINE_HEIGHT,
    MAX_ROW_HEIGHT,
    NO_BORDER,
    TOP_LEFT,
    WRAP_LEFT,
    WRAP_RIGHT,
    XLSX_TEXT_MAX,
    wrapped_lines,
)
from indicators.text import clean_text


@contextmanager
def collection_paused():
    """Pause the cyclic garbage collector for a block (reference counting still frees memory).

    Threads that overlap are safe: whoever found the collector enabled enables it again.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def as_number(value: Decimal | int | float | None):
    """A Decimal as an Excel number: int when whole (no ``12.0000`` noise), else float."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def row_height(texts, widths) -> float:
    """A row's height from the wrapped lines of its texts (one per column).

    LibreOffice does not grow rows to fit wrapped text when it opens a generated file,
    and Excel does not always either, so long department lists would overlap the next row.
    """
    lines = max((wrapped_lines(text, width) for text, width in zip(texts, widths, strict=False) if text), default=1)
    return min(lines * LINE_HEIGHT + 3, MAX_ROW_HEIGHT)


class BookWriter:
    """One workbook being written: its sheets, named styles and cleaned texts."""

    def __init__(self):
        self.workbook = Workbook()
        self.workbook.remove(self.workbook.active)
        self.named: dict[tuple, tuple[StyleArray, tuple]] = {}
        self.cleaned: dict[str, str] = {}

    def sheet(self, title: str) -> SheetWriter:
        return SheetWriter(self.workbook.create_sheet(title), self)

    def style(self, font=BODY_FONT, alignment=WRAP_LEFT, border=BORDER, fill=None, number_format="General",
              protection=None) -> StyleArray:
        """The style array of the named style with these looks (made and added to the workbook once).

        Looks are told apart by the identity of the style objects — the module's constants — so
        asking costs one dict look-up, not a hash of each object.
        """
        key = (id(font), id(alignment), id(border), id(fill), number_format, id(protection))
        found = self.named.get(key)
        if found is None:
            style = NamedStyle(name=f"ipzone {len(self.named) + 1}", font=font, alignment=alignment, border=border,
                               number_format=number_format)
            if fill is not None:
                style.fill = fill
            if protection is not None:
                style.protection = protection
            self.workbook.add_named_style(style)
            # The objects are kept with the array, so their ids cannot be reused by others.
            found = self.named[key] = (style.as_tuple(), (font, alignment, border, fill, protection))
        return found[0]

    def clean(self, text: str) -> str:
        """``text`` as a cell can hold it (``indicators.text.clean_text``), at most 32,767 characters,
        its line ends as a spreadsheet's (``\n``: a browser sends a note's as ``\r\n``, which lxml
        would keep as a visible character).

        Remembered per workbook: names, printed values and department lists repeat on every sheet.
        """
        found = self.cleaned.get(text)
        if found is None:
            found = clean_text(text).replace("\r\n", "\n").replace("\r", "\n")
            found = self.cleaned[text] = found[:XLSX_TEXT_MAX]
        return found

    def save(self, handle):
        self.workbook.active = 0
        self.workbook.save(handle)


class SheetWriter:
    """Writes one worksheet from the top down, a row at a time (``Worksheet.append``).

    Rows are lists of cells made by ``text``, ``number`` and ``blank``, each with a style from
    ``style()`` (or the looks given as keywords); ``append`` adds a row and sets its height.
    Merged ranges are collected and given to the sheet at the end (``finish``).
    """

    def __init__(self, ws: Worksheet, book: BookWriter):
        self.ws = ws
        self.book = book
        self.row = 0  # the last row written
        self.merges: list[str] = []

    def style(self, **looks) -> StyleArray:
        """A style for ``text``, ``number`` or ``blank``: ``font``, ``alignment``, ``border``, ``fill``, ``number_format``, ``protection``."""
        return self.book.style(**looks)

    def cell(self, value, style: StyleArray) -> Cell:
        # openpyxl gives each cell its own copy of the array (text() may set quotePrefix on it).
        return Cell(self.ws, value=value, style_array=style)

    def text(self, text, style: StyleArray | None = None, **looks) -> Cell:
        """``text`` as a string cell, never a formula.

        openpyxl turns any string starting with ``=`` into a formula; notes are typed by users,
        so the type is forced back to text.  ``quotePrefix`` keeps Excel and WPS from re-reading
        ``+3``, ``-2`` or ``@SUM(A1)`` as a formula when someone edits the cell.  What a file cannot
        hold is dropped first (``indicators.text.clean_text``).
        """
        text = self.book.clean(text if isinstance(text, str) else "" if text is None else str(text))
        cell = self.cell(text, style if style is not None else self.book.style(**looks))
        if text.startswith(FORMULA_PREFIXES):
            cell.data_type = "s"
            cell.quotePrefix = True
        return cell

    def number(self, value, style: StyleArray | None = None, **looks) -> Cell:
        """A number (a Decimal becomes an int or a float); right-aligned unless told otherwise."""
        if style is None:
            style = self.book.style(**{"alignment": WRAP_RIGHT, **looks})
        return self.cell(as_number(value), style)

    def blank(self, style: StyleArray | None = None, **looks) -> Cell:
        """An empty cell that still shows its border and fill."""
        return self.cell(None, style if style is not None else self.book.style(**looks))

    def append(self, cells, *, height: float | None = None) -> int:
        """Write ``cells`` (``None`` leaves a column empty) as the next row; its number."""
        self.ws.append(cells)
        self.row += 1
        if height is not None:
            self.ws.row_dimensions[self.row].height = height
        return self.row

    def merge(self, coord: str):
        self.merges.append(coord)

    def merged_text_row(self, columns: int, text, *, font=BODY_FONT, alignment=TOP_LEFT, widths=None) -> int:
        """A line of text over the whole table width (titles, footnotes).

        Spreadsheet programs never grow merged rows to fit their text, so the height is set
        here from the text's estimated line count.
        """
        height = None
        if widths:
            scale = font.sz / BODY_FONT.sz if font.sz else 1
            lines = wrapped_lines(text, sum(widths) / scale)
            height = max(lines * LINE_HEIGHT * scale, LINE_HEIGHT * scale) + 4
        row = self.append([self.text(text, font=font, alignment=alignment, border=NO_BORDER)], height=height)
        if columns > 1:
            self.merge(f"A{row}:{get_column_letter(columns)}{row}")  # the rest of the row is never written
        return row

    def finish(self):
        """Give the sheet its merged ranges.

        They are disjoint by construction, so they are handed over as one ``MultiCellRange``:
        ``Worksheet.merge_cells`` compares each new range with every earlier one (quadratic in
        the number of task groups) and re-borders the edge cells one by one.  The covered cells
        keep the style they were written with (blank and bordered, or not written at all),
        which is what Excel itself saves.
        """
        if self.merges:
            self.ws.merged_cells = MultiCellRange([CellRange(coord) for coord in self.merges])

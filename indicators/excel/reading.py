"""Reading an uploaded workbook's template sheet into plain values, within bounds.

Everything openpyxl does with an upload happens in ``read_sheet``: the file is checked
first (``safety.check_xlsx``: zip, macros, sizes, and every XML part streamed once so no
sheet names a row beyond ``max_rows``), then opened read-only and read up to ``max_rows``
and ``MAX_COLUMNS``.  Whatever openpyxl raises while reading a file it was given —
IndexError for a shared string or a style out of range, KeyError for a missing part,
ValueError for a bad attribute, ParseError for broken XML, … — means the file is damaged;
it becomes ``UnsafeFile`` with that message, never a server error.

Formulas: a cell holding a formula is read as the result Excel, WPS or LibreOffice stored
with it when the file was saved (we never evaluate formulas).  A formula without a stored
result (written by a program that does not calculate) is marked, so that the importer can
refuse it with its row instead of reading a blank.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from indicators.excel.safety import UnsafeFile, check_xlsx
from indicators.excel.template import TEMPLATE_SHEET

MAX_COLUMNS = 40  # the template has 13; people add a few helper columns


@dataclass(frozen=True)
class Read:
    """One cell as read: its value (a formula's stored result), number format, whether it is a formula."""

    value: object = None
    number_format: str = "General"
    formula: bool = False

    @property
    def formula_without_result(self) -> bool:
        return self.formula and self.value is None


BLANK = Read()


class NoSheet(Exception):
    pass


def damaged() -> UnsafeFile:
    return UnsafeFile(_("The file is damaged or is not an Excel workbook (.xlsx)."))


def read_sheet(data: bytes, *, max_rows: int, sheet: str = TEMPLATE_SHEET) -> list[tuple[int, tuple[Read, ...]]]:
    """The rows that hold anything of the sheet named ``sheet`` (else the first), as ``(row number, cells)``,
    at most ``max_rows`` deep.

    Raises ``UnsafeFile`` (refused or damaged) or ``NoSheet``.
    """
    check_xlsx(data, max_rows=max_rows)
    try:
        rows, formulas = _read(data, max_rows, sheet, data_only=False)
        if formulas:
            # The same sheet again with the results stored for its formulas (a second pass only then).
            results = dict(_read(data, max_rows, sheet, data_only=True)[0])
            rows = [(number, _with_results(number, cells, results.get(number, ()), formulas)) for number, cells in rows]
    except (UnsafeFile, NoSheet):
        raise
    # openpyxl raises whatever its parser meets in a malformed file (see the module's docstring);
    # nothing else runs inside this block, so every failure here is a file it cannot read.
    except Exception:
        raise damaged() from None
    return rows


def _read(data, max_rows, name, *, data_only):
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    try:
        if name in workbook.sheetnames:
            sheet = workbook[name]
        elif workbook.worksheets:
            sheet = workbook.worksheets[0]
        else:
            raise NoSheet
        rows, formulas = [], set()
        # max_row: the scan refused rows beyond it already; this keeps openpyxl from walking past it anyway.
        for number, cells in enumerate(sheet.iter_rows(max_row=max_rows, max_col=MAX_COLUMNS), start=1):
            read = []
            for index, cell in enumerate(cells):
                value = cell.value
                if value is None or value == "":
                    read.append(BLANK)
                    continue
                if cell.data_type == "f":
                    formulas.add((number, index))
                    read.append(Read(formula=True))
                    continue
                # The number format matters for numbers only (a percentage is stored as 0.9526).
                number_format = cell.number_format if isinstance(value, (int, float)) else "General"
                read.append(Read(value, number_format))
            if any(cell is not BLANK for cell in read):
                rows.append((number, tuple(read)))
        return rows, formulas
    finally:
        workbook.close()


def _with_results(number, cells, results, formulas):
    return tuple(
        Read(results[index].value, results[index].number_format, formula=True)
        if (number, index) in formulas and index < len(results) else cell
        for index, cell in enumerate(cells)
    )

"""An uploaded workbook: checked, then read into plain values within bounds (docs/documents.md, "An upload is
checked before openpyxl opens it").  ``check_xlsx`` refuses what defusedxml does not bound, from the zip's
directory and one streaming pass of each part; whatever openpyxl then raises means a damaged file (``UnsafeFile``).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from defusedxml.ElementTree import DefusedXMLParser
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and encrypted .xlsx (Office's OLE container)
MAX_UNCOMPRESSED = 50 * 1024 * 1024  # a filled template is a few hundred kilobytes unpacked
MAX_RATIO, RATIO_FLOOR = 100, 1024 * 1024  # per part larger than the floor
MAX_PARTS = 500
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
SHEETS = {MAIN + "worksheet", MAIN + "dialogsheet"}
GROWING = SHEETS | {MAIN + "sst"}  # parts that grow with the rows: sheets and the shared strings
# A template row takes about 35 elements; a note formatted in Excel more (each run is <r><rPr>…<t>).
ELEMENTS_PER_ROW = 60
OTHER_PART_ELEMENTS = 5_000  # styles, workbook, relationships…: a few hundred in a template
MAX_COLUMNS = 40  # the template has 13; people add a few helper columns
CHUNK = 64 * 1024


class UnsafeFile(ValueError):
    """The upload is refused; ``message`` says why, for the person who uploaded it."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


DAMAGED = gettext_lazy("The file is damaged or is not an Excel workbook (.xlsx).")
TOO_MUCH = gettext_lazy("The file expands to far more data than a template holds; it was refused.")
NOT_XLSX = gettext_lazy("This is not an Excel workbook (.xlsx). Upload the template you downloaded, filled in.")
MACROS = gettext_lazy("The workbook contains macros (.xlsm). Save it as a plain Excel workbook (.xlsx) and upload again.")


def check_size(size: int) -> None:
    if size == 0:
        raise UnsafeFile(_("The file is empty."))
    if size > settings.IMPORT_MAX_BYTES:
        raise UnsafeFile(_("The file is too large (%(size)s KB; at most %(max)s KB).")
                         % {"size": size // 1024, "max": settings.IMPORT_MAX_BYTES // 1024})


def check_xlsx(data: bytes, *, max_rows: int) -> None:
    """Raise ``UnsafeFile`` unless ``data`` is a plain, macro-free .xlsx no sheet of which reaches beyond ``max_rows``."""
    check_size(len(data))
    if data.startswith(OLE_MAGIC):
        raise UnsafeFile(_("This is an old-format .xls or a password-protected workbook. "
                           "Save it as an Excel workbook (.xlsx) without a password."))
    if not data.startswith(ZIP_MAGIC):
        raise UnsafeFile(NOT_XLSX)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise UnsafeFile(DAMAGED) from None
    if len(infos) > MAX_PARTS:
        raise UnsafeFile(_("The file has too many parts to be a filled-in template."))
    if any(info.flag_bits & 0x1 for info in infos):
        raise UnsafeFile(_("The workbook is encrypted. Save it without a password and upload again."))
    # The sizes come from the directory and could lie; zipfile stops reading a part at its declared size.
    if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED or any(
        info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1) for info in infos
    ):
        raise UnsafeFile(TOO_MUCH)
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise UnsafeFile(NOT_XLSX)
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise UnsafeFile(MACROS)
    budget = max_rows * ELEMENTS_PER_ROW + OTHER_PART_ELEMENTS
    with archive:
        for info in infos:
            if not info.is_dir():
                budget -= scan(archive, info, max_rows=max_rows, budget=budget)


class Scan:
    """A parser target that counts a part's elements and checks a sheet's row numbers, building nothing."""

    def __init__(self, *, max_rows: int, budget: int):
        self.max_rows, self.budget = max_rows, budget
        self.elements = self.row = 0
        self.sheet = None  # known at the root element

    def start(self, tag, attrib):
        self.elements += 1
        if self.sheet is None:
            self.sheet = tag in SHEETS
            if tag not in GROWING:
                self.budget = min(self.budget, OTHER_PART_ELEMENTS)
        if self.elements > self.budget:
            raise UnsafeFile(TOO_MUCH)
        if tag == MAIN + "row" and self.sheet:
            number = attrib.get("r")  # openpyxl's rule: a row without a number follows the one before
            try:
                self.row = int(number) if number is not None else self.row + 1
            except ValueError:
                raise UnsafeFile(DAMAGED) from None
            if self.row > self.max_rows:
                raise UnsafeFile(
                    _("The sheet reaches beyond row %(max)s, further than the template you fill in. "
                      "Delete the rows below the table (or copy the figures into a newly downloaded template) and upload again.")
                    % {"max": self.max_rows}
                )
        content_type = attrib.get("ContentType", "").lower()  # [Content_Types].xml names a macro-enabled workbook
        if "macroenabled" in content_type or "vbaproject" in content_type:
            raise UnsafeFile(MACROS)

    def close(self):
        return self.elements


def scan(archive, info, *, max_rows: int, budget: int) -> int:
    """Stream one part through defusedxml's parser (no DTD at all); its elements.  Parts that are not XML are skipped."""
    target = Scan(max_rows=max_rows, budget=budget)
    parser = DefusedXMLParser(target=target, forbid_dtd=True)
    try:
        with archive.open(info) as part:
            chunk = part.read(CHUNK)
            if not chunk.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") and not chunk.startswith((b"\xff\xfe", b"\xfe\xff")):
                return 0  # an image: openpyxl never parses it
            while chunk:
                parser.feed(chunk)
                chunk = part.read(CHUNK)
            parser.close()
    except UnsafeFile:
        raise
    # defusedxml's refusals are ValueErrors; bad XML, a bad zip entry or compression: openpyxl could not read it either.
    except (ParseError, zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError, EOFError):
        raise UnsafeFile(DAMAGED) from None
    return target.elements


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


def read_sheet(data: bytes, *, max_rows: int, sheet: str) -> list[tuple[int, tuple[Read, ...]]]:
    """The rows that hold anything of the sheet named ``sheet`` (else the first) as ``(row number, cells)``,
    at most ``max_rows`` deep; raises ``UnsafeFile`` (refused, damaged, or no sheet)."""
    check_xlsx(data, max_rows=max_rows)
    try:
        rows, formulas = read_rows(data, max_rows, sheet, data_only=False)
        if formulas:  # the sheet again, for the results stored with its formulas
            results = dict(read_rows(data, max_rows, sheet, data_only=True)[0])
            rows = [(number, tuple(
                Read(results[number][index].value, results[number][index].number_format, formula=True)
                if (number, index) in formulas and index < len(results.get(number, ())) else cell
                for index, cell in enumerate(cells))) for number, cells in rows]
    except UnsafeFile:
        raise
    except Exception:  # whatever openpyxl's parser meets in a malformed file; nothing else runs here
        raise UnsafeFile(DAMAGED) from None
    return rows


def read_rows(data, max_rows, name, *, data_only):
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    try:
        if not workbook.worksheets:
            raise UnsafeFile(_("The workbook has no sheet."))
        sheet = workbook[name] if name in workbook.sheetnames else workbook.worksheets[0]
        rows, formulas = [], set()
        for number, cells in enumerate(sheet.iter_rows(max_row=max_rows, max_col=MAX_COLUMNS), start=1):
            read = []
            for index, cell in enumerate(cells):
                if cell.value is None or cell.value == "":
                    read.append(BLANK)
                elif cell.data_type == "f":
                    formulas.add((number, index))
                    read.append(Read(formula=True))
                else:  # the number format matters for numbers only (a percentage is stored as 0.9526)
                    read.append(Read(cell.value, cell.number_format if isinstance(cell.value, (int, float)) else "General"))
            if any(cell is not BLANK for cell in read):
                rows.append((number, tuple(read)))
        return rows, formulas
    finally:
        workbook.close()

"""Checks an uploaded file must pass before openpyxl is allowed to open it.

An .xlsx is a zip of XML parts.  The first checks read only the zip's central
directory (and the small [Content_Types].xml), so a hostile file is refused before
any large part is decompressed: not a zip, an old binary .xls, a macro-enabled
workbook (.xlsm: refused, we never want to pass macros around), an encrypted or
password-protected file, or a "zip bomb" whose parts would expand to far more than
a real template ever does.

Then every XML part is streamed once through expat without building a tree
(``scan_parts``), because openpyxl's work grows with what a part holds, not with its
size: a sheet's rows are walked one by one up to the last row number it names (one
cell at row 200,000,000 is 200 million empty rows), a shared-strings or styles part
becomes one Python object per element, and a row is built whole in memory.  So a part
may name no row beyond what a template of the plan can hold, and hold no more elements
than such a template would; DTDs are refused outright (OOXML has none).
"""

from __future__ import annotations

import io
import zipfile
from xml.etree.ElementTree import ParseError, XMLParser

from django.conf import settings
from django.utils.translation import gettext as _

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and encrypted .xlsx (Office's OLE container)

# A filled template is a few hundred kilobytes unpacked; these leave ample room.
MAX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_RATIO = 100  # per part, for parts larger than RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_PARTS = 500
CONTENT_TYPES_MAX = 256 * 1024
MACRO_MARKERS = (b"macroEnabled", b"vbaProject")

MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
SHEET_ROOTS = {MAIN_NS + "worksheet", MAIN_NS + "dialogsheet"}
# Parts that grow with the rows: sheets, and the shared strings Excel and WPS move the texts into.
LARGE_ROOTS = SHEET_ROOTS | {MAIN_NS + "sst"}
MAX_DEPTH = 64  # OOXML nests a dozen levels deep at most
# A template row takes about 35 elements (13 cells of <c> and <v>, or <c><is><t>); notes formatted
# in Excel take more (each run is <r><rPr>…<t>).  Unused rows of the margin leave ample room.
ELEMENTS_PER_ROW = 60
OTHER_PART_ELEMENTS = 5_000  # styles, workbook, relationships…: a few hundred in a template
SCAN_CHUNK = 64 * 1024


class UnsafeFile(ValueError):
    """The upload is refused; ``message`` says why, for the person who uploaded it."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


def max_bytes() -> int:
    return settings.IMPORT_MAX_BYTES


def check_size(size: int) -> None:
    if size == 0:
        raise UnsafeFile(_("The file is empty."))
    limit = max_bytes()
    if size > limit:
        raise UnsafeFile(
            _("The file is too large (%(size)s KB; at most %(max)s KB).") % {"size": size // 1024, "max": limit // 1024}
        )


def check_xlsx(data: bytes, *, max_rows: int) -> None:
    """Raise ``UnsafeFile`` unless ``data`` looks like a plain, macro-free .xlsx of sane size.

    ``max_rows`` says how deep a sheet of the expected template can reach: no sheet may name
    a row beyond it, and the parts may hold no more elements than that many rows take
    (see ``scan_parts``).
    """
    check_size(len(data))
    if data.startswith(OLE_MAGIC):
        raise UnsafeFile(
            _("This is an old-format .xls or a password-protected workbook. Save it as an Excel workbook (.xlsx) without a password.")
        )
    if not data.startswith(ZIP_MAGIC):
        raise UnsafeFile(_("This is not an Excel workbook (.xlsx). Upload the template you downloaded, filled in."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise UnsafeFile(_("The file is damaged or is not an Excel workbook (.xlsx).")) from None
    with archive:
        _check_directory(infos)
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise UnsafeFile(_("This is not an Excel workbook (.xlsx). Upload the template you downloaded, filled in."))
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise UnsafeFile(_("The workbook contains macros (.xlsm). Save it as a plain Excel workbook (.xlsx) and upload again."))
        info = archive.getinfo("[Content_Types].xml")
        if info.file_size > CONTENT_TYPES_MAX:
            raise UnsafeFile(_("The file is damaged or is not an Excel workbook (.xlsx)."))
        try:
            content_types = archive.read(info)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError):
            raise UnsafeFile(_("The file is damaged or is not an Excel workbook (.xlsx).")) from None
        if any(marker.lower() in content_types.lower() for marker in MACRO_MARKERS):
            raise UnsafeFile(_("The workbook contains macros (.xlsm). Save it as a plain Excel workbook (.xlsx) and upload again."))
        scan_parts(archive, infos, max_rows=max_rows, max_elements=max_rows * ELEMENTS_PER_ROW)


def _check_directory(infos) -> None:
    if len(infos) > MAX_PARTS:
        raise UnsafeFile(_("The file has too many parts to be a filled-in template."))
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise UnsafeFile(_("The workbook is encrypted. Save it without a password and upload again."))
        total += info.file_size
        # The sizes come from the directory and could lie; zipfile stops reading a part at
        # its declared size, so a lying directory cannot make openpyxl unpack more than this.
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UnsafeFile(_("The file expands to far more data than a template holds; it was refused."))
    if total > MAX_UNCOMPRESSED:
        raise UnsafeFile(_("The file expands to far more data than a template holds; it was refused."))


class _PartScan:
    """An expat target that counts a part's elements and checks its row numbers, building nothing."""

    def __init__(self, *, max_rows: int, max_elements: int):
        self.max_rows = max_rows
        self.max_elements = max_elements
        self.elements = 0
        self.depth = 0
        self.sheet = None  # known at the root element
        self.row = 0

    def start(self, tag, attrib):
        self.elements += 1
        self.depth += 1
        if self.sheet is None:
            self.sheet = tag in SHEET_ROOTS
            if tag not in LARGE_ROOTS:
                self.max_elements = min(self.max_elements, OTHER_PART_ELEMENTS)
        if self.elements > self.max_elements:
            raise UnsafeFile(_("The file expands to far more data than a template holds; it was refused."))
        if self.depth > MAX_DEPTH:
            raise UnsafeFile(_("The file is damaged or is not an Excel workbook (.xlsx)."))
        if self.sheet and tag == MAIN_NS + "row":
            # openpyxl's rule: a row without a number follows the one before it.
            number = attrib.get("r")
            try:
                self.row = int(number) if number is not None else self.row + 1
            except ValueError:
                raise UnsafeFile(_("The file is damaged or is not an Excel workbook (.xlsx).")) from None
            if self.row > self.max_rows:
                raise UnsafeFile(
                    _("The sheet reaches beyond row %(max)s, further than the template you fill in. "
                      "Delete the rows below the table (or copy the figures into a newly downloaded template) and upload again.")
                    % {"max": self.max_rows}
                )

    def end(self, tag):
        self.depth -= 1

    def doctype(self, name, pubid, system):
        raise UnsafeFile(_("The file is damaged or is not an Excel workbook (.xlsx)."))

    def close(self):
        return self.elements


def _looks_like_xml(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") or head.startswith((b"\xff\xfe", b"\xfe\xff"))


def scan_parts(archive: zipfile.ZipFile, infos, *, max_rows: int, max_elements: int) -> None:
    """Stream every XML part through expat once; raise ``UnsafeFile`` for one openpyxl must not open.

    Whatever openpyxl may parse is scanned, whatever its name (relationships can point
    anywhere); parts that are not XML (images) are left to openpyxl, which never parses
    them.  All parts together may hold at most ``max_elements`` + ``OTHER_PART_ELEMENTS``
    elements, so the scan itself is bounded too.
    """
    budget = max_elements + OTHER_PART_ELEMENTS
    for info in infos:
        if info.is_dir():
            continue
        scan = _PartScan(max_rows=max_rows, max_elements=min(max_elements, budget))
        parser = XMLParser(target=scan)
        try:
            with archive.open(info) as part:
                head = part.read(SCAN_CHUNK)
                if not _looks_like_xml(head):
                    continue
                chunk = head
                while chunk:
                    parser.feed(chunk)
                    chunk = part.read(SCAN_CHUNK)
                parser.close()
        except UnsafeFile:
            raise
        # Bad XML, a bad zip entry, an unsupported compression: openpyxl could not read it either.
        except (ParseError, zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError, EOFError):
            raise UnsafeFile(_("The file is damaged or is not an Excel workbook (.xlsx).")) from None
        budget -= scan.elements

"""Checks an uploaded file must pass before openpyxl is allowed to open it.

An .xlsx is a zip of XML parts.  Everything here reads only the zip's central
directory (and the small [Content_Types].xml), so a hostile file is refused before
any large part is decompressed: not a zip, an old binary .xls, a macro-enabled
workbook (.xlsm: refused, we never want to pass macros around), an encrypted or
password-protected file, or a "zip bomb" whose parts would expand to far more than
a real template ever does.
"""

from __future__ import annotations

import io
import zipfile

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


def check_xlsx(data: bytes) -> None:
    """Raise ``UnsafeFile`` unless ``data`` looks like a plain, macro-free .xlsx of sane size."""
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

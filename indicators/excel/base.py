"""The exporter interface (in the manner of pretix's exporters) and the download response.

An exporter is a small class: ``identifier`` (stable, ASCII), ``verbose_name`` (for
people), ``get_filename()`` and ``render()`` returning the file's bytes.  Views and
management commands only talk to that interface, so adding an export is adding a class.
"""

from __future__ import annotations

import io
import re
from urllib.parse import quote

from django.http import FileResponse

from indicators.excel.xlsx import XLSX_CONTENT_TYPE


class BaseExporter:
    identifier: str = ""
    verbose_name = ""
    content_type = XLSX_CONTENT_TYPE
    ascii_stem = "export"  # the fallback file name for clients that ignore filename*

    def get_filename(self) -> str:
        raise NotImplementedError

    def get_ascii_filename(self) -> str:
        return self.ascii_stem + ".xlsx"

    def write(self, handle) -> None:
        """Write the file to a binary file object."""
        raise NotImplementedError

    def render(self) -> bytes:
        buffer = io.BytesIO()
        self.write(buffer)
        return buffer.getvalue()

    def response(self) -> FileResponse:
        """The file as a download with a Chinese file name that survives every browser."""
        response = FileResponse(io.BytesIO(self.render()), content_type=self.content_type)
        response["Content-Disposition"] = content_disposition(self.get_filename(), self.get_ascii_filename())
        # The workbook may hold unapproved figures: never kept by a shared cache.
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


_UNSAFE_ASCII = re.compile(r'[^A-Za-z0-9._-]')


def content_disposition(filename: str, ascii_fallback: str) -> str:
    """``attachment`` with both ``filename="…"`` (ASCII) and RFC 6266/5987 ``filename*=UTF-8''…``.

    Django's ``FileResponse(filename=…)`` writes only ``filename*`` for a non-ASCII name,
    so an old client would save the download under the URL's name; browsers that know
    ``filename*`` prefer it and get the Chinese name intact.
    """
    fallback = _UNSAFE_ASCII.sub("_", ascii_fallback) or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"

"""The files ipzone makes for download — the workbook, the template, the plan's table, the brief — and their response.

A ``Download`` has a Chinese ``filename``, an ASCII ``ascii_filename``, a ``content_type`` and ``build()``
(an openpyxl or python-docx object with ``save``); views and commands use only that.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import quote

from django.http import FileResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._-]")


def content_disposition(filename: str, ascii_fallback: str) -> str:
    """``attachment`` with both ``filename="…"`` (ASCII, for old clients) and RFC 6266 ``filename*=UTF-8''…``
    (Django's ``FileResponse(filename=…)`` writes only the second for a non-ASCII name)."""
    fallback = _UNSAFE_ASCII.sub("_", ascii_fallback) or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


class Download:
    filename = ascii_filename = ""
    content_type = XLSX

    def build(self):
        """The openpyxl ``Workbook`` or python-docx ``Document``: anything with ``save(file)``."""
        raise NotImplementedError

    def render(self) -> bytes:
        buffer = io.BytesIO()
        self.build().save(buffer)
        return buffer.getvalue()

    def save(self, path: Path) -> bytes:
        """Write the file to ``path`` through a ``.partial`` next to it: a reader never sees half a file."""
        data = self.render()
        partial = path.with_name(path.name + ".partial")
        partial.write_bytes(data)
        partial.replace(path)
        return data

    def response(self) -> FileResponse:
        response = FileResponse(io.BytesIO(self.render()), content_type=self.content_type)
        response["Content-Disposition"] = content_disposition(self.filename, self.ascii_filename)
        response["Cache-Control"] = "private, no-store"  # figures not yet approved: never kept by a shared cache
        response["X-Content-Type-Options"] = "nosniff"
        return response

"""Evidence files (佐证材料): the checks on an upload, storing them, and files held across a failed save.

A file is accepted only when its extension is on the list AND its first bytes are what that kind of file starts
with, so ``report.pdf`` that is really an executable or an HTML page is refused.  The original name is cleaned and
kept in the database; on disk the file gets a random name (``evidence_path``).

Storing a file is not part of the database transaction: a rollback removes the ``Evidence`` row but not the file,
so ``removed_on_failure`` around the outermost transaction deletes what ``store`` wrote when the write fails.
Files chosen on the year page for a save that fails are held a day for their chooser (``PendingUpload``, under
``MEDIA_ROOT/pending/``, served by no view; docs/design.md §3).
"""

import os
import unicodedata
import zipfile
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import Evidence, PendingUpload

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls
ZIP = b"PK\x03\x04"

# extension -> (content type, magic prefixes, a member the zip must contain)
ALLOWED = {
    ".pdf": ("application/pdf", (b"%PDF-",), None),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",), None),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",), None),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",), None),
    ".doc": ("application/msword", (OLE,), None),
    ".xls": ("application/vnd.ms-excel", (OLE,), None),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (ZIP,), "word/"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (ZIP,), "xl/"),
    ".ofd": ("application/ofd", (ZIP,), "OFD.xml"),
}


def clean_filename(name: str) -> str:
    """Keep a readable original name without path parts, control characters or NULs."""
    name = unicodedata.normalize("NFC", os.path.basename(str(name).replace("\\", "/")))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    stem, ext = os.path.splitext(name)
    return (stem[: 200 - len(ext)] + ext) if name else "file"


def check_evidence(upload) -> tuple[str, str]:
    """Validate an uploaded file; returns ``(clean name, content type)`` or raises ``ValidationError``."""
    name = clean_filename(upload.name or "")
    ext = os.path.splitext(name)[1].lower()
    if ext not in ALLOWED:
        raise ValidationError(
            _("Files of type “%(ext)s” are not accepted. Allowed: %(allowed)s.")
            % {"ext": ext or _("no extension"), "allowed": ", ".join(sorted(e.lstrip(".") for e in ALLOWED))}
        )
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError(_("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)})
    if upload.size == 0:
        raise ValidationError(_("The file is empty."))
    content_type, magics, member = ALLOWED[ext]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(m) for m in magics):
        raise ValidationError(_("The file's content does not match its extension “%(ext)s”.") % {"ext": ext})
    if member is not None:
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            raise ValidationError(_("The file is damaged or not a “%(ext)s” file.") % {"ext": ext}) from None
        finally:
            upload.seek(0)
        if not any(n == member or n.startswith(member) for n in names):
            raise ValidationError(_("The file's content does not match its extension “%(ext)s”.") % {"ext": ext})
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            raise ValidationError(_("Files with macros are not accepted."))
    return name, content_type


def check_uploads(uploads, checked: dict) -> list[str]:
    """Check each upload into ``checked`` (``id(upload)``: its clean name and content type); the problems, by file name."""
    problems = []
    for upload in uploads:
        try:
            checked[id(upload)] = check_evidence(upload)
        except ValidationError as exc:
            problems.extend(f"{clean_filename(upload.name or '')}: {message}" for message in exc.messages)
    return problems


# The lists of files written inside each open ``removed_on_failure`` block, innermost last.
_written: ContextVar[tuple[list, ...]] = ContextVar("evidence_written", default=())


@contextmanager
def removed_on_failure():
    """Delete the evidence files ``store`` wrote inside the block when it raises: wrap the outermost transaction
    that stores evidence.  Blocks nest; an inner block that succeeds leaves its files to the outer one's outcome."""
    written = []
    token = _written.set(_written.get() + (written,))
    try:
        yield
    except BaseException:
        for field_file in written:
            field_file.storage.delete(field_file.name)
        raise
    finally:
        _written.reset(token)


def store(item, upload):
    """Write ``upload`` under a random name as ``item.file`` (evidence, a held upload, an issued document), then
    save the row; inside ``removed_on_failure`` a row that fails to save leaves no file behind."""
    item.file.save(upload.name or "file", upload, save=False)
    for written in _written.get():
        written.append(item.file)
    item.save()
    return item


def attach(uploads, checked: dict, user, **owner):
    """Store uploads ``check_uploads`` passed as the evidence of ``owner`` (``actual=`` or ``contribution=``)."""
    for upload in uploads:
        name, content_type = checked[id(upload)]
        record = Evidence(original_name=name, content_type=content_type, size=upload.size, uploaded_by=user, **owner)
        record._history_user = user
        store(record, upload)


# ---- files held across a failed save ------------------------------------------------------------

HELD_FOR = timedelta(days=1)


def held(user, year, indicators) -> dict:
    """``{indicator id: [PendingUpload]}``: the files ``user`` (and nobody else) chose on these rows for a failed save."""
    found = {}
    recent = PendingUpload.objects.filter(user=user, year=year, indicator__in=indicators, created_at__gte=timezone.now() - HELD_FOR)
    for item in recent.order_by("created_at", "pk"):
        found.setdefault(item.indicator_id, []).append(item)
    return found


def hold(user, indicator, year, upload):
    """Keep ``upload`` for ``user``'s next save of the row, if it passes the checks; else None."""
    try:
        name, content_type = check_evidence(upload)
    except ValidationError:
        return None  # the row says why; a file that cannot become evidence is not kept
    item = PendingUpload(user=user, indicator=indicator, year=year, original_name=name, content_type=content_type, size=upload.size)
    with removed_on_failure():
        return store(item, upload)


def reopened(item) -> File:
    """A held file as an upload again, under the name it was chosen with (``workflow.Entry.evidence``)."""
    return File(item.file.open("rb"), name=item.original_name)


def discard(items):
    """Delete held files: their rows, then the files (after the transaction that used them)."""
    items = list(items)
    PendingUpload.objects.filter(pk__in=[item.pk for item in items]).delete()
    for item in items:
        item.file.close()
        item.file.storage.delete(item.file.name)


def discard_stale():
    """Drop every file held longer than ``HELD_FOR``, whoever chose it."""
    discard(PendingUpload.objects.filter(created_at__lt=timezone.now() - HELD_FOR))

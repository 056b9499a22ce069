"""Documents as they were issued (报送/定稿): the exact workbook or brief that went to a meeting, kept forever."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from indicators.models.plan import Plan
from indicators.text import check_text


def issued_path(instance, filename):
    return f"issued/{instance.plan_id}/{uuid.uuid4().hex}{'.docx' if filename.endswith('.docx') else '.xlsx'}"


class IssuedDocument(models.Model):
    """A workbook or a brief as issued, with its checksum, who and when, and the published figures it carried
    (``figures``: figure id → [version, the figure as shown]; ``indicators/issued.py``, docs/design.md §10)."""

    class Kind(models.TextChoices):
        WORKBOOK = "workbook", _("Assessment workbook (Excel)")
        BRIEF = "brief", _("Supervision brief (Word)")
        FINAL_BRIEF = "final_brief", _("Final assessment brief")

    plan = models.ForeignKey(Plan, models.PROTECT, related_name="issued_documents", verbose_name=_("plan"))
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("document"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=100, validators=[check_text])
    file = models.FileField(_("file"), upload_to=issued_path, max_length=255)
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    figures = models.JSONField(_("figures carried"), default=dict)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("issued by"))
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-issued_at", "-pk"]

    def __str__(self):
        return self.title

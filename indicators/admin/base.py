from datetime import date, datetime
from decimal import Decimal

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from indicators import formatting
from indicators.models import User
from indicators.permissions import READ_ALL, can, organisation_of, reads_organisation

# Why a record was written (its ``_change_reason``), as people say it.
CHANGE_REASONS = {
    "entered": _("entered"), "submitted": _("submitted for review"), "approved": _("approved"),
    "returned": _("returned to the department"), "reopened": _("reopened"),
    "published": _("put in force"), "closed": _("closed"), "rolled over": _("rolled over"),
    "“/” confirmed": _("target “/” confirmed"), "target set": _("target set on the targets page"),
}


def readable(field, value) -> str:
    """A stored value as the pages write it: “4” not “4.0000”, 是/否 not True/False, “—” not None."""
    if value is None or value == "" or (isinstance(value, DeletedObject) and value.pk is None):
        return "—"
    if isinstance(value, User):
        return formatting.person(value)
    if getattr(field, "flatchoices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, Decimal):
        return formatting.number(value)
    if isinstance(value, datetime):
        return formats.localize(timezone.localtime(value) if timezone.is_aware(value) else value)
    if isinstance(value, date):
        return formats.localize(value)
    if isinstance(value, list):
        return "；".join(str(item) for item in value)
    return str(value)


def yes_no_column(field: str, description, **options):
    """A boolean field in words: Django's boolean icon is labelled “True”/“False” in English."""

    @admin.display(description=description, **options)
    def column(self, obj):
        return gettext("Yes") if getattr(obj, field) else gettext("No")

    return column


def field_of(model, name):
    """The model field called ``name`` (its class attribute's ``field``), or None for anything else."""
    return getattr(getattr(model, name, None), "field", None)


class ReadableChanges(HistoricalRecordContextHelper):
    """The “changes” of a history record with their values written as people read them."""

    def prepare_delta_change_value(self, change, value):
        field = field_of(self.model, change.field)
        if isinstance(field, models.ManyToManyField):
            return super().prepare_delta_change_value(change, value)
        return readable(field, value)


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """History is a record, never an editing tool, and shows only what the user may see, in the page's language.

    ``SIMPLE_HISTORY_REVERT_DISABLED`` only hides the revert button: the version page would still take a POST
    that writes old values back.  And both history views fall back to the historical rows of an object outside
    ``get_queryset`` (meant for deleted ones), which would show a reporter another department's drafts: only
    those who read every department keep that fallback.
    """

    def _check_scope(self, request, object_id):
        pk = unquote(object_id)
        if self.get_queryset(request).filter(pk=pk).exists():
            return
        if not can(request.user, READ_ALL) or self.model.objects.filter(pk=pk).exists():  # only a deleted one is shown
            raise Http404
        last = self.model.history.filter(id=pk).order_by("-history_date").first()  # and only within its organisation
        try:
            if last is None or not reads_organisation(request.user, organisation_of(last)):
                raise Http404
        except ObjectDoesNotExist:
            raise Http404 from None

    def history_view(self, request, object_id, extra_context=None):
        self._check_scope(request, object_id)
        columns = []
        for name in self.get_history_list_display(request):
            method = getattr(self, name, None)
            field = field_of(self.model, name)
            label = getattr(method, "short_description", None) or (field.verbose_name if field else name)
            columns.append((name, capfirst(label)))
        extra_context = {"history_columns": columns, **(extra_context or {})}
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        self._check_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)

"""django-axes' login records in the admin, as lists only, in words the administrators read.

A record's own page would describe it in English (“Attempted Access: …”), so it is never opened; an account is
unlocked with an action that says so.  An address locked by the address limit (``ipzone/login_limits.py``)
shows on each of its records, and unlocking any of them unlocks the address.
"""

import axes.admin  # noqa: F401  (axes registers its admin classes; replaced below)
from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from indicators.admin.base import yes_no_column
from indicators.models import User
from indicators.permissions import in_organisations_managed
from ipzone import login_limits

UNKNOWN = "<unknown>"  # what axes stores when a request had no User-Agent or path


class LoginRecordMixin:
    """List only, with the browser shown as people read it and no English self-description."""

    list_display_links = None

    def get_queryset(self, request):
        """An organisation's administrators never see the records of another organisation's accounts (those of names
        that are nobody's account, an address's lockout among them, every administrator sees); a superuser every record."""
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        others = User.objects.exclude(in_organisations_managed(request.user)).values("username")
        return queryset.exclude(username__in=others)

    def get_list_filter(self, request):  # not by path: its choices would list axes' “<unknown>”
        return [item for item in super().get_list_filter(request) if item != "path_info"]

    def change_view(self, request, object_id, form_url="", extra_context=None):  # the list holds it all
        return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # records: an attempt goes by unlocking, old logs by axes_reset_logs

    @admin.display(description=_("browser"))
    def browser(self, obj):
        return "—" if obj.user_agent in ("", UNKNOWN) else obj.user_agent

    @admin.display(description=_("page"), ordering="path_info")
    def page(self, obj):
        return "—" if obj.path_info in ("", UNKNOWN) else obj.path_info

    def action_checkbox(self, obj):
        """The row's checkbox, labelled by user and time rather than the record's English text."""
        when = formats.date_format(timezone.localtime(obj.attempt_time), "SHORT_DATETIME_FORMAT")
        label = gettext("Select the record of %(user)s at %(when)s") % {"user": obj.username or "—", "when": when}
        checkbox = forms.CheckboxInput({"class": "action-select", "aria-label": label}, lambda value: False)
        return checkbox.render(ACTION_CHECKBOX_NAME, str(obj.pk))


class LockoutAdmin(LoginRecordMixin, AccessAttemptAdmin):
    list_display = ["attempt_time", "ip_address", "username", "browser", "page", "failures_since_start", "state"]
    actions = ["unlock"]

    def has_unlock_permission(self, request):
        return request.user.has_perm("axes.delete_accessattempt")

    def get_queryset(self, request):
        return login_limits.with_address_failures(super().get_queryset(request))

    @admin.display(description=_("state"))
    def state(self, obj):
        if obj.address_failures >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return gettext("Address locked")
        left = settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        if left <= 0:
            return gettext("Locked")
        return ngettext("%(count)d more try", "%(count)d more tries", left) % {"count": left}

    @admin.action(description=_("Unlock the selected accounts and addresses"), permissions=["unlock"])
    def unlock(self, request, queryset):
        count = login_limits.unlock(queryset)
        message = ngettext("Unlocked %(count)d record.", "Unlocked %(count)d records.", count) % {"count": count}
        self.message_user(request, message, messages.SUCCESS)


class LoginLogAdmin(LoginRecordMixin, AccessLogAdmin):
    list_display = ["attempt_time", "logout_time", "ip_address", "username", "browser", "page"]


class LoginFailureAdmin(LoginRecordMixin, AccessFailureLogAdmin):
    list_display = ["attempt_time", "ip_address", "username", "browser", "page", "locked"]
    locked = yes_no_column("locked_out", _("locked the account"), ordering="locked_out")


for model, model_admin in ((AccessAttempt, LockoutAdmin), (AccessLog, LoginLogAdmin), (AccessFailureLog, LoginFailureAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)

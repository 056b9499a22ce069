"""Figures in the admin: scoped to the reporter's department, locked once submitted, with the review actions and
the evidence inline.  Every write goes through ``workflow``."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from indicators import formatting, plausibility, workflow
from indicators.admin.base import ReadOnlyHistoryAdmin
from indicators.admin.forms import ActualForm, EvidenceForm, ReasonForm
from indicators.admin.year_entry import year_entry_view
from indicators.models import Actual, ActualStatus, Evidence, Indicator
from indicators.permissions import APPROVE, ENTER, MANAGE, READ_ALL, REVIEW, can
from indicators.progress import yearly_target
from indicators.views.drafts import drafts_shown


def editable(request, obj) -> bool:
    """A figure the user may change here: still with its department, and the guard allows it (``permissions``)."""
    return obj is None or (obj.is_editable and can(request.user, ENTER, obj.indicator))


class EvidenceInline(admin.TabularInline):
    model = Evidence
    form = EvidenceForm
    extra = 1
    fields = ["file", "download", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = ["download", "size", "uploaded_by", "uploaded_at"]

    @admin.display(description=_("file name"))
    def download(self, obj):
        if not obj.pk:
            return ""
        return format_html('<a href="{}">{}</a>', reverse("evidence_download", args=[obj.pk]), obj.original_name)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return False  # a file is replaced by deleting it and uploading another

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and editable(request, obj)


@admin.register(Actual)
class ActualAdmin(ReadOnlyHistoryAdmin):
    form = ActualForm
    inlines = [EvidenceInline]
    list_display = ["indicator_name", "year", "shown_value", "status_badge", "lead_department", "entered_by", "entered_at"]
    list_display_links = ["indicator_name"]
    list_filter = ["year", "status", ("indicator__lead_department", admin.RelatedOnlyFieldListFilter),
                   ("indicator__plan", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["indicator__name", "note"]
    list_select_related = ["indicator__lead_department", "entered_by"]
    list_per_page = 50
    actions = ["submit_selected", "approve_selected", "return_selected", "reopen_selected"]
    history_list_display = ["status", "figure", "outlier_confirmed", "note"]
    readonly_fields = ["status", "current_return_reason", "submitted_by", "submitted_at", "reviewed_by", "reviewed_at"]

    class Media:
        css = {"all": ["css/admin-entry.css"]}

    def get_queryset(self, request):
        # entered_by too: the changelist applies list_select_related only to a queryset without select_related.
        queryset = super().get_queryset(request).select_related("indicator__plan", "indicator__lead_department", "entered_by")
        queryset = queryset.visible_to(request.user, drafts=drafts_shown(request))  # as the dashboards: 含草稿 adds drafts
        if can(request.user, READ_ALL):
            return queryset
        # Reporters work on their own department's figures here, drafts included.
        return queryset.filter(indicator__in=Indicator.objects.entered_by(request.user))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return can(request.user, MANAGE) and super().has_delete_permission(request, obj) and editable(request, obj)

    def has_submit_permission(self, request):
        return request.user.has_perm("indicators.submit_actual")

    def has_review_permission(self, request):
        return request.user.has_perm("indicators.review_actual")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "indicator":
            kwargs["queryset"] = Indicator.objects.entered_by(request.user).select_related("plan")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):
            return self.get_readonly_fields(request, obj)
        # outlier_confirmed and confirmed_values stay hidden until a plausibility warning (ActualForm).
        fields = ["value", "second_value", "outlier_confirmed", "confirmed_values", "not_carried_out", "note", "version"]
        if obj is None:
            fields = ["indicator", "year"] + fields
        else:
            fields = ["year_target"] + fields  # what the figure is judged against, next to it
        return fields + list(self.readonly_fields)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):
            # The figure as people read it (5300 万元 / 8 笔, never 5300.0000) next to its target.
            return ["indicator", "year", "value_with_units", "year_target", "confirmation", "note", *self.readonly_fields]
        return [*self.readonly_fields, "year_target"]

    @admin.display(description=_("indicator"), ordering="indicator__order")
    def indicator_name(self, obj):
        return obj.indicator.name

    @admin.display(description=_("lead department"), ordering="indicator__lead_department__order")
    def lead_department(self, obj):
        return obj.indicator.lead_department.name

    @admin.display(description=_("value"))
    def shown_value(self, obj):
        return obj.display_value or "—"

    @admin.display(description=_("value"))
    def figure(self, record):
        """A version's value in the history list (a historical record, so no ``display_value``)."""
        return formatting.figure(record.value, record.second_value, record.not_carried_out) or formatting.NONE

    @admin.display(description=plausibility.CONFIRM_LABEL)
    def confirmation(self, obj):
        if obj.outlier_confirmed:
            return _("Yes: the value is far from its target or last year's, and the reporter confirmed it")
        return "—"

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj):
        return format_html('<span class="workflow workflow-{}">{}</span>', obj.status, obj.get_status_display())

    @admin.display(description=_("target for the year"))
    def year_target(self, obj):
        if obj is None or obj.indicator_id is None:
            return "—"
        indicator = obj.indicator
        return formatting.printed(yearly_target(indicator.spec(), obj.year), indicator.units) or formatting.NONE

    @admin.display(description=_("value"))
    def value_with_units(self, obj):
        return formatting.figure_of(obj, obj.indicator, units=True) or formatting.NONE

    @admin.display(description=_("reason for return"))
    def current_return_reason(self, obj):
        # Only a figure that is returned now has a reason to act on; earlier reasons are in the history.
        return obj.return_reason if obj is not None and obj.status == ActualStatus.RETURNED else "—"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "review": self._review(request, object_id)}
        return super().change_view(request, object_id, form_url, extra_context)

    def _review(self, request, object_id):
        """Approve and return for a reviewer looking at a submitted figure; they post to the review desk."""
        if request.method != "GET" or not can(request.user, REVIEW):
            return None
        actual = self.get_object(request, unquote(object_id))
        if actual is None or actual.status != ActualStatus.SUBMITTED or not can(request.user, REVIEW, actual):
            return None
        return {"not_approvable": not can(request.user, APPROVE, actual), "actual": actual, "next": request.get_full_path(),
                "action": reverse("review_desk", args=[actual.year]) + f"?plan={actual.indicator.plan_id}"}

    def save_model(self, request, obj, form, change):
        entry, _fields = form.cleaned_entry
        entry.label = None
        saved = workflow.save_entries(request.user, [entry])
        if saved:
            obj.pk = saved[0].pk
            obj.refresh_from_db()
        elif not change:
            obj.pk = Actual.objects.get(indicator=entry.indicator, year=entry.year).pk

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            if inline_form.instance.pk is None and inline_form.has_changed():
                inline_form.instance.uploaded_by = request.user
        formset.save()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except workflow.WorkflowError as exc:
            # A race lost between validation and save: nothing was written (the view is atomic).
            for message in exc.messages:
                self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def _run(self, request, label, func, queryset, *args):
        try:
            done = func(request.user, list(queryset.select_related("indicator__plan")), *args)
        except workflow.WorkflowError as exc:
            self.message_user(request, _("Nothing was changed:") + " " + "；".join(exc.messages), messages.ERROR)
            return
        self.message_user(request, ngettext("%(action)s: %(count)d figure.", "%(action)s: %(count)d figures.", len(done))
                          % {"action": label, "count": len(done)})

    @admin.action(description=_("Submit for review"), permissions=["submit"])
    def submit_selected(self, request, queryset):
        self._run(request, _("Submitted"), workflow.submit, queryset)

    @admin.action(description=_("Approve"), permissions=["review"])
    def approve_selected(self, request, queryset):
        self._run(request, _("Approved"), workflow.approve, queryset)

    def _with_reason(self, request, queryset, action, title, func, label):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._run(request, label, func, queryset, form.cleaned_data["reason"])
            return None
        context = {**self.admin_site.each_context(request), "title": title, "form": form, "action": action, "opts": self.opts,
                   "actuals": queryset.select_related("indicator"), "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME}
        return TemplateResponse(request, "admin/indicators/actual/reason.html", context)

    @admin.action(description=_("Return to the department…"), permissions=["review"])
    def return_selected(self, request, queryset):
        return self._with_reason(request, queryset, "return_selected", _("Return figures to the department"),
                                 workflow.return_actuals, _("Returned"))

    @admin.action(description=_("Reopen approved figures…"), permissions=["review"])
    def reopen_selected(self, request, queryset):
        return self._with_reason(request, queryset, "reopen_selected", _("Reopen approved figures"), workflow.reopen,
                                 _("Reopened"))

    def get_urls(self):
        view = self.admin_site.admin_view(year_entry_view)
        return [path(route, view, name="indicators_actual_year") for route in ("year/", "year/<year:year>/")] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_enter": Indicator.objects.entered_by(request.user).exists()}
        return super().changelist_view(request, extra_context)


"""Administration of the plan's table: plans (and their life), departments, indicators, yearly targets."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import ngettext
from django.utils.translation import gettext_lazy as _

from indicators import formatting, plans, selection
from indicators.admin.base import ReadOnlyHistoryAdmin, yes_no_column
from indicators.admin.forms import number_text
from indicators.admin.plan_life import PlanLifeMixin
from indicators.admin.plan_table import PlanTableMixin
from indicators.admin.plan_targets import PlanTargetsMixin, target_context
from indicators.admin.organisations import OrganisationScoped, cooperation_formset
from indicators.models import CooperatingDepartment, Department, Indicator, Plan, ReportingDeadline, YearlyTarget
from indicators.permissions import READ_ALL, can, in_organisations


class PlanForm(forms.ModelForm):
    """The footnotes (表注) as lines of text, one note a line, not the JSON list they are stored as."""

    footnotes = forms.CharField(label=_("footnotes"), required=False, widget=forms.Textarea(attrs={"rows": 4, "cols": 90}),
                                help_text=_("The notes printed under the table, one per line."))

    class Meta:
        model = Plan
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["footnotes"] = "\n".join(self.instance.footnotes or [])

    def clean_footnotes(self):
        return [line.strip() for line in self.cleaned_data["footnotes"].splitlines() if line.strip()]


class ReportingDeadlineInline(admin.TabularInline):
    model = ReportingDeadline
    extra = 0


@admin.register(Plan)
class PlanAdmin(OrganisationScoped, PlanTargetsMixin, PlanTableMixin, PlanLifeMixin, ReadOnlyHistoryAdmin):
    form = PlanForm
    list_display = ["code", "title", "organisation", "status", "issue_date", "baseline_year", "first_year", "last_year"]
    list_filter = ["status", ("organisation", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["organisation"]
    inlines = [ReportingDeadlineInline]
    exclude = ["status_changed_by"]
    readonly_fields = ["status", "status_changed_at", "changed_by", "status_reason"]
    history_list_display = ["status", "status_reason"]

    @admin.display(description=_("status changed by"))
    def changed_by(self, obj):
        return formatting.person(obj.status_changed_by) or "—"

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(Department)
class DepartmentAdmin(OrganisationScoped, admin.ModelAdmin):
    list_display = ["order", "code", "name", "organisation"]
    list_display_links = ["code", "name"]
    list_filter = [("organisation", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["organisation"]
    search_fields = ["code", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(in_organisations(request.user))


class CooperatingDepartmentInline(OrganisationScoped, admin.TabularInline):
    model = CooperatingDepartment
    formset = cooperation_formset()
    extra = 0
    ordering = ["position"]
    autocomplete_fields = ["department"]


class YearlyTargetForm(forms.ModelForm):
    """Targets as typed and printed (“5217”, “95.26”), not as stored (“5217.0000”)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("value", "second_value"):
            if self.instance.pk and name in self.fields:
                self.initial[name] = number_text(getattr(self.instance, name))


class YearlyTargetInline(admin.TabularInline):
    model = YearlyTarget
    form = YearlyTargetForm
    extra = 0
    fields = ["year", "value", "second_value", "undecided"]
    readonly_fields = ["shown_target"]

    def get_fields(self, request, obj=None):
        if not self.has_change_permission(request, obj):
            return ["year", "shown_target"]  # read-only: the target as the table prints it
        return self.fields

    @admin.display(description=_("target"))
    def shown_target(self, target):
        return str(target.printed)


class PlanFilter(admin.SimpleListFilter):
    """The indicators' plan filter: it opens on the plan a page would show (the plan in force), not on every plan's
    rows mixed; 全部 is a choice of its own."""

    title = _("plan")
    parameter_name = "plan"
    EVERY = "all"

    def lookups(self, request, model_admin):
        plans_seen = selection.visible_plans(request.user)
        default = selection.default_plan(plans_seen)
        self.default = str(default.pk) if default is not None else self.EVERY
        several = len({plan.organisation_id for plan in plans_seen}) > 1  # numbers are unique within an organisation only
        return [(str(plan.pk), f"{plan.organisation.name} · {plan.code}" if several else plan.code) for plan in plans_seen]

    def value(self):
        chosen = super().value()
        return chosen if chosen in {self.EVERY, *(key for key, _title in self.lookup_choices)} else self.default

    def choices(self, changelist):
        for key, title in [(self.EVERY, _("All")), *self.lookup_choices]:
            yield {"selected": self.value() == key, "query_string": changelist.get_query_string({self.parameter_name: key}),
                   "display": title}

    def queryset(self, request, queryset):
        return queryset if self.value() == self.EVERY else queryset.filter(plan_id=self.value())


@admin.register(Indicator)
class IndicatorAdmin(OrganisationScoped, ReadOnlyHistoryAdmin):
    list_display = ["plan", "order", "task_number", "name", "baseline_printed", "target_printed", "lead_department"]
    list_display_links = ["name"]
    list_filter = [PlanFilter, "measure", "target_basis", ("lead_department", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name"]
    list_select_related = ["lead_department", "plan"]
    inlines = [CooperatingDepartmentInline, YearlyTargetInline]
    fieldsets = [
        (None, {"fields": ["plan", "order", "task_number", "name", "code", "predecessor"]}),
        (_("As printed"), {"fields": ["baseline_printed", "baseline_unreported", "target_printed", "target_pending", "unit", "second_unit"]}),
        (_("How it is measured"), {"fields": ["measure", "target_basis", "higher_is_better"]}),
        (_("Responsibility"), {"fields": ["lead_department"]}),
    ]
    autocomplete_fields = ["predecessor"]
    actions = ["confirm_undecided_targets"]
    change_form_template = "admin/indicators/indicator/change_form.html"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = target_context(request, self.get_object(request, object_id))  # a rolled-over one: its predecessor, proposals
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    @admin.action(description=_("Confirm “/” as the target of the selected indicators still to be set"), permissions=["change"])
    def confirm_undecided_targets(self, request, queryset):
        try:
            count = plans.confirm_undecided_targets(request.user, queryset)
        except plans.PlanError as exc:
            for text in exc.messages:
                self.message_user(request, text, messages.ERROR)
            return
        self.message_user(request, ngettext("“/” was confirmed as the target of %(count)d indicator.",
                                            "“/” was confirmed as the target of %(count)d indicators.", count) % {"count": count},
                          messages.SUCCESS)

    higher_is_better_text = yes_no_column("higher_is_better", _("higher is better"))
    baseline_unreported_text = yes_no_column("baseline_unreported", _("baseline not reported"))
    target_pending_text = yes_no_column("target_pending", _("target still to be set"))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self.has_change_permission(request, obj):
            return fieldsets
        words = {name: f"{name}_text" for name in ("higher_is_better", "baseline_unreported", "target_pending")}  # read-only
        return [(title, {**options, "fields": [words.get(f, f) for f in options["fields"]]}) for title, options in fieldsets]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).visible_to(request.user)
        if can(request.user, READ_ALL):
            return queryset
        if request.user.department_id is None:
            return queryset.none()
        return queryset.filter(pk__in=Indicator.objects.involving(request.user.department).values("pk"))

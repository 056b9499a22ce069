"""Administration of the plan's table: plans (and their life), departments, indicators, yearly targets."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from indicators.admin.base import ReadOnlyHistoryAdmin
from indicators.admin.plan_life import PlanLifeMixin
from indicators.models import CooperatingDepartment, Department, Indicator, Plan, PlanStatus, ReportingDeadline, YearlyTarget


class ReportingDeadlineInline(admin.TabularInline):
    model = ReportingDeadline
    extra = 0


@admin.register(Plan)
class PlanAdmin(PlanLifeMixin, ReadOnlyHistoryAdmin):
    list_display = ["code", "title", "status", "issue_date", "baseline_year", "first_year", "last_year"]
    list_filter = ["status"]
    inlines = [ReportingDeadlineInline]
    readonly_fields = ["status", "status_changed_at", "status_changed_by", "status_reason"]
    history_list_display = ["status", "status_reason"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["order", "code", "name"]
    list_display_links = ["code", "name"]
    search_fields = ["code", "name"]


class CooperatingDepartmentInline(admin.TabularInline):
    model = CooperatingDepartment
    extra = 0
    ordering = ["position"]
    autocomplete_fields = ["department"]


class YearlyTargetInline(admin.TabularInline):
    model = YearlyTarget
    extra = 0
    fields = ["year", "value", "second_value", "undecided"]


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyHistoryAdmin):
    list_display = ["order", "task_number", "name", "baseline_printed", "target_printed", "measure", "lead_department"]
    list_display_links = ["name"]
    list_filter = ["plan", "measure", "target_basis", "lead_department"]
    search_fields = ["name"]
    list_select_related = ["lead_department", "plan"]
    inlines = [CooperatingDepartmentInline, YearlyTargetInline]
    fieldsets = [
        (None, {"fields": ["plan", "order", "task_number", "name", "predecessor"]}),
        (_("As printed"), {"fields": ["baseline_printed", "baseline_unreported", "target_printed", "target_pending", "unit", "second_unit"]}),
        (_("How it is measured"), {"fields": ["measure", "target_basis", "higher_is_better"]}),
        (_("Responsibility"), {"fields": ["lead_department"]}),
    ]
    raw_id_fields = ["predecessor"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        user = request.user
        if user.is_administrator:
            return queryset
        queryset = queryset.exclude(plan__status=PlanStatus.DRAFT)  # a plan being set up is the administrators'
        if user.sees_everything:
            return queryset
        if user.department_id is None:
            return queryset.none()
        # Reporters read the indicators their department leads or co-operates on.
        return queryset.filter(pk__in=Indicator.objects.involving(user.department).values("pk"))

"""Administration of the plan's table: plans, departments, indicators, yearly targets."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from indicators.admin.base import ReadOnlyHistoryAdmin

from indicators.models import CooperatingDepartment, Department, Indicator, Plan, ReportingDeadline, YearlyTarget


class ReportingDeadlineInline(admin.TabularInline):
    model = ReportingDeadline
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "issue_date", "baseline_year", "first_year", "last_year"]
    inlines = [ReportingDeadlineInline]


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
        (None, {"fields": ["plan", "order", "task_number", "name"]}),
        (_("As printed"), {"fields": ["baseline_printed", "target_printed", "unit", "second_unit"]}),
        (_("How it is measured"), {"fields": ["measure", "target_basis", "higher_is_better"]}),
        (_("Responsibility"), {"fields": ["lead_department"]}),
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        user = request.user
        if user.sees_everything:
            return queryset
        if user.department_id is None:
            return queryset.none()
        # Reporters read the indicators their department leads or co-operates on.
        return queryset.filter(pk__in=Indicator.objects.involving(user.department).values("pk"))

"""The plan's table in the admin: download it as printed, or create a new plan from one (upload, preview, create).

The upload is checked as the figures' import is.  The preview shows every row as it would be saved, what was
inferred and every problem, and asks what to do with each department the table names that does not exist.  The
table travels from the preview to “create” signed (``django.core.signing``): nothing is kept on the server, a
changed form is refused, and creating checks every row again and saves all of it or nothing.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.admin.plan_life import RolloverForm
from indicators.excel import ImportFailed, UnsafeFile, check_size
from indicators.excel.plan_import import PlanDetails, import_plan, prepare_import, unknown_departments
from indicators.excel.plan_table import PlanTable, PlanTableExport, read_plan_table
from indicators.models import Department, Measure, Organisation, Plan
from indicators.permissions import MANAGE, can, organisations_managed
from indicators.plans import PlanError
from indicators.progress import TargetBasis
from indicators.views.imports import read_upload

SALT = "indicators.plan-table-import"
PREVIEW_MAX_AGE = 2 * 60 * 60  # seconds a preview may wait for “create”
PREVIEW_ROWS = 200  # rows shown (a plan prints a few dozen); every row is checked and listed when wrong
BASIS_SHORT = {TargetBasis.YEAR: gettext_lazy("each year"), TargetBasis.CUMULATIVE: gettext_lazy("running total")}
DIRECTION_SHORT = {True: gettext_lazy("higher is better"), False: gettext_lazy("lower is better")}


class PlanTableUploadForm(RolloverForm):
    """The table, and what it does not say: the new plan's number, title, issuer, date and years."""

    file = forms.FileField(
        label=gettext_lazy("the plan's table (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
    )
    issuer = forms.CharField(label=gettext_lazy("issuer"), max_length=255)
    issue_date = forms.DateField(label=gettext_lazy("issue date"), widget=forms.DateInput(attrs={"type": "date"}))

    organisation = forms.ModelChoiceField(Organisation.objects.none(), label=gettext_lazy("organisation"), required=False,
                                          help_text=gettext_lazy("Default: your own."))

    field_order = ["file", "organisation", "code", "title", "issuer", "issue_date", "first_year", "last_year"]

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(organisations_managed(user))
        self.fields["organisation"].initial = user.organisation_id
        self.own = user.organisation

    def clean_organisation(self):
        chosen = self.cleaned_data["organisation"] or self.own
        if chosen is None:
            raise forms.ValidationError(_("Choose the organisation the plan belongs to."))
        return chosen

    def details(self) -> PlanDetails:
        data = self.cleaned_data
        return PlanDetails(data["code"], data["title"], data["issuer"], data["issue_date"], data["first_year"], data["last_year"],
                           data["organisation"].pk)


class DepartmentsForm(forms.Form):
    """For each department name the table prints that does not exist: an existing department, or a code to create it."""

    def __init__(self, unknown: dict[str, list[int]], organisation_id: int, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unknown = unknown
        departments = Department.objects.filter(organisation_id=organisation_id).order_by("order", "code")
        for index, _name in enumerate(unknown):
            self.fields[f"map_{index}"] = forms.ModelChoiceField(
                departments, required=False, to_field_name="code", label=gettext_lazy("map to the department"),
                empty_label=gettext_lazy("(none: create it)"),
            )
            self.fields[f"code_{index}"] = forms.CharField(
                required=False, max_length=32, label=gettext_lazy("or create it with the code"),
                help_text=gettext_lazy("Use lower-case ASCII letters, digits and “-”."),
            )

    def clean(self):
        data = super().clean()
        for index, _name in enumerate(self.unknown):
            existing, code = data.get(f"map_{index}"), (data.get(f"code_{index}") or "").strip()
            if existing is None and not code:
                self.add_error(f"map_{index}", _("Choose a department, or give a code to create it."))
            elif existing is not None and code:
                self.add_error(f"code_{index}", _("Either choose a department or give a code, not both."))
        return data

    def choices(self) -> tuple[dict[str, str], dict[str, str]]:
        """``(mapped, created)`` of a valid form: name -> an existing department's code, name -> the code to create it with."""
        mapped, created = {}, {}
        for index, name in enumerate(self.unknown):
            if existing := self.cleaned_data[f"map_{index}"]:
                mapped[name] = existing.code
            else:
                created[name] = self.cleaned_data[f"code_{index}"]
        return mapped, created

    def entries(self):
        """Per unknown name: the name, its rows, and its two fields (for the template)."""
        return [(name, rows, self[f"map_{index}"], self[f"code_{index}"]) for index, (name, rows) in enumerate(self.unknown.items())]


def sign(table: PlanTable, details: PlanDetails) -> str:
    payload = {"table": table.to_data(), "details": {**details.__dict__, "issue_date": details.issue_date.isoformat()}}
    return signing.dumps(payload, salt=SALT, compress=True)


def unsign(token: str) -> tuple[PlanTable, PlanDetails]:
    payload = signing.loads(token, salt=SALT, max_age=PREVIEW_MAX_AGE)
    details = dict(payload["details"], issue_date=date.fromisoformat(payload["details"]["issue_date"]))
    return PlanTable.from_data(payload["table"]), PlanDetails(**details)


class PlanTableMixin:
    """Adds the table's download (each plan's page) and the import (the plan list) to ``PlanAdmin``."""

    def get_urls(self):
        urls = [
            path("import-table/", self.admin_site.admin_view(self.table_import_view), name="indicators_plan_table_import"),
            path("<id:pk>/table.xlsx", self.admin_site.admin_view(self.table_export_view), name="indicators_plan_table_export"),
        ]
        return urls + super().get_urls()

    def table_export_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=pk)  # a plan being set up is the administrators'
        return PlanTableExport(plan).response()

    def table_import_view(self, request):
        if not can(request.user, MANAGE):
            raise PermissionDenied
        if request.method == "POST" and request.POST.get("stage") == "create":
            return self.table_create(request)
        form = PlanTableUploadForm(request.user, request.POST or None, request.FILES or None)
        errors: list[str] = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                check_size(upload.size)
                table = read_plan_table(read_upload(upload, settings.IMPORT_MAX_BYTES))
            except UnsafeFile as exc:
                errors = [exc.message]
            except ImportFailed as exc:
                errors = exc.messages
            else:
                return self.table_preview(request, table, form.details())
        return self.table_render(request, {"form": form, "errors": errors})

    def table_create(self, request):
        try:
            table, details = unsign(request.POST.get("payload", ""))
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            self.message_user(request, _("The preview has expired or was changed. Upload the table again."), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:indicators_plan_table_import"))
        if not can(request.user, MANAGE, Organisation(pk=details.organisation_id)):
            raise PermissionDenied
        departments = DepartmentsForm(unknown_departments(table, details.organisation_id), details.organisation_id, request.POST)
        errors: list[str] = []
        if departments.is_valid():
            mapped, created = departments.choices()
            try:
                plan = import_plan(request.user, table, details, mapped=mapped, created=created)
            except PlanError as exc:
                errors = exc.messages
            else:
                self.message_user(request, _(
                    "%(plan)s was created from the table with %(count)s indicators, being set up: check what is entered "
                    "and how each target is compared, then put it in force."
                ) % {"plan": plan.code, "count": len(table.rows)}, messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:indicators_plan_change", args=[plan.pk]))
        return self.table_preview(request, table, details, departments=departments, errors=errors)

    def table_preview(self, request, table, details, *, departments=None, errors=None):
        prepared = prepare_import(table, details)
        problems = prepared.messages if prepared.problems else []
        departments = departments or DepartmentsForm(prepared.unknown, details.organisation_id)
        unknown = set(prepared.unknown)
        measures = dict(Measure.choices)
        rows = [
            {
                "row": row, "order": order, "inferred": set(row.inferred),
                "measure": measures.get(row.measure, row.measure), "basis": BASIS_SHORT.get(row.target_basis, row.target_basis),
                "direction": DIRECTION_SHORT[bool(row.higher_is_better)],
                "departments": [(name, name in unknown) for name in row.departments],
            }
            for order, row in enumerate(table.rows[:PREVIEW_ROWS], start=1)
        ]
        return self.table_render(request, {
            "preview": True, "details": details, "table": table, "rows": rows, "problems": problems,
            "errors": errors or [], "warnings": prepared.warnings, "departments": departments,
            "inferred_rows": sum(1 for row in table.rows if row.inferred), "not_shown": max(len(table.rows) - PREVIEW_ROWS, 0),
            "payload": sign(table, details) if not problems else "",
            "form": PlanTableUploadForm(request.user, initial={**details.__dict__, "organisation": details.organisation_id}) if problems else None,
        })

    def table_render(self, request, extra):
        context = {**self.admin_site.each_context(request), "opts": self.opts, "title": _("Create a plan from its table (Excel)"),
                   "max_kb": settings.IMPORT_MAX_BYTES // 1024, **extra}
        return TemplateResponse(request, "admin/indicators/plan/import_table.html", context)

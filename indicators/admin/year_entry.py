"""One page with all of a department's indicators for a year: the figures go in with one save.

The page lists the indicators the user enters (their department's lead
indicators; administrators choose a department), shows unit, what to enter,
baseline and that year's target next to the inputs, and saves every changed
row through ``workflow.save_entries`` — all rows or none.  “Save and submit”
also submits the saved rows in the same transaction.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import permissions, workflow
from indicators.admin.forms import YearEntryRowForm, measure_hint, number_text
from indicators.models import Actual, Department, Plan, YearlyTarget
from indicators.progress import yearly_target


def _plan(request):
    plan_id = request.GET.get("plan") or request.POST.get("plan")
    if plan_id:
        if not str(plan_id).isdigit():
            raise Http404(_("Unknown plan."))
        return get_object_or_404(Plan, pk=plan_id)
    plan = Plan.objects.first()  # latest issue date first (Meta.ordering)
    if plan is None:
        raise Http404(_("No plan has been loaded."))
    return plan


def default_year(plan):
    """The year being reported now: last calendar year, kept inside the plan."""
    return min(max(timezone.localdate().year - 1, plan.first_year), plan.last_year)


def _department(request, user):
    if not user.is_administrator:
        return user.department
    code = request.GET.get("department") or request.POST.get("department")
    if code:
        return get_object_or_404(Department, code=code)
    return user.department or Department.objects.first()


class Row:
    def __init__(self, indicator, actual, year, form, editable, targets=()):
        self.indicator = indicator
        self.actual = actual
        self.form = form
        self.editable = editable
        self.hint = measure_hint(indicator)
        self.year_target = yearly_target(indicator.spec(targets), year)
        self.errors = []


def year_entry_view(request, year=None):
    user = request.user
    plan = _plan(request)
    chosen = request.GET.get("year", "")
    if chosen:
        # The year selector is a plain GET form; turn its choice into the page's address.
        if not chosen.isdigit():
            messages.error(request, _("“%(year)s” is not a year.") % {"year": chosen[:20]})
            return HttpResponseRedirect(reverse("admin:indicators_actual_year", args=[default_year(plan)]) + _query(request, plan))
        return HttpResponseRedirect(reverse("admin:indicators_actual_year", args=[int(chosen)]) + _query(request, plan))
    if year is None:
        return HttpResponseRedirect(
            reverse("admin:indicators_actual_year", args=[default_year(plan)]) + _query(request, plan)
        )
    if not plan.contains_year(year):
        messages.error(request, _("The year must be between %(first)s and %(last)s.") % {"first": plan.first_year, "last": plan.last_year})
        return HttpResponseRedirect(reverse("admin:indicators_actual_year", args=[default_year(plan)]) + _query(request, plan))
    if not (user.is_administrator or user.is_reporter):
        raise PermissionDenied
    department = _department(request, user)
    chosen = permissions.entry_indicators(user, plan).filter(lead_department=department)
    indicators = list(chosen.select_related("lead_department").order_by("order"))
    # Subqueries rather than lists of ids: the same queries whether the department leads no
    # indicator or three hundred (Django skips a query for an empty list).
    targets: dict[int, list[YearlyTarget]] = {}
    for target in YearlyTarget.objects.filter(indicator__in=chosen.values("pk")).order_by():
        targets.setdefault(target.indicator_id, []).append(target)
    actuals = {a.indicator_id: a for a in Actual.objects.filter(indicator__in=chosen.values("pk"), year=year).order_by()}
    rows = []
    for indicator in indicators:
        indicator.plan = plan  # read by spec() and the validation of every row: no query each
        actual = actuals.get(indicator.pk)
        if actual is not None:
            actual.indicator = indicator  # a locked row shows actual.display_value, which reads it
        editable = actual is None or actual.is_editable
        initial = {"version": 0}
        if actual is not None:
            initial = {
                "value": number_text(actual.value),
                "second_value": number_text(actual.second_value),
                "not_carried_out": actual.not_carried_out,
                "note": actual.note,
                "version": actual.version,
            }
        data = request.POST if request.method == "POST" and editable else None
        form = YearEntryRowForm(data, initial=initial, prefix=f"i{indicator.pk}")
        rows.append(Row(indicator, actual, year, form, editable, targets.get(indicator.pk, ())))

    if request.method == "POST":
        if _save(request, user, year, rows):
            return HttpResponseRedirect(request.get_full_path())

    context = {
        **_admin_context(request),
        "title": _("Figures for %(year)s") % {"year": year},
        "plan": plan,
        "year": year,
        "years": list(plan.years),
        "department": department,
        "departments": Department.objects.all() if user.is_administrator else [],
        "rows": rows,
        "deadline": plan.deadline(year),
    }
    return TemplateResponse(request, "admin/indicators/actual/year_entry.html", context)


def _save(request, user, year, rows):
    entries, by_label = [], {}
    for row in rows:
        if not row.editable:
            continue
        if not row.form.is_valid():
            row.errors = [e for errs in row.form.errors.values() for e in errs]
            continue
        data = row.form.cleaned_data
        entry = workflow.Entry(
            indicator=row.indicator,
            year=year,
            value=data["value"],
            second_value=data["second_value"] if row.indicator.is_pair else None,
            not_carried_out=data["not_carried_out"],
            note=data["note"],
            expected_version=data["version"] if row.actual is not None else None,
            label=row.indicator.name,
        )
        entries.append(entry)
        by_label[row.indicator.name] = row
    if any(row.errors for row in rows):
        messages.error(request, _("Nothing was saved: correct the rows marked below."))
        return False
    try:
        with transaction.atomic():
            saved = workflow.save_entries(user, entries)
            submitted = []
            if "_submit" in request.POST:
                to_submit = [
                    a
                    for a in Actual.objects.filter(indicator__in=[e.indicator for e in entries], year=year)
                    .select_related("indicator__plan")
                    .prefetch_related("indicator__actuals", "indicator__yearly_targets")
                    if a.is_editable
                ]
                submitted = workflow.submit(user, to_submit)
    except workflow.WorkflowError as exc:
        for label, message in exc.errors:
            row = by_label.get(label) or next((r for r in rows if label and label.startswith(r.indicator.name)), None)
            if row is not None:
                row.errors.append(message)
            else:
                messages.error(request, message)
        messages.error(request, _("Nothing was saved: correct the rows marked below."))
        return False
    messages.success(
        request,
        _("Saved %(saved)d figure(s); submitted %(submitted)d for review.") % {"saved": len(saved), "submitted": len(submitted)}
        if "_submit" in request.POST
        else _("Saved %(saved)d figure(s).") % {"saved": len(saved)},
    )
    return True


def _query(request, plan):
    department = request.GET.get("department")
    query = f"?plan={plan.pk}"
    return query + (f"&department={department}" if department else "")


def _admin_context(request):
    from django.contrib import admin

    from indicators.models import Actual as Model

    return {**admin.site.each_context(request), "opts": Model._meta}

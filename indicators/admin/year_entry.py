"""The year page: all of a department's indicators for a year, saved at once through ``workflow.save_entries``
(“Save and submit” also submits, in the same transaction); a save that fails reports every problem beside its
row and holds the chosen files (``evidence.hold``).  docs/design.md §3 describes the page.

Beside each row, the co-operating departments' contributions and a 请配合部门补充 button, which posts a small
form of its own (``views.contributions.ask``) outside the table's form, so it neither saves nor checks the table.
"""

from dataclasses import replace

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from indicators import evidence as evidence_files
from indicators import plausibility, workflow
from indicators.admin.forms import YearEntryRowForm, measure_hint, number_text
from indicators.contributions import beside
from indicators.models import Actual, Department, Evidence, Indicator, PendingUpload, PlanStatus, YearlyTarget
from indicators.permissions import ENTER, MANAGE, can, frozen
from indicators.progress import yearly_target
from indicators.selection import (choose_entry_department, choose_plan, default_plan, param, parse_year, reporting_year,
                                  visible_plans)


class Row:
    def __init__(self, indicator, actual, year, form, editable, targets=(), evidence=(), held=()):
        self.indicator = indicator
        self.actual = actual
        self.form = form
        self.editable = editable
        self.hint = measure_hint(indicator)
        self.year_target = yearly_target(indicator.spec(targets), year)
        self.evidence = list(evidence)
        self.held = list(held)  # files this person chose here for a save that failed (evidence.held)
        self.errors = []

    @property
    def warnings(self):
        return getattr(self.form, "warnings", [])

    @property
    def unconfirmed(self) -> bool:
        """A warning whose 确认无误 box is not ticked for the values now in the row."""
        return bool(self.warnings) and not self.form["outlier_confirmed"].value()

    @property
    def needs(self) -> str:
        """What the row needs before the page can be saved, for the summary; "" when nothing."""
        if self.errors and self.unconfirmed:
            return _("needs a correction and a confirmation")
        if self.errors:
            return _("needs a correction")
        return _("needs a confirmation") if self.unconfirmed else ""


def plan_choices(plans, plan, year):
    """The plans a reporter may switch between for ``year``: those in force that contain it (and the current one)."""
    return [p for p in plans if p == plan or (p.status == PlanStatus.ACTIVE and p.contains_year(year))]


def _page(plan, year, department, user):
    query = f"?plan={plan.pk}"
    if department is not None and can(user, MANAGE):
        query += f"&department={department.code}"
    return HttpResponseRedirect(reverse("admin:indicators_actual_year", args=[year]) + query)


def year_entry_view(request, year=None):
    user = request.user
    if not can(user, ENTER):
        raise PermissionDenied
    plans = visible_plans(user)
    # An explicit ?plan= must be a plan; without one, the plan that contains the year.
    plan = (None if param(request, "plan") or year is None else default_plan(plans, year)) or choose_plan(request, plans)
    department = choose_entry_department(request, user, plan)
    chosen = request.GET.get("year")
    if chosen is not None:
        # The year selector is a plain GET form; turn its choice into the page's address.
        wanted = parse_year(chosen)
        if wanted is None:
            messages.error(request, _("“%(year)s” is not a year.") % {"year": chosen[:20]})
        return _page(plan, wanted or reporting_year(plan), department, user)
    if year is None:
        return _page(plan, reporting_year(plan), department, user)
    if not plan.contains_year(year):
        messages.error(request, _("The year must be between %(first)s and %(last)s.") % {"first": plan.first_year, "last": plan.last_year})
        return _page(plan, reporting_year(plan), department, user)

    chosen_indicators = Indicator.objects.entered_by(user).filter(plan=plan, lead_department=department)
    indicators = list(chosen_indicators.select_related("lead_department").order_by("order"))
    # Subqueries rather than lists of ids: the same queries whether the department leads no
    # indicator or three hundred (Django skips a query for an empty list).
    targets: dict[int, list[YearlyTarget]] = {}
    for target in YearlyTarget.objects.filter(indicator__in=chosen_indicators.values("pk")).order_by():
        targets.setdefault(target.indicator_id, []).append(target)
    actuals = {a.indicator_id: a for a in Actual.objects.filter(indicator__in=chosen_indicators.values("pk"), year=year).order_by()}
    held = evidence_files.held(user, year, chosen_indicators.values("pk"))
    files: dict[int, list[Evidence]] = {}
    for item in Evidence.objects.filter(actual__indicator__in=chosen_indicators.values("pk"), actual__year=year).order_by("uploaded_at", "pk"):
        files.setdefault(item.actual_id, []).append(item)
    besides = beside(user, chosen_indicators.values("pk"), year)  # the co-operating departments' contributions
    rows = []
    for indicator in indicators:
        indicator.plan = plan  # read by spec() and the validation of every row: no query each
        actual = actuals.get(indicator.pk)
        if actual is not None:
            actual.indicator = indicator
        editable = can(user, ENTER, indicator) and (actual is None or actual.is_editable)
        initial = {"version": 0}
        if actual is not None:
            initial = {"value": number_text(actual.value), "second_value": number_text(actual.second_value),
                       "not_carried_out": actual.not_carried_out, "note": actual.note, "version": actual.version}
        prefix = f"i{indicator.pk}"
        # A row the posted page did not show (none of its fields came back) is left alone.
        posted = request.method == "POST" and editable and any(key.startswith(prefix + "-") for key in request.POST)
        form = YearEntryRowForm(request.POST if posted else None, request.FILES if posted else None, initial=initial, prefix=prefix)
        evidence = files.get(actual.pk, ()) if actual is not None else ()
        rows.append(Row(indicator, actual, year, form, editable, targets.get(indicator.pk, ()), evidence, held.get(indicator.pk, ())))
        rows[-1].beside = besides.get(indicator.pk)
        rows[-1].can_ask = rows[-1].beside is not None and can(user, ENTER, indicator)

    if request.method == "POST" and _save(request, user, year, rows):
        return HttpResponseRedirect(request.get_full_path())

    context = {
        **admin.site.each_context(request),
        "is_nav_sidebar_enabled": False,  # the table needs the width
        "opts": admin.site.get_model_admin(Actual).opts,
        "title": _("Figures for %(year)s") % {"year": year},
        "plan": plan,
        "plans": plan_choices(plans, plan, year),
        "year": year,
        "years": list(plan.years),
        "department": department,
        "departments": Department.objects.filter(organisation_id=plan.organisation_id) if can(user, MANAGE) else [],
        "rows": rows,
        "summary": _summary(rows) if request.method == "POST" else None,
        "held": any(row.held for row in rows),
        "editable": any(row.editable for row in rows),  # no save button on a year with nothing left to change
        "deadline": plan.deadline(year),
        "frozen": frozen(plan),
        "evidence_max": settings.EVIDENCE_MAX_BYTES,
    }
    return TemplateResponse(request, "admin/indicators/actual/year_entry.html", context)


def _locked_meanwhile(request, rows) -> list[Row]:
    """Rows the form showed as editable but that were submitted or approved before this save arrived."""
    locked = []
    for row in rows:
        if row.editable or row.actual is None:
            continue
        posted = request.POST.get(row.form.add_prefix("version"))
        if posted is not None and posted != str(row.actual.version):
            locked.append(row)
    return locked


def _summary(rows):
    """Above the table after a failed save: how many rows need a correction, how many a confirmation."""
    listed = [row for row in rows if row.needs]
    if not listed:
        return None
    fix, confirm = sum(bool(row.errors) for row in listed), sum(row.unconfirmed for row in listed)
    counts = []
    if fix:
        counts.append(ngettext("%(count)d row needs a correction.", "%(count)d rows need a correction.", fix) % {"count": fix})
    if confirm:
        counts.append(
            ngettext(
                "%(count)d row needs a confirmation: correct it, or tick “%(confirm)s” if it is right.",
                "%(count)d rows need a confirmation: correct them, or tick “%(confirm)s” if they are right.",
                confirm,
            )
            % {"count": confirm, "confirm": plausibility.CONFIRM_LABEL}
        )
    return {"counts": counts, "rows": listed}


def _save(request, user, year, rows) -> bool:
    evidence_files.discard_stale()
    posted = [row for row in rows if row.editable and row.form.is_bound]
    chosen = {}  # indicator id -> the files chosen in this request
    for row in posted:
        # A held file whose box “remove” is ticked goes now, whatever becomes of the save.
        dropped = set(request.POST.getlist(row.form.add_prefix("drop")))
        evidence_files.discard(item for item in row.held if str(item.pk) in dropped)
        row.held = [item for item in row.held if str(item.pk) not in dropped]
        if row.form.is_valid():
            chosen[row.indicator.pk] = row.form.cleaned_data["evidence"]
        else:  # a page that does not say which version it showed: to be reloaded, nothing saved
            row.errors = [e for errs in row.form.errors.values() for e in errs]
    if any(row.errors for row in rows):
        _hold(user, year, rows, chosen)
        return False
    entries = [_entry(row, year) for row in posted]
    by_key = {row.indicator.pk: row for row in posted}
    used = [item for row in posted for item in row.held]
    submitting = "_submit" in request.POST
    try:
        # The files of a save that fails (the submission too) are removed with its rows.
        with evidence_files.removed_on_failure(), transaction.atomic():
            saved = workflow.save_entries(user, entries)
            PendingUpload.objects.filter(pk__in=[item.pk for item in used]).delete()  # they are evidence now
            submitted = []
            if submitting:
                figures = Actual.objects.filter(indicator__in=[e.indicator for e in entries], year=year)
                figures = figures.select_related("indicator__plan").prefetch_related("indicator__actuals", "indicator__yearly_targets")
                submitted = _submit(user, [a for a in figures if a.is_editable])
    except workflow.WorkflowError as exc:
        _place(request, exc.problems, entries, by_key)
        if submitting:
            _submission_problems(entries, by_key)
        _hold(user, year, rows, chosen)
        return False
    finally:
        for item in used:
            item.file.close()
    evidence_files.discard(used)  # their rows went with the save; now their files
    for row in _locked_meanwhile(request, rows):
        messages.warning(request, _("“%(name)s” was not saved: while you were typing, someone else changed its status to “%(status)s”.")
                         % {"name": row.indicator.name, "status": row.actual.get_status_display()})
    attached = sum(len(entry.evidence) for entry in entries)
    saved_text = ngettext("Saved %(count)d figure.", "Saved %(count)d figures.", len(saved)) % {"count": len(saved)}
    if attached:
        saved_text += " " + ngettext("Attached %(count)d evidence file.", "Attached %(count)d evidence files.",
                                     attached) % {"count": attached}
    if submitting:
        saved_text += " " + ngettext("Submitted %(count)d figure for review.", "Submitted %(count)d figures for review.",
                                     len(submitted)) % {"count": len(submitted)}
    if saved or submitted or attached:
        messages.success(request, saved_text)
    else:
        messages.info(request, _("Nothing had changed."))
    return True


def _entry(row, year) -> workflow.Entry:
    data, indicator = row.form.cleaned_data, row.indicator
    return workflow.Entry(
        indicator=indicator, year=year, value=data["value"], second_value=data["second_value"] if indicator.is_pair else None,
        not_carried_out=data["not_carried_out"], note=data["note"], expected_version=data["version"], key=indicator.pk,
        label=indicator.name, outlier_confirmed=row.form.confirmed(), confirmable=True,
        evidence=[*data["evidence"], *(evidence_files.reopened(item) for item in row.held)],
    )


def _submit(user, figures):
    """``workflow.submit``, its problems keyed by indicator like the rest of the page's (it names figures)."""
    try:
        return workflow.submit(user, figures)
    except workflow.WorkflowError as exc:
        indicator_of = {figure.pk: figure.indicator_id for figure in figures}
        raise workflow.WorkflowError([replace(p, key=indicator_of.get(p.key)) for p in exc.problems]) from None


def _hold(user, year, rows, chosen):
    """Keep the files chosen for a save that failed, listed on their rows: nobody chooses a file twice."""
    for row in rows:
        for upload in chosen.get(row.indicator.pk, ()):
            item = evidence_files.hold(user, row.indicator, year, upload)
            if item is not None:
                row.held.append(item)


def _place(request, problems, entries, by_key):
    """Each problem beside its row (a problem of no row as a message); every warned row shows its
    box again, ticked if it was ticked for the values now in the row."""
    for problem in problems:
        row = by_key.get(problem.key)
        if row is None:
            messages.error(request, str(problem))
        elif not problem.warning:
            row.errors.append(problem.message)
    for entry in entries:
        if entry.warnings:
            by_key[entry.key].form.ask_confirmation(entry.warnings)


def _submission_problems(entries, by_key):
    """On a “save and submit” that failed, what the submission would refuse too, so that one save
    shows it all: asked of each row without an error as its figure would be (``workflow.submission_problem``)."""
    prefetch_related_objects([by_key[entry.key].indicator for entry in entries], "actuals", "yearly_targets")  # not a query a row
    for entry in entries:
        row = by_key[entry.key]
        if row.errors:
            continue
        fields, errors = workflow.check_entry(entry)
        if errors:
            continue
        if row.actual is None and not (fields["not_carried_out"] or fields["value"] is not None or fields["note"] or entry.evidence):
            continue  # the save would make no figure here, so nothing to submit
        problem = workflow.submission_problem(Actual(indicator=row.indicator, year=entry.year, **fields))
        if problem:
            row.errors.append(problem)

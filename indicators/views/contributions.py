"""The co-operating department's page (``/contributions/<year>/``: the lead's figure as the reader may see it,
the department's share, note and files, saved at once by ``workflow.save_contributions``) and ``ask``, the
lead's 请配合部门补充 posted from the year page (docs/design.md §7)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from indicators import formatting, workflow
from indicators.admin.forms import EvidenceFilesField, NumberInput, measure_hint, number_text
from indicators.models import Actual, Contribution, Evidence, Indicator
from indicators.notices import delivery_problems
from indicators.permissions import CONTRIBUTE, can, frozen
from indicators.selection import choose_plan, parse_id
from indicators.views.season import next_url


class ContributionForm(forms.Form):
    share = forms.CharField(label=gettext_lazy("Share"), required=False, widget=NumberInput())
    second_share = forms.CharField(label=gettext_lazy("Share of the count"), required=False, widget=NumberInput({"size": 6}))
    note = forms.CharField(label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 36}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, error_messages={
        "required": gettext_lazy("The page did not say which version of the figure you saw. Reload the page and enter it again."),
    })
    evidence = EvidenceFilesField(label=gettext_lazy("Add evidence"), allow_empty_file=True)


class Row:
    def __init__(self, indicator, figure, contribution, form, editable, files):
        self.indicator, self.contribution, self.form, self.editable, self.files = indicator, contribution, form, editable, files
        self.hint = measure_hint(indicator)
        self.figure = formatting.figure_of(figure, indicator, units=True) if figure else ""
        self.state = figure.status if figure else ""
        self.share_text = formatting.with_units(contribution.shares, indicator.units) if contribution else ""
        self.errors = []


@login_required
def contributions_page(request, year):
    user = request.user
    if not can(user, CONTRIBUTE):
        raise PermissionDenied
    plan = choose_plan(request, year=year)
    chosen = Indicator.objects.filter(plan=plan, cooperation__department=user.department_id)
    indicators = list(chosen.select_related("lead_department").prefetch_related("cooperation").order_by("order"))
    mine = Contribution.objects.filter(indicator__in=chosen.values("pk"), year=year, department=user.department_id)
    contributions = {c.indicator_id: c for c in mine.select_related("entered_by", "requested_by", "indicator")}
    figures = {a.indicator_id: a for a in Actual.objects.visible_to(user).filter(indicator__in=chosen.values("pk"), year=year)}
    files = {}
    for item in Evidence.objects.filter(contribution__in=mine.values("pk")).order_by("uploaded_at", "pk"):
        files.setdefault(item.contribution_id, []).append(item)
    rows = []
    for indicator in indicators:
        indicator.plan = plan
        contribution = contributions.get(indicator.pk)
        initial = {"version": 0}
        if contribution is not None:
            initial = {"share": number_text(contribution.share), "second_share": number_text(contribution.second_share),
                       "note": contribution.note, "version": contribution.version}
        editable = can(user, CONTRIBUTE, indicator)
        prefix = f"c{indicator.pk}"
        posted = request.method == "POST" and editable and any(key.startswith(prefix + "-") for key in request.POST)
        form = ContributionForm(request.POST if posted else None, request.FILES if posted else None, initial=initial, prefix=prefix)
        found = files.get(contribution.pk, []) if contribution else []
        rows.append(Row(indicator, figures.get(indicator.pk), contribution, form, editable, found))
    if request.method == "POST" and _save(request, user, year, rows):
        return HttpResponseRedirect(request.get_full_path())
    context = {
        "plan": plan,
        "year": year,
        "years": list(plan.years),
        "department": user.department,
        "rows": rows,
        "editable": any(row.editable for row in rows),
        "frozen": frozen(plan),
        "evidence_max": settings.EVIDENCE_MAX_BYTES,
    }
    return render(request, "season/contributions.html", context)


def _save(request, user, year, rows) -> bool:
    posted = [row for row in rows if row.form.is_bound]
    for row in posted:
        if not row.form.is_valid():
            row.errors = [error for errors in row.form.errors.values() for error in errors]
    if any(row.errors for row in rows):
        return False
    shares = [
        workflow.Share(
            indicator=row.indicator, year=year, share=data["share"], second_share=data["second_share"], note=data["note"],
            expected_version=data["version"], evidence=data["evidence"],
        )
        for row in posted
        for data in [row.form.cleaned_data]
    ]
    try:
        saved = workflow.save_contributions(user, shares)
    except workflow.WorkflowError as exc:
        by_key = {row.indicator.pk: row for row in rows}
        for problem in exc.problems:
            if problem.key in by_key:
                by_key[problem.key].errors.append(problem.message)
            else:
                messages.error(request, str(problem))
        messages.error(request, _("Nothing was saved."))
        return False
    if saved:
        messages.success(request, ngettext("Saved %(count)d contribution.", "Saved %(count)d contributions.", len(saved)) % {"count": len(saved)})
    else:
        messages.info(request, _("Nothing had changed."))
    return True


@login_required
@require_POST
def ask(request, year):
    """请配合部门补充: record the request on every co-operating department of the row and mail their reporters."""
    indicator = get_object_or_404(
        Indicator.objects.visible_to(request.user).select_related("plan", "lead_department"), pk=parse_id(request.POST.get("indicator"))
    )
    try:
        result = workflow.request_contributions(request.user, indicator, year)
    except workflow.WorkflowError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Asked %(departments)s for their %(year)s contribution to “%(name)s”.") % {
            "departments": formatting.LIST.join(d.name for d in result.departments), "year": year, "name": indicator.name,
        })
        for problem in delivery_problems(result.delivery, requested=True):
            messages.warning(request, problem)
    return HttpResponseRedirect(next_url(request, reverse("admin:indicators_actual_year", args=[year]) + f"?plan={indicator.plan_id}"))

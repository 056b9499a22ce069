"""Downloads: the assessment workbook, the supervision brief and the department's import template."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from indicators.brief import BriefRefused, SupervisionBrief, final_refusal
from indicators.excel import AssessmentWorkbook, ImportTemplate
from indicators.permissions import ENTER, READ_ALL, can
from indicators.selection import choose_entry_department, choose_plan, shanghai_today


@login_required
@require_GET
def export_xlsx(request, year: int):
    """The whole workbook for leaders, reviewers and administrators; a reporter's own department otherwise."""
    user = request.user
    if not (can(user, READ_ALL) or can(user, ENTER)):
        raise PermissionDenied
    plan = choose_plan(request, year=year)
    return AssessmentWorkbook(plan, year, user).response()


@login_required
@require_GET
def export_brief(request, year: int):
    """The supervision brief (督查通报) for leaders, reviewers and administrators; ``?final=1``: the final assessment."""
    if not can(request.user, READ_ALL):
        raise PermissionDenied
    plan = choose_plan(request, year=year)
    try:
        brief = SupervisionBrief(plan, year, request.user, final=request.GET.get("final") == "1")
    except BriefRefused as refusal:
        # The yearly brief always exists; the final assessment does once the plan's last year is over.
        final_year = plan.last_year if final_refusal(plan, plan.last_year, shanghai_today()) is None else None
        context = {"message": str(refusal), "plan": plan, "year": year, "final_year": final_year}
        return render(request, "exports/brief_refused.html", context, status=400)
    return brief.response()


@login_required
@require_GET
def import_template(request, year: int):
    user = request.user
    if not can(user, ENTER):
        raise PermissionDenied
    plan = choose_plan(request, year=year)
    return ImportTemplate(plan, year, choose_entry_department(request, user, plan)).response()

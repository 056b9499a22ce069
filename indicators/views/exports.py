"""Downloads: the assessment workbook and the department's import template."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.views.decorators.http import require_GET

from indicators.excel import AssessmentWorkbook, ImportTemplate
from indicators.permissions import may_enter
from indicators.selection import choose_entry_department, choose_plan


@login_required
@require_GET
def export_xlsx(request, year: int):
    """The whole workbook for leaders, reviewers and administrators; a reporter's own department otherwise."""
    user = request.user
    if not (user.sees_everything or user.is_reporter):
        raise PermissionDenied
    plan = choose_plan(request, year=year)
    return AssessmentWorkbook(plan, year, user).response()


@login_required
@require_GET
def import_template(request, year: int):
    user = request.user
    if not may_enter(user):
        raise PermissionDenied
    plan = choose_plan(request, year=year)
    return ImportTemplate(plan, year, choose_entry_department(request, user, plan)).response()

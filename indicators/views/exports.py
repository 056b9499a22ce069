"""Downloads: the assessment workbook and the department's import template (DESIGN §3, §6)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from indicators.exports import AssessmentWorkbook, ImportTemplate
from indicators.models import Department, Plan

PK_DIGITS = 18  # larger numbers overflow the database's integer and would be a 500


def resolve_plan(request, year: int) -> Plan:
    """``?plan=<id>``, else the latest issued plan whose years include ``year``.

    A ``plan`` that is not a number is a 400; an unknown plan or a year outside it a 404.
    """
    wanted = (request.GET.get("plan") or request.POST.get("plan") or "").strip()
    if wanted:
        if not wanted.isdigit() or len(wanted) > PK_DIGITS:
            raise BadRequest(_("“plan” must be a number."))
        plan = get_object_or_404(Plan, pk=int(wanted))
        if not plan.contains_year(year):
            raise Http404(_("%(year)s is not a year of %(plan)s.") % {"year": year, "plan": plan.code})
        return plan
    # Few plans exist, so choosing in Python keeps an absurd year away from the database.
    for plan in Plan.objects.all():
        if plan.contains_year(year):
            return plan
    raise Http404(_("No plan covers the year %(year)s.") % {"year": year})


def entry_department(request, user) -> Department:
    """The department whose figures are entered: the reporter's own; administrators choose one."""
    if user.is_administrator:
        code = (request.GET.get("department") or request.POST.get("department") or "").strip()
        if code:
            return get_object_or_404(Department, code=code[:32])
        department = user.department or Department.objects.filter(lead_indicators__isnull=False).order_by("order", "code").first()
        if department is None:
            raise Http404(_("No department leads an indicator."))
        return department
    if user.is_reporter:
        return user.department
    raise PermissionDenied


@login_required
@require_GET
def export_xlsx(request, year: int):
    """The whole workbook for leaders, reviewers and administrators; a reporter's own department otherwise."""
    user = request.user
    if not (user.sees_everything or user.is_reporter):
        raise PermissionDenied
    plan = resolve_plan(request, year)
    return AssessmentWorkbook(plan, year, user).response()


@login_required
@require_GET
def import_template(request, year: int):
    user = request.user
    if not (user.is_administrator or user.is_reporter):
        raise PermissionDenied
    plan = resolve_plan(request, year)
    return ImportTemplate(plan, year, entry_department(request, user)).response()

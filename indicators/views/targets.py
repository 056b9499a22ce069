"""``/plans/<id>/targets.xlsx``: the 目标测算表 of a plan's next targets, for administrators."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from indicators.excel.target_proposals import TargetProposalsWorkbook
from indicators.models import Plan
from indicators.permissions import MANAGE, can


@login_required
@require_GET
def target_proposals_xlsx(request, pk):
    plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=pk)
    if not can(request.user, MANAGE):
        raise PermissionDenied
    return TargetProposalsWorkbook(plan, request.user).response()

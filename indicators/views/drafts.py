"""The 含草稿 switch (docs/design.md §7): leaders and reviewers may read every department's drafts on the
dashboards; off by default, kept in the session, never reaching the workbook or the brief."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from indicators.permissions import SEE_DRAFTS, can

SESSION_KEY = "show_drafts"


def drafts_shown(request) -> bool:
    """Is the switch on for this request's user?"""
    return can(request.user, SEE_DRAFTS) and bool(request.session.get(SESSION_KEY, False))


@login_required
@require_POST
def switch_drafts(request):
    if not can(request.user, SEE_DRAFTS):
        raise PermissionDenied
    request.session[SESSION_KEY] = request.POST.get("drafts") == "1"
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = "/"
    return redirect(back)

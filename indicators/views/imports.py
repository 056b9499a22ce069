"""Uploading a filled-in template: a page in the admin's look."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from indicators.excel import ImportFailed, UnsafeFile, check_size, import_actuals
from indicators.models import Actual, Department
from indicators.permissions import ENTER, MANAGE, can
from indicators.selection import choose_entry_department, choose_plan, reporting_year

CHUNK = 64 * 1024


def read_upload(upload, limit: int) -> bytes:
    """The upload's bytes, never more than ``limit`` + 1 (a lying ``size`` cannot make us read more)."""
    chunks, total = [], 0
    for chunk in upload.chunks(CHUNK):
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            break
    return b"".join(chunks)


@login_required
def import_upload_default(request):
    """``/import/``: the year being reported now (last calendar year, kept inside the plan)."""
    if not can(request.user, ENTER):
        raise PermissionDenied
    plan = choose_plan(request)
    year = reporting_year(plan)
    return HttpResponseRedirect(reverse("import_upload", args=[year]) + _query(request, plan))


def _query(request, plan, department=None) -> str:
    params = {"plan": plan.pk}
    code = department.code if department is not None else request.GET.get("department")
    if code and can(request.user, MANAGE):
        params["department"] = code
    return "?" + urlencode(params)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request, year: int):
    user = request.user
    if not can(user, ENTER):
        raise PermissionDenied
    plan = choose_plan(request, year=year)
    department = choose_entry_department(request, user, plan)
    errors: list[str] = []
    if request.method == "POST":
        errors = _import(request, user, plan, year)
        if not errors:
            return HttpResponseRedirect(reverse("import_upload", args=[year]) + _query(request, plan, department))

    departments = Department.objects.filter(lead_indicators__plan=plan).distinct().order_by("order", "code")
    context = {
        **admin.site.each_context(request),
        "opts": admin.site.get_model_admin(Actual).opts,
        "title": _("Import %(year)s figures from Excel") % {"year": year},
        "plan": plan, "year": year, "department": department, "departments": departments if can(user, MANAGE) else [],
        "years": [(y, reverse("import_upload", args=[y]) + _query(request, plan, department)) for y in plan.years],
        "template_url": reverse("import_template", args=[year]) + _query(request, plan, department),
        "errors": errors, "max_kb": settings.IMPORT_MAX_BYTES // 1024,
    }
    return TemplateResponse(request, "exports/import.html", context)


def _import(request, user, plan, year) -> list[str]:
    """Import the uploaded file; the messages to show, or ``[]`` when everything was saved."""
    upload = request.FILES.get("file")
    if upload is None:
        return [_("Choose the filled-in template to upload.")]
    try:
        check_size(upload.size)
        data = read_upload(upload, settings.IMPORT_MAX_BYTES)
        result = import_actuals(user, plan, year, data)
    except UnsafeFile as exc:
        return [exc.message]
    except ImportFailed as exc:
        return exc.messages
    if result.saved:
        saved = len(result.saved)
        messages.success(request, ngettext(
            "%(saved)d figure saved (rows read: %(rows)d). Submit it for review when it is complete.",
            "%(saved)d figures saved (rows read: %(rows)d). Submit them for review when they are complete.",
            saved,
        ) % {"saved": saved, "rows": result.rows})
    else:
        messages.info(request, _("Nothing had changed (rows read: %(rows)d).") % {"rows": result.rows})
    return []

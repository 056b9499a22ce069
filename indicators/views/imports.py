"""Uploading a filled-in template: a page in the admin's look (DESIGN §3)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from indicators.dashboard import shanghai_today
from indicators.exports import ImportFailed, UnsafeFile, check_size, import_actuals
from indicators.models import Actual, Department, Plan
from indicators.views.exports import entry_department, resolve_plan

CHUNK = 64 * 1024


def _may_import(user) -> bool:
    return user.is_administrator or user.is_reporter


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
    if not _may_import(request.user):
        raise PermissionDenied
    plan = Plan.objects.first()
    if plan is None:
        raise Http404(_("No plan has been loaded."))
    year = min(max(shanghai_today().year - 1, plan.first_year), plan.last_year)
    return HttpResponseRedirect(reverse("import_upload", args=[year]) + _query(request, plan))


def _query(request, plan, department=None) -> str:
    params = {"plan": plan.pk}
    code = department.code if department is not None else request.GET.get("department")
    if code and request.user.is_administrator:
        params["department"] = code
    return "?" + urlencode(params)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request, year: int):
    user = request.user
    if not _may_import(user):
        raise PermissionDenied
    plan = resolve_plan(request, year)
    department = entry_department(request, user)
    errors: list[str] = []
    if request.method == "POST":
        errors = _import(request, user, plan, year)
        if not errors:
            return HttpResponseRedirect(reverse("import_upload", args=[year]) + _query(request, plan, department))

    context = {
        **admin.site.each_context(request),
        "opts": Actual._meta,
        "title": _("Import %(year)s figures from Excel") % {"year": year},
        "plan": plan,
        "year": year,
        "years": [(y, reverse("import_upload", args=[y]) + _query(request, plan, department)) for y in plan.years],
        "department": department,
        "departments": Department.objects.filter(lead_indicators__plan=plan).distinct().order_by("order", "code")
        if user.is_administrator
        else [],
        "template_url": reverse("import_template", args=[year]) + _query(request, plan, department),
        "errors": errors,
        "max_kb": settings.IMPORT_MAX_BYTES // 1024,
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
        messages.success(
            request,
            _("Imported %(rows)d row(s): %(saved)d figure(s) saved. Submit them for review when they are complete.")
            % {"rows": result.rows, "saved": len(result.saved)},
        )
    else:
        messages.info(request, _("Imported %(rows)d row(s): nothing had changed.") % {"rows": result.rows})
    return []

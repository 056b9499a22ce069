"""Issued documents (报送/定稿): issue the workbook or a brief of a year, and download what was issued, unchanged."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from indicators.downloads import DOCX, XLSX, content_disposition
from indicators.issued import IssueRefused, issue
from indicators.models import IssuedDocument, Plan
from indicators.permissions import ISSUE, READ_ALL, VIEW, can
from indicators.selection import parse_year


@login_required
@require_POST
def issue_document(request, pk):
    plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=pk)
    if not can(request.user, ISSUE, plan):
        raise PermissionDenied
    year = parse_year(request.POST.get("year")) or 0
    try:
        item = issue(request.user, plan, year, request.POST.get("kind", ""), request.POST.get("title", ""))
    except IssueRefused as exc:
        messages.error(request, _("Nothing was issued: %(why)s") % {"why": exc})
    else:
        messages.success(request, _("“%(title)s” was issued and is kept as it is.") % {"title": item.title})
    return HttpResponseRedirect(reverse("overview") + f"?plan={plan.pk}&year={year or plan.last_year}#issued-title")


@login_required
@require_GET
def issued_download(request, pk):
    item = get_object_or_404(IssuedDocument.objects.select_related("plan"), pk=pk)
    if not can(request.user, READ_ALL) or not can(request.user, VIEW, item.plan):
        raise Http404
    word = item.filename.endswith(".docx")
    response = FileResponse(item.file.open("rb"), content_type=DOCX if word else XLSX)  # the bytes as issued
    response["Content-Disposition"] = content_disposition(item.filename, f"issued-{item.pk}.{'docx' if word else 'xlsx'}")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from indicators.models import Evidence
from indicators.permissions import VIEW_EVIDENCE, can
from indicators.views.drafts import drafts_shown


@login_required
def evidence_download(request, pk):
    """Evidence files are never served as static files: only here, after the permission check."""
    evidence = get_object_or_404(
        Evidence.objects.select_related("actual__indicator__plan", "contribution__indicator__plan"), pk=pk
    )
    # 404, not 403: nobody learns that a figure or a contribution they may not open has evidence.
    if not can(request.user, VIEW_EVIDENCE, evidence.actual or evidence.contribution, drafts=drafts_shown(request)):
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

"""``/organisations/<code>/``: a parent organisation's overview, for the leaders, reviewers and administrators who read it."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from indicators import charts
from indicators.models import Organisation
from indicators.parent_overview import parent_overview
from indicators.permissions import READ_ALL, can, organisations_visible
from indicators.progress import SEVERITY, STATUS_COLOURS
from indicators.selection import parse_page


@login_required
def organisation_overview(request, code):
    organisation = get_object_or_404(Organisation.objects.filter(organisations_visible(request.user)), code=code)
    return organisation_page(request, organisation)


def organisation_page(request, organisation):
    """Also the overview itself for someone whose own organisation has no plan of its own, only plans below it."""
    if not can(request.user, READ_ALL):
        raise PermissionDenied
    overview = parent_overview(organisation, request.user, page=parse_page(request.GET.get("page")))
    items = overview.items
    context = {
        "organisation": organisation, "page": overview.page if overview.page.paginator.num_pages > 1 else None,
        "items": items, "statuses": SEVERITY, "status_colours": STATUS_COLOURS, "entries": overview.compared,
        "comparison": [(item, [entry.rows[index] for entry in overview.compared]) for index, item in enumerate(items)],
        "comparison_chart": charts.comparison(items, overview.compared) if overview.compared else None,
    }
    return render(request, "dashboards/organisation.html", context)

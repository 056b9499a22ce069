"""The final assessment page (终期评估, ``/plans/<id>/final/``): every indicator over the whole plan, with its verdict.

It reads ``rows.final.final_assessment`` — the same rows, verdicts and counts as the workbook's
sheet 终期评估 and the final-assessment brief — so it shows submitted and approved figures only,
whoever reads it (docs/design.md, "The plan's life").  Like the brief, it is for those who read
every department (leaders, reviewers, administrators); reporters get 403.  A plan being set up is
for administrators only (404 for anyone else).  Until the plan is closed the page is a
pre-assessment (预评估).  Queries: a fixed number, whatever the plan's size; the table pages at
``dashboards.TABLE_PER_PAGE`` rows, the counts cover every row.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from indicators.final import VERDICT_ORDER, VERDICT_STATUS, mostly_share
from indicators.models import Plan
from indicators.progress import STATUS_COLOURS, Status
from indicators.rows.final import final_assessment
from indicators.selection import parse_page
from indicators.tables import FinalAssessmentTable
from indicators.templatetags.ipzone_tags import percent
from indicators.views.dashboards import TABLE_PER_PAGE, compact_page, page_links


def may_read_final_assessment(user) -> bool:
    """The final assessment is the meeting's document: for those who read every department."""
    return user.is_authenticated and user.sees_everything


@login_required
def final_assessment_page(request, pk):
    if not may_read_final_assessment(request.user):
        raise PermissionDenied
    plan = get_object_or_404(Plan, pk=pk)
    if plan.is_draft and not request.user.is_administrator:
        raise Http404  # a plan being set up is for administrators only
    assessment = final_assessment(plan)
    pager = Paginator(assessment.rows, TABLE_PER_PAGE).get_page(parse_page(request.GET.get("page")))
    table = FinalAssessmentTable(list(pager.object_list), plan=plan)
    summary = assessment.summary
    context = {
        "plan": plan,
        "assessment": assessment,
        "summary": summary,
        # Worst first, as final.VERDICT_ORDER; each with the colour of the status it resembles.
        "verdicts": [(verdict, STATUS_COLOURS[Status(VERDICT_STATUS[verdict])]) for verdict in VERDICT_ORDER],
        "counts": [(verdict, summary.counts[verdict], STATUS_COLOURS[Status(VERDICT_STATUS[verdict])]) for verdict in VERDICT_ORDER],
        "departments": [
            {"entry": entry, "counts": [entry.summary.counts[verdict] for verdict in VERDICT_ORDER]}
            for entry in assessment.departments
        ],
        "mostly_share": percent(mostly_share()),
        "table": table,
        "pager": pager if pager.paginator.num_pages > 1 else None,
        "page_links": page_links(request, pager, "table-title"),
        "pager_label": _("Indicators"),
    }
    return compact_page(request, "dashboards/final.html", context)

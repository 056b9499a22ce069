"""The leaders' pages: overview, department, indicator and final assessment.

Every figure comes from ``indicators.rows`` with the reader's figures (``Actual.objects.visible_to``), so the pages
agree with each other and with the workbook and the brief; each view costs a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from indicators import charts, formatting, selection
from indicators.final_assessment import earlier_plans, final_assessment
from indicators.history import change_history
from indicators.models import Actual, ActualStatus, Department, Evidence, Indicator, IssuedDocument, Plan
from indicators.issued import marks
from indicators.permissions import ISSUE, READ_ALL, SEE_DRAFTS, VIEW_EVIDENCE, can
from indicators.progress import STATUS_COLOURS, Status, TargetBasis
from indicators.rows import LEAD, IndicatorRow, build_rows, department_summary, status_counts
from indicators.selection import choose_plan, default_year, parse_page, visible_plans
from indicators.verdicts import VERDICT_ORDER, VERDICT_STATUS, mostly_share
from indicators.views.drafts import drafts_shown
from indicators.views.organisations import organisation_page

FULL_LIST_LIMIT = 100  # a plan up to this size shows every indicator's bar on one page (the real plan has 29)
BARS_PER_PAGE = TABLE_PER_PAGE = 50


def readers_figures(request):
    """The figures this reader sees: their department's drafts, or every one with 含草稿 switched on."""
    return Actual.objects.visible_to(request.user, drafts=drafts_shown(request))


def _context(request, plans, plan, year, notice):
    return {
        "drafts_switch": can(request.user, SEE_DRAFTS), "drafts_shown": drafts_shown(request),
        "offers_brief": can(request.user, READ_ALL), "plans": plans, "plan": plan,
        "successor": plan.successor(request.user) if plan.is_closed else None,
        "year": year, "years": list(plan.years), "notice": notice, "status_colours": STATUS_COLOURS,
        # Someone who reads organisations below their own: the plan's organisation, and the way back to them all.
        "parent": request.user.organisation if any(p.organisation_id != request.user.organisation_id for p in plans) else None,
    }


# The department table's sortable columns (``?sort=name``, ``?sort=-status``); a year's column is ``y2024``.
SORTS = {
    "order": lambda row: row.indicator.order,
    "name": lambda row: row.indicator.name,
    "role": lambda row: row.role != LEAD,
    "completion": lambda row: row.completion_sort,
    "status": lambda row: row.status_rank,
}


def sort_rows(rows: list[IndicatorRow], wanted: str, years) -> list[IndicatorRow]:
    """``rows`` sorted as ``?sort=`` asks (a ``-`` first for descending), table order for anything else."""
    name = wanted.removeprefix("-")
    key = SORTS.get(name)
    if key is None and name[1:].isdigit() and int(name[1:]) in years:
        key = lambda row, year=int(name[1:]): row.cells[year].sort_value  # noqa: E731
    return sorted(rows, key=key, reverse=wanted.startswith("-")) if key else rows


def columns(plan, year) -> list[tuple[str, str]]:
    """The department table's headers: (sort key or "", the header)."""
    return [
        ("order", _("No.")), ("name", _("Indicator")), ("role", _("Role")), ("", _("%(year)s baseline") % {"year": plan.baseline_year}),
        *[(f"y{y}", _("%(year)s actual") % {"year": y}) for y in plan.years if y <= year],
        ("", _("%(year)s yearly target") % {"year": year}), ("", _("%(year)s target") % {"year": plan.last_year}),
        ("", _("Completion of the year's target")), ("completion", _("Completion of the final target")), ("status", _("Status")),
    ]  # fmt: skip


def _plan_and_year(request):
    plans = visible_plans(request.user)
    if not plans:
        return None, None, None, None
    plan = choose_plan(request, plans)
    year, notice = selection.choose_year(request, plan, lambda: default_year(plan, readers_figures(request)))
    return plans, plan, year, notice


@dataclass(frozen=True)
class ProgressBar:
    """One part of an indicator: figure vs that year's target vs final target, as widths in %."""

    label: str
    unit: str
    value: Decimal | None
    year_target: Decimal | None
    target: Decimal | None
    status: Status
    cumulative: bool

    def _width(self, number):
        biggest = max((n for n in (self.value, self.year_target, self.target) if n is not None), default=Decimal(0))
        scale = biggest * Decimal("1.05") if biggest > 0 else Decimal(1)  # headroom keeps the end marker visible
        return None if number is None else f"{min(number / scale * 100, Decimal(100)):.1f}"

    @property
    def texts(self):
        return [formatting.number(n) for n in (self.value, self.year_target, self.target)]

    @property
    def fill(self):
        return self._width(self.value) or "0"

    @property
    def year_mark(self):
        return self._width(self.year_target)

    @property
    def target_mark(self):
        return self._width(self.target)

    @property
    def colour(self):
        return STATUS_COLOURS[self.status]


def progress_bars(row: IndicatorRow) -> list[ProgressBar]:
    indicator = row.indicator
    labels = (_("Amount"), _("Count")) if indicator.is_pair else ("", "")
    return [
        ProgressBar(labels[index], indicator.units[index], part.value, part.year_target, part.target, part.status,
                    row.spec.basis == TargetBasis.CUMULATIVE)
        for index, part in enumerate(row.assessment.parts)
    ]


@login_required
def overview(request):
    plans, plan, year, notice = _plan_and_year(request)
    if plan is None:
        return render(request, "dashboards/no_plan.html")
    own = request.user.organisation_id
    if not request.GET.get("plan") and own is not None and all(p.organisation_id != own for p in plans):
        return organisation_page(request, request.user.organisation)  # no plan of one's own: the zones below, side by side
    rows = build_rows(plan, year, readers_figures(request))
    summaries = department_summary(plan, year, rows)
    per_page = BARS_PER_PAGE if len(rows) > FULL_LIST_LIMIT else max(len(rows), 1)
    page = Paginator(rows, per_page).get_page(parse_page(request.GET.get("page")))
    context = _context(request, plans, plan, year, notice)
    context.update(
        rows=rows, counts=status_counts(rows), summaries=summaries,
        groups=[(task, [(row, progress_bars(row)) for row in items]) for task, items in groupby(page.object_list, key=lambda r: r.indicator.task_number)],
        page=page if page.paginator.num_pages > 1 else None,
        department_chart=charts.status_by_department(summaries),
        deadline=plan.deadline(year),
        issued=plan.issued_documents.select_related("issued_by").defer("figures") if can(request.user, READ_ALL) else [],
        issues=can(request.user, ISSUE, plan),
        kinds=IssuedDocument.Kind.choices,
    )
    return render(request, "dashboards/overview.html", context)


@login_required
def department(request, code):
    plans, plan, year, notice = _plan_and_year(request)
    if plan is None:
        return render(request, "dashboards/no_plan.html")
    department = get_object_or_404(Department, organisation_id=plan.organisation_id, code=code)  # named within the plan's organisation
    rows = build_rows(plan, year, readers_figures(request), department=department)
    lead_rows = [row for row in rows if row.role == LEAD]
    summary = next(iter(department_summary(plan, year, lead_rows)), None)
    sort = request.GET.get("sort", "")
    page = Paginator(sort_rows(rows, sort, plan.years), TABLE_PER_PAGE).get_page(parse_page(request.GET.get("page")))
    shown = list(page.object_list)
    context = _context(request, plans, plan, year, notice)
    context.update(
        department=department,
        rows=rows,
        lead_count=len(lead_rows),
        total=len(rows),
        summary=summary,
        counts=status_counts(lead_rows),
        page=page if page.paginator.num_pages > 1 else None,
        shown=shown,
        shown_years=[y for y in plan.years if y <= year],
        columns=columns(plan, year),
        sort=sort,
        status_chart=charts.department_statuses(summary),
        completion_chart=charts.completion_by_indicator(sorted(shown, key=lambda row: (row.role != LEAD, row.indicator.order))),
    )
    return render(request, "dashboards/department.html", context)


@login_required
def indicator(request, pk):
    indicator = get_object_or_404(Indicator.objects.visible_to(request.user).select_related("plan"), pk=pk)
    plan = indicator.plan
    figures = readers_figures(request)
    year, notice = selection.choose_year(request, plan, lambda: default_year(plan, figures))
    row = build_rows(plan, year, figures, indicator_ids=[indicator.pk])[0]
    indicator = row.indicator  # with departments and targets prefetched
    files: dict[int, list[Evidence]] = {}
    opened = [a.pk for a in row.figures.values() if can(request.user, VIEW_EVIDENCE, a, drafts=drafts_shown(request))]
    for item in Evidence.objects.filter(actual__in=opened).order_by("uploaded_at", "pk"):
        files.setdefault(item.actual_id, []).append(item)
    changed = marks(row.figures.values())
    year_rows = []
    for cell in row.cells.values():
        actual = cell.actual
        parts = cell.assessment.parts
        year_rows.append({
            "cell": cell,
            "completion": formatting.percents(part.completion for part in parts),
            "year_completion": formatting.percents(part.year_completion for part in parts),
            "running_total": formatting.PAIR.join(formatting.number(p.value) for p in parts if p.value is not None),
            "note": actual.note if actual is not None else "",
            # The reason matters only while the figure is back with the reporter.
            "return_reason": actual.return_reason if actual is not None and actual.status == ActualStatus.RETURNED else "",
            "evidence": files.get(actual.pk, []) if actual is not None else [],
            "issued": changed.get(actual.pk) if actual is not None else None,
        })  # fmt: skip
    trends = charts.trends(row)
    for number, trend in enumerate(trends, start=1):
        trend["id"] = f"chart-trend-{number}"
    context = _context(request, [plan], plan, year, notice)
    context.update(
        indicator=indicator, row=row, year_rows=year_rows,
        notes=[item for item in year_rows if item["note"] or item["return_reason"] or item["evidence"]],
        projections=[
            {"value": part.value, "unit": unit, "status": part.status}
            for part, unit in zip(row.projection.parts, indicator.units) if part.value is not None
        ],
        trends=trends,
        cumulative=row.spec.basis == TargetBasis.CUMULATIVE,
        history=change_history(indicator, request.user, drafts=drafts_shown(request)),
        earlier_plans=earlier_plans(indicator, request.user),
    )
    return render(request, "dashboards/indicator.html", context)


@login_required
def final_assessment_page(request, pk):
    """``/plans/<id>/final/``: the meeting's document, for those who read every department."""
    plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=pk)  # first: another organisation's plan is not found
    if not can(request.user, READ_ALL):
        raise PermissionDenied
    assessment = final_assessment(plan)
    page = Paginator(assessment.rows, TABLE_PER_PAGE).get_page(parse_page(request.GET.get("page")))
    summary = assessment.summary
    colours = {verdict: STATUS_COLOURS[Status(VERDICT_STATUS[verdict])] for verdict in VERDICT_ORDER}
    context = {
        "plan": plan, "successor": plan.successor(request.user) if plan.is_closed else None,
        "assessment": assessment, "summary": summary, "verdicts": list(colours.items()),
        "counts": [(verdict, summary.counts[verdict], colour) for verdict, colour in colours.items()],
        "departments": [
            {"entry": entry, "counts": [entry.summary.counts[verdict] for verdict in VERDICT_ORDER]} for entry in assessment.departments
        ],
        "mostly_share": formatting.percent(mostly_share()),
        "items": page.object_list,
        "page": page if page.paginator.num_pages > 1 else None,
    }
    return render(request, "dashboards/final.html", context)

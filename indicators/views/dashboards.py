"""The leaders' dashboards: overview, department page, indicator page.

Every figure comes from ``indicators.dashboard`` so the pages agree with each other and
with the Excel export.  Each view costs a fixed number of queries, whatever the plan's size,
and lists a bounded number of rows: the overview shows every indicator's bar for a plan of
up to ``FULL_LIST_LIMIT`` indicators (the real plan has 29) and pages them beyond that; the
department table pages at ``TABLE_PER_PAGE`` rows.  Counts, roll-ups and status charts always
cover every row.  The costly part of the overview and department pages is a fragment cached
under the data version (``indicators.page_cache``); the page around it is rendered per request.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from indicators import charts, page_cache, selection
from indicators import values as V
from indicators.history import change_history
from indicators.models import ActualStatus, Department, Evidence, Indicator, Plan
from indicators.permissions import Visibility
from indicators.progress import STATUS_COLOURS, Status, TargetBasis
from indicators.rows import LEAD, IndicatorRow, build_rows, department_summary, status_counts
from indicators.selection import choose_plan, default_year, parse_page, visible_plans
from indicators.tables import DepartmentIndicatorTable
from indicators.templatetags.ipzone_tags import percent

FULL_LIST_LIMIT = 100  # plans up to this size show every indicator's bar on one overview page
BARS_PER_PAGE = 100
TABLE_PER_PAGE = 50

# ---- choosing the plan and the as-of year -------------------------------------------


def _default_year(request, plan: Plan):
    # The latest reported year depends on the data and on whose drafts the viewer sees: both in the key.
    return lambda: page_cache.remember(request, "default-year", (plan.pk,), lambda: default_year(plan, viewer=request.user))


def choose_year(request, plan: Plan) -> tuple[int, str]:
    return selection.choose_year(request, plan, _default_year(request, plan))


def _selection_context(request, plans, plan, year, notice):
    return {
        "plans": plans,
        "plan": plan,
        "year": year,
        "years": list(plan.years),
        "notice": notice,
        "status_colours": STATUS_COLOURS,
        # The supervision brief's buttons (leaders, reviewers, administrators).  Safe in a cached
        # fragment: it is the visibility class that is part of every fragment's key (page_cache).
        "offers_brief": Visibility.for_viewer(request.user).everything,
    }


# ---- progress bars on the overview ---------------------------------------------------


@dataclass(frozen=True)
class ProgressBar:
    """One part of an indicator: actual vs that year's target vs final target, as widths in %."""

    label: str
    unit: str
    value: Decimal | None
    year_target: Decimal | None
    target: Decimal | None
    status: Status
    cumulative: bool

    @property
    def scale(self) -> Decimal:
        # The longest of the three fills the bar; a little headroom keeps the end marker visible.
        biggest = max((n for n in (self.value, self.year_target, self.target) if n is not None), default=Decimal(0))
        return biggest * Decimal("1.05") if biggest > 0 else Decimal(1)

    def _width(self, number: Decimal | None) -> str | None:
        if number is None:
            return None
        return f"{min(number / self.scale * 100, Decimal(100)):.1f}"

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
    bars = []
    for index, part in enumerate(row.assessment.parts):
        if indicator.is_pair:
            label = _("Amount") if index == 0 else _("Count")
        else:
            label = ""
        bars.append(
            ProgressBar(
                label=label,
                unit=indicator.units[index],
                value=part.value,
                year_target=part.year_target,
                target=part.target,
                status=part.status,
                cumulative=row.spec.basis == TargetBasis.CUMULATIVE,
            )
        )
    return bars


def _task_groups(rows: list[IndicatorRow]):
    """[(task number, [(row, bars), …]), …] in table order; a task's rows are consecutive."""
    groups: list[tuple[int, list]] = []
    for row in rows:
        task = row.indicator.task_number
        if not groups or groups[-1][0] != task:
            groups.append((task, []))
        groups[-1][1].append((row, progress_bars(row)))
    return groups


# ---- pages -----------------------------------------------------------------------------


def _plans(request) -> list[Plan]:
    # Not cached: which plans a person may choose from depends on the person (drafts: administrators).
    return visible_plans(request.user)


@login_required
def overview(request):
    plans = _plans(request)
    if not plans:
        return render(request, "dashboards/no_plan.html")
    plan = choose_plan(request, plans)
    year, notice = choose_year(request, plan)
    page = parse_page(request.GET.get("page"))
    # The heading and the selector are in the fragment too (a quarter of a cached page's time), so
    # is the notice about a year that was asked for and does not exist; the plans' ids are in the key
    # because the selector lists them.
    body = page_cache.fragment(
        request, "overview", (tuple(p.pk for p in plans), plan.pk, year, page, notice),
        lambda: _overview_body(request, plans, plan, year, page, notice),
    )
    return render(request, "dashboards/overview.html", {"plan": plan, "year": year, "body": body})


def _overview_body(request, plans, plan, year, page, notice):
    rows = build_rows(plan, year, viewer=request.user)
    summaries = department_summary(plan, year, rows)
    shown, pager, page_links = rows, None, []
    if len(rows) > FULL_LIST_LIMIT:
        # Thousands of bars help nobody: counts and roll-ups cover every row, the bars come a page at a time.
        paginator = Paginator(rows, BARS_PER_PAGE)
        pager = paginator.get_page(page)
        shown = list(pager.object_list)
        page_links = list(paginator.get_elided_page_range(pager.number, on_each_side=2, on_ends=1))
    context = _selection_context(request, plans, plan, year, notice)
    context.update(
        rows=rows,
        counts=status_counts(rows),
        summaries=summaries,
        groups=_task_groups(shown),
        pager=pager,
        page_links=page_links,
        ellipsis=Paginator.ELLIPSIS,
        department_chart=charts.status_by_department(summaries),
        deadline=plan.deadline(year),
        any_overdue=any(summary.overdue for summary in summaries),
    )
    # No request: context processors (CSRF token, user, messages) must never reach a cached fragment.
    return render_to_string("dashboards/_overview_body.html", context)


@login_required
def department(request, code):
    department = get_object_or_404(Department, code=code)
    plans = _plans(request)
    if not plans:
        return render(request, "dashboards/no_plan.html")
    plan = choose_plan(request, plans)
    year, notice = choose_year(request, plan)
    # The table's sort and page links repeat the query string, so all of it is part of the key.
    query = tuple(sorted((key, tuple(values)) for key, values in request.GET.lists()))
    lead_count, total, body = page_cache.remember(
        request, "department", (department.pk, tuple(p.pk for p in plans), plan.pk, year, query), lambda: _department_body(request, plans, plan, year, department)
    )
    context = _selection_context(request, plans, plan, year, notice)
    context.update(department=department, lead_count=lead_count, total=total, body=mark_safe(body))
    return render(request, "dashboards/department.html", context)


def _department_body(request, plans, plan, year, department) -> tuple[int, int, str]:
    """``(lead indicators, all indicators, HTML)``: the heading's counts and the fragment below it."""
    rows = build_rows(plan, year, department=department, viewer=request.user)
    lead_rows = [row for row in rows if row.role == LEAD]
    summary = next(iter(department_summary(plan, year, lead_rows)), None)
    table = DepartmentIndicatorTable(rows, plan=plan, year=year)
    RequestConfig(request, paginate=False).configure(table)  # sorting, from ?sort=
    # Paged here rather than by RequestConfig, which would also take any ?per_page= asked for.
    try:
        table.paginate(page=parse_page(request.GET.get("page")), per_page=TABLE_PER_PAGE)
    except EmptyPage:
        table.paginate(page=table.paginator.num_pages, per_page=TABLE_PER_PAGE)
    # The completion chart shows the rows the table shows (all of them for a plan of normal size).
    on_page = {id(bound.record) for bound in table.page.object_list}
    context = _selection_context(request, plans, plan, year, "")
    context.update(
        department=department,
        rows=rows,
        lead_count=len(lead_rows),
        summary=summary,
        counts=status_counts(lead_rows),
        table=table,
        status_chart=charts.department_statuses(summary),
        completion_chart=charts.completion_by_indicator([row for row in rows if id(row) in on_page]),
    )
    # The table's sort links need the request (django-tables2 reads its query string); the
    # fragment's template uses nothing else of it — see test_page_cache.
    html = render_to_string("dashboards/_department_body.html", context, request=request)
    return len(lead_rows), len(rows), page_cache.squeeze_indentation(html)


@login_required
def indicator(request, pk):
    indicator = get_object_or_404(Indicator.objects.select_related("plan"), pk=pk)
    plan = indicator.plan
    if plan.is_draft and not request.user.is_administrator:
        raise Http404  # a plan being set up is for administrators only
    year, notice = choose_year(request, plan)
    row = build_rows(plan, year, viewer=request.user, indicator_ids=[indicator.pk])[0]
    indicator = row.indicator  # the one with departments and targets prefetched
    cells = list(row.cells.values())
    actual_ids = [cell.actual.pk for cell in cells if cell.actual is not None]
    evidence: dict[int, list[Evidence]] = {}
    for item in Evidence.objects.filter(actual_id__in=actual_ids).order_by("uploaded_at", "pk"):
        evidence.setdefault(item.actual_id, []).append(item)
    year_rows = []
    for cell in cells:
        actual = cell.actual
        year_rows.append(
            {
                "cell": cell,
                # Pairs are judged part by part, so each part's completion is shown.
                "completion": " / ".join(percent(part.completion) for part in cell.assessment.parts),
                "running_total": "/".join(V.format_number(part.value) for part in cell.assessment.parts if part.value is not None),
                "note": actual.note if actual is not None else "",
                # The reason matters only while the figure is back with the reporter.
                "return_reason": actual.return_reason if actual is not None and actual.status == ActualStatus.RETURNED else "",
                "evidence": evidence.get(actual.pk, []) if actual is not None else [],
            }
        )
    projections = [
        {"value": part.projection, "unit": unit, "status": part.projected_status}
        for part, unit in zip(row.assessment.parts, indicator.units)
        if part.projection is not None
    ]
    trends = charts.trends(row)
    for number, trend in enumerate(trends, start=1):
        trend["id"] = f"chart-trend-{number}"
    context = _selection_context(request, [plan], plan, year, notice)
    context.update(
        indicator=indicator,
        row=row,
        year_rows=year_rows,
        notes=[item for item in year_rows if item["note"] or item["return_reason"] or item["evidence"]],
        projections=projections,
        trends=trends,
        cumulative=row.spec.basis == TargetBasis.CUMULATIVE,
        history=change_history(indicator, request.user),
    )
    return render(request, "dashboards/indicator.html", context)

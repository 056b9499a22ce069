"""The leaders' dashboards: overview, department page, indicator page.

Every figure comes from ``indicators.rows`` so the pages agree with each other and with the
Excel export.  Each view costs a fixed number of queries, whatever the plan's size, and
lists a bounded number of rows: the overview shows every indicator's bar for a plan of up to
``FULL_LIST_LIMIT`` indicators (the real plan has 29) and pages them beyond that; the
department table pages at ``TABLE_PER_PAGE`` rows.  Counts, roll-ups and status charts always
cover every row.  Nothing is cached: every page is built from the database as it is at that
request, so a figure saved a moment ago is always on the next page (README, Performance).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
import re

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from indicators import charts, selection
from indicators import values as V
from indicators.history import change_history
from indicators.models import ActualStatus, Department, Evidence, Indicator, Plan
from indicators.progress import STATUS_COLOURS, Status, TargetBasis
from indicators.rows import LEAD, IndicatorRow, build_rows, department_summary, status_counts, with_every_year
from indicators.rows.final import earlier_plans
from indicators.permissions import Visibility, may_see_drafts
from indicators.selection import choose_plan, default_year, parse_page, visible_plans
from indicators.views.drafts import drafts_shown
from indicators.tables import DepartmentIndicatorTable
from indicators.templatetags.ipzone_tags import pending_mark, percent, status_badge

FULL_LIST_LIMIT = 100  # plans up to this size show every indicator's bar on one overview page
BARS_PER_PAGE = 50  # as many as the department table shows rows
TABLE_PER_PAGE = 50

# ---- choosing the plan and the as-of year -------------------------------------------


def reader(request) -> Visibility:
    """Whose drafts the pages show this user: their department's, or all with 含草稿 switched on."""
    return Visibility.for_viewer(request.user, drafts=drafts_shown(request))


def choose_year(request, plan: Plan) -> tuple[int, str]:
    return selection.choose_year(request, plan, lambda: default_year(plan, viewer=reader(request)))


def _selection_context(request, plans, plan, year, notice):
    return {
        "drafts_switch": may_see_drafts(request.user),
        "drafts_shown": drafts_shown(request),
        # The supervision brief's buttons: for those who read every department (not reporters).
        "offers_brief": request.user.sees_everything,
        "plans": plans,
        "plan": plan,
        "year": year,
        "years": list(plan.years),
        "notice": notice,
        "status_colours": STATUS_COLOURS,
    }


_INDENTATION = re.compile(rb"\n[ \t]+")


def compact_page(request, template: str, context: dict):
    """The rendered page without the templates' indentation: a quarter of the overview's bytes, and invisible.

    A newline stays where there was one, so the text keeps its spaces (HTML shows any run of
    white space as one); only ``<pre>`` and ``<textarea>`` show it as typed, and these pages have none.
    """
    response = render(request, template, context)
    if b"<pre" not in response.content and b"<textarea" not in response.content:
        response.content = _INDENTATION.sub(b"\n", response.content)
    return response


# ---- pages of a long list ---------------------------------------------------------------


@dataclass(frozen=True)
class PageLink:
    label: str
    url: str  # "" for the ellipsis
    css: str = ""  # "active", "previous", "next", "ellipsis"


def page_links(request, page: Page, anchor: str) -> list[PageLink]:
    """Links to the pages around ``page`` (elided), keeping the rest of the query string."""

    def url(number) -> str:
        query = request.GET.copy()
        query["page"] = number
        return f"?{query.urlencode()}#{anchor}"

    links = []
    if page.has_previous():
        links.append(PageLink(_("previous"), url(page.previous_page_number()), "previous"))
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if number == Paginator.ELLIPSIS:
            links.append(PageLink(str(number), "", "ellipsis"))
        else:
            links.append(PageLink(str(number), url(number), "active" if number == page.number else ""))
    if page.has_next():
        links.append(PageLink(_("next"), url(page.next_page_number()), "next"))
    return links


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

    @cached_property
    def scale(self) -> Decimal:
        # The longest of the three fills the bar; a little headroom keeps the end marker visible.
        biggest = max((n for n in (self.value, self.year_target, self.target) if n is not None), default=Decimal(0))
        return biggest * Decimal("1.05") if biggest > 0 else Decimal(1)

    # The numbers as printed ("" when there is none), read here rather than through a filter per bar.
    @property
    def value_text(self) -> str:
        return V.format_number(self.value) if self.value is not None else ""

    @property
    def year_target_text(self) -> str:
        return V.format_number(self.year_target) if self.year_target is not None else ""

    @property
    def target_text(self) -> str:
        return V.format_number(self.target) if self.target is not None else ""

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
    """[(task number, [item, …]), …] in table order; a task's rows are consecutive.

    Each item is what the template prints, looked up here once: a plain dict reads faster in a
    template than a chain of attributes, and the overview of a large plan prints fifty of them.
    """
    indicator_url = path_maker("indicator", 0)
    groups: list[tuple[int, list]] = []
    for row in rows:
        indicator, current = row.indicator, row.current
        task = indicator.task_number
        if not groups or groups[-1][0] != task:
            groups.append((task, []))
        groups[-1][1].append(
            {
                "status": row.status.value,
                "badge": status_badge(row.status),
                "url": indicator_url(indicator.pk),
                "title": str(indicator),
                "lead": indicator.lead_department.name,
                "reported": current.reported,
                "text": current.text,
                "pending": pending_mark(current),
                "bars": progress_bars(row),
            }
        )
    return groups


def path_maker(name: str, placeholder):
    """``lambda value: reverse(name, args=[value])`` for many values, with one ``reverse()``.

    For the overview's hundreds of links to departments and indicators; ``placeholder`` must be
    a valid value no real one contains (ids and department codes need no quoting in a path).
    """
    before, _, after = reverse(name, args=[placeholder]).rpartition(str(placeholder))
    return lambda value: f"{before}{value}{after}"


def _department_rows(summaries, year: int, plan_parameter: str) -> list[dict]:
    """The overview's two tables by department, one dict per department (see ``_task_groups``)."""
    department_url = path_maker("department", "department-code")
    return [
        {
            "name": summary.department.name,
            "url": f"{department_url(summary.department.code)}?year={year}{plan_parameter}",
            "counts": format_html_join("", '<td class="num">{}</td>', ((count,) for count in summary.counts.values())),
            "total": summary.total,
            "reported": summary.reported,
            "submitted": summary.submitted,
            "approved": summary.approved,
            "complete": summary.complete,
            "overdue": summary.overdue,
        }
        for summary in summaries
    ]


# ---- pages -----------------------------------------------------------------------------


@login_required
def overview(request):
    plans = visible_plans(request.user)
    if not plans:
        return render(request, "dashboards/no_plan.html")
    plan = choose_plan(request, plans)
    year, notice = choose_year(request, plan)
    rows = build_rows(plan, year, viewer=reader(request), all_years=False)  # one status each: no trends
    summaries = department_summary(plan, year, rows)
    shown, pager, links = rows, None, []
    if len(rows) > FULL_LIST_LIMIT:
        # Thousands of bars help nobody: counts and roll-ups cover every row, the bars come a page at a time.
        pager = Paginator(rows, BARS_PER_PAGE).get_page(parse_page(request.GET.get("page")))
        shown = list(pager.object_list)
        links = page_links(request, pager, "progress-title")
    context = _selection_context(request, plans, plan, year, notice)
    context.update(
        rows=rows,
        counts=status_counts(rows),
        summaries=summaries,
        groups=_task_groups(shown),
        pager=pager,
        page_links=links,
        pager_label=_("Progress by indicator"),
        # The department links name the plan only when there is a choice of plans.
        department_rows=_department_rows(summaries, year, f"&plan={plan.pk}" if len(plans) > 1 else ""),
        department_chart=charts.status_by_department(summaries),
        deadline=plan.deadline(year),
        any_overdue=any(summary.overdue for summary in summaries),
    )
    return compact_page(request, "dashboards/overview.html", context)


@login_required
def department(request, code):
    department = get_object_or_404(Department, code=code)
    plans = visible_plans(request.user)
    if not plans:
        return render(request, "dashboards/no_plan.html")
    plan = choose_plan(request, plans)
    year, notice = choose_year(request, plan)
    # Every row is counted and sorted, fifty are shown: all rows need only what decides ``year``
    # (unless the table is sorted by an earlier year's figure); the shown ones are built again
    # with every year, for their year columns.
    all_years = DepartmentIndicatorTable.sorts_by_an_earlier_year(request.GET, year)
    rows = build_rows(plan, year, department=department, viewer=reader(request), all_years=all_years)
    lead_rows = [row for row in rows if row.role == LEAD]
    summary = next(iter(department_summary(plan, year, lead_rows)), None)
    every_row = DepartmentIndicatorTable(rows, plan=plan, year=year)
    RequestConfig(request, paginate=False).configure(every_row)  # sorted by ?sort=
    pager = every_row.page_of(parse_page(request.GET.get("page")), TABLE_PER_PAGE)  # never ?per_page=
    shown = list(pager.object_list)
    if not all_years:
        shown = with_every_year(plan, shown, viewer=reader(request))
    # The page's rows, in the order the whole table was sorted into; the header links sort it all.
    table = DepartmentIndicatorTable(shown, plan=plan, year=year, order_by=every_row.order_by)
    context = _selection_context(request, plans, plan, year, notice)
    context.update(
        department=department,
        rows=rows,
        lead_count=len(lead_rows),
        total=len(rows),
        summary=summary,
        counts=status_counts(lead_rows),
        table=table,
        pager=pager if pager.paginator.num_pages > 1 else None,
        page_links=page_links(request, pager, "table-title"),
        pager_label=_("Indicators"),
        status_chart=charts.department_statuses(summary),
        # The rows the table shows (all of them for a plan of normal size), lead ones first, in table order.
        completion_chart=charts.completion_by_indicator(sorted(shown, key=lambda row: (row.role != LEAD, row.indicator.order))),
    )
    return compact_page(request, "dashboards/department.html", context)


@login_required
def indicator(request, pk):
    indicator = get_object_or_404(Indicator.objects.select_related("plan"), pk=pk)
    plan = indicator.plan
    if plan.is_draft and not request.user.is_administrator:
        raise Http404  # a plan being set up is for administrators only
    year, notice = choose_year(request, plan)
    row = build_rows(plan, year, viewer=reader(request), indicator_ids=[indicator.pk])[0]
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
                "year_completion": " / ".join(percent(part.year_completion) for part in cell.assessment.parts),
                "running_total": "/".join(V.format_number(part.value) for part in cell.assessment.parts if part.value is not None),
                "note": actual.note if actual is not None else "",
                # The reason matters only while the figure is back with the reporter.
                "return_reason": actual.return_reason if actual is not None and actual.status == ActualStatus.RETURNED else "",
                "evidence": evidence.get(actual.pk, []) if actual is not None else [],
            }
        )
    projections = [
        {"value": part.value, "unit": unit, "status": part.status}
        for part, unit in zip(row.projection.parts, indicator.units)
        if part.value is not None
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
        history=change_history(indicator, reader(request)),
        # The same indicator in the plans before this one (往期方案), with their published figures and verdicts.
        earlier_plans=earlier_plans(indicator, include_drafts=request.user.is_administrator),
    )
    return compact_page(request, "dashboards/indicator.html", context)

"""Rows and roll-ups behind every dashboard (DESIGN §4, §5) and the assessment workbook (§6).

One place loads a plan's indicators and actuals and runs ``progress.assess`` on them,
so the overview, the department and indicator pages and the Excel export can never
disagree about a status.  Loading costs a fixed number of queries whatever the number of
indicators, departments or years: ``Indicator.objects.for_tables()`` (indicators with their
departments, yearly targets and the plan's deadlines) plus ONE query for every actual of
the plan's years.  Everything after that is plain Python.

Visibility (DESIGN §1): a reporter sees nothing of another department's drafts, so for such a
viewer an actual of another department that is still draft or returned is treated exactly as
if nothing had been entered.  Pass ``viewer=None`` (commands, exports run by an administrator)
to see every entered value.

Public functions::

    build_rows(plan, year, *, department=None, viewer=None, indicator_ids=None) -> list[IndicatorRow]
    department_summary(plan, year, rows, *, today=None) -> list[DepartmentSummary]
    status_counts(rows) -> dict[Status, int]
    latest_reported_year(plan, *, viewer=None) -> int | None
    default_year(plan, *, viewer=None, today=None) -> int
    DraftVisibility.for_viewer(viewer).allows(lead_department_id) -> bool
    shanghai_today() -> date
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators import values as V
from indicators.models import EDITABLE_STATUSES, Actual, ActualStatus, Department, Indicator, Plan
from indicators.progress import (
    SEVERITY,
    STATUS_COLOURS,
    Assessment,
    IndicatorSpec,
    Status,
    YearValue,
    assess,
    count_by_status,
    yearly_target,
)
from indicators.values import PrintedValue

SHANGHAI = ZoneInfo("Asia/Shanghai")

LEAD = "lead"
COOPERATING = "cooperating"
ROLE_LABELS = {LEAD: _("Lead"), COOPERATING: _("Co-operating")}

# Actuals that have left the reporter's hands: every signed-in user may see them.
SHARED_STATUSES = (ActualStatus.SUBMITTED, ActualStatus.APPROVED)


def shanghai_today() -> date:
    """Today in the zone's time: deadlines fall on Chinese calendar days whatever the server's zone."""
    return timezone.localdate(timezone=SHANGHAI)


@dataclass(frozen=True)
class DraftVisibility:
    """Whose unsubmitted (draft or returned) actuals a viewer may see.

    ``everything`` – all of them (leaders, reviewers, administrators, and ``viewer=None`` for
    exports and commands); otherwise only those of indicators led by ``department_id`` (a
    reporter's own department; None for an account without one).  The same rule as
    ``indicators.permissions.visible_actuals`` used by the admin.
    """

    everything: bool
    department_id: int | None = None

    @classmethod
    def for_viewer(cls, viewer) -> DraftVisibility:
        if viewer is None or viewer.sees_everything:
            return cls(everything=True)
        return cls(everything=False, department_id=viewer.department_id)

    def allows(self, lead_department_id: int) -> bool:
        return self.everything or (self.department_id is not None and self.department_id == lead_department_id)

    def shows(self, actual: Actual, lead_department_id: int) -> bool:
        return actual.status not in EDITABLE_STATUSES or self.allows(lead_department_id)

    def actual_filter(self) -> Q:
        """The same rule as a query filter on ``Actual``."""
        if self.everything:
            return Q()
        visible = Q(status__in=SHARED_STATUSES)
        if self.department_id is not None:
            visible |= Q(indicator__lead_department_id=self.department_id)
        return visible


def display_text(indicator: Indicator, actual: Actual | None) -> str:
    """An actual as people read it: ``2868/2``, ``95.26``, ``未开展`` – or ``""`` when not reported."""
    if actual is None:
        return ""
    if actual.not_carried_out:
        return str(_("Not carried out"))
    return V.format_pair(actual.value, actual.second_value if indicator.is_pair else None)


@dataclass(frozen=True)
class YearCell:
    """One indicator in one plan year, as the viewer may see it."""

    year: int
    actual: Actual | None  # None when nothing was entered, or the viewer may not see the draft
    text: str  # display value; "" when not reported
    target: PrintedValue  # that year's target m (administrator's, else linear)
    assessment: Assessment  # status as of this year

    @property
    def reported(self) -> bool:
        return self.actual is not None and self.actual.is_reported

    @property
    def workflow(self) -> str | None:
        return self.actual.status if self.actual is not None else None

    @property
    def pending(self) -> bool:
        """Entered but not yet approved: shown, marked 待审核."""
        return self.reported and self.actual.status != ActualStatus.APPROVED

    @property
    def sort_value(self) -> Decimal:
        # Not reported sorts below any reported value, including 0 and 未开展.
        if not self.reported:
            return Decimal(-1)
        return self.actual.value if self.actual.value is not None else Decimal(0)


@dataclass
class IndicatorRow:
    """What a table row, chart or workbook row needs about one indicator as of ``year``."""

    indicator: Indicator
    year: int
    spec: IndicatorSpec
    cells: dict[int, YearCell]  # every plan year, in order
    departments: list[Department]  # printed order, the lead first
    role: str = LEAD  # relative to the ``department`` asked for; LEAD when none was
    assessment: Assessment = field(init=False)

    def __post_init__(self):
        self.assessment = self.cells[self.year].assessment

    @property
    def status(self) -> Status:
        return self.assessment.status

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[self.status]

    @property
    def current(self) -> YearCell:
        return self.cells[self.year]

    @property
    def lead_department(self) -> Department:
        return self.departments[0]

    @property
    def department_names(self) -> str:
        return "、".join(d.name for d in self.departments)

    @property
    def role_label(self):
        return ROLE_LABELS[self.role]

    @property
    def status_rank(self) -> int:
        return SEVERITY.index(self.status)

    @property
    def completion_sort(self) -> Decimal:
        completion = self.assessment.completion
        return completion if completion is not None else Decimal(-1)

    @property
    def year_sort(self) -> dict[str, Decimal]:
        """Sort keys of the year columns, keyed ``y2023`` (table accessors cannot take arguments)."""
        return {f"y{year}": cell.sort_value for year, cell in self.cells.items()}


@dataclass
class DepartmentSummary:
    """A department's lead indicators for one year: statuses and how far reporting has come.

    ``reported`` counts indicators with a value (or 未开展) the viewer can see; ``submitted``
    those sent for review, approved ones included; ``approved`` the approved ones; after the
    deadline every indicator not yet submitted is ``overdue``.
    """

    department: Department
    year: int
    deadline: date
    total: int = 0
    counts: dict[Status, int] = field(default_factory=lambda: dict.fromkeys(SEVERITY, 0))
    reported: int = 0
    submitted: int = 0
    approved: int = 0
    past_deadline: bool = False

    @property
    def overdue(self) -> int:
        return self.total - self.submitted if self.past_deadline else 0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.approved == self.total


def _indicators(plan: Plan, department: Department | None, indicator_ids: Iterable[int] | None):
    indicators = Indicator.objects.filter(plan=plan)
    if department is not None:
        indicators = indicators.involving(department)
    if indicator_ids is not None:
        indicators = indicators.filter(pk__in=list(indicator_ids))
    return indicators


def build_rows(
    plan: Plan,
    year: int,
    *,
    department: Department | None = None,
    viewer=None,
    indicator_ids: Iterable[int] | None = None,
) -> list[IndicatorRow]:
    """Assess the plan's indicators as of ``year`` for ``viewer``.

    * ``department`` – only indicators it leads or co-operates on: lead ones first, then
      co-operating ones, each in table order, with ``row.role`` set accordingly.  Without it
      every indicator of the plan comes in table order.
    * ``viewer`` – the signed-in user; hides other departments' drafts from reporters.
      ``None`` shows every entered value.
    * ``indicator_ids`` – restrict to these indicators (the indicator page asks for one).

    Every row carries a ``YearCell`` for each plan year (its own as-of-that-year assessment),
    so a caller can show the whole trend; ``row.assessment`` is the one for ``year``.
    Queries: 5 (indicators, co-operating links, their departments, yearly targets, deadlines)
    + 1 (actuals) + the viewer's roles once, independent of the plan's size.
    """
    if not plan.contains_year(year):
        raise ValueError(f"{year} is outside the plan's years {plan.first_year}–{plan.last_year}")
    indicator_qs = _indicators(plan, department, indicator_ids)
    indicators = list(indicator_qs.for_tables().order_by("order"))
    visibility = DraftVisibility.for_viewer(viewer)

    by_indicator: dict[int, dict[int, Actual]] = {}
    # order_by(): Actual's default ordering joins indicator and plan for nothing here.
    actuals = Actual.objects.filter(indicator__in=indicator_qs.values("pk"), year__in=list(plan.years)).order_by()
    for actual in actuals:
        by_indicator.setdefault(actual.indicator_id, {})[actual.year] = actual

    rows = []
    for indicator in indicators:
        visible = {
            actual_year: actual
            for actual_year, actual in by_indicator.get(indicator.pk, {}).items()
            if visibility.shows(actual, indicator.lead_department_id)
        }
        for actual in visible.values():
            actual.indicator = indicator  # so actual.display_value and friends need no query
        rows.append(_row(plan, indicator, visible, year, department))
    if department is not None:
        rows.sort(key=lambda row: (row.role != LEAD, row.indicator.order))
    return rows


def _row(plan, indicator, actuals: dict[int, Actual], year, department) -> IndicatorRow:
    spec = indicator.spec(indicator.yearly_targets.all())
    values: dict[int, YearValue | None] = {y: actual.year_value for y, actual in actuals.items()}
    cells = {}
    for plan_year in plan.years:
        actual = actuals.get(plan_year)
        cells[plan_year] = YearCell(
            year=plan_year,
            actual=actual,
            text=display_text(indicator, actual) if actual is not None and actual.is_reported else "",
            target=yearly_target(spec, plan_year),
            assessment=assess(spec, values, plan_year),
        )
    role = LEAD if department is None or indicator.lead_department_id == department.pk else COOPERATING
    return IndicatorRow(
        indicator=indicator,
        year=year,
        spec=spec,
        cells=cells,
        departments=indicator.responsible_departments(),
        role=role,
    )


def department_summary(plan: Plan, year: int, rows: Iterable[IndicatorRow], *, today: date | None = None) -> list[DepartmentSummary]:
    """Per lead department (display order) of ``rows``: counts by status and reporting completeness.

    Rows where the department only co-operates count for their lead department, so pass the
    rows of ``build_rows`` without ``department`` for a full roll-up.  No queries when the
    plan's deadlines were prefetched (``build_rows`` does).  ``today`` defaults to today in
    Asia/Shanghai; the deadline is ``plan.deadline(year)`` (default 31 January of the next year).
    """
    today = today or shanghai_today()
    rows = list(rows)
    # The rows' plan carries the deadlines prefetched by for_tables(); the caller's may not.
    deadline = (rows[0].indicator.plan if rows else plan).deadline(year)
    summaries: dict[int, DepartmentSummary] = {}
    for row in rows:
        lead = row.indicator.lead_department
        summary = summaries.get(lead.pk)
        if summary is None:
            summary = summaries[lead.pk] = DepartmentSummary(
                department=lead, year=year, deadline=deadline, past_deadline=today > deadline
            )
        cell = row.cells[year]
        summary.total += 1
        summary.counts[row.status] += 1
        if cell.reported:
            summary.reported += 1
            if cell.actual.status in SHARED_STATUSES:
                summary.submitted += 1
            if cell.actual.status == ActualStatus.APPROVED:
                summary.approved += 1
    return sorted(summaries.values(), key=lambda s: (s.department.order, s.department.code))


def status_counts(rows: Iterable[IndicatorRow]) -> dict[Status, int]:
    """How many rows are in each status, every status present, worst first."""
    return count_by_status(row.assessment for row in rows)


def latest_reported_year(plan: Plan, *, viewer=None) -> int | None:
    """The latest plan year with any value the viewer can see (one query), or None."""
    reported = Q(value__isnull=False) | Q(not_carried_out=True)
    found = (
        Actual.objects.filter(indicator__plan=plan, year__gte=plan.first_year, year__lte=plan.last_year)
        .filter(reported)
        .filter(DraftVisibility.for_viewer(viewer).actual_filter())
        .aggregate(latest=Max("year"))
    )
    return found["latest"]


def default_year(plan: Plan, *, viewer=None, today: date | None = None) -> int:
    """The as-of year a dashboard opens on: the latest reported year, else the year being reported now."""
    latest = latest_reported_year(plan, viewer=viewer)
    if latest is not None:
        return latest
    reporting_year = (today or shanghai_today()).year - 1
    return min(max(reporting_year, plan.first_year), plan.last_year)

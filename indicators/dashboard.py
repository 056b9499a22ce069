"""Rows and roll-ups behind every dashboard (DESIGN §4, §5) and the assessment workbook (§6).

One place loads a plan's indicators and actuals and runs ``progress.assess`` on them,
so the overview, the department and indicator pages and the Excel export can never
disagree about a status.  Loading costs a fixed number of queries whatever the number of
indicators, departments or years (``indicators.plan_table.load``: six).  Everything after
that is plain Python, and done only when asked for: a row assesses its as-of year at once,
and every other year's text, target and assessment on first use (a page listing thousands
of rows shows one status each; the indicator page shows a whole trend).

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

from indicators import plan_table
from indicators import values as V
from indicators.models import EDITABLE_STATUSES, Actual, ActualStatus, CooperatingDepartment, Department, Indicator, Plan
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


class _Trend:
    """One row's spec and visible values, shared by its cells; targets are shared by rows with one spec."""

    __slots__ = ("indicator", "spec", "values", "targets")

    def __init__(self, indicator: Indicator, spec: IndicatorSpec, values: dict[int, YearValue | None], targets: dict):
        self.indicator, self.spec, self.values, self.targets = indicator, spec, values, targets

    def target(self, year: int) -> PrintedValue:
        key = (id(self.spec), year)  # specs live as long as the build that shares them
        found = self.targets.get(key)
        if found is None:
            found = self.targets[key] = yearly_target(self.spec, year)
        return found


class YearCell:
    """One indicator in one plan year, as the viewer may see it.

    ``text``, ``target`` and ``assessment`` are worked out on first use and then kept.
    """

    __slots__ = ("year", "actual", "_trend", "_text", "_target", "_assessment")

    def __init__(self, year: int, actual, trend: _Trend):
        self.year = year
        self.actual = actual  # an ActualRecord; None when nothing was entered, or the viewer may not see the draft
        self._trend = trend
        self._text = self._target = self._assessment = None

    def __repr__(self):
        return f"<YearCell {self.year} {self.text!r}>"

    @property
    def text(self) -> str:
        """The display value; "" when not reported."""
        if self._text is None:
            self._text = display_text(self._trend.indicator, self.actual) if self.reported else ""
        return self._text

    @property
    def target(self) -> PrintedValue:
        """That year's target m (administrator's, else linear)."""
        if self._target is None:
            self._target = self._trend.target(self.year)
        return self._target

    @property
    def assessment(self) -> Assessment:
        """The status as of this year."""
        if self._assessment is None:
            self._assessment = assess(self._trend.spec, self._trend.values, self.year)
        return self._assessment

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
        # Lead or co-operating, as Indicator.objects.involving() but without its join and DISTINCT.
        cooperating = CooperatingDepartment.objects.filter(department=department).values("indicator_id")
        indicators = indicators.filter(Q(lead_department=department) | Q(pk__in=cooperating))
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

    Every row carries a ``YearCell`` for each plan year (its own as-of-that-year assessment,
    worked out when first read), so a caller can show the whole trend; ``row.assessment`` is
    the one for ``year``.  Queries: six (see ``plan_table.load``) + the viewer's roles once,
    independent of the plan's size; ``plan.deadlines`` is prefetched on the way.
    """
    if not plan.contains_year(year):
        raise ValueError(f"{year} is outside the plan's years {plan.first_year}–{plan.last_year}")
    table = plan_table.load(plan, _indicators(plan, department, indicator_ids))
    visibility = DraftVisibility.for_viewer(viewer)
    targets: dict = {}  # (spec, year) -> yearly target, shared by every row of this build
    rows = []
    for indicator in table.indicators:
        lead_id = indicator.lead_department_id
        visible = {
            actual_year: actual
            for actual_year, actual in table.actuals.get(indicator.pk, {}).items()
            if visibility.shows(actual, lead_id)
        }
        values = {actual_year: actual.year_value for actual_year, actual in visible.items()}
        trend = _Trend(indicator, table.specs[indicator.pk], values, targets)
        role = LEAD if department is None or lead_id == department.pk else COOPERATING
        rows.append(
            IndicatorRow(
                indicator=indicator,
                year=year,
                spec=trend.spec,
                cells={plan_year: YearCell(plan_year, visible.get(plan_year), trend) for plan_year in plan.years},
                departments=table.departments[indicator.pk],
                role=role,
            )
        )
    if department is not None:
        rows.sort(key=lambda row: (row.role != LEAD, row.indicator.order))
    return rows


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

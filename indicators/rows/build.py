"""Rows behind every dashboard and the assessment workbook: one indicator as of a year, as a viewer may see it.

One place loads a plan's indicators and figures and runs ``progress.assess`` on them, so the
overview, the department and indicator pages and the workbook can never disagree about a
status.  Loading costs a fixed number of queries whatever the number of indicators,
departments or years (``rows.load``).  Everything after that is plain Python, done only when
asked for: a row assesses its as-of year at once, and every other year's text, target and
assessment on first use (a page listing thousands of rows shows one status each; the
indicator page shows a whole trend).

Visibility (``permissions.Visibility``): for a reporter, another department's figure that is
still draft or returned is treated exactly as if nothing had been entered.  ``viewer=None``
(commands run by the system owner) sees every entered value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from indicators.models import ActualStatus, CooperatingDepartment, Department, Indicator, Plan
from indicators.permissions import Visibility
from indicators.progress import (
    SEVERITY,
    STATUS_COLOURS,
    Assessment,
    IndicatorSpec,
    Status,
    YearValue,
    assess,
    yearly_target,
)
from indicators.rows import load
from indicators.values import PrintedValue

LEAD = "lead"
COOPERATING = "cooperating"
ROLE_LABELS = {LEAD: _("Lead"), COOPERATING: _("Co-operating")}


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
            self._text = self.actual.display_value if self.reported else ""
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
    the one for ``year``.  Queries: six (see ``rows.load``) + the viewer's roles once,
    independent of the plan's size; ``plan.deadlines`` is prefetched on the way.
    """
    if not plan.contains_year(year):
        raise ValueError(f"{year} is outside the plan's years {plan.first_year}–{plan.last_year}")
    table = load.load_table(plan, _indicators(plan, department, indicator_ids))
    visibility = Visibility.for_viewer(viewer)
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

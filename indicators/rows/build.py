"""Rows behind every dashboard and the assessment workbook: one indicator as of a year, as a viewer may see it.

One place loads a plan's indicators and figures and runs ``progress.assess`` on them, so the
overview, the department and indicator pages and the workbook can never disagree about a
status.  Loading costs a fixed number of queries whatever the number of indicators,
departments or years (``rows.load``).  Everything after that is plain Python, done only when
asked for: a row's assessment, its year cells, their texts, targets and assessments, and its
projection are worked out on first use and kept (the overview reads one status per row; the
department page reads the rows it shows and sorts by; the indicator page a whole trend).

Objects are few on purpose: at 100× the seed a page holds 2,900 rows and 10,000 figures, and
every object that outlives a moment is something Python's garbage collector scans again and
again while the page is built.  So figures go to ``progress`` as they were loaded (no second
object per figure), a row makes its year cells only when they are read, and rows with the same
departments share one tuple of them.

Visibility (``permissions.Visibility``): for a reporter, another department's figure that is
still draft or returned is treated exactly as if nothing had been entered.  ``viewer=None``
(commands run by the system owner) sees every entered value.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from indicators.models import EDITABLE_STATUSES, ActualStatus, CooperatingDepartment, Department, Indicator, Plan
from indicators.permissions import Visibility
from indicators.progress import (
    SEVERITY,
    STATUS_COLOURS,
    Assessment,
    IndicatorSpec,
    Projection,
    Status,
    assess,
    project,
    yearly_target,
)
from indicators.rows import load
from indicators.rows.load import ActualRecord, IndicatorRecord
from indicators.values import PrintedValue

LEAD = "lead"
COOPERATING = "cooperating"
ROLE_LABELS = {LEAD: _("Lead"), COOPERATING: _("Co-operating")}


class YearCell:
    """One indicator in one plan year, as the viewer may see it.

    ``text``, ``target`` and ``assessment`` are worked out on first use and then kept.
    """

    __slots__ = ("year", "actual", "_row", "_text", "_target", "_assessment")

    def __init__(self, year: int, actual: ActualRecord | None, row: IndicatorRow):
        self.year = year
        self.actual = actual  # None when nothing was entered, or the viewer may not see the draft
        self._row = row
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
            self._target = self._row.yearly_target(self.year)
        return self._target

    @property
    def assessment(self) -> Assessment:
        """The status as of this year."""
        if self._assessment is None:
            row = self._row
            if self.year == row.year:
                self._assessment = row.assessment
            else:
                self._assessment = assess(row.spec, row.visible, self.year, year_target=self.target)
        return self._assessment

    @property
    def reported(self) -> bool:
        return self.actual is not None and self.actual.is_reported

    @property
    def workflow(self) -> str | None:
        return self.actual.status if self.actual is not None else None

    @property
    def pending(self) -> bool:
        """Entered but not yet approved: shown, marked 待审核 (草稿 while still a draft)."""
        return self.reported and self.actual.status != ActualStatus.APPROVED

    @property
    def draft(self) -> bool:
        """Still with its department (draft or returned): shown only to it, administrators and 含草稿."""
        return self.reported and self.actual.status in EDITABLE_STATUSES

    @property
    def sort_value(self) -> Decimal:
        # Not reported sorts below any reported value, including 0 and 未开展.
        if not self.reported:
            return Decimal(-1)
        return self.actual.value if self.actual.value is not None else Decimal(0)


class IndicatorRow:
    """What a table row, chart or workbook row needs about one indicator as of ``year``.

    ``indicator`` is a read-only ``IndicatorRecord`` that answers the model's attribute names;
    ``cells`` has a ``YearCell`` for every plan year, in order (``current`` is ``year``'s);
    ``departments`` are in printed order, the lead first; ``role`` is relative to the
    department the rows were built for (``LEAD`` when none was).
    """

    __slots__ = (
        "indicator", "year", "spec", "role", "visible", "_responsible", "_years", "_targets",
        "_year_cells", "_current", "_assessment", "_projection",
    )  # fmt: skip

    def __init__(self, indicator: IndicatorRecord, year: int, spec: IndicatorSpec, *, years: range,
                 visible: dict[int, ActualRecord], responsible: load.Responsible, role: str = LEAD,
                 targets: dict | None = None):  # fmt: skip
        self.indicator, self.year, self.spec, self.role = indicator, year, spec, role
        self._responsible = responsible
        self.visible = visible  # year -> the figure the viewer may see; what progress reads (part())
        self._years = years
        self._targets = {} if targets is None else targets  # (spec, year) -> target, shared by the rows of one build
        self._year_cells = self._current = self._assessment = self._projection = None

    def __repr__(self):
        return f"<IndicatorRow {self.indicator} as of {self.year}>"

    @property
    def cells(self) -> dict[int, YearCell]:
        if self._year_cells is None:
            current = self.current
            self._year_cells = {
                year: current if year == self.year else YearCell(year, self.visible.get(year), self) for year in self._years
            }
        return self._year_cells

    @property
    def current(self) -> YearCell:
        if self._current is None:
            self._current = YearCell(self.year, self.visible.get(self.year), self)
        return self._current


    def yearly_target(self, year: int) -> PrintedValue:
        key = (id(self.spec), year)  # specs live as long as the build that shares them
        found = self._targets.get(key)
        if found is None:
            found = self._targets[key] = yearly_target(self.spec, year)
        return found

    @property
    def assessment(self) -> Assessment:
        if self._assessment is None:
            # The figures go to progress as they are: ActualRecord answers part() like a YearValue.
            self._assessment = assess(self.spec, self.visible, self.year, year_target=self.yearly_target(self.year))
        return self._assessment

    @property
    def projection(self) -> Projection:
        """Where the visible values up to ``year`` lead by the plan's last year."""
        if self._projection is None:
            if len(self._years) < self.spec.last_year - self.spec.first_year + 1:
                raise ValueError("rows built with all_years=False have no earlier years to project from")
            self._projection = project(self.spec, self.visible, self.year)
        return self._projection

    @property
    def status(self) -> Status:
        return self.assessment.status

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[self.status]

    @property
    def departments(self) -> tuple[Department, ...]:
        return self._responsible(self.indicator)

    @property
    def lead_department(self) -> Department:
        return self.indicator.lead_department

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
    def sort_values(self) -> dict[str, Decimal]:
        """Each year's figure as a sort key, by year as text (``tables.YearValueColumn`` sorts by it)."""
        return {str(year): cell.sort_value for year, cell in self.cells.items()}

    @property
    def completion_sort(self) -> Decimal:
        completion = self.assessment.completion
        return completion if completion is not None else Decimal(-1)


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
    all_years: bool = True,
) -> list[IndicatorRow]:
    """Assess the plan's indicators as of ``year`` for ``viewer``.

    * ``department`` – only indicators it leads or co-operates on: lead ones first, then
      co-operating ones, each in table order, with ``row.role`` set accordingly.  Without it
      every indicator of the plan comes in table order.
    * ``viewer`` – the signed-in user; hides other departments' drafts from reporters.
      ``None`` shows every entered value.
    * ``indicator_ids`` – restrict to these indicators (the indicator page asks for one).
    * ``all_years=False`` – only what ``year``'s statuses need: the figures of ``year`` (and of
      the years before it where a running total is compared), and ``cells`` holds ``year``
      alone.  The overview's rows: a third of the figures at the end of the plan.

    Every row carries a ``YearCell`` for each plan year (its own as-of-that-year assessment),
    so a caller can show the whole trend; ``row.assessment`` is the one for ``year``;
    ``row.projection`` fits its trend line; each is worked out when first read.  Queries: five,
    and one more when a row's ``departments`` are first read (see ``rows.load``), + the
    viewer's roles once, independent of the plan's size; ``plan.deadlines`` is prefetched on the way.
    """
    if not plan.contains_year(year):
        raise ValueError(f"{year} is outside the plan's years {plan.first_year}–{plan.last_year}")
    table = load.load_table(plan, _indicators(plan, department, indicator_ids), as_of=None if all_years else year)
    visibility = Visibility.for_viewer(viewer)
    targets: dict = {}  # (spec, year) -> yearly target, shared by every row of this build
    years = plan.years if all_years else range(year, year + 1)
    rows = [
        IndicatorRow(
            indicator,
            year,
            table.specs[indicator.pk],
            years=years,
            visible=_visible(table.actuals.get(indicator.pk), visibility, indicator.lead_department_id),
            responsible=table.responsible,
            role=LEAD if department is None or indicator.lead_department_id == department.pk else COOPERATING,
            targets=targets,
        )
        for indicator in table.indicators
    ]
    if department is not None:
        rows.sort(key=lambda row: (row.role != LEAD, row.indicator.order))
    return rows


def with_every_year(plan: Plan, rows: list[IndicatorRow], *, viewer=None) -> list[IndicatorRow]:
    """``rows`` (built with ``all_years=False``, for the same ``viewer``) again with every plan
    year's figures and cells, in the same order: one query, for the few rows a page shows of many."""
    figures = load.load_figures(plan, [row.indicator.pk for row in rows])
    visibility = Visibility.for_viewer(viewer)
    targets: dict = {}
    return [
        IndicatorRow(
            row.indicator,
            row.year,
            row.spec,
            years=plan.years,
            visible=_visible(figures.get(row.indicator.pk), visibility, row.indicator.lead_department_id),
            responsible=row._responsible,
            role=row.role,
            targets=targets,
        )
        for row in rows
    ]


_NO_FIGURES: dict = {}


def _visible(figures: dict[int, ActualRecord] | None, visibility: Visibility, lead_id: int) -> dict[int, ActualRecord]:
    """Year -> the figure the viewer may see (shared with the load when every one is visible)."""
    if figures is None:
        return _NO_FIGURES
    if visibility.allows(lead_id):
        return figures
    return {year: actual for year, actual in figures.items() if visibility.shows(actual, lead_id)}

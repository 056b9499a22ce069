"""Rows behind every page and document: each indicator of a plan as of a year, with the figures a reader sees.

Loading and ``progress.assess`` happen here once, so pages, the workbook and the brief cannot disagree.  Which
figures count is the caller's queryset: ``Actual.objects.visible_to(user, drafts=…)`` on pages,
``Actual.objects.published()`` in documents.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from indicators import formatting
from indicators.models import EDITABLE_STATUSES, ActualStatus, CooperatingDepartment, Department, Indicator, Plan, YearlyTarget
from indicators.permissions import PUBLISHED_STATUSES
from indicators.progress import SEVERITY, STATUS_COLOURS, Assessment, Projection, Status, assess, count_by_status, project, yearly_target
from indicators.values import PrintedValue

LEAD = "lead"
COOPERATING = "cooperating"
ROLE_LABELS = {LEAD: _("Lead"), COOPERATING: _("Co-operating")}


class YearCell:
    """One indicator in one plan year, as the reader may see it (``actual`` is None when nothing is shown)."""

    def __init__(self, row: IndicatorRow, year: int, actual):
        self.row, self.year, self.actual = row, year, actual

    @property
    def reported(self) -> bool:
        return self.actual is not None and self.actual.is_reported

    @cached_property
    def text(self) -> str:
        """The figure as written everywhere (a rate keeps its ``%``); "" when not reported."""
        return formatting.figure_of(self.actual, self.row.indicator) if self.reported else ""

    @cached_property
    def target(self) -> PrintedValue:
        """That year's target m (an administrator's, else linear from baseline to target)."""
        return yearly_target(self.row.spec, self.year)

    @cached_property
    def assessment(self) -> Assessment:
        return assess(self.row.spec, self.row.figures, self.year, year_target=self.target)

    @property
    def workflow(self) -> str | None:
        return self.actual.status if self.actual is not None else None

    @property
    def pending(self) -> bool:
        """Shown but not yet approved: marked 待审核 (草稿 while still with its department)."""
        return self.reported and self.actual.status != ActualStatus.APPROVED

    @property
    def draft(self) -> bool:
        return self.reported and self.actual.status in EDITABLE_STATUSES

    @property
    def sort_value(self) -> Decimal:
        if not self.reported:
            return Decimal(-1)  # below any reported value, 0 and 未开展 included
        return self.actual.value if self.actual.value is not None else Decimal(0)


class IndicatorRow:
    """One indicator as of ``year``: ``figures`` maps plan years to the figures the reader sees; ``role`` is
    relative to the department the rows were built for (``LEAD`` without one)."""

    def __init__(self, indicator: Indicator, year: int, figures: dict, role: str, targets: list, departments: list):
        self.indicator, self.year, self.figures, self.role = indicator, year, figures, role
        self.targets, self.departments = targets, departments  # its YearlyTargets; the lead, then the co-operating

    @cached_property
    def spec(self):
        return self.indicator.spec(self.targets)

    @cached_property
    def cells(self) -> dict[int, YearCell]:
        return {year: YearCell(self, year, self.figures.get(year)) for year in self.indicator.plan.years}

    @property
    def current(self) -> YearCell:
        return self.cells[self.year]

    @property
    def assessment(self) -> Assessment:
        return self.current.assessment

    @cached_property
    def projection(self) -> Projection:
        """Where the figures up to ``year`` lead by the plan's last year (least squares)."""
        return project(self.spec, self.figures, self.year)

    @property
    def status(self) -> Status:
        return self.assessment.status

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[self.status]

    @property
    def status_rank(self) -> int:
        return SEVERITY.index(self.status)

    @property
    def completion_sort(self) -> Decimal:
        completion = self.assessment.completion
        return completion if completion is not None else Decimal(-1)

    @property
    def lead_department(self) -> Department:
        return self.indicator.lead_department

    @property
    def department_names(self) -> str:
        return formatting.LIST.join(department.name for department in self.departments)

    @property
    def role_label(self):
        return ROLE_LABELS[self.role]


def build_rows(plan: Plan, year: int, figures, *, department: Department | None = None,
               indicator_ids: Iterable[int] | None = None) -> list[IndicatorRow]:
    """The plan's indicators, in table order, assessed as of ``year`` from ``figures`` (the reader's ``Actual``s).

    With ``department`` only those it leads or co-operates on, lead ones first; with ``indicator_ids`` only those.
    """
    if not plan.contains_year(year):
        raise ValueError(f"{year} is outside the plan's years {plan.first_year}–{plan.last_year}")
    indicators = Indicator.objects.filter(plan=plan)
    if department is not None:
        cooperating = CooperatingDepartment.objects.filter(department=department).values("indicator_id")
        indicators = indicators.filter(Q(lead_department=department) | Q(pk__in=cooperating))
    if indicator_ids is not None:
        indicators = indicators.filter(pk__in=list(indicator_ids))
    rows = _assemble({plan.pk: plan}, {plan.pk: year}, indicators, figures, department)[plan.pk]
    if department is not None:
        rows.sort(key=lambda row: row.role != LEAD)  # stable: table order within each role
    return rows


# What an assessment and a figure's text read of a figure: the parent's overview loads only these (a tenth of the time
# of whole rows for a hundred zones; benchmarks/README.md, "Province shape").
ASSESSED_FIELDS = ("indicator_id", "year", "value", "second_value", "not_carried_out", "status")


def build_plan_rows(plans: list[Plan], years: dict[int, int], figures) -> dict[int, list[IndicatorRow]]:
    """Plan id -> its rows as ``build_rows`` makes them (each plan as of its year in ``years``), in the same
    queries whatever the number of plans: the parent organisation's overview.  The figures carry
    ``ASSESSED_FIELDS`` only."""
    by_id = {plan.pk: plan for plan in plans}
    return _assemble(by_id, years, Indicator.objects.filter(plan__in=list(by_id)), figures.only(*ASSESSED_FIELDS), None)


def _assemble(plans: dict[int, Plan], years: dict[int, int], indicators, figures, department) -> dict[int, list[IndicatorRow]]:
    """Targets and co-operation links are read in one query each (``prefetch_related`` cost a quarter of a large page)."""
    chosen = indicators.select_related("lead_department")
    organisations = {plan.organisation_id for plan in plans.values()}
    departments = {department.pk: department for department in Department.objects.filter(organisation_id__in=organisations)}
    cooperating: dict[int, list] = {}
    for indicator_id, department_id in CooperatingDepartment.objects.filter(indicator__in=indicators.values("pk")).order_by(
        "position", "pk"
    ).values_list("indicator_id", "department_id"):
        cooperating.setdefault(indicator_id, []).append(departments[department_id])
    targets: dict[int, list] = {}
    for target in YearlyTarget.objects.filter(indicator__in=indicators.values("pk")).order_by():
        targets.setdefault(target.indicator_id, []).append(target)
    by_indicator: dict[int, dict] = {}
    first, last = min(p.first_year for p in plans.values()), max(p.last_year for p in plans.values())
    for actual in figures.filter(indicator__in=indicators.values("pk"), year__gte=first, year__lte=last).order_by():
        by_indicator.setdefault(actual.indicator_id, {})[actual.year] = actual
    rows: dict[int, list[IndicatorRow]] = {pk: [] for pk in plans}
    for indicator in chosen.order_by("order"):
        plan = indicator.plan = plans[indicator.plan_id]  # the caller's plan: no query per row
        found = {y: a for y, a in by_indicator.get(indicator.pk, {}).items() if plan.contains_year(y)}
        for actual in found.values():
            actual.indicator = indicator
        role = LEAD if department is None or indicator.lead_department_id == department.pk else COOPERATING
        responsible = [indicator.lead_department, *cooperating.get(indicator.pk, [])]
        rows[plan.pk].append(IndicatorRow(indicator, years[plan.pk], found, role, targets.get(indicator.pk, []), responsible))
    return rows


@dataclass
class DepartmentSummary:
    """A lead department's indicators for one year: statuses and reporting (``submitted`` includes approved).

    After the deadline of a plan in force every indicator not yet submitted is ``overdue``.
    """

    department: Department
    year: int
    deadline: date
    asks: bool  # the plan is in force: deadlines and 逾期 mean something
    today: date
    total: int = 0
    counts: dict[Status, int] = field(default_factory=lambda: dict.fromkeys(SEVERITY, 0))
    reported: int = 0
    submitted: int = 0
    approved: int = 0

    @property
    def past_deadline(self) -> bool:
        return self.asks and self.today > self.deadline

    @property
    def overdue(self) -> int:
        return self.total - self.submitted if self.past_deadline else 0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.approved == self.total


def department_summary(plan: Plan, year: int, rows: Iterable[IndicatorRow], *, today: date | None = None) -> list[DepartmentSummary]:
    """Per lead department (display order) of ``rows``: counts by status and reporting completeness."""
    from indicators.selection import shanghai_today

    today = today or shanghai_today()
    deadline = plan.deadline(year)
    summaries: dict[int, DepartmentSummary] = {}
    for row in rows:
        lead = row.lead_department
        summary = summaries.get(lead.pk)
        if summary is None:
            summary = summaries[lead.pk] = DepartmentSummary(lead, year, deadline, plan.asks_for_figures, today)
        actual = row.figures.get(year)
        summary.total += 1
        summary.counts[row.status] += 1
        if actual is not None and actual.is_reported:
            summary.reported += 1
            summary.submitted += actual.status in PUBLISHED_STATUSES
            summary.approved += actual.status == ActualStatus.APPROVED
    return sorted(summaries.values(), key=lambda s: (s.department.order, s.department.code))


def status_counts(rows: Iterable[IndicatorRow]) -> dict[Status, int]:
    """How many rows are in each status, every status present, worst first."""
    return count_by_status(row.assessment for row in rows)

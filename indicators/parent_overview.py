"""A parent organisation's overview (docs/design.md, "Organisations"): the plans in force below it with their
statuses, completion and reporting, a page of zones at a time, and the indicators that share a comparison code
side by side across all of them.

Rows come from ``rows.build_plan_rows`` in one go for all plans shown, so the page costs the same queries for two
zones or a hundred, and says what each zone's own overview says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.paginator import Page, Paginator

from indicators.models import Actual, Organisation, Plan, PlanStatus
from indicators.models.organisations import below
from indicators.progress import Status
from indicators.rows import DepartmentSummary, IndicatorRow, build_plan_rows, department_summary, status_counts
from indicators.selection import reporting_year

ON_COURSE = (Status.ACHIEVED, Status.ON_TRACK)
PLANS_PER_PAGE = 20  # a city's zones have a few plans in force; a province's hundred zones take five pages


@dataclass
class PlanInForce:
    """One plan in force below the parent, as of the year being reported."""

    plan: Plan
    year: int
    rows: list[IndicatorRow]
    departments: list[DepartmentSummary]

    @property
    def organisation(self) -> Organisation:
        return self.plan.organisation

    @property
    def counts(self) -> dict[Status, int]:
        return status_counts(self.rows)

    @property
    def on_course(self) -> Decimal | None:
        """Share of the scored indicators achieved or on track (不考核 left out)."""
        scored = [row for row in self.rows if row.status != Status.TRACKED]
        return Decimal(sum(row.status in ON_COURSE for row in scored)) / len(scored) if scored else None

    @property
    def submitted(self) -> int:
        return sum(summary.submitted for summary in self.departments)

    @property
    def completeness(self) -> Decimal | None:
        """Share of the year's figures submitted or approved."""
        return Decimal(self.submitted) / len(self.rows) if self.rows else None

    @property
    def overdue(self) -> list[DepartmentSummary]:
        return [summary for summary in self.departments if summary.overdue]


@dataclass
class Compared:
    """One comparison code: its indicator's name and, per organisation shown, that plan's row (None: none there)."""

    code: str
    name: str
    rows: list[IndicatorRow | None]


@dataclass
class ParentOverview:
    page: Page  # of PlanInForce
    compared: list[Compared]  # over the plans of the page, in their order

    @property
    def items(self) -> list[PlanInForce]:
        return list(self.page.object_list)


def parent_overview(organisation: Organisation, user, *, page: int = 1, today: date | None = None) -> ParentOverview:
    """The plans in force of ``organisation`` and every organisation below it that ``user`` reads, with their
    published figures (what each zone has reported; drafts stay with it), by organisation, ``PLANS_PER_PAGE`` at a time."""
    plans = (Plan.objects.visible_to(user).filter(status=PlanStatus.ACTIVE, organisation__in=Organisation.objects.filter(below(organisation.pk)))
             .select_related("organisation").prefetch_related("deadlines").order_by("organisation__code", "-issue_date"))
    shown = Paginator(plans, PLANS_PER_PAGE).get_page(page)
    chosen = list(shown.object_list)
    years = {plan.pk: reporting_year(plan, today) for plan in chosen}
    rows = build_plan_rows(chosen, years, Actual.objects.published()) if chosen else {}
    shown.object_list = [PlanInForce(plan, years[plan.pk], rows[plan.pk], department_summary(plan, years[plan.pk], rows[plan.pk], today=today))
                         for plan in chosen]
    return ParentOverview(shown, compared(shown.object_list))


def compared(items: list[PlanInForce]) -> list[Compared]:
    """The indicators whose comparison code two or more of ``items``' organisations share, by code."""
    names: dict[str, str] = {}
    by_code: dict[str, dict[int, IndicatorRow]] = {}
    for index, item in enumerate(items):
        for row in item.rows:
            if row.indicator.code:
                names.setdefault(row.indicator.code, row.indicator.name)
                by_code.setdefault(row.indicator.code, {})[index] = row
    return [Compared(code, names[code], [found.get(index) for index in range(len(items))])
            for code, found in sorted(by_code.items()) if len({items[i].organisation.pk for i in found}) > 1]

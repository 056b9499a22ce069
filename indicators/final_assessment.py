"""The final assessment's rows (终期评估): every indicator of a plan over its whole period, with its verdict.

The final-assessment page, the workbook's sheet 终期评估, the final brief and the roll-over's baselines all
read ``final_assessment(plan)``: published figures as of the last year (unapproved ones marked 待审核), a
pre-assessment (预评估) until the plan is closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from indicators import formatting
from indicators.models import Actual, Department, Indicator, Measure, Plan
from indicators.progress import TargetBasis
from indicators.rows import IndicatorRow, build_rows
from indicators.verdicts import FinalVerdict, VerdictSummary, final_verdict, summarise


def verdict_of(row: IndicatorRow) -> FinalVerdict:
    """The verdict of a row over its plan, from the figures the row shows."""
    return final_verdict(row.spec, {year: actual.year_value for year, actual in row.figures.items()})


def _numbers(numbers, rate: bool = False) -> str:
    """Parts as a pair is printed (“5000/8”), a rate with its ``%``; "" when no part has a number."""
    if all(number is None for number in numbers):
        return ""
    shown = (formatting.NONE if number is None else formatting.number(number) + ("%" if rate else "") for number in numbers)
    return formatting.PAIR.join(shown)


@dataclass(frozen=True)
class FinalRow:
    """One indicator in the final assessment: its row (every plan year's cell) and its verdict."""

    row: IndicatorRow
    verdict: FinalVerdict

    @property
    def indicator(self):
        return self.row.indicator

    @property
    def year(self) -> int:  # the plan's last year
        return self.row.year

    @property
    def cells(self):
        return self.row.cells

    @property
    def cumulative(self) -> bool:
        return self.row.spec.basis == TargetBasis.CUMULATIVE

    @property
    def final_text(self) -> str:
        """The last year's figure, the plan-period total for cumulative ones; "" when missing."""
        return _numbers([part.final_value for part in self.verdict.parts], self.rate)

    @property
    def has_total(self) -> bool:
        """A plan-period total means something for counts and amounts, not for year-end stocks or rates."""
        return self.cumulative or self.indicator.measure == Measure.FLOW

    @property
    def total_text(self) -> str:
        return _numbers([part.period_total for part in self.verdict.parts]) if self.has_total else ""

    @property
    def target_text(self) -> str:
        """The target the verdict compares with (the printed one, or the last year's set by an administrator)."""
        return _numbers([part.target for part in self.verdict.parts], self.rate) or self.indicator.target_printed

    @property
    def rate(self) -> bool:
        return self.indicator.unit == "%"

    @property
    def shares(self) -> list[Decimal | None]:
        """目标完成率 of the final value, part by part (``progress.completion``)."""
        return [part.share for part in self.verdict.parts]


@dataclass(frozen=True)
class DepartmentVerdicts:
    department: Department
    summary: VerdictSummary


@dataclass
class FinalAssessment:
    plan: Plan
    rows: list[FinalRow]  # table order

    @property
    def preliminary(self) -> bool:
        """A pre-assessment (预评估) until the plan is closed."""
        return not self.plan.is_closed

    @cached_property
    def summary(self) -> VerdictSummary:
        return summarise(item.verdict for item in self.rows)

    @cached_property
    def departments(self) -> list[DepartmentVerdicts]:
        by_department: dict[int, list[FinalRow]] = {}
        for item in self.rows:
            by_department.setdefault(item.row.lead_department.pk, []).append(item)
        found = [DepartmentVerdicts(items[0].row.lead_department, summarise(i.verdict for i in items)) for items in by_department.values()]
        return sorted(found, key=lambda entry: (entry.department.order, entry.department.code))


def final_assessment(plan: Plan, rows: list[IndicatorRow] | None = None) -> FinalAssessment:
    """The plan's final assessment from its published figures; ``rows``: built already as of its last year, published."""
    if rows is None:
        rows = build_rows(plan, plan.last_year, Actual.objects.published())
    return FinalAssessment(plan, [FinalRow(row, verdict_of(row)) for row in rows])


MAX_EARLIER_PLANS = 20  # a chain of predecessors is followed this far back


def earlier_plans(indicator, user) -> list[FinalRow]:
    """The same indicator's final-assessment rows in the earlier plans ``user`` may see (往期方案), oldest first."""
    found: list[FinalRow] = []
    seen = {indicator.pk}
    pk = indicator.predecessor_id
    while pk is not None and pk not in seen and len(found) < MAX_EARLIER_PLANS:
        seen.add(pk)
        previous = Indicator.objects.visible_to(user).select_related("plan").filter(pk=pk).first()
        if previous is None:
            break
        plan = previous.plan
        row = build_rows(plan, plan.last_year, Actual.objects.published(), indicator_ids=[previous.pk])[0]
        found.append(FinalRow(row, verdict_of(row)))
        pk = previous.predecessor_id
    found.reverse()
    return found

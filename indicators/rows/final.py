"""The final assessment's rows (终期评估): every indicator of a plan over its whole period, with its verdict.

One function, ``final_assessment(plan)``, gives what the final-assessment page, the workbook's
sheet 终期评估 and the brief show, so none of them can disagree: the rows of ``build_rows`` as of
the plan's last year with the figures that leave the drafting stage only (``Visibility.published()``:
the assessment is the meeting's, whoever reads it), each row's ``final.final_verdict``, and the
verdicts counted by ``final.summarise`` overall and per lead department.  Until the plan is closed
it is a pre-assessment (预评估).  Queries: those of ``build_rows``, whatever the plan's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import cached_property

from indicators import values as V
from indicators.final import FinalVerdict, Verdict, VerdictSummary, final_verdict, summarise
from indicators.models import Department, Indicator, Measure, Plan
from indicators.permissions import Visibility
from indicators.progress import TargetBasis
from indicators.rows.build import IndicatorRow, build_rows


def verdict_of(row: IndicatorRow) -> FinalVerdict:
    """The verdict of a row over its plan, from the figures the row shows (its cells' values)."""
    values = {year: cell.actual.year_value for year, cell in row.cells.items() if cell.actual is not None}
    return final_verdict(row.spec, values)


def _numbers(numbers) -> str:
    """Parts as a pair is printed (“5000/8”); "" when no part has a number."""
    if all(number is None for number in numbers):
        return ""
    return "/".join("—" if number is None else V.format_number(number) for number in numbers)


@dataclass(frozen=True)
class FinalRow:
    """One indicator in the final assessment: its row (every plan year's cell) and its verdict."""

    row: IndicatorRow
    verdict: FinalVerdict

    @property
    def indicator(self):
        return self.row.indicator

    @property
    def year(self) -> int:
        return self.row.year  # the plan's last year

    @property
    def cells(self):
        return self.row.cells  # every plan year, as tables.YearValueColumn reads them

    @property
    def cumulative(self) -> bool:
        return self.row.spec.basis == TargetBasis.CUMULATIVE

    @property
    def final_text(self) -> str:
        """The final value: the last year's figure, the plan-period total for cumulative ones; "" when missing."""
        return _numbers([part.final_value for part in self.verdict.parts])

    @property
    def has_total(self) -> bool:
        """A total means something for yearly counts and amounts (and is the final value of cumulative
        ones); the sum of year-end stocks or of rates means nothing."""
        return self.cumulative or self.indicator.measure == Measure.FLOW

    @property
    def total_text(self) -> str:
        """The plan-period total of every reported year, for counts and amounts; "" otherwise."""
        return _numbers([part.period_total for part in self.verdict.parts]) if self.has_total else ""

    @property
    def target_text(self) -> str:
        """The target the verdict compares with (the printed one, or the last year's set by an administrator)."""
        return _numbers([part.target for part in self.verdict.parts]) or self.indicator.target_printed

    @property
    def shares(self) -> list[Decimal | None]:
        """How far from baseline to target, part by part."""
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
        """Per lead department (in the departments' order), its indicators' verdicts counted."""
        by_department: dict[int, list[FinalRow]] = {}
        for item in self.rows:
            by_department.setdefault(item.row.lead_department.pk, []).append(item)
        found = [
            DepartmentVerdicts(items[0].row.lead_department, summarise(item.verdict for item in items))
            for items in by_department.values()
        ]
        return sorted(found, key=lambda entry: (entry.department.order, entry.department.code))

    def verdicts(self) -> list[Verdict]:
        return [item.verdict.verdict for item in self.rows]


def final_assessment(plan: Plan, rows: list[IndicatorRow] | None = None) -> FinalAssessment:
    """The plan's final assessment from the published figures; ``rows``: already built as of its last year, published."""
    if rows is None:
        rows = build_rows(plan, plan.last_year, viewer=Visibility.published())
    return FinalAssessment(plan, [FinalRow(row, verdict_of(row)) for row in rows])


# ---- an indicator's earlier plans (the indicator page's 往期方案) ----------------------------

MAX_EARLIER_PLANS = 20  # a chain of predecessors is followed this far back (plans last years each)


def earlier_plans(indicator, *, include_drafts: bool = False) -> list[FinalRow]:
    """The same indicator in the plans before ``indicator``'s, oldest first, following ``predecessor``.

    Each is that plan's final-assessment row (its published figures of every year and its
    verdict), exactly as that plan's final-assessment page shows it.  Queries: a fixed number
    per earlier plan (one to find it, those of ``build_rows`` for one indicator), whatever the
    plans' sizes.  A plan being set up is skipped unless ``include_drafts`` (administrators).
    """
    found: list[FinalRow] = []
    seen = {indicator.pk}
    pk = indicator.predecessor_id
    while pk is not None and pk not in seen and len(found) < MAX_EARLIER_PLANS:
        seen.add(pk)
        previous = Indicator.objects.select_related("plan").only("pk", "predecessor_id", "plan").filter(pk=pk).first()
        if previous is None:
            break
        plan = previous.plan
        if include_drafts or not plan.is_draft:
            row = build_rows(plan, plan.last_year, viewer=Visibility.published(), indicator_ids=[previous.pk])[0]
            found.append(FinalRow(row, verdict_of(row)))
        pk = previous.predecessor_id
    found.reverse()
    return found

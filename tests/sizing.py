"""Make a plan bigger for query-count tests and benchmarks.

``grow_plan`` clones the plan's indicators (with their co-operating departments and yearly
targets) until the plan has ``factor`` times as many, optionally spreads the clones over new
departments, and fills every plan year with actuals in every workflow state.  It uses
``bulk_create`` throughout, so ten times the seed (290 indicators, ~1,100 actuals) takes well
under a second on SQLite.  The values are pseudo-random but repeatable (``seed``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from indicators.models import (
    Actual,
    ActualStatus,
    CooperatingDepartment,
    Department,
    Indicator,
    Measure,
    Plan,
    YearlyTarget,
)
from indicators.progress import yearly_target

# Share of each workflow state among generated actuals; some indicator-years stay unreported.
WORKFLOW_WEIGHTS = {
    ActualStatus.APPROVED: 5,
    ActualStatus.SUBMITTED: 2,
    ActualStatus.DRAFT: 2,
    ActualStatus.RETURNED: 1,
}
UNREPORTED_SHARE = 0.1
DEPARTMENT_CODE_PREFIX = "size-"


@dataclass(frozen=True)
class Growth:
    indicators: int  # indicators created
    departments: int  # departments created
    actuals: int  # actuals created


def _new_departments(count: int, organisation_id: int) -> list[Department]:
    if count <= 0:
        return []
    taken = set(Department.objects.filter(organisation_id=organisation_id, code__startswith=DEPARTMENT_CODE_PREFIX).values_list("code", flat=True))
    start = len(taken) + 1
    created = []
    number = start
    while len(created) < count:
        code = f"{DEPARTMENT_CODE_PREFIX}{number}"
        if code not in taken:
            created.append(Department(organisation_id=organisation_id, code=code, name=f"扩容测试部门{number}", order=1000 + number))
        number += 1
    return Department.objects.bulk_create(created)


def _clone_indicators(plan: Plan, factor: int, new_departments: list[Department]) -> int:
    originals = list(plan.indicators.order_by("order").prefetch_related("cooperation", "yearly_targets"))
    if not originals or factor <= 1:
        return 0
    next_order = max(indicator.order for indicator in originals) + 1
    clones, sources = [], []
    for copy in range(1, factor):
        for position, original in enumerate(originals):
            lead_id = original.lead_department_id
            if new_departments:
                lead_id = new_departments[(copy * len(originals) + position) % len(new_departments)].pk
            clones.append(
                Indicator(
                    plan=plan,
                    order=next_order,
                    task_number=original.task_number,
                    name=f"{original.name}（副本{copy}）",
                    unit=original.unit,
                    second_unit=original.second_unit,
                    baseline_printed=original.baseline_printed,
                    target_printed=original.target_printed,
                    measure=original.measure,
                    target_basis=original.target_basis,
                    higher_is_better=original.higher_is_better,
                    lead_department_id=lead_id,
                )
            )
            sources.append(original)
            next_order += 1
    # bulk_create sets primary keys on PostgreSQL and SQLite ≥ 3.35.
    clones = Indicator.objects.bulk_create(clones)
    links, targets = [], []
    for clone, original in zip(clones, sources):
        for link in original.cooperation.all():
            if link.department_id != clone.lead_department_id:
                links.append(CooperatingDepartment(indicator=clone, department_id=link.department_id, position=link.position))
        if clone.lead_department_id != original.lead_department_id:
            # The original lead still takes part, as the last co-operating department.
            if all(link.department_id != original.lead_department_id for link in original.cooperation.all()):
                links.append(CooperatingDepartment(indicator=clone, department_id=original.lead_department_id, position=99))
        for target in original.yearly_targets.all():
            targets.append(
                YearlyTarget(
                    indicator=clone,
                    year=target.year,
                    undecided=target.undecided,
                    value=target.value,
                    second_value=target.second_value,
                )
            )
    CooperatingDepartment.objects.bulk_create(links)
    YearlyTarget.objects.bulk_create(targets)
    return len(clones)


def _amount(rng: random.Random, target: Decimal | None, *, rate: bool) -> Decimal:
    if target is None or target == 0:
        return Decimal(rng.randint(0, 20))
    value = target * Decimal(str(rng.uniform(0.3, 1.2)))
    if rate:
        value = min(value, Decimal(100))
    return value.quantize(Decimal("0.01") if rate else Decimal("1"), rounding=ROUND_HALF_UP)


def _fill_actuals(plan: Plan, years, rng: random.Random) -> int:
    indicators = list(Indicator.objects.filter(plan=plan).select_related("plan", "lead_department").prefetch_related("yearly_targets"))
    existing = set(Actual.objects.filter(indicator__plan=plan).values_list("indicator_id", "year"))
    states, weights = zip(*WORKFLOW_WEIGHTS.items())
    actuals = []
    for indicator in indicators:
        spec = indicator.spec()
        for year in years:
            if (indicator.pk, year) in existing or rng.random() < UNREPORTED_SHARE:
                continue
            target = yearly_target(spec, year)
            rate = indicator.measure == Measure.RATE
            actuals.append(
                Actual(
                    indicator=indicator,
                    year=year,
                    value=_amount(rng, target.part(0) if target.is_number else None, rate=rate),
                    second_value=_amount(rng, target.part(1) if target.is_number else None, rate=False)
                    if indicator.is_pair
                    else None,
                    status=rng.choices(states, weights)[0],
                    note="扩容测试数据",
                )
            )
    Actual.objects.bulk_create(actuals)
    return len(actuals)


@transaction.atomic
def grow_plan(plan: Plan, factor: int, years=None, *, extra_departments: int = 0, seed: int = 2022) -> Growth:
    """Grow ``plan`` to ``factor`` times its indicators and give every indicator actuals in ``years``.

    ``factor=10`` on the seed plan leaves 290 indicators; ``factor=1`` only adds actuals.
    ``years`` defaults to every plan year; existing actuals are kept.  With
    ``extra_departments`` the clones are led, round robin, by that many new departments
    (the original lead then co-operates), so department lists grow too.
    """
    if factor < 1:
        raise ValueError("factor must be at least 1")
    years = list(plan.years if years is None else years)
    rng = random.Random(seed)
    departments = _new_departments(extra_departments, plan.organisation_id)
    created = _clone_indicators(plan, factor, departments)
    actuals = _fill_actuals(plan, years, rng)
    return Growth(indicators=created, departments=len(departments), actuals=actuals)

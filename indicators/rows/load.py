"""Loading a plan's table (indicators, departments, targets, actuals) in bulk, for rows.

``load_table(plan, indicators)`` costs five queries however many indicators, departments or
years there are — departments, indicators, yearly targets, figures and the plan's deadlines
(kept on ``plan``) — and a sixth, the co-operation links, only when a row's departments are
first read (``Responsible``).  It builds only what a page needs.  At 100× the seed (2,900
indicators, 10,000 figures) making model instances was most of the time: ``prefetch_related``
made a ``Department`` per co-operation link and a ``Plan`` (with its JSON footnotes) per
indicator, and even a plain queryset spent ~40 % of loading on 2,900 ``Indicator`` objects.
Here each department is one shared object, indicators and figures arrive as ``values_list``
tuples wrapped in read-only records (``IndicatorRecord``, ``ActualRecord``) that share their
derived properties with the models, and indicators whose printed values and targets are the
same share one ``IndicatorSpec``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet, prefetch_related_objects

from indicators.models import Actual, ActualStatus, CooperatingDepartment, Department, Measure, Plan, TargetBasis
from indicators.models.plan import IndicatorReading, YearlyTarget, build_spec
from indicators.models.reporting import FigureReading
from indicators.progress import IndicatorSpec
from indicators.values import PrintedValue


class ActualRecord(FigureReading):
    """A read-only snapshot of one ``Actual`` row: the fields the dashboards and the workbook show.

    It answers the same attribute names as the model (``pk``, ``status``, ``is_reported`` …), so
    templates and sheets read it like an ``Actual``; anything that writes uses the model.
    """

    COLUMNS = ("id", "indicator_id", "year", "value", "second_value", "not_carried_out", "status", "note", "return_reason", "version")
    __slots__ = ("pk", "indicator_id", "year", "value", "second_value", "not_carried_out", "status", "note", "return_reason", "version")

    def __init__(self, pk, indicator_id, year, value, second_value, not_carried_out, status, note, return_reason, version):
        self.pk = pk
        self.indicator_id = indicator_id
        self.year = year
        self.value = value
        self.second_value = second_value
        self.not_carried_out = not_carried_out
        self.status = status
        self.note = note
        self.return_reason = return_reason
        self.version = version

    def __repr__(self):
        return f"<ActualRecord {self.pk}: indicator {self.indicator_id} {self.year} {self.status}>"

    @property
    def id(self):
        return self.pk

    def get_status_display(self):
        return ActualStatus(self.status).label


class IndicatorRecord(IndicatorReading):
    """A read-only snapshot of one ``Indicator`` row, with its plan and lead department attached.

    It answers the model's attribute names (``pk``, ``order``, ``name``, ``units``,
    ``whole_number()``, ``lead_department`` …; the derived ones from ``IndicatorReading``, the
    model's own definitions), so templates, tables, charts and the workbook read it like an
    ``Indicator``; anything that writes uses the model.
    """

    COLUMNS = (
        "id", "order", "task_number", "name", "unit", "second_unit", "baseline_printed", "target_printed",
        "measure", "target_basis", "higher_is_better", "baseline_unreported", "target_pending", "lead_department_id",
        "predecessor_id",
    )  # fmt: skip
    __slots__ = (*(("pk",) + COLUMNS[1:]), "plan", "lead_department")

    def __init__(self, plan: Plan, departments: dict[int, Department], values: tuple):
        (
            self.pk, self.order, self.task_number, self.name, self.unit, self.second_unit, self.baseline_printed,
            self.target_printed, self.measure, self.target_basis, self.higher_is_better, self.baseline_unreported,
            self.target_pending, self.lead_department_id, self.predecessor_id,
        ) = values  # fmt: skip
        self.plan = plan
        self.lead_department = departments[self.lead_department_id]

    def __repr__(self):
        return f"<IndicatorRecord {self.pk}: {self}>"

    @property
    def id(self):
        return self.pk

    @property
    def plan_id(self):
        return self.plan.pk

    def get_measure_display(self):
        return _label(Measure, self.measure)

    def get_target_basis_display(self):
        return _label(TargetBasis, self.target_basis)


def _label(choices, value):
    # As the model's get_FOO_display(): the choice's label, or the stored value when it is not a choice.
    return choices(value).label if value in choices.values else value


class Responsible:
    """Each indicator's departments in printed order, the lead first, as one shared tuple per distinct list.

    The co-operation links are read (one query) when an indicator's list is first asked for:
    the overview shows lead departments only, and never reads them.
    """

    def __init__(self, indicator_ids: QuerySet, departments: dict[int, Department]):
        self.indicator_ids, self.by_pk = indicator_ids, departments
        self.links: dict[int, list[int]] | None = None
        self.shared: dict[tuple, tuple[Department, ...]] = {}

    def __call__(self, indicator: IndicatorRecord) -> tuple[Department, ...]:
        if self.links is None:
            self.links = {}
            for indicator_id, department_id in (
                CooperatingDepartment.objects.filter(indicator__in=self.indicator_ids)
                .order_by("indicator_id", "position", "pk")
                .values_list("indicator_id", "department_id")
            ):
                self.links.setdefault(indicator_id, []).append(department_id)
        printed = (indicator.lead_department_id, *self.links.get(indicator.pk, ()))
        found = self.shared.get(printed)
        if found is None:
            found = self.shared[printed] = tuple(self.by_pk[pk] for pk in printed)
        return found


@dataclass
class PlanTable:
    indicators: list[IndicatorRecord]  # table order
    responsible: Responsible  # indicator -> its departments, the lead first (the links read on first use)
    specs: dict[int, IndicatorSpec]  # indicator id -> what progress.assess needs
    actuals: dict[int, dict[int, ActualRecord]]  # indicator id -> year -> entered figure (every state)


def load_table(plan: Plan, indicators: QuerySet, *, as_of: int | None = None) -> PlanTable:
    """The indicators of ``indicators`` (a queryset of ``plan``'s indicators) with everything dashboards show.

    With ``as_of`` only the figures that decide that year's statuses are loaded (``load_figures``).
    """
    indicator_ids = indicators.values("pk")
    departments = {department.pk: department for department in Department.objects.order_by()}
    rows = [IndicatorRecord(plan, departments, values) for values in indicators.order_by("order").values_list(*IndicatorRecord.COLUMNS)]
    targets: dict[int, dict[int, PrintedValue]] = {}
    for indicator_id, year, undecided, value, second_value in (
        YearlyTarget.objects.filter(indicator__in=indicator_ids)
        .order_by()
        .values_list("indicator_id", "year", "undecided", "value", "second_value")
    ):
        targets.setdefault(indicator_id, {})[year] = YearlyTarget.printed_of(undecided, value, second_value)
    actuals = load_figures(plan, indicator_ids, as_of=as_of)
    # Read every time (a plan object may outlive a request) and kept on the plan for department_summary.
    getattr(plan, "_prefetched_objects_cache", {}).pop("deadlines", None)
    prefetch_related_objects([plan], "deadlines")

    shared_specs: dict[tuple, IndicatorSpec] = {}
    specs = {indicator.pk: _spec(plan, indicator, targets.get(indicator.pk, {}), shared_specs) for indicator in rows}
    return PlanTable(indicators=rows, responsible=Responsible(indicator_ids, departments), specs=specs, actuals=actuals)


def load_figures(plan: Plan, indicator_ids, *, as_of: int | None = None) -> dict[int, dict[int, ActualRecord]]:
    """Entered figures (every state) of the plan's years: indicator id -> year -> record, in one query.

    ``indicator_ids``: ids, or a queryset of them.  With ``as_of`` only the figures that decide
    that year's statuses: that year's, and the earlier years' of indicators counted as a running total.
    """
    figures = Actual.objects.filter(indicator__in=indicator_ids, year__gte=plan.first_year, year__lte=plan.last_year)
    if as_of is not None:
        figures = figures.filter(Q(year=as_of) | Q(year__lt=as_of, indicator__target_basis=TargetBasis.CUMULATIVE))
    actuals: dict[int, dict[int, ActualRecord]] = {}
    for values in figures.order_by().values_list(*ActualRecord.COLUMNS):
        record = ActualRecord(*values)
        actuals.setdefault(record.indicator_id, {})[record.year] = record
    return actuals


def _spec(plan: Plan, indicator: IndicatorRecord, yearly: dict[int, PrintedValue], shared: dict) -> IndicatorSpec:
    """``build_spec`` remembered per distinct printed values and targets (IndicatorSpec is immutable)."""
    key = (
        indicator.baseline_printed,
        indicator.target_printed,
        indicator.second_unit,
        indicator.unit,
        indicator.measure,
        indicator.target_basis,
        indicator.higher_is_better,
        tuple(sorted(yearly.items())),
    )
    spec = shared.get(key)
    if spec is None:
        spec = shared[key] = build_spec(plan, indicator, yearly)
    return spec

"""A new plan from its table: every row checked with the models' rules, all saved or nothing.

``prepare_import`` turns a ``PlanTable`` into unsaved objects and lists every problem by row (the preview shows
it); ``import_plan`` prepares again in a transaction and, when nothing is wrong, inserts the plan (being set up),
the departments to create, the indicators with their history and the co-operating departments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from indicators.excel import plan_table as T
from indicators.excel.importer import row_label
from indicators.models import CooperatingDepartment, Department, Indicator, Organisation, Plan, PlanStatus
from indicators.plans import PlanError, new_plan_problems, require_administrator, save_new_plan

BATCH = 500
# Which column of the table a field's message is about.
FIELD_COLUMNS = {"task_number": T.TASK, "name": T.NAME, "baseline_printed": T.BASELINE, "target_printed": T.TARGET,
                 "unit": T.UNIT, "second_unit": T.SECOND_UNIT, "measure": T.MEASURE, "target_basis": T.BASIS}


@dataclass
class PlanDetails:
    """What the table does not say about its plan: typed into the upload form or given to the command."""

    code: str
    title: str
    issuer: str
    issue_date: date
    first_year: int
    last_year: int
    organisation_id: int  # the organisation the plan and its new departments belong to


@dataclass
class Prepared:
    """The plan as it would be saved, and what stands in the way."""

    plan: Plan
    indicators: list[Indicator]
    cooperating: list[list[Department]]  # per indicator, after the lead, in printed order
    new_departments: list[Department]
    unknown: dict[str, list[int]]  # a department name found nowhere -> the rows that print it
    problems: list[tuple[int, str]]  # (row, message); row 0: the plan or the whole table
    warnings: list[str] = field(default_factory=list)

    @property
    def messages(self) -> list[str]:
        unknown = [(0, _("“%(name)s” (%(rows)s) is not a department: map it to an existing department or create it with a code.")
                    % {"name": name, "rows": "、".join(row_label(row) for row in rows)}) for name, rows in self.unknown.items()]
        return T.messages(self.problems + unknown)


class Departments:
    """The departments a table names, resolved in one query: known by name, mapped to a code, or to create."""

    def __init__(self, organisation_id: int, mapped: dict[str, str] | None, created: dict[str, str] | None):
        self.organisation_id = organisation_id
        self.existing = list(Department.objects.filter(organisation_id=organisation_id).order_by("order", "pk"))
        self.by_key = {T.department_key(d.name): d for d in self.existing}
        self.by_code = {d.code: d for d in self.existing}
        self.mapped = {T.department_key(name): (code or "").strip() for name, code in (mapped or {}).items()}
        self.created = {T.department_key(name): (code or "").strip() for name, code in (created or {}).items()}
        self.new: list[Department] = []
        self.unknown: dict[str, list[int]] = {}
        self.problems: list[tuple[int, str]] = []
        self.next_order = max((d.order for d in self.existing), default=0) + 1

    def get(self, name: str, row: int) -> Department | None:
        key = T.department_key(name)
        found = self.by_key.get(key)
        if found is not None:
            return found
        if key in self.mapped:
            found = self.by_code.get(self.mapped[key])
            if found is None:
                self.problems.append((row, _("“%(code)s” is not the code of a department (given for “%(name)s”).")
                                      % {"code": self.mapped[key], "name": name}))
        elif key in self.created:
            found = self.create(name, self.created[key], row)
        else:
            self.unknown.setdefault(name, []).append(row)
            return None
        if found is not None:
            self.by_key[key] = found  # later rows naming it find it at once
        return found

    def create(self, name: str, code: str, row: int) -> Department | None:
        if code in self.by_code:
            self.problems.append((row, _("The code “%(code)s” is taken by %(department)s; give “%(name)s” another code.")
                                  % {"code": code, "department": self.by_code[code].name, "name": name}))
            return None
        department = Department(organisation_id=self.organisation_id, code=code, name=name, order=self.next_order)
        try:
            department.full_clean(validate_unique=False)
        except ValidationError as exc:
            self.problems.extend((row, f"“{name}”：{message}") for message in exc.messages)
            return None
        self.next_order += 1
        self.by_code[code] = department
        self.new.append(department)
        return department


def unknown_departments(table: T.PlanTable, organisation_id: int) -> dict[str, list[int]]:
    """The department names ``table`` prints that no department of the organisation has, with their rows (one query)."""
    departments = Departments(organisation_id, None, None)
    for row in table.rows:
        for name in row.departments:
            departments.get(name, row.row)
    return departments.unknown


def prepare_import(table: T.PlanTable, details: PlanDetails, *, mapped=None, created=None) -> Prepared:
    """The plan, indicators and departments ``table`` makes, unsaved, with every problem found (a few queries)."""
    code, title, issuer = (details.code or "").strip(), (details.title or "").strip(), (details.issuer or "").strip()
    problems: list[tuple[int, str]] = [(0, m) for m in new_plan_problems(code, title, details.first_year, details.last_year,
                                                                                details.organisation_id)]
    if not issuer:
        problems.append((0, _("Give the new plan's issuer.")))
    plan = Plan(organisation_id=details.organisation_id, code=code, title=title, issuer=issuer, issue_date=details.issue_date, baseline_year=details.first_year - 1,
                first_year=details.first_year, last_year=details.last_year, footnotes=list(table.footnotes),
                status=PlanStatus.DRAFT)
    if not problems:
        try:
            plan.full_clean(validate_unique=False, validate_constraints=False)  # the number was checked above
        except ValidationError as exc:
            problems.extend((0, message) for message in exc.messages)
    problems.extend(table.problems)
    departments = Departments(details.organisation_id, mapped, created)
    indicators, cooperating = [], []
    for order, row in enumerate(table.rows, start=1):
        named = [d for d in (departments.get(name, row.row) for name in row.departments) if d is not None]
        unique = list({id(d): d for d in named}.values())  # two names mapped to one department: once
        indicator = Indicator(
            plan=plan, order=order, task_number=row.task_number or 1, name=row.name, unit=row.unit,
            second_unit=row.second_unit, baseline_printed=row.baseline, target_printed=row.target, measure=row.measure,
            target_basis=row.target_basis, higher_is_better=row.higher_is_better,
            baseline_unreported=row.baseline_unreported, target_pending=row.target_pending,
        )
        problems.extend(check_indicator(indicator, row, table))
        indicators.append(indicator)
        cooperating.append(unique[1:])
        if unique:
            indicator.lead_department = unique[0]
    problems.extend(departments.problems)
    return Prepared(plan=plan, indicators=indicators, cooperating=cooperating, new_departments=departments.new,
                    unknown=departments.unknown, problems=problems, warnings=header_warnings(table, plan))


def check_indicator(indicator: Indicator, row: T.TableRow, table: T.PlanTable) -> list[tuple[int, str]]:
    """The model's rules for one row, without a query: its fields' validators and ``Indicator.clean``."""
    try:
        indicator.full_clean(exclude=["plan", "lead_department", "predecessor"], validate_unique=False,
                             validate_constraints=False)
    except ValidationError as exc:
        found = []
        for name, messages in exc.message_dict.items():
            column = FIELD_COLUMNS.get(name)
            if column in row.unreadable:
                continue  # the reading said what is wrong with it already
            for message in messages:
                found.append((row.row, message if name == NON_FIELD_ERRORS or column is None
                              else f"“{table.header(column)}”：{message}"))
        return found
    return []


def header_warnings(table: T.PlanTable, plan: Plan) -> list[str]:
    """A header naming another year than the plan's (a table of the previous plan, not edited yet)."""
    warnings = []
    for role, year in ((T.BASELINE, plan.baseline_year), (T.TARGET, plan.last_year)):
        found = table.header_years.get(role)
        if found is not None and found != year:
            warnings.append(_("The header “%(header)s” names %(found)s, but the new plan's %(which)s is %(year)s.")
                            % {"header": table.header(role), "found": found, "year": year,
                               "which": _("baseline year") if role == T.BASELINE else _("last year")})
    return warnings


@transaction.atomic
def import_plan(user, table: T.PlanTable, details: PlanDetails, *, mapped=None, created=None) -> Plan:
    """Create the plan (being set up) from ``table``; raises ``PlanError`` listing every problem, nothing saved."""
    require_administrator(user, Organisation(pk=details.organisation_id))
    prepared = prepare_import(table, details, mapped=mapped, created=created)
    if prepared.problems or prepared.unknown:
        raise PlanError(prepared.messages)
    plan = prepared.plan
    plan._history_user = user
    plan._change_reason = "imported from a table"
    save_new_plan(plan)
    Department.objects.bulk_create(prepared.new_departments)
    for indicator in prepared.indicators:
        indicator.plan = plan
        indicator.lead_department_id = indicator.lead_department.pk  # a department created above has its key now
    bulk_create_with_history(prepared.indicators, Indicator, batch_size=BATCH, default_user=user,
                             default_change_reason="imported from a table")
    CooperatingDepartment.objects.bulk_create(
        (CooperatingDepartment(indicator_id=indicator.pk, department_id=department.pk, position=position)
         for indicator, departments in zip(prepared.indicators, prepared.cooperating, strict=True)
         for position, department in enumerate(departments, start=1)),
        batch_size=BATCH,
    )
    return plan

"""What waits for whom in the reporting season (docs/design.md §3, §7): the reporters' years, the reviewers'
figures, the contributions owed, and ``badge_count``, the number the header shows on every page.

Every function here costs a fixed number of queries whatever the number of plans, departments,
indicators or figures: counts are aggregated in the database, never row by row in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime

from django.db.models import Count, F, Min, Q
from django.urls import reverse
from django.utils import timezone

from indicators import formatting
from indicators.models import Actual, ActualStatus, Contribution, Indicator, Plan, PlanStatus
from indicators.permissions import CONTRIBUTE, ENTER, MANAGE, REVIEW, can, organisation_reviewed
from indicators import selection
from indicators.selection import SHANGHAI, reporting_year

# Reminders go out from this many days before a year's deadline (and every run after it).
REMINDER_DAYS = 14

_REPORTED = Q(value__isnull=False) | Q(not_carried_out=True)


@dataclass
class ReturnedFigure:
    pk: int
    indicator_name: str
    year: int
    reason: str
    returned_by: str
    returned_at: datetime | None


@dataclass
class YearQueue:
    """One department's figures of one plan year, by where they stand."""

    plan: Plan
    department_id: int
    year: int
    deadline: date
    today: date
    total: int  # indicators the department leads in the plan
    drafts: int = 0  # entered, not submitted
    returned: int = 0
    submitted: int = 0
    approved: int = 0
    returned_figures: list[ReturnedFigure] = field(default_factory=list)

    @property
    def to_fill(self) -> int:
        return max(self.total - self.drafts - self.returned - self.submitted - self.approved, 0)

    @property
    def unsubmitted(self) -> int:
        """Still with the department before a first submission: to fill and drafts."""
        return self.to_fill + self.drafts

    @property
    def open(self) -> int:
        """What the department still has to do for this year: unsubmitted and returned figures."""
        return self.unsubmitted + self.returned

    @property
    def days_left(self) -> int:
        """Days until the deadline; negative once it has passed."""
        return (self.deadline - self.today).days

    @property
    def days_overdue(self) -> int:
        return max(-self.days_left, 0)

    @property
    def overdue(self) -> bool:
        return self.days_left < 0 and self.open > 0

    @property
    def due_soon(self) -> bool:
        """Open work within ``REMINDER_DAYS`` of the deadline, or past it: what reminders are sent for."""
        return self.open > 0 and self.days_left <= REMINDER_DAYS


def plans_in_force(*, deadlines: bool = True, organisation_id: int | None = None) -> list[Plan]:
    """Plans being reported on (status 执行中), of one organisation or all: drafts are still being set up, closed plans are frozen."""
    plans = Plan.objects.filter(status=PlanStatus.ACTIVE)
    if organisation_id is not None:
        plans = plans.filter(organisation_id=organisation_id)
    if deadlines:
        plans = plans.prefetch_related("deadlines")
    return list(plans)


def reporting_years(department_ids: list[int] | None = None, *, today: date | None = None, details: bool = True,
                    organisation_id: int | None = None) -> dict[int, list[YearQueue]]:
    """Department id -> its ``YearQueue``s, latest year first, for the plans in force (``department_ids`` None: every
    lead department); ``details``: with the returned figures, their reason and reviewer.  Four or five queries."""
    today = today or selection.shanghai_today()
    plans = {plan.pk: plan for plan in plans_in_force(organisation_id=organisation_id)}
    if not plans:
        return {}
    last = {pk: reporting_year(plan, today) for pk, plan in plans.items()}
    indicators = Indicator.objects.filter(plan__in=list(plans))
    figures = Actual.objects.filter(
        indicator__plan__in=list(plans), year__gte=min(p.first_year for p in plans.values()), year__lte=max(last.values())
    )
    if department_ids is not None:
        indicators = indicators.filter(lead_department_id__in=department_ids)
        figures = figures.filter(indicator__lead_department_id__in=department_ids)

    queues: dict[tuple[int, int, int], YearQueue] = {}
    for plan_id, department_id, total in (
        indicators.order_by().values_list("plan_id", "lead_department_id").annotate(total=Count("pk"))
    ):
        plan = plans[plan_id]
        for year in range(plan.first_year, last[plan_id] + 1):
            queues[(department_id, plan_id, year)] = YearQueue(
                plan=plan, department_id=department_id, year=year, deadline=plan.deadline(year), today=today, total=total
            )
    for department_id, plan_id, year, status, count, reported in (
        figures.order_by()
        .values_list("indicator__lead_department_id", "indicator__plan_id", "year", "status")
        .annotate(count=Count("pk"), reported=Count("pk", filter=_REPORTED))
    ):
        queue = queues.get((department_id, plan_id, year))
        if queue is None:
            continue  # a year after the reporting year
        if status == ActualStatus.DRAFT:
            queue.drafts += reported  # a blank draft is still to fill
        elif status == ActualStatus.RETURNED:
            queue.returned += count
        elif status == ActualStatus.SUBMITTED:
            queue.submitted += count
        elif status == ActualStatus.APPROVED:
            queue.approved += count
    if details:
        returned = (
            figures.filter(status=ActualStatus.RETURNED)
            .select_related("indicator", "reviewed_by")
            .order_by("year", "indicator__order")
        )
        for actual in returned:
            queue = queues.get((actual.indicator.lead_department_id, actual.indicator.plan_id, actual.year))
            if queue is not None:
                queue.returned_figures.append(ReturnedFigure(
                    pk=actual.pk, indicator_name=actual.indicator.name, year=actual.year, reason=actual.return_reason,
                    returned_by=formatting.person(actual.reviewed_by), returned_at=actual.reviewed_at,
                ))
    by_department: dict[int, list[YearQueue]] = {}
    for queue in sorted(queues.values(), key=lambda q: (-q.year, q.plan.first_year, q.plan.pk)):
        by_department.setdefault(queue.department_id, []).append(queue)
    return by_department


@dataclass(frozen=True)
class Waiting:
    """Submitted figures of one department and year, waiting for a reviewer."""

    plan_id: int
    plan_code: str
    organisation_id: int
    department_code: str
    department_name: str
    year: int
    count: int
    oldest: datetime | None  # when the longest-waiting one was submitted (None: not recorded)

    @property
    def oldest_date(self) -> date | None:
        return timezone.localtime(self.oldest, SHANGHAI).date() if self.oldest else None

    @property
    def desk_url(self) -> str:
        return reverse("review_desk", args=[self.year]) + f"?plan={self.plan_id}&department={self.department_code}"


def waiting_for_review(organisation_id: int | None = None) -> list[Waiting]:
    """Every department and year with submitted figures (of one organisation, or all), the longest-waiting first (one query)."""
    rows = Actual.objects.filter(status=ActualStatus.SUBMITTED, indicator__plan__status=PlanStatus.ACTIVE)
    if organisation_id is not None:
        rows = rows.filter(indicator__plan__organisation_id=organisation_id)
    rows = (
        rows.order_by()
        .values(
            "year",
            plan_id=F("indicator__plan_id"),
            plan_code=F("indicator__plan__code"),
            organisation_id=F("indicator__plan__organisation_id"),
            department_code=F("indicator__lead_department__code"),
            department_name=F("indicator__lead_department__name"),
            department_order=F("indicator__lead_department__order"),
        )
        .annotate(count=Count("pk"), oldest=Min("submitted_at"))
        .order_by(F("oldest").asc(nulls_first=True), "year", "department_order", "department_code")
    )
    names = [f.name for f in fields(Waiting)]
    return [Waiting(**{name: row[name] for name in names}) for row in rows]


def reporter_badge(department_id: int) -> int:
    """Figures waiting for a reporter: returned ones of any open year, and those not yet
    submitted (blank or draft) of the year being reported now.  Two queries."""
    today = selection.shanghai_today()
    totals, plans = {}, {}
    for plan_id, first_year, last_year, total in (
        Indicator.objects.filter(plan__status=PlanStatus.ACTIVE, lead_department_id=department_id)
        .order_by()
        .values_list("plan_id", "plan__first_year", "plan__last_year")
        .annotate(total=Count("pk"))
    ):
        totals[plan_id] = total
        plans[plan_id] = reporting_year(Plan(first_year=first_year, last_year=last_year), today)
    if not totals:
        return 0
    waiting = dict(totals)  # of the reporting year: every indicator, less what has been sent
    returned = 0
    for plan_id, year, status, count in (
        Actual.objects.filter(indicator__plan__in=list(plans), indicator__lead_department_id=department_id)
        .filter(status__in=[ActualStatus.SUBMITTED, ActualStatus.APPROVED, ActualStatus.RETURNED])
        .order_by()
        .values_list("indicator__plan_id", "year", "status")
        .annotate(count=Count("pk"))
    ):
        if year > plans[plan_id]:
            continue
        if status == ActualStatus.RETURNED:
            returned += count
        if year == plans[plan_id]:
            waiting[plan_id] -= count  # returned ones are counted once, above
    return returned + sum(max(n, 0) for n in waiting.values())


@dataclass
class CooperationYear:
    """The indicators a department co-operates on in one plan year, each with its contribution (or None)."""

    plan: Plan
    year: int
    rows: list[tuple[Indicator, Contribution | None]] = field(default_factory=list)

    @property
    def owed(self) -> int:
        return sum(1 for _indicator, contribution in self.rows if contribution is not None and contribution.owed)


def cooperation(department_id: int, organisation_id: int, today: date | None = None) -> list[CooperationYear]:
    """What a co-operating department supplies in its organisation's plans in force: the year being reported now, and
    any other year whose contribution the lead asked for and has not had.  Latest year first; three queries."""
    today = today or selection.shanghai_today()
    plans = {plan.pk: plan for plan in plans_in_force(deadlines=False, organisation_id=organisation_id)}
    indicators = Indicator.objects.filter(plan__in=list(plans), cooperation__department_id=department_id)
    mine = Contribution.objects.filter(department_id=department_id, indicator__plan__in=list(plans)).select_related("requested_by")
    contributions = {(c.indicator_id, c.year): c for c in mine}
    years: dict[tuple[int, int], CooperationYear] = {}
    for indicator in indicators.select_related("lead_department").order_by("order"):
        plan = plans[indicator.plan_id]
        wanted = {reporting_year(plan, today)} | {y for (pk, y), c in contributions.items() if pk == indicator.pk and c.owed}
        for year in sorted(wanted):
            item = years.setdefault((plan.pk, year), CooperationYear(plan, year))
            item.rows.append((indicator, contributions.get((indicator.pk, year))))
    return sorted(years.values(), key=lambda item: (-item.year, item.plan.first_year, item.plan.pk))


def contributions_owed(department_id: int) -> int:
    """Contributions of the department the lead asked for and has not had, in plans in force (one query)."""
    return Contribution.objects.owed().filter(department_id=department_id, indicator__plan__status=PlanStatus.ACTIVE).count()


def reviewer_badge(organisation_id: int | None) -> int:
    """Submitted figures of an organisation (None: all) waiting for a reviewer (one query)."""
    waiting = Actual.objects.filter(status=ActualStatus.SUBMITTED, indicator__plan__status=PlanStatus.ACTIVE)
    if organisation_id is not None:
        waiting = waiting.filter(indicator__plan__organisation_id=organisation_id)
    return waiting.count()


def has_queue(user) -> bool:
    """Does anything ever wait for this person (a reporter with a department, or someone who reviews)?"""
    return user.is_authenticated and (reports(user) or can(user, REVIEW))


def badge_count(user) -> int:
    count = 0
    if reports(user):
        count += reporter_badge(user.department_id)
        if can(user, CONTRIBUTE):  # the contributions page is for reporters, whatever else they are
            count += contributions_owed(user.department_id)
    if can(user, REVIEW):
        count += reviewer_badge(organisation_reviewed(user))
    return count


def reports(user) -> bool:
    """Does anything of a department wait for this person (they enter figures and belong to a department)?"""
    return can(user, ENTER) and user.department_id is not None


def lands_on_queue(user) -> bool:
    """After logging in: reporters and reviewers start on 我的待办; leaders and administrators on the overview."""
    return has_queue(user) and not (can(user, MANAGE) or user.is_leader)

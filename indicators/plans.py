"""The plan's life (docs/design.md, "The plan's life"): publish, close, reopen, roll over.

草稿 (being set up; administrators only) → 执行中 → 已收官 (figures frozen until reopened with a reason).
Each step runs in a transaction, is kept in the plan's history and raises ``PlanError`` when refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history

from indicators import formatting
from indicators import values as V
from indicators.models import Actual, ActualStatus, CooperatingDepartment, Indicator, Measure, Plan, PlanStatus
from indicators.final_assessment import final_assessment
from indicators.permissions import MANAGE, can
from indicators.workflow import check_note

BATCH = 500  # rows per INSERT when a plan is rolled over


class PlanError(Exception):
    """A change of a plan's state that was refused; ``messages`` say why, for people."""

    def __init__(self, messages):
        self.messages = [str(m) for m in ([messages] if isinstance(messages, str) else messages)]
        super().__init__("; ".join(self.messages))


def require_administrator(user, obj=None):
    """Only administrators (of ``obj``'s organisation or one above it) change plans."""
    if not can(user, MANAGE, obj):
        raise PlanError(_("Only administrators change a plan's state."))


def _stamp(plan, user, status, reason, change):
    plan.status = status
    plan.status_changed_at = timezone.now()
    plan.status_changed_by = user
    plan.status_reason = reason
    plan._change_reason = change
    plan._history_user = user
    plan.save()


def _locked(plan) -> Plan:
    """The plan's row, locked: two administrators cannot change its state at once."""
    return Plan.objects.select_for_update().get(pk=plan.pk)


def five_year_period(year: int) -> tuple[int, int]:
    """The five-year-plan period (十四五 2021–2025, 十五五 2026–2030, …) that holds ``year``."""
    first = 2021 + (year - 2021) // 5 * 5
    return first, first + 4


def publish_problems(plan) -> list[str]:
    """Why a plan being set up cannot be put in force yet (empty when it can)."""
    indicators = list(plan.indicators.order_by("order"))
    problems = [] if indicators else [_("The plan has no indicators yet.")]
    pending = [indicator for indicator in indicators if indicator.target_pending]
    return problems + [_("%(order)s. %(name)s: its target is still to be set (set it, or confirm “/”).")
                       % {"order": indicator.order, "name": indicator.name} for indicator in pending]


def publish(user, plan) -> Plan:
    """草稿 → 执行中, once every target is set or explicitly “/”."""
    require_administrator(user, plan)
    with transaction.atomic():
        plan = _locked(plan)
        if plan.status != PlanStatus.DRAFT:
            raise PlanError(_("Only a plan being set up can be put in force; %(plan)s is %(status)s.")
                            % {"plan": plan.code, "status": plan.get_status_display()})
        if problems := publish_problems(plan):
            raise PlanError(problems)
        _stamp(plan, user, PlanStatus.ACTIVE, "", "published")
    return plan


CONFIRMED = "“/” confirmed"  # the history's change reason (admin/base.py CHANGE_REASONS), here and on the targets page


def confirm_undecided_targets(user, indicators) -> int:
    """Confirm “/” as the target of those of ``indicators`` still waiting for one (a roll-over's); how many."""
    require_administrator(user)
    confirmed = 0
    with transaction.atomic():
        for indicator in indicators.select_for_update().filter(target_pending=True, target_printed=V.UNDECIDED).order_by():
            indicator.target_pending = False
            indicator._change_reason = CONFIRMED
            indicator._history_user = user
            indicator.save(update_fields=["target_pending"])
            confirmed += 1
    return confirmed


@dataclass(frozen=True)
class OpenFigure:
    """A figure of the plan that is not final yet: missing, or not approved."""

    indicator: Indicator
    year: int
    actual: Actual | None

    @property
    def state(self) -> str:
        return self.actual.get_status_display() if self.actual is not None else str(_("Not reported"))


def open_figures(plan) -> list[OpenFigure]:
    """Every indicator-year of the plan without an approved figure, in table order (two queries)."""
    indicators = list(plan.indicators.select_related("lead_department").order_by("order"))
    actuals = {(a.indicator_id, a.year): a for a in Actual.objects.filter(indicator__plan=plan).order_by()}
    found = []
    for indicator in indicators:
        for year in plan.years:
            actual = actuals.get((indicator.pk, year))
            if actual is None or not actual.is_reported or actual.status != ActualStatus.APPROVED:
                found.append(OpenFigure(indicator, year, actual))
    return found


def _move(user, plan, reason, *, expected, to, refusal, change) -> Plan:
    """``plan`` from ``expected`` to ``to``, the reason checked like any note; ``refusal`` names another state."""
    if problems := check_note(reason, _("The reason")):
        raise PlanError(problems)
    with transaction.atomic():
        plan = _locked(plan)
        if plan.status != expected:
            raise PlanError(refusal % {"plan": plan.code, "status": plan.get_status_display()})
        _stamp(plan, user, to, reason, change)
    return plan


def close(user, plan, reason="") -> Plan:
    """执行中 → 已收官: every figure frozen; nothing may wait for review, so no document of it is marked 待审核."""
    require_administrator(user, plan)
    waiting = Actual.objects.filter(indicator__plan=plan, status=ActualStatus.SUBMITTED).count()
    if waiting:
        raise PlanError(ngettext(
            "%(count)d figure is still waiting for review: approve or return it before closing the plan.",
            "%(count)d figures are still waiting for review: approve or return them before closing the plan.",
            waiting,
        ) % {"count": waiting})
    return _move(user, plan, (reason or "").strip(), expected=PlanStatus.ACTIVE, to=PlanStatus.CLOSED,
                 refusal=_("Only a plan in force can be closed; %(plan)s is %(status)s."), change="closed")


def reopen(user, plan, reason) -> Plan:
    """已收官 → 执行中, with the administrator's reason."""
    require_administrator(user, plan)
    reason = (reason or "").strip()
    if not reason:
        raise PlanError(_("Give a reason for reopening the plan."))
    return _move(user, plan, reason, expected=PlanStatus.CLOSED, to=PlanStatus.ACTIVE,
                 refusal=_("Only a closed plan can be reopened; %(plan)s is %(status)s."), change="reopened")


def new_plan_problems(code: str, title: str, first_year: int, last_year: int, organisation_id: int | None) -> list[str]:
    """What is wrong with a new plan's number, title and years (a roll-over and an import alike)."""
    problems = []
    if not code:
        problems.append(_("Give the new plan's document number."))
    if not title:
        problems.append(_("Give the new plan's title."))
    if last_year < first_year:
        problems.append(_("The last year cannot be before the first year."))
    if code and Plan.objects.filter(organisation_id=organisation_id, code=code).exists():
        problems.append(_("A plan with the number %(code)s exists already.") % {"code": code})
    return problems


def save_new_plan(plan: Plan) -> None:
    """Insert a new plan; a number another administrator took meanwhile is a ``PlanError``."""
    try:
        with transaction.atomic():  # a savepoint: another administrator may take the number first
            plan.save()
    except IntegrityError:
        raise PlanError(_("A plan with the number %(code)s exists already.") % {"code": plan.code}) from None


def carried_baseline(item) -> tuple[str, bool]:
    """The next plan's printed baseline from a ``FinalRow``'s final value, and whether it is a gap.

    未开展 in the last year is printed “—” (注2); no figure is “—” too, flagged unreported so nobody reads it as a fact.
    """
    finals = [part.final_value for part in item.verdict.parts]
    if all(value is None for value in finals):
        return V.NOT_STARTED, True
    last = item.row.figures.get(item.row.indicator.plan.last_year)
    if last is not None and last.not_carried_out and not item.cumulative:
        return V.NOT_STARTED, False
    if item.indicator.is_pair:
        return formatting.pair(*finals), False
    text = formatting.number(finals[0])
    return (f"{text}%" if item.indicator.measure == Measure.RATE else text), False


@transaction.atomic
def rollover(user, source: Plan, *, code: str, title: str, first_year: int, last_year: int,
             issuer: str | None = None, issue_date: date | None = None) -> Plan:
    """A new plan being set up with every indicator of ``source`` copied and linked to it, its baseline
    ``carried_baseline``, its target “/” still to be set.  Yearly targets and deadlines are not carried over."""
    require_administrator(user, source)
    code, title = (code or "").strip(), (title or "").strip()
    problems = new_plan_problems(code, title, first_year, last_year, source.organisation_id)
    if first_year != source.last_year + 1:
        problems.insert(2, _("The new plan must start the year after %(plan)s ends (%(year)s).")
                        % {"plan": source.code, "year": source.last_year + 1})
    if problems:
        raise PlanError(problems)
    plan = Plan(organisation_id=source.organisation_id, code=code, title=title, issuer=issuer or source.issuer, issue_date=issue_date or timezone.localdate(),
                baseline_year=source.last_year, first_year=first_year, last_year=last_year, footnotes=list(source.footnotes),
                status=PlanStatus.DRAFT)
    plan.status_reason = f"由 {source.code} 滚动生成。"  # stored once, in the plan's language, whoever rolls it over
    plan._change_reason = "rolled over"
    plan._history_user = user
    try:
        plan.full_clean()
    except ValidationError as exc:
        raise PlanError(exc.messages) from None
    save_new_plan(plan)
    assessment = final_assessment(source)
    indicators = [item.indicator for item in assessment.rows]
    links: dict[int, list[CooperatingDepartment]] = {}
    for link in CooperatingDepartment.objects.filter(indicator__plan=source).order_by("indicator_id", "position", "pk"):
        links.setdefault(link.indicator_id, []).append(link)
    copies = []
    for item in assessment.rows:
        old = item.indicator
        baseline, unreported = carried_baseline(item)
        copies.append(Indicator(
            plan=plan, order=old.order, task_number=old.task_number, name=old.name, code=old.code, unit=old.unit,
            second_unit=old.second_unit,
            baseline_printed=baseline, target_printed=V.UNDECIDED, target_pending=True, measure=old.measure,
            target_basis=old.target_basis, higher_is_better=old.higher_is_better, baseline_unreported=unreported,
            predecessor=old, lead_department_id=old.lead_department_id,
        ))  # fmt: skip
    bulk_create_with_history(copies, Indicator, batch_size=BATCH, default_user=user, default_change_reason="rolled over")
    CooperatingDepartment.objects.bulk_create(
        (CooperatingDepartment(indicator_id=new.pk, department_id=link.department_id, position=link.position)
         for old, new in zip(indicators, copies, strict=True) for link in links.get(old.pk, ())),
        batch_size=BATCH,
    )  # fmt: skip
    return plan

"""Setting the next plan's targets (docs/design.md, "Setting the next plan's targets").

``target_rows`` gives, per indicator of a plan being set up, its predecessor's final-assessment row and the
proposals of ``progress.target_proposals`` (the admin's targets page, the indicator's form, the 目标测算表);
``set_targets`` saves the targets an administrator chose, all or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from indicators import formatting
from indicators import values as V
from indicators.final_assessment import FinalRow, verdict_of
from indicators.models import Actual, Indicator, Measure, Plan
from indicators.plans import CONFIRMED, PlanError, require_administrator
from indicators.progress import NO_PROPOSAL, Proposal, target_proposals, yearly_target
from indicators.rows import build_rows

SET = "target set"  # the history's change reason (admin/base.py CHANGE_REASONS)


@dataclass
class TargetRow:
    indicator: Indicator  # of the plan being set up
    previous: FinalRow | None  # the predecessor in its plan's final assessment
    proposals: list[Proposal]
    typed: str = ""  # what the administrator typed, kept when a save is refused
    errors: list[str] = field(default_factory=list)

    no_proposal = NO_PROPOSAL

    @property
    def field(self) -> str:  # the page's input of this row
        return f"t{self.indicator.pk}"

    @property
    def input_id(self) -> str:
        return f"id_{self.field}"

    @property
    def offered(self) -> list[Proposal]:
        return [p for p in self.proposals if p.offered]

    @property
    def markers(self) -> list[str]:
        """Targets without a number that one click may choose: “/”, and the old plan's 以实际业务开展为准."""
        old = self.previous.indicator.target_printed if self.previous else ""
        return [V.UNDECIDED] + ([V.AS_BUSINESS] if old == V.AS_BUSINESS else [])

    @property
    def path(self) -> list[tuple[int, str]]:
        """Each new year's target (``progress.yearly_target``); none while all are “/”."""
        spec = self.indicator.spec(self.indicator.yearly_targets.all())
        if not spec.target.is_number and not spec.yearly_targets:
            return []
        return [(year, formatting.printed(yearly_target(spec, year), self.indicator.units)) for year in self.indicator.plan.years]


def target_rows(plan: Plan, user, indicator_ids=None) -> list[TargetRow]:
    """The plan's indicators (or those of ``indicator_ids``) in table order, with their predecessors' rows and proposals."""
    indicators = plan.indicators.select_related("lead_department").prefetch_related("yearly_targets").order_by("order")
    if indicator_ids is not None:
        indicators = indicators.filter(pk__in=indicator_ids)
    indicators = list(indicators)
    wanted = [i.predecessor_id for i in indicators if i.predecessor_id]
    previous: dict[int, FinalRow] = {}
    for old_plan in Plan.objects.visible_to(user).filter(indicators__pk__in=wanted).distinct():
        ids = wanted if indicator_ids is not None else None  # a whole plan: its predecessor's whole table
        for row in build_rows(old_plan, old_plan.last_year, Actual.objects.published(), indicator_ids=ids):
            previous[row.indicator.pk] = FinalRow(row, verdict_of(row))
    rows = []
    for indicator in indicators:
        indicator.plan = plan
        item = previous.get(indicator.predecessor_id)
        proposals = []
        if item is not None:
            figures = {year: actual.year_value for year, actual in item.row.figures.items()}
            proposals = target_proposals(item.row.spec, figures, plan.first_year, plan.last_year,
                                         whole_number=indicator.whole_number(), rate=indicator.measure == Measure.RATE)
        rows.append(TargetRow(indicator, item, proposals))
    return rows


class TargetErrors(PlanError):
    """Targets refused, by indicator: ``rows`` maps an indicator's id to its problems; nothing was saved."""

    def __init__(self, rows: dict[int, list[str]], messages):
        self.rows = rows
        super().__init__(messages)


def set_targets(user, plan: Plan, chosen: dict[int, str]) -> int:
    """Set the final targets ``chosen`` ({indicator id: text as typed}) of a plan being set up, checked as the
    indicator's form checks them: all or none.  A target set, or “/” chosen, is no longer pending; returns how many changed."""
    require_administrator(user, plan)
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        if not plan.is_draft:
            raise PlanError(_("Targets are set here while a plan is being set up; %(plan)s is %(status)s.")
                            % {"plan": plan.code, "status": plan.get_status_display()})
        indicators = {i.pk: i for i in plan.indicators.select_for_update().filter(pk__in=list(chosen)).order_by()}
        errors, changed = {}, {SET: [], CONFIRMED: []}
        for pk, text in chosen.items():
            indicator, text = indicators.get(pk), text.strip()
            if indicator is None:
                errors[pk] = [_("This indicator is not in %(plan)s.") % {"plan": plan.code}]
                continue
            if text == indicator.target_printed and not indicator.target_pending:
                continue
            indicator.target_printed, indicator.target_pending = text, False
            try:  # the field's own checks (its length, a printed value), then the indicator's
                indicator.clean_fields(exclude=[f.name for f in Indicator._meta.fields if f.name != "target_printed"])
                indicator.clean()
            except ValidationError as exc:
                errors[pk] = exc.messages
                continue
            changed[CONFIRMED if text == V.UNDECIDED else SET].append(indicator)
        if errors:
            raise TargetErrors(errors, [
                _("%(order)s. %(name)s: %(problem)s") % {"order": indicators[pk].order, "name": indicators[pk].name, "problem": " ".join(problems)}
                if pk in indicators else problems[0] for pk, problems in errors.items()
            ])  # fmt: skip
        for reason, items in changed.items():
            if items:
                bulk_update_with_history(items, Indicator, ["target_printed", "target_pending"], default_user=user,
                                         default_change_reason=reason)
    return sum(len(items) for items in changed.values())

"""The co-operating departments' contributions (配合部门报送): their one write path, checked as figures are and
version-checked, and the lead department's request for them (docs/design.md §7)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import evidence as evidence_files
from indicators import formatting, notices, plausibility
from indicators import values as V
from indicators.models import Contribution, Indicator, Measure
from indicators.permissions import CONTRIBUTE, ENTER, refusal
from indicators.progress import YearValue
from indicators.workflow.common import ConflictError, Problem, WorkflowError, as_seen
from indicators.workflow.entries import check_row

BLANK = {"share": None, "second_share": None, "note": ""}  # a contribution's content before its first entry


@dataclass
class Share:
    """One row of the contributions page as typed; ``expected_version`` is the version its author saw (0: none)."""

    indicator: Indicator
    year: int
    share: object = None
    second_share: object = None
    note: str = ""
    expected_version: int | None = 0
    evidence: list = field(default_factory=list)

    def problem(self, message) -> Problem:
        return Problem(str(message), self.indicator.pk, self.indicator.name)


def check_share(row: Share) -> tuple[dict, list[str]]:
    """The contribution's field values and every problem with the row ([] when it may be saved)."""
    indicator = row.indicator
    note, errors = check_row(indicator.plan, row.year, row.expected_version, row.note)
    parts = [None, None]
    for index, text in enumerate((row.share, row.second_share)[: indicator.parts]):
        try:
            parts[index] = V.parse_number(text, allow_percent=indicator.measure == Measure.RATE)
        except V.InvalidValue as exc:
            errors.append(_("Share: %(message)s") % {"message": exc.message})
    if not indicator.is_pair and row.second_share not in (None, ""):
        errors.append(_("This indicator has no count."))
    typed = YearValue(amount=parts[0], count=parts[1], not_carried_out=False)
    errors.extend(flag.message for flag in plausibility.fractions(indicator.whole_number(), indicator.units, typed))
    return {"share": parts[0], "second_share": parts[1], "note": note}, errors


def conflict_message(current: Contribution) -> str:
    return _("%(who)s changed this contribution at %(when)s; it is now “%(share)s”. Reload the page and enter your change again.") % {
        "who": formatting.person(current.entered_by) or _("someone"),
        "when": timezone.localtime(current.entered_at).strftime("%Y-%m-%d %H:%M") if current.entered_at else "",
        "share": formatting.with_units(current.shares, current.indicator.units) or current.note or _("blank"),
    }


def save_contributions(user, rows: list[Share]) -> list[Contribution]:
    """Save the contributions of ``user``'s department, with their files, all or nothing, as ``save_entries`` saves
    figures: unchanged rows are left alone, a row changed since its author saw it is a ``ConflictError``
    unless they left it as they saw it, and ``WorkflowError`` lists every problem."""
    problems, cleaned, files = [], [], {}
    for row in rows:
        refused = refusal(user, CONTRIBUTE, row.indicator)
        if refused:
            problems.append(row.problem(refused))
            continue
        fields, errors = check_share(row)
        errors += evidence_files.check_uploads(row.evidence, files)
        problems.extend(row.problem(error) for error in errors)
        cleaned.append((row, fields))
    if problems:
        raise WorkflowError(problems)
    saved, now = [], timezone.now()
    with evidence_files.removed_on_failure(), transaction.atomic():
        existing = {
            (c.indicator_id, c.year): c
            for c in Contribution.objects.select_for_update(of=("self",))
            .select_related("entered_by")
            .filter(department_id=user.department_id, indicator__in=[r.indicator for r, _f in cleaned], year__in={r.year for r, _f in cleaned})
            .order_by("pk")
        }
        stale = as_seen(Contribution, (
            (current.pk, row.expected_version) for row, _f in cleaned
            if (current := existing.get((row.indicator.pk, row.year))) is not None and row.expected_version != current.version
        ))  # fmt: skip
        for row, fields in cleaned:
            current = existing.get((row.indicator.pk, row.year))
            stored = {key: getattr(current, key) for key in BLANK} if current is not None else BLANK
            if current is not None and row.expected_version != current.version:
                record = stale.get((current.pk, row.expected_version))
                seen = {key: getattr(record, key) for key in BLANK} if record is not None else BLANK
                if seen != stored:  # its content changed since the author saw it
                    if fields != seen:
                        raise ConflictError([row.problem(conflict_message(current))])
                    fields = stored  # left as seen: the newer contribution stays
            if fields == stored and not row.evidence:
                continue
            created = current is None
            if created:
                current = Contribution(indicator=row.indicator, year=row.year, department_id=user.department_id, version=0)
            for key, value in fields.items():
                setattr(current, key, value)
            current.version += 1
            current.entered_by, current.entered_at = user, now
            current._history_user = user
            if not created:
                current.save()
            else:
                try:
                    with transaction.atomic():  # a savepoint: the unique constraint decides who created it first
                        current.save()
                except IntegrityError:
                    first = Contribution.objects.select_related("entered_by", "indicator").get(
                        indicator=row.indicator, year=row.year, department_id=user.department_id)
                    raise ConflictError([row.problem(conflict_message(first))]) from None
            evidence_files.attach(row.evidence, files, user, contribution=current)
            saved.append(current)
    return saved


@dataclass
class Requested:
    """The departments asked, and what became of the notices to their reporters (filled at the commit)."""

    departments: list
    delivery: notices.Delivery = field(default_factory=notices.Delivery)


def request_contributions(user, indicator: Indicator, year: int) -> Requested:
    """请配合部门补充: the lead asks the co-operating departments of ``indicator`` that have supplied nothing for ``year``
    (else all again); recorded on each, their reporters mailed after the commit."""
    refused = refusal(user, ENTER, indicator)
    if refused:
        raise WorkflowError(refused)
    plan = indicator.plan
    if not plan.contains_year(year):
        raise WorkflowError(_("The year must be between %(first)s and %(last)s.") % {"first": plan.first_year, "last": plan.last_year})
    departments = [link.department for link in indicator.cooperation.select_related("department")]
    if not departments:
        raise WorkflowError(_("%(name)s has no co-operating department.") % {"name": indicator.name})
    supplied = set(Contribution.objects.filter(indicator=indicator, year=year, entered_at__isnull=False).values_list("department_id", flat=True))
    departments = [d for d in departments if d.pk not in supplied] or departments  # all have supplied: ask all again
    now = timezone.now()
    with transaction.atomic():
        for department in departments:
            item, _created = Contribution.objects.select_for_update().get_or_create(indicator=indicator, year=year, department=department)
            item.requested_by, item.requested_at = user, now
            item._history_user = user
            item.save()
        result = Requested(departments)

        def notify():
            result.delivery = notices.notify_requested(indicator, year, departments, user)

        transaction.on_commit(notify, robust=True)
    return result

"""The co-operating departments' contributions (配合部门报送): the one write path of a contribution,
and the lead department's request for them.

A contribution is checked as a figure is (numbers by ``values.parse_number``, whole units, the note by
``check_note``, files by ``evidence.check_evidence``) and every row asks the one guard
(``permissions.CONTRIBUTE``: the reporter's department co-operates on the indicator; a closed plan is
frozen, a plan being set up is the administrators').  A page's rows are saved all or nothing with their
files, and a row carries the version its author saw, so two people never overwrite each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import evidence as evidence_files
from indicators import formatting, notices, plausibility
from indicators import values as V
from indicators.models import Contribution, Evidence, Indicator, Measure
from indicators.permissions import CONTRIBUTE, ENTER, refusal
from indicators.progress import YearValue
from indicators.workflow.common import ConflictError, Problem, WorkflowError
from indicators.workflow.entries import check_note

FIELDS = ("share", "second_share", "note")


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
    indicator, errors = row.indicator, []
    if not isinstance(row.year, int) or not indicator.plan.contains_year(row.year):
        plan = indicator.plan
        errors.append(_("The year must be between %(first)s and %(last)s.") % {"first": plan.first_year, "last": plan.last_year})
    if not isinstance(row.expected_version, int) or isinstance(row.expected_version, bool) or row.expected_version < 0:
        errors.append(_("The page did not say which version of the figure you saw. Reload the page and enter it again."))
    note = ("" if row.note is None else str(row.note)).strip()
    errors.extend(check_note(note))
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
    """Save the contributions of ``user``'s department, with their files, all or nothing.

    Rows left as they were are not touched; a row someone else changed since its author saw it is
    refused (``ConflictError``) unless its author left it as they saw it.  Raises ``WorkflowError``
    with every problem of every row; the files written for a refused save are deleted again.
    """
    problems, cleaned, files = [], [], {}
    for row in rows:
        refused = refusal(user, CONTRIBUTE, row.indicator)
        if refused:
            problems.append(row.problem(refused))
            continue
        fields, errors = check_share(row)
        for upload in row.evidence:
            try:
                files[id(upload)] = evidence_files.check_evidence(upload)
            except ValidationError as exc:
                errors.extend(f"{evidence_files.clean_filename(upload.name or '')}: {message}" for message in exc.messages)
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
        for row, fields in cleaned:
            current = existing.get((row.indicator.pk, row.year))
            stored = {key: getattr(current, key) if current else ("" if key == "note" else None) for key in FIELDS}
            if current is not None and row.expected_version != current.version:
                seen = _as_seen(current, row.expected_version)
                if seen != stored:  # its content changed since the author saw it
                    if fields != seen:
                        raise ConflictError([row.problem(conflict_message(current))])
                    fields = stored  # left as seen: the newer contribution stays
            if fields == stored and not row.evidence:
                continue
            if current is None:
                current = Contribution(indicator=row.indicator, year=row.year, department_id=user.department_id, version=0)
            for key, value in fields.items():
                setattr(current, key, value)
            current.version += 1
            current.entered_by, current.entered_at = user, now
            current._history_user = user
            current.save()
            for upload in row.evidence:
                name, content_type = files[id(upload)]
                record = Evidence(contribution=current, original_name=name, content_type=content_type, size=upload.size, uploaded_by=user)
                record._history_user = user
                evidence_files.store(record, upload)
            saved.append(current)
    return saved


def _as_seen(current, version) -> dict:
    """The contribution's content at ``version`` (blank before its first entry), from its history."""
    record = Contribution.history.filter(id=current.pk, version=version).order_by("history_date", "history_id").last()
    if record is None:
        return {"share": None, "second_share": None, "note": ""}
    return {key: getattr(record, key) for key in FIELDS}


@dataclass
class Requested:
    """The departments asked, and what became of the notices to their reporters (filled at the commit)."""

    departments: list
    delivery: notices.Delivery = field(default_factory=notices.Delivery)


def request_contributions(user, indicator: Indicator, year: int) -> Requested:
    """The lead department asks the co-operating departments of ``indicator`` for their ``year`` contribution
    (请配合部门补充) — those that have supplied none, else all again: the request is recorded on each, and
    their reporters are mailed after the commit."""
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

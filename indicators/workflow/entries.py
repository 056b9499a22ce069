"""Saving typed rows as draft figures: parsing, checks, plausibility, the version check, evidence.

See ``indicators.workflow`` for the rules every write path shares.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import evidence as evidence_files
from indicators import plausibility
from indicators import values as V
from indicators.models import EDITABLE_STATUSES, Actual, ActualStatus, Evidence, Indicator, Measure
from indicators.permissions import ENTER, refusal
from indicators.progress import YearValue
from indicators.text import check_text
from indicators.workflow.common import (
    ConflictError,
    Problem,
    WorkflowError,
    _as_seen,
    _conflict,
    _unchanged_since,
)

NOTE_MAX = 2000


@dataclass
class Entry:
    """One row as typed: raw text is parsed here, not by the caller.

    ``expected_version`` is the version of the figure its author saw, 0 when they saw none;
    a form that does not say which version it showed cannot save (None is refused).
    ``outlier_confirmed``: the person ticked 确认无误 for exactly these values (the form makes sure
    the tick was given for the values it warned about).  ``confirmable``: the caller's form offers
    that box on this row; a warning elsewhere (the Excel import) says where to confirm.
    ``evidence``: uploaded files to attach to the row's figure (made, blank, if there is none).
    ``warnings``: what ``save_entries`` found implausible in the row's new value, so a form can keep
    showing a box the person ticked when the save fails for another row.
    """

    indicator: Indicator
    year: int
    value: object = None
    second_value: object = None
    not_carried_out: bool = False
    note: str = ""
    expected_version: int | None = 0
    key: object = None  # how the caller finds the row again (indicator id, spreadsheet row number …)
    label: str | None = None  # how messages name the row for people ("第 5 行", the indicator name …)
    outlier_confirmed: bool = False
    confirmable: bool = False
    evidence: list = field(default_factory=list)
    warnings: list = field(default_factory=list)  # set by save_entries: the row's plausibility warnings, confirmed or not

    def problem(self, message, *, warning=False) -> Problem:
        return Problem(str(message), self.key, self.label, warning)


def check_note(note, what=None) -> list[str]:
    """Problems of a note or reason as typed (length, characters no file can hold)."""
    problems = []
    what = what or _("The note")
    if len(note) > NOTE_MAX:
        problems.append(
            _("%(what)s is too long (%(length)s characters; at most %(max)s).") % {"what": what, "length": len(note), "max": NOTE_MAX}
        )
    try:
        check_text(note)
    except ValidationError as exc:
        problems.extend(f"{what}: {message}" for message in exc.messages)
    return problems


def check_entry(entry: Entry) -> tuple[dict, list[str]]:
    """One row's field values and every problem with it ([] when it may be saved).

    A part that cannot be read is None in the fields, so the rest can still be checked.
    """
    indicator = entry.indicator
    errors = []
    plan = indicator.plan
    if not isinstance(entry.year, int) or not plan.contains_year(entry.year):
        errors.append(_("The year must be between %(first)s and %(last)s.") % {"first": plan.first_year, "last": plan.last_year})
    if not isinstance(entry.expected_version, int) or isinstance(entry.expected_version, bool) or entry.expected_version < 0:
        errors.append(_("The page did not say which version of the figure you saw. Reload the page and enter it again."))
    note = ("" if entry.note is None else str(entry.note)).strip()
    errors.extend(check_note(note))
    amount = count = None
    readable = True  # both parts could be read (blank or a number)
    try:
        amount = V.parse_number(entry.value, allow_percent=indicator.measure == Measure.RATE)
    except V.InvalidValue as exc:
        errors.append(_("Value: %(message)s") % {"message": exc.message})
        readable = False
    if indicator.is_pair:
        try:
            count = V.parse_number(entry.second_value)
        except V.InvalidValue as exc:
            errors.append(_("Count: %(message)s") % {"message": exc.message})
            readable = False
    elif entry.second_value not in (None, ""):
        errors.append(_("This indicator has no count."))
    if indicator.measure == Measure.RATE and amount is not None and amount > 100:
        errors.append(_("A rate is between 0 and 100."))
    typed = YearValue(amount=amount, count=count, not_carried_out=bool(entry.not_carried_out))
    errors.extend(flag.message for flag in plausibility.fractions(indicator.whole_number(), indicator.units, typed))
    if entry.not_carried_out:
        if amount is not None or count is not None:
            errors.append(_("Leave the value blank when the work was not carried out this year."))
        if not note:
            errors.append(_("Explain in the note why the work was not carried out this year."))
    elif indicator.is_pair and readable and (amount is None) != (count is None):
        errors.append(
            _("Enter both the amount (%(unit)s) and the count (%(count_unit)s), or mark the year as not carried out.")
            % {"unit": indicator.unit, "count_unit": indicator.second_unit}
        )
    return {"value": amount, "second_value": count, "not_carried_out": bool(entry.not_carried_out), "note": note}, errors


def clean_entry(entry: Entry) -> dict:
    """Check one row; returns the figure's field values or raises ``WorkflowError`` with every problem."""
    fields, errors = check_entry(entry)
    if errors:
        raise WorkflowError([entry.problem(e) for e in errors])
    return fields


def save_entries(user, entries: list[Entry]) -> list[Actual]:
    """Save typed rows as draft figures, with their evidence files, all or nothing.

    Rows whose figures did not change are left alone (no new version, no history).
    Raises ``WorkflowError`` listing every problem of every row at once — errors, bad files and the
    plausibility warnings (marked ``warning``; a row with an error is checked for them too) — or
    ``ConflictError`` when a figure was changed by someone else since ``expected_version``.
    Files written for a refused save are deleted again.

    Reads do not grow with the rows: the existing figures in one query (locked), and — only
    for rows whose version moved on — what they were at the version the person saw, in one
    more; rows with a new value add two (last year's figures and the yearly targets).
    Writes do, by design: each changed row is one UPDATE (a new figure one INSERT) plus the
    INSERT of its history record, and each file its row.
    """
    problems, cleaned, files = [], [], {}
    for entry in entries:
        entry.warnings = []
        refused = refusal(user, ENTER, entry.indicator)
        if refused:
            problems.append(entry.problem(refused))
            continue
        fields, errors = check_entry(entry)
        for upload in entry.evidence:
            try:
                files[id(upload)] = evidence_files.check_evidence(upload)  # (clean name, content type)
            except ValidationError as exc:
                errors.extend(f"{evidence_files.clean_filename(upload.name or '')}: {message}" for message in exc.messages)
        problems.extend(entry.problem(e) for e in errors)
        if isinstance(entry.year, int) and entry.indicator.plan.contains_year(entry.year):
            cleaned.append((entry, fields, not errors))

    saved = []
    now = timezone.now()
    with evidence_files.removed_on_failure(), transaction.atomic():
        existing = {
            (a.indicator_id, a.year): a
            for a in Actual.objects.select_for_update()
            .filter(indicator__in=[e.indicator for e, _c, _ok in cleaned], year__in={e.year for e, _c, _ok in cleaned})
            .order_by("pk")  # one lock order for every writer
        }
        seen = _as_seen(
            (actual.pk, entry.expected_version)
            for entry, _fields, ok in cleaned
            if ok and (actual := existing.get((entry.indicator.pk, entry.year))) is not None and entry.expected_version != actual.version
        )
        writes = []  # (entry, the figure's new fields or None to keep them, the figure or None for a new one)
        refused_rows = []  # rows with an error: never written, yet their values are checked too (every problem at once)
        for entry, fields, ok in cleaned:
            actual = existing.get((entry.indicator.pk, entry.year))
            if not ok:
                refused_rows.append((entry, fields, actual))
                continue
            if actual is None:
                if not fields["not_carried_out"] and fields["value"] is None and not fields["note"] and not entry.evidence:
                    continue  # nothing typed for a row that has no figure yet
                if entry.expected_version != 0:
                    raise ConflictError([entry.problem(_("This figure was deleted by someone else. Reload the page."))])
                writes.append((entry, fields, None))
                continue
            if entry.expected_version != actual.version:
                if not _unchanged_since(seen.get((actual.pk, entry.expected_version)), fields):
                    raise _conflict(actual.pk, entry)
                fields = None  # this person left the row as they saw it; the newer figure stays
            elif all(getattr(actual, k) == v for k, v in fields.items()):
                fields = None
            if fields is None and not entry.evidence:
                continue
            if actual.status not in EDITABLE_STATUSES:
                problems.append(entry.problem(_("This figure is %(status)s and cannot be changed.") % {"status": actual.get_status_display()}))
                continue
            writes.append((entry, fields, actual))
        confirmed = _confirmations(refused_rows + writes, problems)
        if problems:
            raise WorkflowError(problems)
        for entry, fields, actual in writes:
            if fields is not None:
                actual = _write(user, now, entry, fields, actual, confirmed[id(entry)])
                saved.append(actual)
            for upload in entry.evidence:
                name, content_type = files[id(upload)]
                record = Evidence(actual=actual, original_name=name, content_type=content_type, size=upload.size, uploaded_by=user)
                record._history_user = user
                evidence_files.store(record, upload)
    return saved


def _checked(actual, entry) -> Actual:
    """``Actual.clean``, what holds for every figure, asked on the one write path."""
    try:
        actual.clean()
    except ValidationError as exc:
        raise WorkflowError([entry.problem(message) for message in exc.messages]) from None
    return actual


def _write(user, now, entry, fields, actual, outlier_confirmed) -> Actual:
    """Create or update one figure (its row already locked) with its history record."""
    if actual is None:
        actual = _checked(Actual(indicator=entry.indicator, year=entry.year, status=ActualStatus.DRAFT, version=1, **fields), entry)
        actual.outlier_confirmed = outlier_confirmed
        _stamp_entry(actual, user, now)
        try:
            with transaction.atomic():  # a savepoint: the unique constraint decides who created it first
                actual.save()
        except IntegrityError:
            raise _conflict(Actual.objects.get(indicator=entry.indicator, year=entry.year).pk, entry) from None
        return actual
    for key, val in fields.items():
        setattr(actual, key, val)
    actual.outlier_confirmed = outlier_confirmed
    actual.version += 1
    _checked(actual, entry)
    _stamp_entry(actual, user, now)
    actual.save()
    return actual


def _confirmations(writes, problems) -> dict[int, bool]:
    """``{id(entry): outlier_confirmed}`` for the rows to write; unconfirmed warnings go to ``problems``,
    every warning, confirmed or not, to its row's ``Entry.warnings``.

    Only a new value is checked: a figure whose value stays keeps its flag (its note may change).
    """
    confirmed, to_check = {}, []
    for entry, fields, actual in writes:
        if fields is None:
            continue
        if actual is not None and (actual.value, actual.second_value) == (fields["value"], fields["second_value"]):
            confirmed[id(entry)] = actual.outlier_confirmed
        else:
            to_check.append((entry, fields))
    for (entry, _fields), warnings in zip(to_check, plausibility.warnings_for(to_check)):
        entry.warnings = [plausibility.warning_message(flag, entry.confirmable) for flag in warnings]
        if warnings and not entry.outlier_confirmed:
            problems.extend(entry.problem(message, warning=True) for message in entry.warnings)
        confirmed[id(entry)] = bool(warnings)
    return confirmed


def _stamp_entry(actual, user, now):
    actual.entered_by, actual.entered_at = user, now
    # django-simple-history's documented way to name the change and its author, which also
    # holds outside a request (imports, commands).
    actual._change_reason = "entered"
    actual._history_user = user

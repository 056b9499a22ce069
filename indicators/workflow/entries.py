"""Saving typed rows as draft figures: parsing, checks, plausibility, the version check, evidence (``indicators.workflow``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import evidence as evidence_files
from indicators import plausibility
from indicators import values as V
from indicators.models import EDITABLE_STATUSES, Actual, ActualStatus, Indicator, Measure
from indicators.permissions import ENTER, refusal
from indicators.progress import YearValue
from indicators.text import check_text
from indicators.workflow.common import ConflictError, Problem, WorkflowError, as_seen, conflict

NOTE_MAX = 2000


@dataclass
class Entry:
    """One row as typed (raw text, parsed here).  ``expected_version``: the version of the figure its author saw
    (0: none; None is refused).  ``outlier_confirmed``: 确认无误 ticked for exactly these values; ``confirmable``:
    the caller's form offers that box on this row (elsewhere the warning says where to confirm).
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
    evidence: list = field(default_factory=list)  # uploads for the row's figure (made, blank, if there is none)
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


def check_row(plan, year, expected_version, note) -> tuple[str, list[str]]:
    """The note as stored, and the problems of a typed row's year, the version its page showed and its note."""
    errors = []
    if not isinstance(year, int) or not plan.contains_year(year):
        errors.append(_("The year must be between %(first)s and %(last)s.") % {"first": plan.first_year, "last": plan.last_year})
    if not isinstance(expected_version, int) or isinstance(expected_version, bool) or expected_version < 0:
        errors.append(_("The page did not say which version of the figure you saw. Reload the page and enter it again."))
    note = ("" if note is None else str(note)).strip()
    return note, errors + check_note(note)


def check_entry(entry: Entry) -> tuple[dict, list[str]]:
    """One row's field values (a part that cannot be read is None) and every problem with it ([] when it may be saved)."""
    indicator = entry.indicator
    note, errors = check_row(indicator.plan, entry.year, entry.expected_version, entry.note)
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
    """Save typed rows as draft figures, with their evidence files, all or nothing; unchanged rows are left alone.
    Raises ``WorkflowError`` with every problem of every row at once (errors, bad files, plausibility warnings
    marked ``warning``), or ``ConflictError`` when a figure changed since ``expected_version``.  Reads do not grow
    with the rows; writes do, a row and its history record each."""
    problems, cleaned, files = [], [], {}
    for entry in entries:
        entry.warnings = []
        refused = refusal(user, ENTER, entry.indicator)
        if refused:
            problems.append(entry.problem(refused))
            continue
        fields, errors = check_entry(entry)
        errors += evidence_files.check_uploads(entry.evidence, files)
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
        seen = as_seen(Actual, (
            (actual.pk, entry.expected_version) for entry, _fields, ok in cleaned
            if ok and (actual := existing.get((entry.indicator.pk, entry.year))) is not None and entry.expected_version != actual.version
        ))  # fmt: skip
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
                # Another's change to a row this person left as they saw it does not block their page (the
                # newer figure stays); a stale row is never written back.
                then = seen.get((actual.pk, entry.expected_version))
                if then is None or any(getattr(then, key) != value for key, value in fields.items()):
                    raise conflict(actual.pk, entry)
                fields = None
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
            evidence_files.attach(entry.evidence, files, user, actual=actual)
    return saved


def _write(user, now, entry, fields, actual, outlier_confirmed) -> Actual:
    """Create or update one figure (its row already locked) with its history record."""
    created = actual is None
    if created:
        actual = Actual(indicator=entry.indicator, year=entry.year, status=ActualStatus.DRAFT, version=0)
    for key, value in fields.items():
        setattr(actual, key, value)
    actual.version += 1
    actual.outlier_confirmed = outlier_confirmed
    try:
        actual.clean()  # what holds for every figure, asked on the one write path
    except ValidationError as exc:
        raise WorkflowError([entry.problem(message) for message in exc.messages]) from None
    actual.entered_by, actual.entered_at = user, now
    # django-simple-history's documented way to name the change and its author, which also
    # holds outside a request (imports, commands).
    actual._change_reason = "entered"
    actual._history_user = user
    if not created:
        actual.save()
        return actual
    try:
        with transaction.atomic():  # a savepoint: the unique constraint decides who created it first
            actual.save()
    except IntegrityError:
        raise conflict(Actual.objects.get(indicator=entry.indicator, year=entry.year).pk, entry) from None
    return actual


def _confirmations(writes, problems) -> dict[int, bool]:
    """``{id(entry): outlier_confirmed}`` for the rows to write; unconfirmed warnings go to ``problems``, every
    warning to its row's ``Entry.warnings``.  Only a new value is checked: a value that stays keeps its flag."""
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

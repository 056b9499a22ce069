"""Writing figures: validation, the review workflow and the version check.

Every path that changes a figure — the admin form, the year page, the Excel import, the
review actions — goes through these functions, so the rules are stated once (docs/design.md,
"Reporting").  Multi-row writes run in one ``transaction.atomic()``: either every row is saved
or none is.  A refused write raises ``WorkflowError`` whose ``problems`` say which row (the
caller's ``key``: an indicator id, a spreadsheet row number …) and why, for the caller to put
next to the row.

Two people never overwrite each other: each figure carries a ``version``; a write names the
version its author saw, and the figure's row is locked while it is compared and written
(``select_for_update`` on PostgreSQL; on SQLite every write transaction takes the database's
write lock when it begins, ``transaction_mode`` IMMEDIATE in the settings).

Implausible values (``indicators/plausibility.py``) are stopped here too: a fraction of a
whole-number unit is an error; a new value far above the year's target or far from last
year's is a warning that holds the whole save until the row is fixed or confirmed (确认无误,
``Entry.outlier_confirmed``).  A confirmation holds for the values it was given for: the
stored figure keeps its flag while its value stays, a changed value must be confirmed again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import evidence as evidence_files
from indicators import notices, plausibility
from indicators import values as V
from indicators.models import EDITABLE_STATUSES, Actual, ActualStatus, Evidence, Indicator, Measure
from indicators.permissions import can_edit
from indicators.progress import OFF_TRACK, YearValue, assess
from indicators.text import check_text

NOTE_MAX = 2000


@dataclass(frozen=True)
class Problem:
    """Why a row (``key``, named ``label`` for people; both None for the whole write) was refused."""

    message: str
    key: object = None
    label: str | None = None
    warning: bool = False  # a plausibility warning: confirming the row (确认无误) is an answer too

    def __str__(self):
        return self.message if self.label is None else f"{self.label}: {self.message}"


class WorkflowError(Exception):
    """A write that was refused, nothing saved; ``problems`` say where and why."""

    def __init__(self, problems):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))

    @property
    def messages(self) -> list[str]:
        return [str(problem) for problem in self.problems]


class ConflictError(WorkflowError):
    """Someone else saved the same figure since it was opened."""


@dataclass
class Entry:
    """One row as typed: raw text is parsed here, not by the caller.

    ``expected_version`` is the version of the figure its author saw, 0 when they saw none;
    a form that does not say which version it showed cannot save (None is refused).
    ``outlier_confirmed``: the person ticked 确认无误 for exactly these values (the form makes sure
    the tick was given for the values it warned about).  ``confirmable``: the caller's form offers
    that box on this row; a warning elsewhere (the Excel import) says where to confirm.
    ``evidence``: uploaded files to attach to the row's figure (made, blank, if there is none).
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


def clean_entry(entry: Entry) -> dict:
    """Check one row; returns the figure's field values or raises ``WorkflowError``."""
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
    try:
        amount = V.parse_number(entry.value, allow_percent=indicator.measure == Measure.RATE)
    except V.InvalidValue as exc:
        errors.append(_("Value: %(message)s") % {"message": exc.message})
    if indicator.is_pair:
        try:
            count = V.parse_number(entry.second_value)
        except V.InvalidValue as exc:
            errors.append(_("Count: %(message)s") % {"message": exc.message})
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
    elif indicator.is_pair and not errors and (amount is None) != (count is None):
        errors.append(
            _("Enter both the amount (%(unit)s) and the count (%(count_unit)s), or mark the year as not carried out.")
            % {"unit": indicator.unit, "count_unit": indicator.second_unit}
        )
    if errors:
        raise WorkflowError([entry.problem(e) for e in errors])
    return {"value": amount, "second_value": count, "not_carried_out": bool(entry.not_carried_out), "note": note}


def conflict_message(current: Actual) -> str:
    """Who changed a figure, when, and what it is now: what a person needs after losing a race."""
    who = current.entered_by.get_full_name() or current.entered_by.username if current.entered_by else _("someone")
    return _(
        "%(who)s changed this figure at %(when)s; it is now “%(value)s” (status %(status)s). "
        "Reload the page and enter your change again."
    ) % {
        "who": who,
        "when": timezone.localtime(current.entered_at).strftime("%Y-%m-%d %H:%M") if current.entered_at else "",
        "value": current.display_value or _("blank"),
        "status": current.get_status_display(),
    }


def _conflict(actual_id, entry_or_label) -> ConflictError:
    current = Actual.objects.select_related("entered_by").get(pk=actual_id)
    if isinstance(entry_or_label, Entry):
        return ConflictError([entry_or_label.problem(conflict_message(current))])
    return ConflictError([Problem(conflict_message(current), actual_id, entry_or_label)])


def frozen_message(plan) -> str | None:
    """Why the figures of ``plan`` cannot change now, or None (docs/design.md, "The plan's life")."""
    if plan.is_closed:
        return _("%(plan)s is closed: its figures are frozen. An administrator can reopen the plan.") % {"plan": plan.code}
    return None


def save_entries(user, entries: list[Entry]) -> list[Actual]:
    """Save typed rows as draft figures, with their evidence files, all or nothing.

    Rows whose figures did not change are left alone (no new version, no history).
    Raises ``WorkflowError`` listing every bad row (plausibility warnings marked ``warning``),
    or ``ConflictError`` when a figure was changed by someone else since ``expected_version``.
    Files written for a refused save are deleted again.

    Reads do not grow with the rows: the existing figures in one query (locked), and — only
    for rows whose version moved on — what they were at the version the person saw, in one
    more; rows with a new value add two (last year's figures and the yearly targets).
    Writes do, by design: each changed row is one UPDATE (a new figure one INSERT) plus the
    INSERT of its history record, and each file its row.
    """
    problems, cleaned, files = [], [], {}
    for entry in entries:
        if not can_edit(user, entry.indicator):
            problems.append(entry.problem(_("You may not enter figures for this indicator.")))
            continue
        frozen = frozen_message(entry.indicator.plan)
        if frozen:
            problems.append(entry.problem(frozen))
            continue
        try:
            fields = clean_entry(entry)
        except WorkflowError as exc:
            problems.extend(exc.problems)
            continue
        for upload in entry.evidence:
            try:
                files[id(upload)] = evidence_files.check_evidence(upload)  # (clean name, content type)
            except ValidationError as exc:
                problems.extend(entry.problem(f"{evidence_files.clean_filename(upload.name or '')}: {message}") for message in exc.messages)
        cleaned.append((entry, fields))
    if problems:
        raise WorkflowError(problems)

    saved = []
    now = timezone.now()
    with evidence_files.removed_on_failure(), transaction.atomic():
        existing = {
            (a.indicator_id, a.year): a
            for a in Actual.objects.select_for_update()
            .filter(indicator__in=[e.indicator for e, _c in cleaned], year__in={e.year for e, _c in cleaned})
            .order_by("pk")  # one lock order for every writer
        }
        seen = _as_seen(
            (actual.pk, entry.expected_version)
            for entry, _fields in cleaned
            if (actual := existing.get((entry.indicator.pk, entry.year))) is not None and entry.expected_version != actual.version
        )
        writes = []  # (entry, the figure's new fields or None to keep them, the figure or None for a new one)
        for entry, fields in cleaned:
            actual = existing.get((entry.indicator.pk, entry.year))
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
        confirmed = _confirmations(writes, problems)
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


def _write(user, now, entry, fields, actual, outlier_confirmed) -> Actual:
    """Create or update one figure (its row already locked) with its history record."""
    if actual is None:
        actual = Actual(indicator=entry.indicator, year=entry.year, status=ActualStatus.DRAFT, version=1, **fields)
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
    _stamp_entry(actual, user, now)
    actual.save()
    return actual


def _confirmations(writes, problems) -> dict[int, bool]:
    """``{id(entry): outlier_confirmed}`` for the rows to write; unconfirmed warnings go to ``problems``.

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
        if warnings and not entry.outlier_confirmed:
            problems.extend(entry.problem(plausibility.warning_message(flag, entry.confirmable), warning=True) for flag in warnings)
        confirmed[id(entry)] = bool(warnings)
    return confirmed


def _stamp_entry(actual, user, now):
    actual.entered_by, actual.entered_at = user, now
    # django-simple-history's documented way to name the change and its author, which also
    # holds outside a request (imports, commands).
    actual._change_reason = "entered"
    actual._history_user = user


def _as_seen(pairs) -> dict:
    """``{(actual id, version): its latest history record at that version}`` in one query."""
    pairs = set(pairs)
    if not pairs:
        return {}
    found = {}
    records = Actual.history.filter(id__in={pk for pk, _v in pairs}, version__in={v for _pk, v in pairs})
    for record in records.order_by("history_date", "history_id"):
        if (record.id, record.version) in pairs:
            found[(record.id, record.version)] = record  # the last one wins, as in the history
    return found


def _unchanged_since(seen, fields) -> bool:
    """Did the person post exactly what the figure was at the version they saw (a row they did not touch)?

    A page lists a department's rows; one colleague's change to row A must not
    block another's save of row B, yet a stale row A must never be written back.
    The history holds what the figure was at every version (``_as_seen``).
    """
    return seen is not None and all(getattr(seen, key) == value for key, value in fields.items())


# What a transition changes; put back on the caller's objects when the whole write is refused.
_TRANSITION_FIELDS = (
    "version", "status", "return_reason", "submitted_by_id", "submitted_at", "reviewed_by_id", "reviewed_at",
)


def _transition(user, actuals, *, allowed_from, to, permission, check=None, stamp=None, reason=None, change_reason=""):
    """Move figures to ``to``, all or none; each must still be at the version and state the caller read."""
    if not user.has_perm(permission):
        raise WorkflowError(_("You do not have permission to do this."))
    problems, done = [], []
    as_read = {id(a): {name: getattr(a, name) for name in _TRANSITION_FIELDS} for a in actuals}
    now = timezone.now()
    try:
        with transaction.atomic():
            current = {
                a.pk: (a.version, a.status)
                for a in Actual.objects.select_for_update().filter(pk__in=[a.pk for a in actuals]).order_by("pk")
            }
            for actual in actuals:
                label = f"{actual.indicator.name} {actual.year}"
                if actual.pk not in current:
                    problems.append(Problem(_("This figure was deleted by someone else. Reload the page."), actual.pk, label))
                    continue
                if current[actual.pk] != (actual.version, actual.status):
                    problems.extend(_conflict(actual.pk, label).problems)
                    continue
                if actual.status not in allowed_from:
                    problems.append(Problem(_("It is %(status)s.") % {"status": actual.get_status_display()}, actual.pk, label))
                    continue
                frozen = frozen_message(actual.indicator.plan)
                if frozen:
                    problems.append(Problem(frozen, actual.pk, label))
                    continue
                problem = check(actual) if check else None
                if problem:
                    problems.append(Problem(problem, actual.pk, label))
                    continue
                actual.version += 1
                actual.status = to
                if stamp:
                    setattr(actual, f"{stamp}_by", user)
                    setattr(actual, f"{stamp}_at", now)
                if reason is not None:
                    actual.return_reason = reason
                actual._change_reason = change_reason
                actual._history_user = user
                actual.save()
                done.append(actual)
            if problems:
                raise WorkflowError(problems)  # leaving the block rolls back what was written
    except WorkflowError:
        for actual in done:
            for name, value in as_read[id(actual)].items():
                setattr(actual, name, value)
        raise
    return done


def _needs_note(actual):
    """Off-track figures (behind, deteriorating) are not submitted without an explanation."""
    if not actual.is_reported:
        return _("Enter a value (or mark the year as not carried out) before submitting.")
    if actual.note.strip():
        return None
    indicator = actual.indicator
    values = {a.year: a.year_value for a in indicator.actuals.all()}
    values[actual.year] = actual.year_value
    if assess(indicator.spec(), values, actual.year).status in OFF_TRACK:
        return _("This figure is behind its target: explain it in the note before submitting.")
    return None


def submit(user, actuals):
    for actual in actuals:
        if not can_edit(user, actual.indicator):
            raise WorkflowError(_("You may not submit figures of another department."))
    # The reason of an earlier return is answered by this submission: it stays in the history,
    # and no page shows it as the figure's current reason any more.
    return _transition(
        user, actuals, allowed_from=EDITABLE_STATUSES, to=ActualStatus.SUBMITTED,
        permission="indicators.submit_actual", check=_needs_note, stamp="submitted", reason="", change_reason="submitted",
    )


def approve(user, actuals):
    return _transition(
        user, actuals, allowed_from=(ActualStatus.SUBMITTED,), to=ActualStatus.APPROVED,
        permission="indicators.review_actual", stamp="reviewed", reason="", change_reason="approved",
    )


def _require_reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("Give a reason."))
    problems = check_note(reason, _("The reason"))
    if problems:
        raise WorkflowError(problems)
    return reason


@dataclass
class Returned:
    """Figures sent back to their department, and what became of the notices to the people who submitted them.

    ``delivery`` is filled once the return is committed: before ``return_with_notice`` returns,
    unless the caller holds a transaction open (then at its commit, and only the log tells).
    """

    figures: list[Actual]
    delivery: notices.Delivery = field(default_factory=notices.Delivery)


def _send_back(user, actuals, reason, *, allowed_from, change_reason) -> Returned:
    reason = _require_reason(reason)
    done = _transition(
        user, actuals, allowed_from=allowed_from, to=ActualStatus.RETURNED,
        permission="indicators.review_actual", stamp="reviewed", reason=reason, change_reason=change_reason,
    )
    result = Returned(done)

    def notify():
        result.delivery = notices.notify_returned(done, user, reason)

    # After the commit: a mail is never sent for a return that was rolled back, and a mail
    # server that fails (``notify_returned`` catches and logs that) or a bug in the mail
    # (robust: logged) cannot take back the return.
    transaction.on_commit(notify, robust=True)
    return result


def return_with_notice(user, actuals, reason) -> Returned:
    """Send submitted figures back to the department with the reviewer's reason, and mail who submitted them."""
    return _send_back(user, actuals, reason, allowed_from=(ActualStatus.SUBMITTED,), change_reason="returned")


def return_actuals(user, actuals, reason):
    """Send submitted figures back to the department with the reviewer's reason (and mail who submitted them)."""
    return return_with_notice(user, actuals, reason).figures


def reopen(user, actuals, reason):
    """Unlock approved figures: they go back to the department as returned, with the reason (and a mail)."""
    return _send_back(user, actuals, reason, allowed_from=(ActualStatus.APPROVED,), change_reason="reopened").figures


def approve_unchanged(user, seen) -> tuple[list[Actual], list[Problem]]:
    """Approve the submitted figures a reviewer saw, ``{figure id: version seen}``, in one transaction.

    Unlike ``approve`` this is not all or nothing: a figure changed since the page was drawn
    (another version, no longer submitted, or deleted) is skipped and named with who changed
    it, so that one late edit does not hold up a department's other figures; the rest are
    approved.  Returns (approved, skipped).
    """
    if not user.has_perm("indicators.review_actual"):
        raise WorkflowError(_("You do not have permission to do this."))
    seen = dict(seen)
    approved, skipped = [], []
    now = timezone.now()
    with transaction.atomic():
        current = {
            actual.pk: actual
            for actual in Actual.objects.select_for_update(of=("self",))
            .select_related("indicator", "entered_by")
            .filter(pk__in=list(seen))
            .order_by("pk")  # one lock order for every writer
        }
        for pk, version in seen.items():
            actual = current.get(pk)
            if actual is None:
                skipped.append(Problem(_("This figure was deleted by someone else. Reload the page."), pk, None))
                continue
            label = f"{actual.indicator.name} {actual.year}"
            if actual.version != version or actual.status != ActualStatus.SUBMITTED:
                skipped.append(Problem(conflict_message(actual), pk, label))
                continue
            actual.version += 1
            actual.status = ActualStatus.APPROVED
            actual.reviewed_by, actual.reviewed_at = user, now
            actual.return_reason = ""
            actual._change_reason = "approved"
            actual._history_user = user
            actual.save()
            approved.append(actual)
    return approved, skipped

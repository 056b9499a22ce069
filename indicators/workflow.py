"""Writing actuals: validation, the review workflow and the version check (DESIGN §3).

Every path that changes an actual — the admin form, the one-page year entry,
the Excel import, the review actions — goes through these functions, so the
rules are stated once.  Multi-row writes run in one ``transaction.atomic()``:
either every row is saved or none is, and a ``WorkflowError`` carries the
messages the view shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import values as V
from indicators.models import EDITABLE_STATUSES, Actual, ActualStatus, Indicator, Measure
from indicators.progress import OFF_TRACK, assess

NOTE_MAX = 2000


class WorkflowError(Exception):
    """A write that was refused; ``errors`` are ``(row label or None, message)`` pairs for people."""

    def __init__(self, errors):
        if isinstance(errors, str):
            errors = [(None, errors)]
        self.errors = list(errors)
        super().__init__("; ".join(str(m) if r is None else f"{r}: {m}" for r, m in self.errors))

    @property
    def messages(self):
        return [str(m) if r is None else f"{r}: {m}" for r, m in self.errors]


class ConflictError(WorkflowError):
    """Someone else saved the same actual since it was opened."""


@dataclass
class Entry:
    """One row as typed: raw text is parsed here, not by the caller."""

    indicator: Indicator
    year: int
    value: object = None
    second_value: object = None
    not_carried_out: bool = False
    note: str = ""
    expected_version: int | None = None  # the version the person saw; None when they saw no actual
    label: str | None = None  # how errors name the row ("第 5 行", the indicator name…)
    cleaned: dict = field(default_factory=dict, init=False)


def clean_entry(entry: Entry) -> dict:
    """Check one row with the rules of DESIGN §3; returns field values or raises ``WorkflowError``."""
    indicator = entry.indicator
    errors = []
    plan = indicator.plan
    if not isinstance(entry.year, int) or not plan.contains_year(entry.year):
        errors.append(_("The year must be between %(first)s and %(last)s.") % {"first": plan.first_year, "last": plan.last_year})
    note = "" if entry.note is None else str(entry.note)
    if "\x00" in note:
        errors.append(_("The note contains a NUL character."))
    note = note.strip()
    if len(note) > NOTE_MAX:
        errors.append(_("The note is too long (%(length)s characters; at most %(max)s).") % {"length": len(note), "max": NOTE_MAX})
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
        raise WorkflowError([(entry.label, e) for e in errors])
    return {"value": amount, "second_value": count, "not_carried_out": bool(entry.not_carried_out), "note": note}


def can_edit(user, indicator) -> bool:
    """Reporters edit the indicators their department leads; administrators edit all."""
    if user.is_administrator:
        return True
    return user.is_reporter and indicator.lead_department_id == user.department_id


def _conflict(actual_id, label):
    current = Actual.objects.select_related("indicator", "entered_by").get(pk=actual_id)
    who = current.entered_by.get_full_name() or current.entered_by.username if current.entered_by else _("someone")
    return ConflictError(
        [
            (
                label,
                _("%(who)s changed this figure at %(when)s; it is now “%(value)s” (status %(status)s). "
                  "Reload the page and enter your change again.")
                % {
                    "who": who,
                    "when": timezone.localtime(current.entered_at).strftime("%Y-%m-%d %H:%M") if current.entered_at else "",
                    "value": current.display_value or _("blank"),
                    "status": current.get_status_display(),
                },
            )
        ]
    )


def save_entries(user, entries: list[Entry]) -> list[Actual]:
    """Save typed rows as draft figures, all or nothing.

    Rows whose figures did not change are left alone (no new version, no history).
    Raises ``WorkflowError`` listing every bad row, or ``ConflictError`` when an
    actual was changed by someone else since ``expected_version``.

    Reads do not grow with the rows: the existing actuals in one query, and — only for rows
    whose version moved on — what they were at the version the person saw, in one more.
    Writes do, by design: each changed row is one version-checked UPDATE (a new figure one
    INSERT) plus the INSERT of its history record.
    """
    errors, cleaned = [], []
    for entry in entries:
        if not can_edit(user, entry.indicator):
            errors.append((entry.label, _("You may not enter figures for this indicator.")))
            continue
        try:
            cleaned.append((entry, clean_entry(entry)))
        except WorkflowError as exc:
            errors.extend(exc.errors)
    if errors:
        raise WorkflowError(errors)

    saved = []
    now = timezone.now()
    with transaction.atomic():
        existing = {
            (a.indicator_id, a.year): a
            for a in Actual.objects.filter(
                indicator__in=[e.indicator for e, _c in cleaned], year__in={e.year for e, _c in cleaned}
            ).order_by()
        }
        seen = _as_seen(
            (actual.pk, entry.expected_version)
            for entry, _fields in cleaned
            if (actual := existing.get((entry.indicator.pk, entry.year))) is not None
            and entry.expected_version is not None
            and entry.expected_version != actual.version
        )
        for entry, fields in cleaned:
            actual = existing.get((entry.indicator.pk, entry.year))
            if actual is None:
                if not fields["not_carried_out"] and fields["value"] is None and not fields["note"]:
                    continue  # nothing typed for a row that has no actual yet
                if entry.expected_version not in (None, 0):
                    raise _conflict_or_gone(entry)
                actual = Actual(indicator=entry.indicator, year=entry.year, status=ActualStatus.DRAFT, version=1, **fields)
                actual.entered_by, actual.entered_at = user, now
                actual._change_reason = "entered"
                actual._history_user = user  # recorded even outside a request (imports, commands)
                try:
                    with transaction.atomic():  # a savepoint: the unique constraint decides who created it first
                        actual.save()
                except IntegrityError:
                    raise _conflict(Actual.objects.get(indicator=entry.indicator, year=entry.year).pk, entry.label) from None
                saved.append(actual)
                continue
            if entry.expected_version is not None and entry.expected_version != actual.version:
                if _unchanged_since(seen.get((actual.pk, entry.expected_version)), fields):
                    continue  # this person left the row as they saw it; the newer figure stays
                raise _conflict(actual.pk, entry.label)
            if all(getattr(actual, k) == v for k, v in fields.items()):
                continue
            if actual.status not in EDITABLE_STATUSES:
                errors.append(
                    (entry.label, _("This figure is %(status)s and cannot be changed.") % {"status": actual.get_status_display()})
                )
                continue
            read_version = actual.version
            for key, val in fields.items():
                setattr(actual, key, val)
            actual.version = read_version + 1
            actual.entered_by, actual.entered_at = user, now
            actual._change_reason = "entered"
            actual._history_user = user  # recorded even outside a request (imports, commands)
            # The version check in the UPDATE itself: a concurrent save between our read and
            # this statement matches no row, and we refuse instead of overwriting it.
            if not actual.save_if(version=read_version, status__in=EDITABLE_STATUSES):
                raise _conflict(actual.pk, entry.label)
            saved.append(actual)
        if errors:
            raise WorkflowError(errors)
    return saved


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


def _conflict_or_gone(entry):
    return ConflictError([(entry.label, _("This figure was deleted by someone else. Reload the page."))])


# What a transition changes; put back on the caller's object when someone else got there first.
_TRANSITION_FIELDS = (
    "version", "status", "return_reason", "submitted_by_id", "submitted_at", "reviewed_by_id", "reviewed_at",
)


def _transition(user, actuals, *, allowed_from, to, permission, check=None, stamp=None, reason_field=None, reason="", change_reason=""):
    errors = []
    if not user.has_perm(permission):
        raise WorkflowError(_("You do not have permission to do this."))
    now = timezone.now()
    with transaction.atomic():
        done = []
        for actual in actuals:
            label = f"{actual.indicator.name} {actual.year}"
            if actual.status not in allowed_from:
                errors.append((label, _("It is %(status)s.") % {"status": actual.get_status_display()}))
                continue
            if check:
                problem = check(actual)
                if problem:
                    errors.append((label, problem))
                    continue
            as_read = {name: getattr(actual, name) for name in _TRANSITION_FIELDS}
            actual.version += 1
            actual.status = to
            if stamp:
                setattr(actual, f"{stamp}_by", user)
                setattr(actual, f"{stamp}_at", now)
            if reason_field is not None:
                actual.return_reason = reason
            actual._change_reason = change_reason
            actual._history_user = user
            # Version and state checked in the UPDATE itself (see save_entries).
            if not actual.save_if(version=as_read["version"], status=as_read["status"]):
                for name, value in as_read.items():
                    setattr(actual, name, value)
                errors.extend(_conflict(actual.pk, label).errors)
                continue
            done.append(actual)
        if errors:
            raise WorkflowError(errors)
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
    return _transition(
        user, actuals, allowed_from=EDITABLE_STATUSES, to=ActualStatus.SUBMITTED,
        permission="indicators.submit_actual", check=_needs_note, stamp="submitted", change_reason="submitted",
    )


def approve(user, actuals):
    return _transition(
        user, actuals, allowed_from=(ActualStatus.SUBMITTED,), to=ActualStatus.APPROVED,
        permission="indicators.review_actual", stamp="reviewed", reason_field=True, reason="", change_reason="approved",
    )


def _require_reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(_("Give a reason."))
    if len(reason) > NOTE_MAX or "\x00" in reason:
        raise WorkflowError(_("The reason is too long or contains invalid characters."))
    return reason


def return_actuals(user, actuals, reason):
    """Send submitted figures back to the department with the reviewer's reason."""
    return _transition(
        user, actuals, allowed_from=(ActualStatus.SUBMITTED,), to=ActualStatus.RETURNED,
        permission="indicators.review_actual", stamp="reviewed", reason_field=True,
        reason=_require_reason(reason), change_reason="returned",
    )


def reopen(user, actuals, reason):
    """Unlock approved figures: they go back to the department as returned, with the reason."""
    return _transition(
        user, actuals, allowed_from=(ActualStatus.APPROVED,), to=ActualStatus.RETURNED,
        permission="indicators.review_actual", stamp="reviewed", reason_field=True,
        reason=_require_reason(reason), change_reason="reopened",
    )


def to_decimal(value) -> Decimal | None:
    return None if value is None else Decimal(value)

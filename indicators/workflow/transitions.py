"""The review workflow's transitions: submit, approve, return, reopen — all or none, version-checked (``indicators.workflow``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import notices
from indicators.models import EDITABLE_STATUSES, Actual, ActualStatus
from indicators.permissions import APPROVE, REVIEW, SUBMIT, refusal
from indicators.progress import OFF_TRACK, assess
from indicators.workflow.common import Problem, WorkflowError, conflict, conflict_message
from indicators.workflow.entries import check_note


# What a transition changes; put back on the caller's objects when the whole write is refused.
_TRANSITION_FIELDS = ("version", "status", "return_reason", "submitted_by_id", "submitted_at", "reviewed_by_id", "reviewed_at")


def _move(actual, user, now, *, to, stamp, reason, change_reason):
    """One figure to ``to``: a new version, who did it and when (``stamp``: submitted or reviewed), its history record."""
    actual.version += 1
    actual.status = to
    setattr(actual, f"{stamp}_by", user)
    setattr(actual, f"{stamp}_at", now)
    actual.return_reason = reason
    actual._change_reason = change_reason
    actual._history_user = user
    actual.save()


def _transition(user, actuals, *, allowed_from, to, action, stamp, reason, change_reason, check=None):
    """Move figures to ``to``, all or none; each must still be at the version and state the caller read,
    and ``permissions.refusal(user, action, figure)`` must allow it."""
    refused = refusal(user, action)
    if refused:
        raise WorkflowError(refused)
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
                    why = _("This figure was deleted by someone else. Reload the page.")
                elif current[actual.pk] != (actual.version, actual.status):
                    problems.extend(conflict(actual.pk, label).problems)
                    continue
                elif actual.status not in allowed_from:
                    why = _("It is %(status)s.") % {"status": actual.get_status_display()}
                else:
                    why = refusal(user, action, actual) or (check(actual) if check else None)
                if why:
                    problems.append(Problem(why, actual.pk, label))
                    continue
                _move(actual, user, now, to=to, stamp=stamp, reason=reason, change_reason=change_reason)
                done.append(actual)
            if problems:
                raise WorkflowError(problems)  # leaving the block rolls back what was written
    except WorkflowError:
        for actual in done:
            for name, value in as_read[id(actual)].items():
                setattr(actual, name, value)
        raise
    return done


def submission_problem(actual):
    """Why ``actual`` cannot be submitted as it is (a figure in memory will do), or None: it needs a
    value, and an off-track one (behind, deteriorating) an explanation."""
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
    # The reason of an earlier return is answered by this submission: it stays in the history,
    # and no page shows it as the figure's current reason any more.
    return _transition(user, actuals, allowed_from=EDITABLE_STATUSES, to=ActualStatus.SUBMITTED, action=SUBMIT,
                       check=submission_problem, stamp="submitted", reason="", change_reason="submitted")


def approve(user, actuals):
    return _transition(user, actuals, allowed_from=(ActualStatus.SUBMITTED,), to=ActualStatus.APPROVED, action=APPROVE,
                       stamp="reviewed", reason="", change_reason="approved")


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
    """Figures sent back, and what became of the notices to who submitted them: ``delivery`` is filled at the
    commit (before ``return_with_notice`` returns, unless the caller holds a transaction open)."""

    figures: list[Actual]
    delivery: notices.Delivery = field(default_factory=notices.Delivery)


def _send_back(user, actuals, reason, *, allowed_from, change_reason) -> Returned:
    reason = _require_reason(reason)
    done = _transition(user, actuals, allowed_from=allowed_from, to=ActualStatus.RETURNED, action=REVIEW,
                       stamp="reviewed", reason=reason, change_reason=change_reason)
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


def approve_unchanged(user, seen, *, plan, year) -> tuple[list[Actual], list[Problem]]:
    """Approve the submitted figures of ``plan`` and ``year`` a reviewer saw, ``{figure id: version seen}``;
    returns (approved, skipped).  Not all or nothing, so that one late edit does not hold up a department's
    other figures: one changed since, outside the page's plan and year, or refused by the guard is skipped and named.
    """
    refused = refusal(user, APPROVE)
    if refused:
        raise WorkflowError(refused)
    seen = dict(seen)
    approved, skipped = [], []
    now = timezone.now()
    with transaction.atomic():
        current = {
            actual.pk: actual
            for actual in Actual.objects.select_for_update(of=("self",))
            .select_related("indicator__plan", "indicator__lead_department", "entered_by")
            .filter(pk__in=list(seen))
            .order_by("pk")  # one lock order for every writer
        }
        for pk, version in seen.items():
            actual = current.get(pk)
            if actual is None or actual.indicator.plan_id != plan.pk or actual.year != year:
                skipped.append(Problem(_("This figure is not on this page. Reload the page."), pk, None))
                continue
            label = f"{actual.indicator.name} {actual.year}"
            if actual.version != version or actual.status != ActualStatus.SUBMITTED:
                skipped.append(Problem(conflict_message(actual), pk, label))
                continue
            refused = refusal(user, APPROVE, actual)
            if refused:
                skipped.append(Problem(refused, pk, label))
                continue
            _move(actual, user, now, to=ActualStatus.APPROVED, stamp="reviewed", reason="", change_reason="approved")
            approved.append(actual)
    return approved, skipped

"""What the write paths share: the problems a refused write reports, conflicts, frozen plans.

``Problem``/``WorkflowError`` carry which row (the caller's ``key``) and why, as data; a
``ConflictError`` says who changed the figure since it was read.  See ``indicators.workflow``.
Whether a figure may change at all is ``permissions.refusal`` (closed and draft plans, departments, four eyes).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import formatting
from indicators.models import Actual


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


def conflict_message(current: Actual) -> str:
    """Who changed a figure, when, and what it is now: what a person needs after losing a race."""
    who = formatting.person(current.entered_by) if current.entered_by else _("someone")
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
    if hasattr(entry_or_label, "problem"):  # an Entry names its own row
        return ConflictError([entry_or_label.problem(conflict_message(current))])
    return ConflictError([Problem(conflict_message(current), actual_id, entry_or_label)])


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

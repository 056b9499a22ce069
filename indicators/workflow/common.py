"""What the write paths share: the problems a refused write reports and the conflicts of the version check."""

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


def conflict(actual_id, entry_or_label) -> ConflictError:
    """The ``ConflictError`` of a figure someone changed since it was read, for an ``Entry`` or a row's label."""
    current = Actual.objects.select_related("entered_by").get(pk=actual_id)
    if hasattr(entry_or_label, "problem"):  # an Entry names its own row
        return ConflictError([entry_or_label.problem(conflict_message(current))])
    return ConflictError([Problem(conflict_message(current), actual_id, entry_or_label)])


def as_seen(model, pairs) -> dict:
    """``{(id, version): its latest history record at that version}`` of figures or contributions, in one query:
    what a row was when its author saw it."""
    pairs = set(pairs)
    records = model.history.filter(id__in={pk for pk, _v in pairs}, version__in={v for _pk, v in pairs})
    # In the history's order: the last record of a version wins.
    return {(r.id, r.version): r for r in records.order_by("history_date", "history_id") if (r.id, r.version) in pairs}

"""The change history of an indicator's figures as the viewer may see it: who, when, old → new.

A viewer who may not read the drafts (docs/design.md, "People") sees no record in draft or returned
state, and "old" is the previous record they may see: a draft value never leaks through either side.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from indicators import formatting
from indicators.models import EDITABLE_STATUSES, Actual, ActualStatus, Indicator
from indicators.permissions import reads_drafts

CHANGE_LABELS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    year: int
    change: str  # "+", "~", "-"
    old_value: str | None  # None for the first entry the viewer sees
    new_value: str
    old_status: str | None
    new_status: str
    note: str

    @property
    def change_label(self):
        return CHANGE_LABELS.get(self.change, self.change)

    @property
    def value_changed(self) -> bool:
        return self.old_value != self.new_value

    @property
    def status_changed(self) -> bool:
        return self.old_status != self.new_status

    @property
    def new_status_label(self):
        return ActualStatus(self.new_status).label

    @property
    def old_status_label(self):
        return ActualStatus(self.old_status).label if self.old_status else ""


def change_history(indicator: Indicator, viewer, *, drafts: bool = False) -> list[HistoryEntry]:
    """Every change to the indicator's figures that ``viewer`` may see, newest first (one query); ``drafts``: 含草稿."""
    sees_drafts = reads_drafts(viewer, indicator, drafts=drafts)
    records = Actual.history.filter(indicator_id=indicator.pk).select_related("history_user")
    last_seen: dict[int, object] = {}  # actual id -> last record shown
    entries = []
    for record in records.order_by("history_date", "history_id"):
        previous = last_seen.get(record.id)
        deleted = record.history_type == "-"
        hidden_draft = not sees_drafts and record.status in EDITABLE_STATUSES
        # A deleted draft shows only as the end of what the viewer saw before, never its draft value.
        if hidden_draft and not (deleted and previous is not None):
            continue
        entries.append(HistoryEntry(
            when=record.history_date, year=record.year, change=record.history_type, new_status=record.status,
            who=formatting.person(record.history_user) if record.history_user is not None else str(_("system")),
            old_value=formatting.figure_of(previous, indicator) if previous is not None else None,
            new_value="" if deleted else formatting.figure_of(record, indicator),
            old_status=previous.status if previous is not None else None,
            note="" if hidden_draft else record.note,
        ))
        last_seen[record.id] = record
    return entries[::-1]

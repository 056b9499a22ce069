"""Writing figures: validation, the review workflow and the version check.

Every path that changes a figure — the admin form, the year page, the Excel import, the
review desk and actions, evidence — and every contribution of a co-operating department
(``contributions.py``) goes through these functions, and each asks the one guard,
``permissions.refusal`` (a closed plan is frozen, a plan being set up is the administrators', a
department enters its own figures, nobody approves their own), so the rules are stated once
(docs/design.md, "Reporting" and "One truth per fact").  Multi-row writes run in one ``transaction.atomic()``: either every row is saved
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

from indicators.workflow.contributions import Requested, Share, request_contributions, save_contributions
from indicators.workflow.common import ConflictError, Problem, WorkflowError, conflict_message
from indicators.workflow.entries import NOTE_MAX, Entry, check_entry, check_note, clean_entry, save_entries
from indicators.workflow.transitions import (
    Returned,
    approve,
    approve_unchanged,
    reopen,
    return_actuals,
    return_with_notice,
    submission_problem,
    submit,
)

__all__ = [
    "NOTE_MAX", "ConflictError", "Entry", "Problem", "Requested", "Returned", "Share", "WorkflowError", "approve",
    "approve_unchanged", "check_entry", "check_note", "clean_entry", "conflict_message", "reopen", "request_contributions",
    "return_actuals", "return_with_notice", "save_contributions", "save_entries", "submission_problem", "submit",
]

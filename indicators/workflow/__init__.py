"""Writing figures and contributions: validation, the review workflow and the version check.

Every write path goes through here and asks the one guard, ``permissions.refusal``; multi-row writes are all or
nothing, and a refused write raises ``WorkflowError`` saying which row and why.  A figure's row is locked while
its version is compared and written (``select_for_update``; on SQLite the settings' IMMEDIATE transactions take
the write lock).  The rules (version check, plausibility, 确认无误): docs/design.md, "Reporting".
"""

from indicators.workflow.contributions import Requested, Share, request_contributions, save_contributions
from indicators.workflow.common import ConflictError, Problem, WorkflowError, conflict_message
from indicators.workflow.entries import NOTE_MAX, Entry, check_entry, check_note, clean_entry, save_entries
from indicators.workflow.transitions import (Returned, approve, approve_unchanged, reopen, return_actuals, return_with_notice,
                                             submission_problem, submit)

__all__ = [
    "NOTE_MAX", "ConflictError", "Entry", "Problem", "Requested", "Returned", "Share", "WorkflowError", "approve",
    "approve_unchanged", "check_entry", "check_note", "clean_entry", "conflict_message", "reopen", "request_contributions",
    "return_actuals", "return_with_notice", "save_contributions", "save_entries", "submission_problem", "submit",
]

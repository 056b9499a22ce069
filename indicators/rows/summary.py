"""Roll-ups of rows: counts by status, and each lead department's reporting for a year."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from indicators.models import ActualStatus, Department, Plan
from indicators.permissions import PUBLISHED_STATUSES
from indicators.progress import SEVERITY, Status, count_by_status
from indicators.rows.build import IndicatorRow
from indicators import selection


@dataclass
class DepartmentSummary:
    """A department's lead indicators for one year: statuses and how far reporting has come.

    ``reported`` counts indicators with a value (or 未开展) the viewer can see; ``submitted``
    those sent for review, approved ones included; ``approved`` the approved ones; after the
    deadline every indicator not yet submitted is ``overdue``.
    """

    department: Department
    year: int
    deadline: date
    total: int = 0
    counts: dict[Status, int] = field(default_factory=lambda: dict.fromkeys(SEVERITY, 0))
    reported: int = 0
    submitted: int = 0
    approved: int = 0
    past_deadline: bool = False

    @property
    def overdue(self) -> int:
        return self.total - self.submitted if self.past_deadline else 0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.approved == self.total


def department_summary(plan: Plan, year: int, rows: Iterable[IndicatorRow], *, today: date | None = None) -> list[DepartmentSummary]:
    """Per lead department (display order) of ``rows``: counts by status and reporting completeness.

    Rows where the department only co-operates count for their lead department, so pass the
    rows of ``build_rows`` without ``department`` for a full roll-up.  No queries when the
    plan's deadlines were prefetched (``build_rows`` does).  ``today`` defaults to today in
    Asia/Shanghai; the deadline is ``plan.deadline(year)`` (default 31 January of the next year).
    """
    today = today or selection.shanghai_today()
    rows = list(rows)
    # The rows' plan carries the deadlines prefetched by ``rows.load``; the caller's may not.
    deadline = (rows[0].indicator.plan if rows else plan).deadline(year)
    summaries: dict[int, DepartmentSummary] = {}
    for row in rows:
        lead = row.indicator.lead_department
        summary = summaries.get(lead.pk)
        if summary is None:
            summary = summaries[lead.pk] = DepartmentSummary(
                department=lead, year=year, deadline=deadline, past_deadline=today > deadline
            )
        actual = row.visible.get(year)
        summary.total += 1
        summary.counts[row.status] += 1
        if actual is not None and actual.is_reported:
            summary.reported += 1
            if actual.status in PUBLISHED_STATUSES:
                summary.submitted += 1
            if actual.status == ActualStatus.APPROVED:
                summary.approved += 1
    return sorted(summaries.values(), key=lambda s: (s.department.order, s.department.code))


def status_counts(rows: Iterable[IndicatorRow]) -> dict[Status, int]:
    """How many rows are in each status, every status present, worst first."""
    return count_by_status(row.assessment for row in rows)

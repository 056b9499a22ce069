"""Rows for pages and exports: load a plan's table, assess it as of a year, roll it up.

Public API::

    build_rows(plan, year, *, department=None, viewer=None, indicator_ids=None, all_years=True) -> list[IndicatorRow]
    with_every_year(plan, rows, *, viewer=None) -> list[IndicatorRow]
    department_summary(plan, year, rows, *, today=None) -> list[DepartmentSummary]
    status_counts(rows) -> dict[Status, int]
"""

from indicators.rows.build import COOPERATING, LEAD, IndicatorRow, YearCell, build_rows, with_every_year
from indicators.rows.summary import DepartmentSummary, department_summary, status_counts

__all__ = [
    "COOPERATING",
    "LEAD",
    "DepartmentSummary",
    "IndicatorRow",
    "YearCell",
    "build_rows",
    "department_summary",
    "status_counts",
    "with_every_year",
]

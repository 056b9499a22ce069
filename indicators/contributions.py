"""The co-operating departments' contributions beside a figure, as the lead's year page and the review desk show them."""

from __future__ import annotations

from dataclasses import dataclass, field

from indicators import formatting
from indicators.models import Contribution, CooperatingDepartment


@dataclass
class Beside:
    """One indicator's contributions of a year: those supplied, with their files, the sum of the shares
    given (``""`` unless two or more are), and the co-operating departments that have supplied nothing yet."""

    supplied: list = field(default_factory=list)
    total: str = ""
    missing: list = field(default_factory=list)  # (department name, asked for and still owed)


def beside(user, indicators, year) -> dict[int, Beside]:
    """``{indicator id: Beside}`` for the indicators with co-operating departments; what ``user`` may read.  Three queries."""
    found: dict[int, Beside] = {}
    entries = {}
    items = Contribution.objects.visible_to(user).filter(indicator__in=indicators, year=year)
    for item in items.select_related("indicator", "department", "entered_by").prefetch_related("evidence"):
        entries[(item.indicator_id, item.department_id)] = item
    links = CooperatingDepartment.objects.filter(indicator__in=indicators).select_related("department").order_by("indicator", "position")
    for link in links:
        summary = found.setdefault(link.indicator_id, Beside())
        item = entries.get((link.indicator_id, link.department_id))
        if item is None or item.entered_at is None:
            summary.missing.append((link.department.name, item is not None and item.owed))
            continue
        item.share_text = formatting.with_units(item.shares, item.indicator.units)
        item.who = formatting.person(item.entered_by)
        summary.supplied.append(item)
    for summary in found.values():
        given = [item for item in summary.supplied if any(share is not None for share in item.shares)]
        if len(given) > 1:  # one share is its own sum
            parts = ([value for value in part if value is not None] for part in zip(*(item.shares for item in given)))
            sums = [sum(values) if values else None for values in parts]
            summary.total = formatting.with_units(sums, given[0].indicator.units)
    return found

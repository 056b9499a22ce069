"""Is a typed figure plausible?  DHIS2-style min–max checks, as pure functions (docs/design.md, "Reporting").

Per part of a figure: a fraction of a whole-number unit (件, 个, 笔 …) is an **error**, nothing saved until it
is fixed; a value above ``PLAUSIBILITY_TARGET_FACTOR`` (3) × that year's target, or more than
``PLAUSIBILITY_YEAR_FACTOR`` (5) × or below 1/5 of last year's value, is a **warning**: nothing is saved until
the reporter fixes it or confirms the row (确认无误), and a confirmed figure is flagged for the reviewer.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.formatting import number as format_number
from indicators.models import Actual, YearlyTarget
from indicators.progress import IndicatorSpec, YearValue, yearly_target

ERROR = "error"
WARNING = "warning"

# The box a reporter ticks to keep a value the check warned about.
CONFIRM_LABEL = gettext_lazy("Confirmed correct")  # 确认无误


@dataclass(frozen=True)
class Flag:
    level: str  # ERROR or WARNING
    part: int  # 0 for the amount (or the only value), 1 for a pair's count
    message: str


def fractions(whole_number: tuple[bool, ...], units: tuple[str, ...], value: YearValue | None) -> list[Flag]:
    """The errors of ``value``: a fraction of a unit that counts whole things.  Needs no target or history."""
    if value is None or value.not_carried_out:
        return []
    flags = []
    for index, whole in enumerate(whole_number):
        number = value.part(index)
        if whole and number is not None and number != number.to_integral_value():
            unit = units[index] if index < len(units) else ""
            flags.append(Flag(ERROR, index, _("%(value)s is not a whole number of %(unit)s.") % {"value": format_number(number), "unit": unit}))
    return flags


def check(spec: IndicatorSpec, units: tuple[str, ...], year: int, value: YearValue | None, last_year: YearValue | None, *,
          target_factor: Decimal | None = None, year_factor: Decimal | None = None) -> list[Flag]:
    """The flags of ``value`` (this year's figure) given last year's; [] when it looks right."""
    if value is None or value.not_carried_out:
        return []
    if target_factor is None or year_factor is None:
        target_factor = Decimal(str(settings.PLAUSIBILITY_TARGET_FACTOR))
        year_factor = Decimal(str(settings.PLAUSIBILITY_YEAR_FACTOR))
    year_target = yearly_target(spec, year)
    flags = fractions(tuple(spec.is_whole(index) for index in range(spec.parts)), units, value)
    for index in range(spec.parts):
        number = value.part(index)
        if number is None or any(flag.part == index for flag in flags):
            continue
        words = {"value": format_number(number), "unit": units[index] if index < len(units) else ""}
        target = year_target.part(index) if year_target.is_number else None
        if target is not None and target > 0 and number > target * target_factor:
            message = _("%(value)s %(unit)s is more than %(factor)s times this year's target (%(target)s).")
            words_here = {**words, "factor": format_number(target_factor), "target": format_number(target)}
            flags.append(Flag(WARNING, index, message % words_here))
        previous = last_year.part(index) if last_year is not None and not last_year.not_carried_out else None
        if previous is None or previous <= 0:
            continue
        if number > previous * year_factor:
            message = _("%(value)s %(unit)s is more than %(factor)s times last year's %(previous)s.")
        elif number * year_factor < previous:
            message = _("%(value)s %(unit)s is less than 1/%(factor)s of last year's %(previous)s.")
        else:
            continue
        words_here = {**words, "factor": format_number(year_factor), "previous": format_number(previous)}
        flags.append(Flag(WARNING, index, message % words_here))
    return flags


def warnings_for(rows) -> list[list[Flag]]:
    """The warnings of each row's new value (``(workflow.Entry, its cleaned fields)``), in two queries.

    Against that year's target and last year's figure (the baseline before the first year), whatever
    that figure's state.  Errors are ``workflow.clean_entry``'s, not repeated here.
    """
    if not rows:
        return []
    indicators = [entry.indicator for entry, _fields in rows]
    earlier = Actual.objects.filter(indicator__in=indicators, year__in={entry.year - 1 for entry, _fields in rows})
    last_years = {(a.indicator_id, a.year + 1): a.year_value for a in earlier.order_by()}
    targets: dict[int, list] = {}
    for target in YearlyTarget.objects.filter(indicator__in=indicators).order_by():
        targets.setdefault(target.indicator_id, []).append(target)
    found = []
    for entry, fields in rows:
        indicator = entry.indicator
        last_year = last_years.get((indicator.pk, entry.year))
        if last_year is None and entry.year - 1 == indicator.plan.baseline_year and indicator.baseline.is_number:
            last_year = YearValue(amount=indicator.baseline.amount, count=indicator.baseline.count)
        typed = YearValue(amount=fields["value"], count=fields["second_value"], not_carried_out=fields["not_carried_out"])
        flags = check(indicator.spec(targets.get(indicator.pk, [])), indicator.units, entry.year, typed, last_year)
        found.append([flag for flag in flags if flag.level != ERROR])
    return found


def warning_message(flag: Flag, confirmable: bool) -> str:
    """A warning as the row shows it, with what to do: confirm it in this form, or on the year page."""
    if confirmable:
        hint = _("Check the figure; if it is right, tick “%(confirm)s” and save again.")
    else:
        hint = _("Check the figure; if it is right, enter it on the year page and tick “%(confirm)s” there.")
    return f"{flag.message} {hint % {'confirm': CONFIRM_LABEL}}"

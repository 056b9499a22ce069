"""Is a typed figure plausible?  Checks in the manner of DHIS2's min–max rules, as pure functions.

A typo of 100000 against a target of 5 must not reach the leaders as 已达标.  For each part of a
figure (pairs have two):

* a fraction for a whole-number unit (件, 个, 家, 次, 起, 笔, 人 …) is an **error**: nothing is
  saved until it is fixed;
* a value above ``target_factor`` × that year's target, or more than ``year_factor`` × or below
  1 / ``year_factor`` of last year's value, is a **warning**: nothing is saved until the reporter
  fixes it or confirms the row (确认无误); a confirmed figure is flagged for the reviewer.

Thresholds come from the settings ``PLAUSIBILITY_TARGET_FACTOR`` (3) and ``PLAUSIBILITY_YEAR_FACTOR``
(5).  Nothing here reads the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from indicators.progress import IndicatorSpec, YearValue, yearly_target
from indicators.values import format_number

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Flag:
    level: str  # ERROR or WARNING
    part: int  # 0 for the amount (or the only value), 1 for a pair's count
    message: str

    @property
    def is_error(self) -> bool:
        return self.level == ERROR


def factors() -> tuple[Decimal, Decimal]:
    return Decimal(str(settings.PLAUSIBILITY_TARGET_FACTOR)), Decimal(str(settings.PLAUSIBILITY_YEAR_FACTOR))


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


def check(
    spec: IndicatorSpec,
    units: tuple[str, ...],
    year: int,
    value: YearValue | None,
    last_year: YearValue | None,
    *,
    target_factor: Decimal | None = None,
    year_factor: Decimal | None = None,
) -> list[Flag]:
    """The flags of ``value`` (this year's figure) given last year's; [] when it looks right."""
    if value is None or value.not_carried_out:
        return []
    if target_factor is None or year_factor is None:
        target_factor, year_factor = factors()
    year_target = yearly_target(spec, year)
    flags = fractions(tuple(spec.is_whole(index) for index in range(spec.parts)), units, value)
    for index in range(spec.parts):
        number = value.part(index)
        if number is None or any(flag.part == index for flag in flags):
            continue
        unit = units[index] if index < len(units) else ""
        target = year_target.part(index) if year_target.is_number else None
        if target is not None and target > 0 and number > target * target_factor:
            flags.append(
                Flag(
                    WARNING,
                    index,
                    _("%(value)s %(unit)s is more than %(factor)s times this year's target (%(target)s).")
                    % {"value": format_number(number), "unit": unit, "factor": format_number(target_factor), "target": format_number(target)},
                )
            )
        previous = last_year.part(index) if last_year is not None and not last_year.not_carried_out else None
        if previous is not None and previous > 0:
            if number > previous * year_factor:
                flags.append(
                    Flag(
                        WARNING,
                        index,
                        _("%(value)s %(unit)s is more than %(factor)s times last year's %(previous)s.")
                        % {"value": format_number(number), "unit": unit, "factor": format_number(year_factor), "previous": format_number(previous)},
                    )
                )
            elif number * year_factor < previous:
                flags.append(
                    Flag(
                        WARNING,
                        index,
                        _("%(value)s %(unit)s is less than 1/%(factor)s of last year's %(previous)s.")
                        % {"value": format_number(number), "unit": unit, "factor": format_number(year_factor), "previous": format_number(previous)},
                    )
                )
    return flags

"""How a number, a percentage, a pair, a unit and a person are written: the one presentation module.

Pages (through ``templatetags/ipzone_tags.py``), charts, the workbook, the brief and the mails all write
through it.  Documents are written inside ``translation.override("zh-hans")``, so nothing here needs a
second form for them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext

NONE = "—"  # nothing to show: no target to compare with, no value
PAIR = "/"  # the parts of a pair in a cell, as the plan prints them
LIST = "、"  # items of a list: departments, the parts of a pair in prose
TENTH = Decimal("0.1")
CENT = Decimal("0.01")

# A unit printed at the end of an indicator's name: “（件）”, “（万元）/笔”.
_NAME_UNIT = re.compile(r"\s*[（(][^（）()]{1,8}[）)]\s*(?:/\s*[^\s/（）()]{1,8})?$")


def number(value: Decimal | int | None) -> str:
    """``Decimal('2868.0000')`` → ``2868``; ``Decimal('95.2600')`` → ``95.26``; None → ``""``."""
    if value is None:
        return ""
    text = format(Decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def rounded(value: Decimal, places: Decimal = CENT) -> Decimal:
    return Decimal(value).quantize(places, rounding=ROUND_HALF_UP)


def percent(fraction: Decimal | None) -> str:
    """A share as a percentage, one decimal, halves up (as Excel's ``0.0%``): ``0.8525`` → ``85.3%``; None → ``—``."""
    return NONE if fraction is None else f"{rounded(Decimal(fraction) * 100, TENTH)}%"


def percents(fractions: Iterable[Decimal | None]) -> str:
    """One percentage per part of a pair: ``86.5%/50.0%``; a single ``—`` when no part has one."""
    fractions = list(fractions)
    if all(fraction is None for fraction in fractions):
        return percent(None)
    return PAIR.join(percent(fraction) for fraction in fractions)


def pair(amount: Decimal | None, count: Decimal | None) -> str:
    """A value as the plan prints it: ``2868/2``, ``95.26``."""
    return number(amount) if count is None else f"{number(amount)}{PAIR}{number(count)}"


def with_unit(value: Decimal | None, unit: str) -> str:
    """``5000万元``, ``95.9%``, ``3件``; ``""`` when there is no value."""
    return "" if value is None else f"{number(value)}{unit}"


def with_units(values: Iterable[Decimal | None], units: Iterable[str], separator: str = PAIR) -> str:
    """Each part with its unit: ``5000万元/8笔`` in a cell, ``5000万元、8笔`` in prose (``separator=LIST``)."""
    return separator.join(with_unit(value, unit) for value, unit in zip(values, units) if value is not None)


def figure(value, second_value, not_carried_out: bool, units=None) -> str:
    """A reported figure: ``2868/2``, ``未开展``, ``""`` when blank; with ``units`` each part with its unit (``5000万元/8笔``)."""
    if not_carried_out:
        return gettext("Not carried out")
    if value is None and second_value is None:
        return ""
    if units is not None:
        return with_units((value, second_value), units)
    return pair(value, second_value)


def figure_of(actual, indicator, *, units: bool = False) -> str:
    """``figure`` for an ``Actual`` of ``indicator``: a rate's value always with ``%``."""
    if actual is None:
        return ""
    shown = indicator.units if units else ("%",) if indicator.unit == "%" else None
    return figure(actual.value, actual.second_value, actual.not_carried_out, shown)


def printed(printed_value, units=None) -> str:
    """A baseline or target: markers (``—``, ``/``, ``以实际业务开展为准``) as printed, numbers with their units when given."""
    if units is not None and printed_value.is_number:
        return with_units((printed_value.amount, printed_value.count), units)
    return str(printed_value)


def prose_name(name: str) -> str:
    """An indicator's printed name without its unit, for prose: ``专利质押融资金额（万元）/笔`` → ``专利质押融资金额``."""
    return _NAME_UNIT.sub("", name) or name


def person(user) -> str:
    """A person by name, 姓 then 名 with no space; the login when no name is known."""
    return "" if user is None else user.get_full_name() or user.get_username()

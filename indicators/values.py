"""Values as the plan prints them (numbers or the markers of 注2 and 注3), and numbers as staff type them.

A marker is never turned into a number here: callers decide what it means (``progress`` counts ``—``
as 0 and does not score ``/``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from indicators.formatting import pair

NOT_STARTED = "—"  # 注2: the work was not carried out in the baseline year
UNDECIDED = "/"  # 注3: not carried out that year, or not decided
AS_BUSINESS = "以实际业务开展为准"  # no number: tracked as the business happens

# Largest number accepted anywhere: fits DecimalField(max_digits=18, decimal_places=4).
MAX_VALUE = Decimal("99999999999999")

# A number as typed: 2868, 2868.5, .5, or with thousands separators 2,868 and 1,234,567.89.
_PLAIN = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?")

# Dashes people actually type or paste for the "not started" marker.
_DASHES = {"—", "-", "－", "–", "―", "——", "--"}


class InvalidValue(ValueError):
    """A value that cannot be accepted; ``message`` is for the person who typed it."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class PrintedValue:
    """A cell of the plan's table: either a marker or one or two numbers."""

    marker: str = ""
    amount: Decimal | None = None
    count: Decimal | None = None  # second part of a pair: "2868/2" -> 2
    text: str = ""

    @property
    def is_number(self) -> bool:
        return not self.marker and self.amount is not None

    def part(self, index: int) -> Decimal | None:
        return self.amount if index == 0 else self.count

    def __str__(self) -> str:
        return self.text or self.marker or pair(self.amount, self.count)


def _normalise(text: str) -> str:
    # NFKC turns full-width digits, "，" and "％" into their ASCII forms.
    return unicodedata.normalize("NFKC", str(text)).strip()


def parse_number(text, *, allow_percent: bool = False) -> Decimal | None:
    """What a person typed: blank is None (not reported, never zero); ``2,868``, full-width digits and, for
    rates, a trailing ``%`` are read; text, NaN, infinities, exponents and negatives are refused."""
    if text is None:
        return None
    raw = str(text) if isinstance(text, (int, float, Decimal)) and not isinstance(text, bool) else _normalise(text)
    if "\x00" in raw:
        raise InvalidValue(_("The value contains a NUL character."))
    if raw == "":
        return None
    if allow_percent and raw.endswith("%"):
        raw = raw[:-1].strip()
    # Commas only between groups of three digits: "1,2,3" would otherwise be read as 123.
    if not (_PLAIN.fullmatch(raw) or _GROUPED.fullmatch(raw)):
        raise InvalidValue(_("“%(value)s” is not a number.") % {"value": str(text)[:40]})
    try:
        value = Decimal(raw.replace(",", ""))
    except InvalidOperation:
        raise InvalidValue(_("“%(value)s” is not a number.") % {"value": str(text)[:40]}) from None
    if value < 0:
        raise InvalidValue(_("The value cannot be negative."))
    if value > MAX_VALUE:
        raise InvalidValue(_("The value is too large."))
    if value.as_tuple().exponent < -4:
        raise InvalidValue(_("Use at most four decimal places."))
    return value


def parse_printed(text: str) -> PrintedValue:
    """A baseline or target cell as printed in the plan: ``2868/2``, ``95.26%``, ``—``, ``/`` …"""
    raw = _normalise(text or "")
    if raw in _DASHES:
        return PrintedValue(marker=NOT_STARTED, text=NOT_STARTED)
    if raw in (UNDECIDED, AS_BUSINESS):
        return PrintedValue(marker=raw, text=raw)
    if raw == "":
        raise InvalidValue(_("A printed value is required: a number, “—”, “/” or “以实际业务开展为准”."))
    printed = str(text).strip()
    if "/" in raw:
        first, _sep, second = raw.partition("/")
        amount, count = parse_number(first), parse_number(second)
        if amount is None or count is None:
            raise InvalidValue(_("A pair needs both parts, as in “2868/2”."))
        return PrintedValue(amount=amount, count=count, text=printed)
    return PrintedValue(amount=parse_number(raw, allow_percent=True), text=printed)


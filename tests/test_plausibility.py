"""Plausibility of typed figures: fractions of whole units, far above the target, far from last year."""

from decimal import Decimal as D

import pytest

from indicators.plausibility import ERROR, WARNING, check
from indicators.progress import IndicatorSpec, YearValue
from indicators.values import parse_printed as P


def spec(baseline="—", target="10", parts=1, whole=(True,), **extra):
    return IndicatorSpec(
        baseline_year=2021, first_year=2022, last_year=2025, baseline=P(baseline), target=P(target),
        parts=parts, whole_number=whole, **extra,
    )


def flags(the_spec, value, last=None, units=("件",), year=2024):
    found = check(the_spec, units, year, value, last, target_factor=D(3), year_factor=D(5))
    return [(flag.level, flag.part) for flag in found]


def test_a_fraction_of_a_whole_unit_is_an_error():
    assert flags(spec(), YearValue(amount=D("4.5"))) == [(ERROR, 0)]


def test_a_fraction_of_an_amount_is_fine():
    assert flags(spec(target="600", whole=(False,)), YearValue(amount=D("450.5")), units=("万元",)) == []


def test_a_value_above_three_times_the_years_target_is_a_warning():
    # The linear 2024 target of — → 10 is 7 or 8 depending on rounding: 20 is within 3× of either.
    the_spec = spec()
    assert flags(the_spec, YearValue(amount=D(20))) == []
    assert flags(the_spec, YearValue(amount=D(100000))) == [(WARNING, 0)]


def test_more_than_five_times_or_below_a_fifth_of_last_year_is_a_warning():
    the_spec = spec(target="1000")
    last = YearValue(amount=D(100))
    assert flags(the_spec, YearValue(amount=D(500)), last) == []
    assert flags(the_spec, YearValue(amount=D(501)), last) == [(WARNING, 0)]
    assert flags(the_spec, YearValue(amount=D(20)), last) == []
    assert flags(the_spec, YearValue(amount=D(19)), last) == [(WARNING, 0)]


def test_a_zero_or_missing_last_year_and_not_carried_out_are_not_compared():
    the_spec = spec(target="1000")
    assert flags(the_spec, YearValue(amount=D(900)), YearValue(amount=D(0))) == []
    assert flags(the_spec, YearValue(amount=D(900)), YearValue(not_carried_out=True)) == []
    assert flags(the_spec, YearValue(not_carried_out=True), YearValue(amount=D(100))) == []
    assert flags(the_spec, None) == []


def test_each_part_of_a_pair_is_checked_on_its_own():
    pair = spec(baseline="2868/2", target="6000/10", parts=2, whole=(False, True))
    found = flags(pair, YearValue(amount=D(5000), count=D("2.5")), units=("万元", "笔"))
    assert found == [(ERROR, 1)]
    found = flags(pair, YearValue(amount=D(50000), count=D(8)), YearValue(amount=D(4000), count=D(6)), units=("万元", "笔"))
    assert (WARNING, 0) in found and all(part == 0 for _level, part in found)


def test_a_target_marked_undecided_gives_no_target_warning():
    assert flags(spec(target="/"), YearValue(amount=D(1000))) == []


@pytest.mark.parametrize("factor, expected", [(D(3), [(WARNING, 0)]), (D(50), [])])
def test_the_thresholds_are_parameters(factor, expected):
    found = check(spec(), ("件",), 2024, YearValue(amount=D(100)), None, target_factor=factor, year_factor=D(5))
    assert [(flag.level, flag.part) for flag in found] == expected


def test_the_thresholds_come_from_the_settings(settings):
    settings.PLAUSIBILITY_TARGET_FACTOR = "50"
    assert check(spec(), ("件",), 2024, YearValue(amount=D(100)), None) == []
    settings.PLAUSIBILITY_TARGET_FACTOR = "3"
    assert len(check(spec(), ("件",), 2024, YearValue(amount=D(100)), None)) == 1

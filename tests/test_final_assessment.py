"""The final assessment (终期评估): a verdict for every kind of row, and the shares that sum them up."""

from decimal import Decimal as D

import pytest

from indicators.verdicts import Verdict, final_verdict, summarise
from indicators.progress import IndicatorSpec, YearValue
from indicators.values import AS_BUSINESS, NOT_STARTED, UNDECIDED, parse_printed as P


def spec(baseline, target, **options):
    return IndicatorSpec(baseline_year=2021, first_year=2022, last_year=2025, baseline=P(baseline), target=P(target), **options)


def values(*numbers):
    return {year: (None if n is None else YearValue(amount=D(n))) for year, n in zip(range(2022, 2026), numbers)}


FLOW = spec("3", "6")  # 查处假冒知识产权行政案件: 3 → 6 cases a year
STOCK = spec("3", "5")  # 自治区高价值专利培育示范中心: 3 → 5 centres at year end
RATE = spec("95.26%", "96%", whole_number=(False,))
PAIR = spec("2868/2", "6000/10", parts=2, whole_number=(False, True))
CUMULATIVE = spec(NOT_STARTED, "5", basis="cumulative")  # projects over the plan


@pytest.mark.parametrize(
    "the_spec, numbers, verdict",
    [
        (FLOW, (4, 5, 6, 6), Verdict.COMPLETED),
        (FLOW, (4, 5, 6, 9), Verdict.COMPLETED),
        (FLOW, (4, 5, 6, 5.8), Verdict.MOSTLY),  # (5.8 − 3) / (6 − 3) = 0.93
        (FLOW, (4, 5, 6, 5.6), Verdict.NOT_COMPLETED),  # 0.87
        (FLOW, (4, 5, 6, None), Verdict.MISSING),  # the last year decides, however good the others
        (STOCK, (3, 4, 4, 5), Verdict.COMPLETED),
        (STOCK, (3, 4, 4, 4), Verdict.NOT_COMPLETED),  # half the way
        (RATE, (95.4, 95.6, 95.8, 95.9), Verdict.NOT_COMPLETED),  # 0.86 of the way, not 95.9 / 96
        (RATE, (95.4, 95.6, 95.8, 95.95), Verdict.MOSTLY),  # 0.93
        (RATE, (95.4, 95.6, 95.8, 96.1), Verdict.COMPLETED),
        (CUMULATIVE, (1, 1, 1, 1), Verdict.NOT_COMPLETED),  # 4 of 5: 0.8
        (CUMULATIVE, (1, 2, 1, 1), Verdict.COMPLETED),
        (CUMULATIVE, (2, 2, None, 1), Verdict.COMPLETED),  # an unreported year adds nothing
        (CUMULATIVE, (2, 2, 1, None), Verdict.MISSING),
        (spec("3", UNDECIDED), (1, 2, 3, 4), Verdict.TRACKED),
        (spec("3", AS_BUSINESS), (1, 2, 3, 4), Verdict.TRACKED),
        (spec("3", AS_BUSINESS), (1, 2, 3, None), Verdict.MISSING),
        (spec(UNDECIDED, "2"), (0, 1, 1, 2), Verdict.COMPLETED),  # row 29: a "/" baseline is scored from 0
        (spec(NOT_STARTED, "2"), (0, 1, 1, 1), Verdict.NOT_COMPLETED),
    ],
)
def test_every_kind_of_row_gets_its_verdict(the_spec, numbers, verdict):
    assert final_verdict(the_spec, values(*numbers)).verdict == verdict


def test_the_final_value_is_the_last_years_and_the_period_total_is_shown_beside_it():
    part = final_verdict(FLOW, values(4, 5, 6, 7)).parts[0]
    assert (part.final_value, part.period_total, part.baseline, part.target) == (D(7), D(22), D(3), D(6))


def test_a_cumulative_final_value_is_the_plan_period_total_from_zero():
    part = final_verdict(CUMULATIVE, values(1, 1, 1, 1)).parts[0]
    assert (part.final_value, part.period_total, part.baseline, part.share) == (D(4), D(4), D(0), D("0.8"))


def test_not_carried_out_in_the_last_year_counts_as_zero():
    result = final_verdict(FLOW, {2025: YearValue(not_carried_out=True)})
    assert result.verdict == Verdict.NOT_COMPLETED and result.parts[0].final_value == D(0)


def test_a_pair_takes_the_worse_part():
    numbers = {2025: YearValue(amount=D(6500), count=D(8))}
    result = final_verdict(PAIR, numbers)
    assert [part.verdict for part in result.parts] == [Verdict.COMPLETED, Verdict.NOT_COMPLETED]  # 6/8 of the way: 0.75
    assert result.verdict == Verdict.NOT_COMPLETED
    assert final_verdict(PAIR, {2025: YearValue(amount=D(6500), count=D(10))}).verdict == Verdict.COMPLETED


def test_lower_is_better_is_completed_at_or_below_the_target():
    the_spec = spec("10", "4", higher_is_better=False)
    assert final_verdict(the_spec, values(9, 8, 6, 4)).verdict == Verdict.COMPLETED
    assert final_verdict(the_spec, values(9, 8, 6, 4.5)).verdict == Verdict.MOSTLY  # 5.5 / 6 = 0.92
    assert final_verdict(the_spec, values(9, 8, 6, 7)).verdict == Verdict.NOT_COMPLETED


def test_a_target_set_for_the_last_year_on_an_undecided_row_is_its_final_target():
    the_spec = spec("3", UNDECIDED, yearly_targets={2025: P("8")})
    assert final_verdict(the_spec, values(1, 2, 3, 8)).verdict == Verdict.COMPLETED
    assert final_verdict(the_spec, values(1, 2, 3, 4)).verdict == Verdict.NOT_COMPLETED


def test_the_mostly_completed_threshold_is_a_setting(settings):
    settings.FINAL_MOSTLY_COMPLETED_SHARE = "0.80"
    assert final_verdict(FLOW, values(4, 5, 6, 5.5)).verdict == Verdict.MOSTLY  # 0.83
    settings.FINAL_MOSTLY_COMPLETED_SHARE = "0.90"
    assert final_verdict(FLOW, values(4, 5, 6, 5.5)).verdict == Verdict.NOT_COMPLETED


def test_the_share_is_completed_over_the_scored_indicators():
    summary = summarise([Verdict.COMPLETED, Verdict.COMPLETED, Verdict.MOSTLY, Verdict.MISSING, Verdict.TRACKED])
    assert summary.counts[Verdict.COMPLETED] == 2 and summary.total == 5 and summary.scored == 4
    assert summary.share == D("0.5")
    assert summarise([Verdict.TRACKED]).share is None

"""The progress rules, checked on rows of the plan (柳高新〔2022〕2号) and on edge cases."""

from decimal import Decimal as D

import pytest

from indicators.progress import (
    OFF_TRACK,
    SEVERITY,
    STATUS_COLOURS,
    Assessment,
    IndicatorSpec,
    Status,
    YearValue,
    assess,
    count_by_status,
    project,
    worst,
    yearly_target,
    years,
)
from indicators.values import AS_BUSINESS, NOT_STARTED, UNDECIDED, parse_printed as P


def spec(baseline, target, **options):
    return IndicatorSpec(baseline_year=2021, first_year=2022, last_year=2025, baseline=P(baseline), target=P(target), **options)


# 查处假冒知识产权行政案件: 3 -> 6 cases a year.
COUNTERFEIT = spec("3", "6")
# 非正常专利申请主动撤回率: 95.26% -> 96%, a rate.
WITHDRAWAL_RATE = spec("95.26%", "96%", whole_number=(False,))
# 专利质押融资金额（万元）/笔数: 2868/2 -> 6000/10.
PLEDGE = spec("2868/2", "6000/10", parts=2, whole_number=(False, True))
# 产业规划类专利导航项目: — -> 2, counted over the plan years.
NAVIGATION = spec("—", "2", basis="cumulative")
# 10 -> 210 with the 2023 target set to 110, so R is easy to read off.
HUNDRED_STEP = spec("10", "210", yearly_targets={2023: P("110")}, whole_number=(False,))


def status_in_2023(indicator, amount):
    return assess(indicator, {2023: YearValue(amount=D(amount))}, 2023).status


# --- statuses -------------------------------------------------------------------


def test_a_year_without_a_value_is_missing_not_zero():
    result = assess(COUNTERFEIT, {2022: YearValue(amount=D(3))}, 2023)
    assert result.status == Status.MISSING
    assert result.parts[0].value is None
    assert result.completion is None


def test_a_year_value_of_none_is_missing():
    assert assess(COUNTERFEIT, {2023: None}, 2023).status == Status.MISSING


def test_a_value_reported_as_zero_is_scored_not_missing():
    assert assess(COUNTERFEIT, {2022: YearValue(amount=D(0))}, 2022).status == Status.DETERIORATING


def test_reaching_the_final_target_early_is_achieved():
    assert assess(COUNTERFEIT, {2022: YearValue(amount=D(6))}, 2022).status == Status.ACHIEVED


def test_passing_the_final_target_is_achieved():
    assert assess(COUNTERFEIT, {2022: YearValue(amount=D(9))}, 2022).status == Status.ACHIEVED


def test_meeting_the_linear_yearly_target_is_on_track():
    result = assess(COUNTERFEIT, {2023: YearValue(amount=D(4))}, 2023)  # m = 4 (the line says 4.5)
    assert result.status == Status.ON_TRACK
    assert result.parts[0].ratio == D(1)


def test_falling_below_the_baseline_is_deteriorating():
    result = assess(COUNTERFEIT, {2023: YearValue(amount=D(2))}, 2023)
    assert result.status == Status.DETERIORATING
    assert result.parts[0].ratio == D(-1)


def test_staying_at_the_baseline_is_behind():
    result = assess(COUNTERFEIT, {2023: YearValue(amount=D(3))}, 2023)
    assert result.status == Status.BEHIND
    assert result.parts[0].ratio == D(0)


def test_assessment_reports_the_numbers_it_compared():
    part = assess(COUNTERFEIT, {2024: YearValue(amount=D(4))}, 2024).parts[0]
    assert (part.value, part.baseline, part.year_target, part.target) == (D(4), D(3), D(5), D(6))
    assert part.ratio == D("0.5")
    assert part.status == Status.BEHIND


# --- the edges of the thresholds -------------------------------------------------


def test_rate_exactly_at_095_of_expected_progress_is_on_track():
    assert status_in_2023(HUNDRED_STEP, "105") == Status.ON_TRACK


def test_rate_just_below_095_needs_acceleration():
    assert status_in_2023(HUNDRED_STEP, "104.99") == Status.ACCELERATE


def test_rate_exactly_at_060_needs_acceleration():
    assert status_in_2023(HUNDRED_STEP, "70") == Status.ACCELERATE


def test_rate_just_below_060_is_behind():
    assert status_in_2023(HUNDRED_STEP, "69.99") == Status.BEHIND


def test_rate_exactly_zero_is_behind():
    assert status_in_2023(HUNDRED_STEP, "10") == Status.BEHIND


def test_rate_just_below_zero_is_deteriorating():
    assert status_in_2023(HUNDRED_STEP, "9.99") == Status.DETERIORATING


def test_ratio_is_exact_at_the_on_track_edge():
    assert assess(HUNDRED_STEP, {2023: YearValue(amount=D(105))}, 2023).parts[0].ratio == D("0.95")


# --- lower is better ---------------------------------------------------------------


LOWER = spec("10", "4", higher_is_better=False, yearly_targets={2023: P("8")})


def test_lower_is_better_reaching_or_going_under_the_target_is_achieved():
    assert status_in_2023(LOWER, "4") == Status.ACHIEVED
    assert status_in_2023(LOWER, "3") == Status.ACHIEVED


def test_lower_is_better_meeting_the_yearly_target_is_on_track():
    assert status_in_2023(LOWER, "8") == Status.ON_TRACK


def test_lower_is_better_rising_above_the_baseline_is_deteriorating():
    assert status_in_2023(LOWER, "11") == Status.DETERIORATING


def test_lower_is_better_half_way_is_behind():
    assert status_in_2023(LOWER, "9") == Status.BEHIND


# --- target equal to baseline ---------------------------------------------------------


def test_holding_a_yearly_target_equal_to_the_baseline_is_on_track():
    indicator = spec("5", "10", yearly_targets={2022: P("5")})
    result = assess(indicator, {2022: YearValue(amount=D(5))}, 2022)
    assert result.status == Status.ON_TRACK
    assert result.parts[0].ratio is None


def test_beating_a_yearly_target_equal_to_the_baseline_is_on_track():
    indicator = spec("5", "10", yearly_targets={2022: P("5")})
    assert assess(indicator, {2022: YearValue(amount=D(6))}, 2022).status == Status.ON_TRACK


def test_falling_short_of_a_yearly_target_equal_to_the_baseline_is_deteriorating():
    indicator = spec("5", "10", yearly_targets={2022: P("5")})
    assert assess(indicator, {2022: YearValue(amount=D(4))}, 2022).status == Status.DETERIORATING


def test_final_target_equal_to_baseline_is_achieved_when_held_and_deteriorating_when_lost():
    indicator = spec("5", "5")
    assert assess(indicator, {2022: YearValue(amount=D(5))}, 2022).status == Status.ACHIEVED
    assert assess(indicator, {2022: YearValue(amount=D(4))}, 2022).status == Status.DETERIORATING


def test_yearly_target_below_the_baseline_is_judged_on_meeting_it():
    indicator = spec("10", "20", yearly_targets={2022: P("8")})
    assert assess(indicator, {2022: YearValue(amount=D(9))}, 2022).status == Status.ON_TRACK
    assert assess(indicator, {2022: YearValue(amount=D(7))}, 2022).status == Status.DETERIORATING


# --- markers ---------------------------------------------------------------------------


def test_not_started_baseline_counts_as_zero():
    indicator = spec(NOT_STARTED, "4")
    part = assess(indicator, {2022: YearValue(amount=D(1))}, 2022).parts[0]
    assert part.baseline == D(0)
    assert part.year_target == D(1)
    assert part.status == Status.ON_TRACK


def test_zero_baseline_is_scored_from_zero():
    indicator = spec("0", "4")
    result = assess(indicator, {2022: YearValue(amount=D(0))}, 2022)
    assert result.status == Status.BEHIND
    assert result.parts[0].ratio == D(0)


def test_undecided_baseline_with_a_numeric_target_is_scored_from_zero():
    # Row 29 of the plan prints baseline "/" and target 2; it must still be scored.
    indicator = spec(UNDECIDED, "2")
    part = assess(indicator, {2023: YearValue(amount=D(1))}, 2023).parts[0]
    assert part.baseline == D(0)
    assert part.year_target == D(1)
    assert part.status == Status.ON_TRACK


def test_undecided_target_is_tracked_but_the_value_is_kept():
    indicator = spec("3", UNDECIDED)
    part = assess(indicator, {2022: YearValue(amount=D(7))}, 2022).parts[0]
    assert part.status == Status.TRACKED
    assert part.value == D(7)
    assert part.target is None and part.completion is None and part.ratio is None


def test_as_business_target_is_tracked():
    indicator = spec("3", AS_BUSINESS)
    result = assess(indicator, {2022: YearValue(amount=D(7))}, 2022)
    assert result.status == Status.TRACKED
    assert result.parts[0].value == D(7)
    assert project(indicator, {2022: YearValue(amount=D(7))}, 2022).status is None


def test_undecided_yearly_target_is_tracked_for_that_year_only():
    indicator = spec("3", "6", yearly_targets={2022: P("/")})
    values = {2022: YearValue(amount=D(3)), 2023: YearValue(amount=D(3))}
    assert assess(indicator, values, 2022).status == Status.TRACKED
    assert assess(indicator, values, 2023).status == Status.BEHIND


def test_undecided_yearly_target_still_gives_completion_of_the_final_target():
    indicator = spec("3", "6", yearly_targets={2022: P("/")})
    result = assess(indicator, {2022: YearValue(amount=D(5))}, 2022)
    assert result.completion == D(2) / D(3)  # (5 − 3) / (6 − 3)
    assert result.year_completion is None


def test_a_tracked_indicator_without_a_value_is_still_missing():
    assert assess(spec("3", AS_BUSINESS), {}, 2022).status == Status.MISSING


def test_not_carried_out_counts_as_zero_and_is_not_missing():
    indicator = spec(NOT_STARTED, "2")
    result = assess(indicator, {2023: YearValue(not_carried_out=True)}, 2023)
    assert result.parts[0].value == D(0)
    assert result.status == Status.BEHIND


def test_not_carried_out_gives_zero_for_both_parts_of_a_pair():
    value = YearValue(amount=D(5), count=D(1), not_carried_out=True)
    assert (value.part(0), value.part(1)) == (D(0), D(0))


# --- yearly targets ----------------------------------------------------------------------


def test_linear_yearly_targets_of_whole_units_are_never_above_the_line():
    # 3.75, 4.5, 5.25 cases: a plan cannot ask for part of a case, nor for more than the line says.
    assert [yearly_target(COUNTERFEIT, year).amount for year in years(COUNTERFEIT)] == [D(3), D(4), D(5), D(6)]
    # Row 13 of the plan, 3 → 5 centres: its 2024 target is 4, not already the final 5.
    assert yearly_target(spec("3", "5"), 2024).amount == D(4)


def test_linear_yearly_targets_of_a_lower_is_better_indicator_are_never_below_the_line():
    assert [yearly_target(spec("6", "3", higher_is_better=False), year).amount for year in range(2022, 2026)] == [
        D(6), D(5), D(4), D(3)]


def test_linear_yearly_targets_keep_decimals_for_rates():
    assert [yearly_target(WITHDRAWAL_RATE, year).amount for year in years(WITHDRAWAL_RATE)] == [
        D("95.45"),
        D("95.63"),
        D("95.82"),
        D("96"),
    ]


def test_linear_yearly_targets_keep_decimals_for_amounts_in_wan_yuan():
    indicator = spec("2868", "6001", whole_number=(False,))
    assert yearly_target(indicator, 2022).amount == D("3651.25")


def test_linear_yearly_target_in_the_last_year_equals_the_final_target():
    assert yearly_target(COUNTERFEIT, 2025) == COUNTERFEIT.target
    assert yearly_target(PLEDGE, 2025).amount == D(6000)
    assert yearly_target(PLEDGE, 2025).count == D(10)


def test_last_year_target_is_the_final_target_exactly_even_with_four_decimals():
    indicator = spec("95.26%", "96.1234", whole_number=(False,))
    assert yearly_target(indicator, 2025).amount == D("96.1234")


def test_pair_yearly_targets_give_amount_and_count():
    target = yearly_target(PLEDGE, 2022)
    assert (target.amount, target.count) == (D(3651), D(4))
    assert str(target) == "3651/4"


def test_set_yearly_target_replaces_the_linear_one():
    indicator = spec("3", "6", yearly_targets={2022: P("5")})
    assert yearly_target(indicator, 2022).amount == D(5)
    assert yearly_target(indicator, 2023).amount == D(4)  # the line says 4.5


def test_yearly_target_of_a_marker_target_is_not_a_number():
    assert not yearly_target(spec("3", UNDECIDED), 2022).is_number
    assert yearly_target(spec("3", AS_BUSINESS), 2022).marker == AS_BUSINESS


def test_cumulative_yearly_targets_start_from_zero():
    indicator = spec("5", "2", basis="cumulative")
    assert [yearly_target(indicator, year).amount for year in years(indicator)] == [D(0), D(1), D(1), D(2)]


def test_years_run_over_the_plan_years():
    assert list(years(COUNTERFEIT)) == [2022, 2023, 2024, 2025]


# --- rates and completion ---------------------------------------------------------------


def test_rate_indicator_meeting_the_yearly_rate_is_on_track():
    assert assess(WITHDRAWAL_RATE, {2022: YearValue(amount=D("95.45"))}, 2022).status == Status.ON_TRACK


def test_rate_indicator_below_the_baseline_rate_is_deteriorating():
    assert assess(WITHDRAWAL_RATE, {2022: YearValue(amount=D("95"))}, 2022).status == Status.DETERIORATING


def test_rate_indicator_reaching_96_percent_is_achieved():
    assert assess(WITHDRAWAL_RATE, {2022: YearValue(amount=D("96.1"))}, 2022).status == Status.ACHIEVED


def test_completion_is_the_way_from_baseline_to_the_final_target_and_to_the_years_target():
    # 3 → 6; 2023's target is floor(3 + 3·2/4) = 4.  Indicator 1 of the demo read 116.7 % (7 / 6) on one
    # page and 133.3 % ((7 − 3) / (6 − 3)) on another: one measure now, the one the statuses read.
    result = assess(COUNTERFEIT, {2023: YearValue(amount=D(5))}, 2023)
    assert result.completion == D(2) / D(3)
    assert result.year_completion == D(2) == result.parts[0].ratio
    assert assess(COUNTERFEIT, {2025: YearValue(amount=D(7))}, 2025).completion == D(4) / D(3)


def test_meeting_the_years_target_is_a_full_year_completion():
    # Row 13 read 81.2 % next to a yearly 13 of 13 when completion meant the final target only.
    indicator = spec("3", "16")
    result = assess(indicator, {2024: YearValue(amount=D(12))}, 2024)  # m = floor(12.75) = 12
    assert result.year_completion == D(1) and result.completion == D(9) / D(13)


def test_a_rates_completion_is_the_share_of_the_distance_from_baseline_to_target():
    result = assess(WITHDRAWAL_RATE, {2025: YearValue(amount=D("95.9"))}, 2025)
    assert round(result.completion, 4) == D("0.8649")  # 86 % of the way, not 95.9 / 96 = 99.9 %
    assert result.year_completion == result.completion  # the last year's target is the final one


def test_a_lower_is_better_completion_is_the_share_of_the_distance_covered():
    indicator = spec("3", "0", higher_is_better=False)
    result = assess(indicator, {2025: YearValue(amount=D(1))}, 2025)
    assert round(result.completion, 4) == D("0.6667")


def test_completion_against_a_target_of_zero_is_still_the_way_from_the_baseline():
    indicator = spec("3", "0")
    result = assess(indicator, {2022: YearValue(amount=D(1))}, 2022)
    assert result.completion == D(2) / D(3)
    assert result.parts[0].target == D(0)


def test_completion_with_a_blank_baseline_is_the_figure_over_the_target():
    result = assess(spec(NOT_STARTED, "10"), {2025: YearValue(amount=D(4))}, 2025)
    assert result.completion == D("0.4") == result.year_completion


def test_a_rates_completion_is_none_when_the_target_equals_the_baseline():
    indicator = spec("95%", "95%", whole_number=(False,))
    assert assess(indicator, {2025: YearValue(amount=D(96))}, 2025).completion is None


def test_year_completion_is_none_when_the_year_target_asks_nothing_beyond_the_baseline():
    indicator = spec("3", "6", yearly_targets={2022: P("3")})
    assert assess(indicator, {2022: YearValue(amount=D(4))}, 2022).year_completion is None


# --- pairs --------------------------------------------------------------------------------


def test_pair_parts_are_assessed_separately_and_the_worse_part_wins():
    values = {2023: YearValue(amount=D(6500), count=D(3))}  # m = 4434/6
    result = assess(PLEDGE, values, 2023)
    assert [part.status for part in result.parts] == [Status.ACHIEVED, Status.BEHIND]
    assert result.status == Status.BEHIND


def test_pair_with_both_parts_on_track_is_on_track():
    result = assess(PLEDGE, {2023: YearValue(amount=D(4434), count=D(6))}, 2023)
    assert result.status == Status.ON_TRACK


def test_pair_missing_one_part_is_missing():
    result = assess(PLEDGE, {2023: YearValue(amount=D(5000))}, 2023)
    assert [part.status for part in result.parts] == [Status.ON_TRACK, Status.MISSING]
    assert result.status == Status.MISSING


def test_pair_completion_properties_give_the_amount_part():
    result = assess(PLEDGE, {2025: YearValue(amount=D(4434), count=D(6))}, 2025)
    assert result.completion == D(1566) / D(3132)  # (4434 − 2868) / (6000 − 2868) = 0.5
    assert result.parts[1].completion == D("0.5")  # (6 − 2) / (10 − 2)
    assert result.year_completion == D("0.5")


def test_pair_part_without_a_yearly_target_number_gives_way_to_the_scored_part():
    indicator = spec("2868/2", "6000/10", parts=2, whole_number=(False, True), yearly_targets={2022: P("4000")})
    result = assess(indicator, {2022: YearValue(amount=D(4000), count=D(3))}, 2022)
    assert [part.status for part in result.parts] == [Status.ON_TRACK, Status.TRACKED]
    assert result.status == Status.ON_TRACK


def test_short_whole_number_tuple_repeats_its_last_entry_for_the_count():
    indicator = spec("2868/2", "6000/10", parts=2, whole_number=(False,))
    assert yearly_target(indicator, 2022).count == D(4)


# --- cumulative basis ------------------------------------------------------------------------


def test_cumulative_basis_compares_the_running_total():
    values = {2022: YearValue(amount=D(0)), 2023: YearValue(amount=D(1))}
    part = assess(NAVIGATION, values, 2023).parts[0]
    assert part.value == D(1)
    assert part.baseline == D(0)
    assert part.status == Status.ON_TRACK


def test_cumulative_basis_running_total_reaching_the_target_is_achieved():
    values = {2022: YearValue(amount=D(1)), 2023: YearValue(amount=D(0)), 2024: YearValue(amount=D(1))}
    result = assess(NAVIGATION, values, 2024)
    assert result.parts[0].value == D(2)
    assert result.status == Status.ACHIEVED


def test_cumulative_basis_without_a_value_for_the_year_is_missing_even_with_earlier_values():
    values = {2022: YearValue(amount=D(1)), 2023: YearValue(amount=D(1))}
    result = assess(NAVIGATION, values, 2024)
    assert result.status == Status.MISSING
    assert result.parts[0].value is None


def test_cumulative_basis_ignores_a_printed_baseline():
    indicator = spec("5", "8", basis="cumulative")
    part = assess(indicator, {2022: YearValue(amount=D(2))}, 2022).parts[0]
    assert part.baseline == D(0)
    assert part.year_target == D(2)
    assert part.status == Status.ON_TRACK


def test_cumulative_basis_does_not_count_later_years():
    values = {2022: YearValue(amount=D(1)), 2023: YearValue(amount=D(1))}
    assert assess(NAVIGATION, values, 2022).parts[0].value == D(1)


# --- projection -----------------------------------------------------------------------------


def test_no_projection_without_values():
    result = project(COUNTERFEIT, {}, 2023)
    assert result.value is None
    assert result.status is None


def test_no_projection_from_a_single_value():
    result = project(COUNTERFEIT, {2022: YearValue(amount=D(4))}, 2022)
    assert result.value is None
    assert result.status is None


def test_projection_from_two_values_extends_the_line_to_the_last_year():
    values = {2022: YearValue(amount=D(3)), 2023: YearValue(amount=D(4))}
    result = project(COUNTERFEIT, values, 2023)
    assert result.value == D(6)
    assert result.status == Status.ACHIEVED


def test_projection_from_three_values_is_the_least_squares_line():
    values = {2022: YearValue(amount=D(3)), 2023: YearValue(amount=D(3)), 2024: YearValue(amount=D(4))}
    result = project(COUNTERFEIT, values, 2024)
    assert result.value == D("4.33")
    assert result.status == Status.BEHIND  # (4.33 - 3) / (6 - 3) = 0.44


def test_projection_uses_only_years_up_to_the_as_of_year():
    values = {2022: YearValue(amount=D(3)), 2023: YearValue(amount=D(4)), 2024: YearValue(amount=D(0))}
    assert project(COUNTERFEIT, values, 2023).value == D(6)


def test_projection_skips_unreported_years():
    values = {2022: YearValue(amount=D(3)), 2024: YearValue(amount=D(5))}
    assert project(COUNTERFEIT, values, 2024).value == D(6)
    assert assess(COUNTERFEIT, values, 2024).status == Status.ON_TRACK  # m = 5: (5 - 3) / (5 - 3) = 1


def test_projection_never_goes_below_zero():
    values = {2022: YearValue(amount=D(10)), 2023: YearValue(amount=D(2))}
    result = project(COUNTERFEIT, values, 2023)
    assert result.value == D(0)
    assert result.status == Status.DETERIORATING


def test_projection_needs_a_numeric_target():
    values = {2022: YearValue(amount=D(3)), 2023: YearValue(amount=D(4))}
    assert project(spec("3", UNDECIDED), values, 2023).value is None


def test_cumulative_projection_extends_the_running_total():
    values = {2022: YearValue(amount=D(1)), 2023: YearValue(amount=D(1))}
    result = project(spec("—", "5", basis="cumulative"), values, 2023)
    assert result.value == D(4)
    assert result.status == Status.ACCELERATE  # 4 / 5 = 0.8


def test_projection_of_lower_is_better_heads_down():
    values = {2022: YearValue(amount=D(9)), 2023: YearValue(amount=D(7))}
    result = project(spec("10", "4", higher_is_better=False), values, 2023)
    assert result.value == D(3)
    assert result.status == Status.ACHIEVED


def test_projection_status_of_a_pair_is_the_worse_part():
    values = {
        2022: YearValue(amount=D(3651), count=D(2)),
        2023: YearValue(amount=D(4434), count=D(2)),
    }
    result = project(PLEDGE, values, 2023)
    assert [part.status for part in result.parts] == [Status.ACHIEVED, Status.BEHIND]
    assert result.status == Status.BEHIND
    assert [part.value for part in result.parts] == [D(6000), D(2)]  # 3651 + 3 × 783; the count stays at 2


# --- severity, colours and counting -----------------------------------------------------------


def test_worst_follows_the_severity_order():
    assert worst([Status.ACHIEVED, Status.BEHIND, Status.ACCELERATE]) == Status.BEHIND
    assert worst([Status.DETERIORATING, Status.MISSING]) == Status.MISSING


def test_worst_prefers_a_scored_status_over_tracked():
    assert worst([Status.TRACKED, Status.ACHIEVED]) == Status.ACHIEVED


def test_worst_of_nothing_is_tracked():
    assert worst([]) == Status.TRACKED


def test_severity_lists_every_status_once():
    assert sorted(SEVERITY) == sorted(Status)
    assert SEVERITY[0] == Status.MISSING and SEVERITY[-1] == Status.TRACKED


def test_only_behind_and_deteriorating_are_off_track():
    assert OFF_TRACK == {Status.BEHIND, Status.DETERIORATING}


def _contrast_with_dark_text(colour):
    def luminance(hex_colour):
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    return (luminance(colour) + 0.05) / (luminance("#212529") + 0.05)


def test_every_status_has_its_own_colour_readable_with_dark_text():
    assert set(STATUS_COLOURS) == set(Status)
    assert len(set(colour.upper() for colour in STATUS_COLOURS.values())) == len(Status)
    for colour in STATUS_COLOURS.values():
        assert _contrast_with_dark_text(colour) >= 4.5


def test_count_by_status_lists_every_status_in_severity_order_with_zeros():
    results = [
        assess(COUNTERFEIT, {2022: YearValue(amount=D(4))}, 2022),
        assess(COUNTERFEIT, {2022: YearValue(amount=D(4))}, 2022),
        assess(COUNTERFEIT, {}, 2022),
    ]
    counts = count_by_status(results)
    assert list(counts) == list(SEVERITY)
    assert counts[Status.ON_TRACK] == 2
    assert counts[Status.MISSING] == 1
    assert sum(counts.values()) == 3


def test_count_by_status_of_nothing_is_all_zero():
    assert count_by_status([]) == dict.fromkeys(SEVERITY, 0)


def test_assessment_carries_the_year():
    result = assess(COUNTERFEIT, {2024: YearValue(amount=D(6))}, 2024)
    assert isinstance(result, Assessment)
    assert result.year == 2024


def test_spec_refuses_an_unknown_basis():
    with pytest.raises(ValueError):
        spec("3", "6", basis="monthly")


def test_no_projection_once_the_last_year_is_reported():
    # The indicator page said “2025 expected at 12.7” next to the real 13.
    values = {2022: YearValue(amount=D(4)), 2023: YearValue(amount=D(5)), 2025: YearValue(amount=D(13))}
    assert project(COUNTERFEIT, values, 2023).value is None
    assert project(COUNTERFEIT, values, 2025).value is None
    assert project(COUNTERFEIT, {2022: values[2022], 2023: values[2023]}, 2023).value is not None


# --- a yearly target on a row whose target is "/" (注3) --------------------------------------


def test_a_yearly_target_set_on_an_undecided_row_is_scored_that_year():
    indicator = spec("3", UNDECIDED, yearly_targets={2023: P("5")})
    part = assess(indicator, {2023: YearValue(amount=D(4))}, 2023).parts[0]
    assert (part.status, part.ratio, part.year_target, part.baseline) == (Status.BEHIND, D("0.5"), D(5), D(3))
    assert assess(indicator, {2023: YearValue(amount=D(5))}, 2023).status == Status.ACHIEVED  # the year's target met
    assert assess(indicator, {2024: YearValue(amount=D(9))}, 2024).status == Status.TRACKED  # other years: not scored

"""How far each indicator has come: the progress rules (docs/design.md, "Progress and status") as pure functions.

For one part in the as-of year y (a actual, b baseline, T final target, m that year's target):
missing (no value for y, checked first) · tracked (T or m not a number) · achieved (a reaches T) ·
else R = (a − b) / (m − b): ≥ 0.95 on_track, ≥ 0.60 accelerate, ≥ 0 behind, < 0 deteriorating.
When m asks for no progress over b, the year is on_track if a meets m, else deteriorating (R None).
Baseline markers count as 0 (row 29's ``/`` baseline must still be scored); with
``TargetBasis.CUMULATIVE`` a is the running total of the plan years up to y and b is 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from .formatting import percents, rounded, with_unit
from .formatting import pair as format_pair
from .values import AS_BUSINESS, UNDECIDED, PrintedValue

ON_TRACK_RATIO = Decimal("0.95")
ACCELERATE_RATIO = Decimal("0.60")
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


class Status(models.TextChoices):
    ACHIEVED = "achieved", _("Achieved")  # 已达标
    ON_TRACK = "on_track", _("On track")  # 正常
    ACCELERATE = "accelerate", _("Needs acceleration")  # 需加快
    BEHIND = "behind", _("Behind")  # 滞后
    DETERIORATING = "deteriorating", _("Deteriorating")  # 倒退
    MISSING = "missing", _("Not reported")  # 未填报
    TRACKED = "tracked", _("Not scored")  # 不考核


class TargetBasis(models.TextChoices):
    YEAR = "year", _("Each year against that year's target")
    CUMULATIVE = "cumulative", _("Running total over the plan years")


# Worst first.  Tracked is last so that a scored part always decides a pair.
SEVERITY = (Status.MISSING, Status.DETERIORATING, Status.BEHIND, Status.ACCELERATE, Status.ON_TRACK, Status.ACHIEVED,
            Status.TRACKED)
_RANK = {status: rank for rank, status in enumerate(SEVERITY)}

# These need a written note before a report can be submitted.
OFF_TRACK = frozenset({Status.BEHIND, Status.DETERIORATING})

# Paul Tol's "light" scheme: told apart under the common colour-vision deficiencies, dark text readable
# on each; "not reported" (light blue) never looks like "not scored" (grey).  The word is always shown.
STATUS_COLOURS: dict[Status, str] = {
    Status.ACHIEVED: "#44BB99",
    Status.ON_TRACK: "#99DDFF",
    Status.ACCELERATE: "#EEDD88",
    Status.BEHIND: "#EE8866",
    Status.DETERIORATING: "#FFAABB",
    Status.MISSING: "#77AADD",
    Status.TRACKED: "#E8E8E8",
}


def worst(statuses: Iterable[Status]) -> Status:
    """The most severe status; nothing to judge gives ``TRACKED`` (not scored)."""
    return min(statuses, key=_RANK.__getitem__, default=Status.TRACKED)


@dataclass(frozen=True)
class IndicatorSpec:
    baseline_year: int
    first_year: int
    last_year: int
    baseline: PrintedValue
    target: PrintedValue
    parts: int = 1  # 2 for pairs such as 2868/2 (amount, count)
    whole_number: tuple[bool, ...] = (True,)  # per part; a short tuple repeats its last entry
    basis: str = TargetBasis.YEAR
    higher_is_better: bool = True
    yearly_targets: Mapping[int, PrintedValue] = field(default_factory=dict)  # only years set by an administrator

    def __post_init__(self):
        if self.parts not in (1, 2):
            raise ValueError("parts must be 1 or 2")
        if self.basis not in (TargetBasis.YEAR, TargetBasis.CUMULATIVE):
            raise ValueError(f"basis must be one of {TargetBasis.values}")
        if not self.baseline_year < self.first_year <= self.last_year:
            raise ValueError("need baseline_year < first_year <= last_year")

    def is_whole(self, index: int) -> bool:
        return self.whole_number[min(index, len(self.whole_number) - 1)] if self.whole_number else True

    def baseline_part(self, index: int) -> Decimal:
        """b for one part: 0 for cumulative basis and for any baseline marker."""
        if self.basis == TargetBasis.CUMULATIVE or not self.baseline.is_number:
            return Decimal(0)
        return self.baseline.part(index) or Decimal(0)

    def target_part(self, index: int) -> Decimal | None:
        return self.target.part(index) if self.target.is_number else None


def figure_part(amount: Decimal | None, count: Decimal | None, not_carried_out: bool, index: int) -> Decimal | None:
    """One part of a reported figure as the rules read it: 未开展 is a 0, a blank is None (not reported)."""
    if not_carried_out:
        return Decimal(0)
    return amount if index == 0 else count


@dataclass(frozen=True)
class YearValue:
    """One year's figure; the rules read a figure only through ``part(index)``, so an ``Actual`` serves too."""

    amount: Decimal | None = None
    count: Decimal | None = None
    not_carried_out: bool = False  # 未开展: reported as not done, so it is a 0, not a gap

    def part(self, index: int) -> Decimal | None:
        return figure_part(self.amount, self.count, self.not_carried_out, index)


def years(spec: IndicatorSpec) -> range:
    return range(spec.first_year, spec.last_year + 1)


def yearly_target(spec: IndicatorSpec, year: int) -> PrintedValue:
    """m for ``year``: the administrator's value if set, else a straight line from b to T (T from the last year on).

    Whole-number units are rounded so the target is never above the line (below it when lower is
    better): a plan cannot ask for 3.75 cases.  Amounts and rates keep two decimals.
    """
    if year in spec.yearly_targets:
        return spec.yearly_targets[year]
    if not spec.target.is_number:
        marker = spec.target.marker if spec.target.marker == AS_BUSINESS else UNDECIDED
        return PrintedValue(marker=marker, text=marker)
    if year >= spec.last_year:
        return spec.target
    step = Decimal(year - spec.baseline_year) / Decimal(spec.last_year - spec.baseline_year)
    numbers = [None, None]
    for index in range(spec.parts):
        target = spec.target_part(index)
        if target is None:
            continue
        base = spec.baseline_part(index)
        value = base + (target - base) * step
        if spec.is_whole(index):
            numbers[index] = value.to_integral_value(rounding=ROUND_FLOOR if spec.higher_is_better else ROUND_CEILING)
        else:
            numbers[index] = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return PrintedValue(amount=numbers[0], count=numbers[1], text=format_pair(numbers[0], numbers[1]))


@dataclass(frozen=True)
class PartAssessment:
    status: Status
    value: Decimal | None  # a compared (running total for cumulative basis)
    baseline: Decimal | None  # b used; None when the part has no numeric target
    year_target: Decimal | None  # m
    target: Decimal | None  # T
    ratio: Decimal | None  # R; None unless m asks for progress over b and a is known
    completion: Decimal | None  # 目标完成率: (a − b) / (T − b)
    year_completion: Decimal | None  # 年度完成率: (a − b) / (m − b)


@dataclass(frozen=True)
class Assessment:
    year: int
    status: Status
    parts: tuple[PartAssessment, ...]

    @property
    def completion(self) -> Decimal | None:
        return self.parts[0].completion

    @property
    def year_completion(self) -> Decimal | None:
        return self.parts[0].year_completion


@dataclass(frozen=True)
class PartProjection:
    value: Decimal | None  # the fitted line read at the last plan year; None with fewer than two values
    status: Status | None  # what that value would be judged at the end of the plan


@dataclass(frozen=True)
class Projection:
    year: int
    parts: tuple[PartProjection, ...]
    status: Status | None  # the worse part's; None when no part can be projected

    @property
    def value(self) -> Decimal | None:
        return self.parts[0].value


def meets(value: Decimal, goal: Decimal, higher_is_better: bool) -> bool:
    return value >= goal if higher_is_better else value <= goal


def _judge(a, b, m, t, higher_is_better) -> tuple[Status, Decimal | None]:
    """Status and R for a scored part (all four numbers known)."""
    ratio = None if meets(b, m, higher_is_better) else completion(a, b, m)  # R only when m asks for progress
    if meets(a, t, higher_is_better):
        return Status.ACHIEVED, ratio
    if ratio is None:  # m == b, or m no better than b: meeting m is all that is asked
        return (Status.ON_TRACK if meets(a, m, higher_is_better) else Status.DETERIORATING), None
    if ratio >= ON_TRACK_RATIO:
        return Status.ON_TRACK, ratio
    if ratio >= ACCELERATE_RATIO:
        return Status.ACCELERATE, ratio
    return (Status.BEHIND if ratio >= 0 else Status.DETERIORATING), ratio


def _compared_values(spec: IndicatorSpec, values, year: int, index: int) -> dict[int, Decimal]:
    """Reported values per plan year ≤ ``year``; running totals for cumulative basis."""
    found, total = {}, Decimal(0)
    for plan_year in range(spec.first_year, min(year, spec.last_year) + 1):
        entry = values.get(plan_year)
        value = entry.part(index) if entry is not None else None
        if value is None:
            continue
        total += value
        found[plan_year] = total if spec.basis == TargetBasis.CUMULATIVE else value
    return found


def _fit(points: dict[int, Decimal]):
    """The least-squares line through (year, value) as a function of the year, never below 0; None under two points."""
    if len(points) < 2:
        return None
    xs = [Decimal(x) for x in points]
    ys = list(points.values())
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / sum((x - mean_x) ** 2 for x in xs)
    return lambda year: max(mean_y + slope * (Decimal(year) - mean_x), Decimal(0))


def completion(a: Decimal | None, b: Decimal | None, goal: Decimal | None) -> Decimal | None:
    """(a − b) / (goal − b): R against that year's target (年度完成率), 目标完成率 against the final one.

    None when a part is missing or the goal asks for no way from the baseline.
    """
    if a is None or b is None or goal is None or goal == b:
        return None
    return (a - b) / (goal - b)


def _assess_part(spec, values, year, index, year_target: PrintedValue) -> PartAssessment:
    target = spec.target_part(index)
    m = year_target.part(index) if year_target.is_number else None
    # Only the as-of year decides "missing": earlier gaps just add nothing to a total.
    a = _compared_values(spec, values, year, index).get(year)
    # A yearly target an administrator set on a row whose final target is "/" (注3) is scored too.
    b = spec.baseline_part(index) if (target is not None or m is not None) else None
    ratio = None
    if a is None:
        status = Status.MISSING
    elif m is None:
        status = Status.TRACKED
    else:  # without a final target the year is judged against its own target alone
        status, ratio = _judge(a, b, m, target if target is not None else m, spec.higher_is_better)
    return PartAssessment(status, a, b, m, target, ratio, completion(a, b, target), completion(a, b, m))


def assess(spec: IndicatorSpec, values: Mapping[int, YearValue | None], year: int, *, year_target: PrintedValue | None = None) -> Assessment:
    """Every part of one indicator as of ``year``, the worse part setting the status; ``year_target``: when known already."""
    target_this_year = yearly_target(spec, year) if year_target is None else year_target
    parts = tuple(_assess_part(spec, values, year, index, target_this_year) for index in range(spec.parts))
    return Assessment(year=year, status=worst(part.status for part in parts), parts=parts)


def _project_part(spec: IndicatorSpec, values, year: int, index: int) -> PartProjection:
    target = spec.target_part(index)
    last = values.get(spec.last_year)
    if target is None or (last is not None and last.part(index) is not None):
        return PartProjection(value=None, status=None)  # nothing to head for, or nothing left to project
    line = _fit(_compared_values(spec, values, year, index))
    if line is None:
        return PartProjection(value=None, status=None)
    value = line(spec.last_year).quantize(CENT, rounding=ROUND_HALF_UP)
    # At the end of the plan that year's target is the final target.
    return PartProjection(value=value, status=_judge(value, spec.baseline_part(index), target, target, spec.higher_is_better)[0])


def project(spec: IndicatorSpec, values: Mapping[int, YearValue | None], year: int) -> Projection:
    """Where the values up to ``year`` lead by the last plan year: a least-squares line (two reported years
    and a numeric target needed, never below 0), judged against the final target."""
    parts = tuple(_project_part(spec, values, year, index) for index in range(spec.parts))
    statuses = [part.status for part in parts if part.status is not None]
    return Projection(year=year, parts=parts, status=worst(statuses) if statuses else None)


def count_by_status(assessments: Iterable[Assessment | Status]) -> dict[Status, int]:
    """How many indicators are in each status, every status present, worst first."""
    counts = dict.fromkeys(SEVERITY, 0)
    for item in assessments:
        counts[Status(getattr(item, "status", item))] += 1
    return counts


# ---- the next plan's targets (docs/design.md, "Setting the next plan's targets") ----------------


class Rule(models.TextChoices):
    TREND = "trend", _("Trend carried on")  # 趋势外推
    GROWTH = "growth", _("Average growth")  # 年均增长
    PACE = "pace", _("Old target's pace")  # 原目标进度


NO_PROPOSAL = _("The old plan set no numeric target and there is nothing to compute from: the administrator decides this target.")
WORDS = {  # (rule, cumulative basis): the rule in words; (rule, None): why it is not offered
    (Rule.TREND, False): _("Least-squares trend of the yearly figures of %(first)s–%(last)s (%(reported)s years), read at %(new_last)s."),
    (Rule.TREND, True): _("Least-squares trend of the yearly figures of %(first)s–%(last)s (%(reported)s years), summed over %(new_first)s–%(new_last)s."),
    (Rule.TREND, None): _("No trend: fewer than two years reported."),
    (Rule.GROWTH, False): _("Average yearly growth of %(rate)s from the %(base)s baseline to %(last)s, carried on to %(new_last)s."),
    (Rule.GROWTH, True): _("Average yearly growth of %(rate)s from the %(base)s baseline to %(last)s, carried on over %(new_first)s–%(new_last)s and summed."),
    (Rule.GROWTH, None): _("No average growth: it needs a baseline above 0 (not 0, “—” or “/”) and a reported year."),
    (Rule.PACE, False): _("The old plan's pace: %(step)s more a year (from %(baseline)s to %(target)s over %(years)s years), continued to %(new_last)s."),
    (Rule.PACE, True): _("The old plan's pace: %(target)s over its %(years)s years is %(step)s a year, for the %(count)s years %(new_first)s–%(new_last)s."),
    (Rule.PACE, None): _("No pace: the old plan set no numeric target."),
}  # fmt: skip


@dataclass(frozen=True)
class Proposal:
    """A proposed final target for the next plan: one number per part (None: not offered), the text to type
    (``2868/2``, ``96.93%``) and the rule in words (or why it is not offered)."""

    rule: str
    values: tuple[Decimal, ...] | None
    text: str
    words: str

    offered = property(lambda self: self.values is not None)
    label = property(lambda self: Rule(self.rule).label)


def _rule_path(rule: Rule, spec: IndicatorSpec, points: dict[int, Decimal], index: int):
    """(the yearly path ``rule`` gives one part, the growth rate or step its words name); None when it cannot apply."""
    if rule == Rule.TREND:
        line = _fit(points)
        return None if line is None else (line, None)
    if rule == Rule.GROWTH:  # from the baseline to the last reported figure
        first = spec.baseline.part(index) if spec.baseline.is_number else None
        if not first or not points:
            return None
        last = max(points)
        rate = (points[last] / first) ** (Decimal(1) / (last - spec.baseline_year)) - 1
        return (lambda year: points[last] * (1 + rate) ** (year - last)), rate
    target = spec.target_part(index)
    if target is None:
        return None
    if spec.basis == TargetBasis.CUMULATIVE:  # the target spread evenly over the old plan's years
        step = target / len(years(spec))
        return (lambda year: step), step
    step = (target - spec.baseline_part(index)) / (spec.last_year - spec.baseline_year)
    return (lambda year: target + step * (year - spec.last_year)), step


def target_proposals(spec: IndicatorSpec, values: Mapping[int, YearValue | None], new_first_year: int, new_last_year: int,
                     *, whole_number: tuple[bool, ...], rate: bool = False) -> list[Proposal]:
    """One proposal per ``Rule`` for the next plan's final target, from the old plan's reported years (未开展 is 0).

    Each rule's yearly path is read at ``new_last_year`` (summed over the new years for cumulative indicators),
    never below 0, whole where ``whole_number`` says so (else two decimals), a rate at most 100.
    """
    cumulative = spec.basis == TargetBasis.CUMULATIVE
    new_years = range(new_first_year, new_last_year + 1)
    points = [_compared_values(replace(spec, basis=TargetBasis.YEAR), values, spec.last_year, i) for i in range(spec.parts)]
    reported = sorted(points[0]) or [None]
    found = []
    for rule in Rule:
        paths = [_rule_path(rule, spec, part, index) for index, part in enumerate(points)]
        if not all(paths):
            found.append(Proposal(rule, None, "", str(WORDS[rule, None])))
            continue
        raw = [sum((path(y) for y in new_years), Decimal(0)) if cumulative else path(new_last_year) for path, _ in paths]
        whole = [whole_number[min(index, len(whole_number) - 1)] for index in range(len(raw))]
        numbers = tuple(max(v, Decimal(0)).quantize(Decimal(1) if w else CENT, rounding=ROUND_HALF_UP) for v, w in zip(raw, whole))
        words = WORDS[rule, cumulative] % {
            "first": reported[0], "last": reported[-1], "reported": len(points[0]), "base": spec.baseline_year,
            "rate": percents(detail for _, detail in paths), "step": _pair([rounded(d or 0) for _, d in paths]),
            "baseline": _pair([spec.baseline_part(i) for i in range(spec.parts)]), "target": _pair([spec.target_part(i) for i in range(spec.parts)]),
            "years": len(years(spec)) if cumulative else spec.last_year - spec.baseline_year,
            "new_first": new_first_year, "new_last": new_last_year, "count": len(new_years),
        }  # fmt: skip
        if rate and numbers[0] > HUNDRED:
            numbers, words = (HUNDRED,), _("%(sentence)s %(more)s") % {"sentence": words, "more": _("A rate is at most 100.")}
        found.append(Proposal(rule, numbers, with_unit(numbers[0], "%") if rate else _pair(numbers), str(words)))
    return found


def _pair(numbers) -> str:
    return format_pair(numbers[0], numbers[1] if len(numbers) > 1 else None)

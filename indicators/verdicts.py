"""The final assessment (终期评估) of a plan after its last year, as pure functions on plain values.

For each part (a the final value, b the baseline with markers as 0, T the final target):
未填报 missing — no figure for the last year; 不考核 tracked — no numeric target, unless an administrator
set one for the last year (then that is T); 已完成 completed — a reaches T; 基本完成 mostly — at least
``FINAL_MOSTLY_COMPLETED_SHARE`` (0.90) of the way from b to T; 未完成 not completed otherwise.
The final value is the last year's figure, or the plan-period total (b = 0) for cumulative indicators.
A pair takes the worse verdict of its parts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from indicators.progress import IndicatorSpec, TargetBasis, YearValue, completion, meets, yearly_target


class Verdict(models.TextChoices):
    COMPLETED = "completed", _("Completed")  # 已完成
    MOSTLY = "mostly", _("Mostly completed")  # 基本完成
    NOT_COMPLETED = "not_completed", _("Not completed")  # 未完成
    MISSING = "missing", _("Not reported")  # 未填报
    TRACKED = "tracked", _("Not scored")  # 不考核


# Worst first; not scored last so that a scored part decides a pair.
VERDICT_ORDER = (Verdict.MISSING, Verdict.NOT_COMPLETED, Verdict.MOSTLY, Verdict.COMPLETED, Verdict.TRACKED)
_RANK = {verdict: rank for rank, verdict in enumerate(VERDICT_ORDER)}

# Each verdict takes the colour of the status it resembles (progress.STATUS_COLOURS).
VERDICT_STATUS = {Verdict.COMPLETED: "achieved", Verdict.MOSTLY: "accelerate", Verdict.NOT_COMPLETED: "behind",
                  Verdict.MISSING: "missing", Verdict.TRACKED: "tracked"}


def mostly_share() -> Decimal:
    return Decimal(str(getattr(settings, "FINAL_MOSTLY_COMPLETED_SHARE", "0.90")))


@dataclass(frozen=True)
class PartVerdict:
    verdict: Verdict
    final_value: Decimal | None  # last year's figure, or the plan-period total when compared cumulatively
    period_total: Decimal | None  # the sum of every reported plan year (shown for yearly flows too)
    baseline: Decimal | None
    target: Decimal | None
    share: Decimal | None  # progress.completion of the final value: its 目标完成率


@dataclass(frozen=True)
class FinalVerdict:
    verdict: Verdict
    parts: tuple[PartVerdict, ...]

    @property
    def share(self) -> Decimal | None:
        return self.parts[0].share


def _part(spec: IndicatorSpec, values: Mapping[int, YearValue | None], index: int, threshold: Decimal) -> PartVerdict:
    reported = [
        entry.part(index)
        for year in range(spec.first_year, spec.last_year + 1)
        if (entry := values.get(year)) is not None and entry.part(index) is not None
    ]
    total = sum(reported, Decimal(0)) if reported else None
    last = values.get(spec.last_year)
    last_value = last.part(index) if last is not None else None
    cumulative = spec.basis == TargetBasis.CUMULATIVE
    final_value = (total if last_value is not None else None) if cumulative else last_value
    target = spec.target_part(index)
    if target is None:
        last_target = yearly_target(spec, spec.last_year)
        target = last_target.part(index) if last_target.is_number else None
    baseline = spec.baseline_part(index) if target is not None else None
    share = completion(final_value, baseline, target)
    if final_value is None:
        verdict = Verdict.MISSING
    elif target is None:
        verdict = Verdict.TRACKED
    elif meets(final_value, target, spec.higher_is_better):
        verdict = Verdict.COMPLETED
    elif share is not None and share >= threshold:
        verdict = Verdict.MOSTLY
    else:
        verdict = Verdict.NOT_COMPLETED
    return PartVerdict(verdict, final_value, total, baseline, target, share)


def final_verdict(spec: IndicatorSpec, values: Mapping[int, YearValue | None], *, threshold: Decimal | None = None) -> FinalVerdict:
    """The verdict of one indicator over its whole plan; ``values`` are the visible figures by year."""
    threshold = mostly_share() if threshold is None else threshold
    parts = tuple(_part(spec, values, index, threshold) for index in range(spec.parts))
    return FinalVerdict(verdict=min((p.verdict for p in parts), key=_RANK.__getitem__), parts=parts)


@dataclass
class VerdictSummary:
    """Verdicts counted, every verdict present, worst first; ``share``: 已完成 over the scored (all but 不考核)."""

    counts: dict[Verdict, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def scored(self) -> int:
        return self.total - self.counts[Verdict.TRACKED]

    @property
    def share(self) -> Decimal | None:
        return Decimal(self.counts[Verdict.COMPLETED]) / self.scored if self.scored else None


def summarise(verdicts: Iterable[FinalVerdict | Verdict]) -> VerdictSummary:
    counts = dict.fromkeys(VERDICT_ORDER, 0)
    for item in verdicts:
        counts[Verdict(getattr(item, "verdict", item))] += 1
    return VerdictSummary(counts)

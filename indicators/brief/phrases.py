"""The brief's recurring phrases: counts, changes, shares, figures with units, gaps.

The brief is a Chinese document whatever the request's language (like the workbook), so its
words are literals or the labels in Simplified Chinese (``excel.sheets.chinese_labels``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

from indicators import formatting
from indicators import values as V
from indicators.excel.final_sheet import verdict_words
from indicators.excel.sheets import NOT_CARRIED_OUT, PENDING, status_words
from indicators.verdicts import VERDICT_ORDER, Verdict
from indicators.models import Plan
from indicators.progress import SEVERITY, Status, TargetBasis
from indicators.rows import IndicatorRow

# The order a reader expects: the good news first, 不考核 last (progress.SEVERITY is worst first).
STATUS_READING_ORDER = (Status.ACHIEVED, Status.ON_TRACK, Status.ACCELERATE, Status.BEHIND, Status.DETERIORATING, Status.MISSING, Status.TRACKED)
VERDICT_READING_ORDER = (Verdict.COMPLETED, Verdict.MOSTLY, Verdict.NOT_COMPLETED, Verdict.MISSING, Verdict.TRACKED)
ON_TRACK = (Status.ACHIEVED, Status.ON_TRACK)  # 进度符合要求
assert set(STATUS_READING_ORDER) == set(SEVERITY) and set(VERDICT_READING_ORDER) == set(VERDICT_ORDER)


def words() -> dict:
    """Status and verdict words in Chinese, looked up once per brief."""
    return {**status_words(), **verdict_words()}


SHORT_NAME = "《方案》"  # how the brief refers to the plan after naming it in full


def plan_reference(plan: Plan) -> str:
    """The plan named in full, once, at the brief's start; ``SHORT_NAME`` after that."""
    return f"《{plan.title}》（{plan.code}，以下简称{SHORT_NAME}）"


def counted(counts: Mapping, order: Iterable, labels: Mapping, *, skip_zero: bool = False, changes: Mapping | None = None) -> str:
    """“已达标5项、正常3项……”; with ``changes`` each count says how it moved: “（较上年增加2项）”."""
    parts = []
    for key in order:
        if skip_zero and not counts[key]:
            continue
        text = f"{labels[key]}{counts[key]}项"
        if changes is not None:
            text += f"（{change(counts[key], changes[key])}）"
        parts.append(text)
    return "、".join(parts)


def change(now: int, before: int) -> str:
    if now > before:
        return f"较上年增加{now - before}项"
    if now < before:
        return f"较上年减少{before - now}项"
    return "与上年持平"


def share(part: int, whole: int) -> Decimal | None:
    return Decimal(part) / Decimal(whole) if whole else None


from indicators.formatting import percent  # noqa: E402  (the one way a share is written)


def points_change(now: Decimal | None, before: Decimal | None) -> str:
    """How a share moved, in percentage points (百分点)."""
    if now is None or before is None:
        return ""
    difference = ((now - before) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if difference > 0:
        return f"，较上年提高{difference}个百分点"
    if difference < 0:
        return f"，较上年下降{-difference}个百分点"
    return "，与上年持平"


def _number(value: Decimal, unit: str) -> str:
    return f"{formatting.number(value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP))}{unit}"


def with_units(numbers: Iterable[Decimal | None], units: Iterable[str]) -> str:
    """Each part with its unit, joined as prose: “5000万元、8笔”, “95.5%”, “3件”."""
    return "、".join(_number(number, unit) for number, unit in zip(numbers, units) if number is not None)


def cumulative(row: IndicatorRow) -> bool:
    return row.spec.basis == TargetBasis.CUMULATIVE


def figure(row: IndicatorRow, year: int) -> str:
    """What was reported for ``year``: “2024年为3件（待审核）”, “截至2024年累计2个”, “2024年未开展”."""
    cell = row.cells[year]
    pending = PENDING if cell.pending else ""
    if not cell.reported:
        return f"{year}年未填报"
    if cumulative(row):
        totals = [part.value for part in cell.assessment.parts]
        return f"截至{year}年累计{with_units(totals, row.indicator.units)}{pending}"
    if cell.actual.not_carried_out:
        return f"{year}年{NOT_CARRIED_OUT}{pending}"
    return f"{year}年为{with_units((cell.actual.value, cell.actual.second_value), row.indicator.units)}{pending}"


def year_target(row: IndicatorRow, year: int) -> str:
    """That year's target: “年度目标4件”, “年度目标累计3个”."""
    targets = [part.year_target for part in row.cells[year].assessment.parts]
    return ("年度目标累计" if cumulative(row) else "年度目标") + with_units(targets, row.indicator.units)


def gap(missing: Decimal, unit: str) -> str:
    """How much is missing, in the indicator's unit (a rate's gap is in percentage points)."""
    if unit == "%":
        return f"{_number(missing, '')}个百分点"
    return _number(missing, unit)


def year_gaps(row: IndicatorRow, year: int) -> list[str]:
    """Per part below that year's target: what is missing to reach it (“700万元”, “2笔”)."""
    found = []
    for part, unit in zip(row.cells[year].assessment.parts, row.indicator.units):
        if part.value is None or part.year_target is None:
            continue
        missing = part.year_target - part.value if row.spec.higher_is_better else part.value - part.year_target
        if missing > 0:
            found.append(gap(missing, unit))
    return found


def note(row: IndicatorRow, year: int) -> str:
    """The department's own note of ``year``, quoted, or that there is none."""
    actual = row.cells[year].actual
    # Quoted inside a sentence: the note's own closing punctuation would double the brief's.
    text = actual.note.strip().rstrip("。.；;，,、 ") if actual is not None else ""
    return f"部门说明：“{text}”" if text else "部门未作说明"

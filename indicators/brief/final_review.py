"""The sections of the final-assessment brief (终期评估), after the plan's last year.

Each indicator's verdict is ``rows.final.verdict_of(row)`` (``final.final_verdict`` on the values
the row shows), counted by ``final.summarise`` overall and per
lead department: the same rules and numbers as anywhere else the final assessment is shown.
Until the plan is closed the whole brief is a 预评估 (pre-assessment).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from indicators.brief import phrases as P
from indicators.brief.annual import reporting
from indicators.brief.gongwen import Section, chinese_number
from indicators.verdicts import FinalVerdict, Verdict, VerdictSummary, summarise
from indicators.models import Plan
from indicators.rows import DepartmentSummary, IndicatorRow

SHORT_OF = (Verdict.NOT_COMPLETED, Verdict.MISSING)  # what 存在问题 lists


@dataclass
class FinalFacts:
    plan: Plan
    rows: list[IndicatorRow]  # as of the plan's last year
    verdicts: list[FinalVerdict]  # one per row, in the same order
    summaries: list[DepartmentSummary]  # the last year's reporting, per lead department
    today: date
    words: dict

    @property
    def year(self) -> int:
        return self.plan.last_year

    @property
    def preliminary(self) -> bool:
        return not self.plan.is_closed

    @property
    def name(self) -> str:
        return "预评估" if self.preliminary else "终期评估"

    def summary(self, department_id: int | None = None) -> VerdictSummary:
        return summarise(
            verdict for row, verdict in zip(self.rows, self.verdicts, strict=True)
            if department_id is None or row.lead_department.pk == department_id
        )

    def short_of(self):
        return [(row, verdict) for row, verdict in zip(self.rows, self.verdicts, strict=True) if verdict.verdict in SHORT_OF]


def final_figure(row: IndicatorRow, verdict: FinalVerdict) -> str:
    """“终期值8件，目标值10件，达到目标进度的66.7%”; a missing last year says so."""
    if verdict.verdict == Verdict.MISSING:
        return f"未填报{row.spec.last_year}年数据"
    units = row.indicator.units
    finals = [part.final_value for part in verdict.parts]
    targets = [part.target for part in verdict.parts]
    label = "累计终期值" if P.cumulative(row) else "终期值"
    text = f"{label}{P.with_units(finals, units)}"
    if any(target is not None for target in targets):
        text += f"，目标值{P.with_units(targets, units)}"
    if verdict.share is not None:
        text += f"，达到目标进度的{P.percent(verdict.share)}"
    return text


def final_gaps(row: IndicatorRow, verdict: FinalVerdict) -> list[str]:
    found = []
    for part, unit in zip(verdict.parts, row.indicator.units):
        if part.final_value is None or part.target is None:
            continue
        missing = part.target - part.final_value if row.spec.higher_is_better else part.final_value - part.target
        if missing > 0:
            found.append(P.gap(missing, unit))
    return found


def overview(facts: FinalFacts) -> Section:
    section = Section("一、总体情况")
    summary = facts.summary()
    section.add(
        f"{P.SHORT_NAME}确定的{summary.total}项量化指标，实施期为{facts.plan.first_year}—{facts.year}年。"
        f"经{facts.name}，{P.counted(summary.counts, P.VERDICT_READING_ORDER, facts.words)}；"
        f"完成率（已完成项数占纳入考核的{summary.scored}项的比例）为{P.percent(summary.share)}。"
    )
    if facts.preliminary:
        section.add("方案尚未收官，本通报为预评估，评估结果以方案收官时审核确认的数据为准。")
    section.add(reporting(facts.summaries, facts.year, facts.today))
    return section


def _by_department(pairs):
    found: dict[int, list] = {}
    for row, verdict in pairs:
        found.setdefault(row.lead_department.pk, []).append((row, verdict))
    return found


def _names(pairs) -> str:
    return "、".join(row.indicator.name for row, _verdict in pairs)


def departments(facts: FinalFacts) -> Section:
    section = Section("二、各部门情况")
    listed = facts.short_of()
    not_completed = _by_department((row, v) for row, v in listed if v.verdict == Verdict.NOT_COMPLETED)
    missing = _by_department((row, v) for row, v in listed if v.verdict == Verdict.MISSING)
    for number, department in enumerate(facts.summaries, start=1):
        pk = department.department.pk
        summary = facts.summary(pk)
        text = f"牵头指标{summary.total}项，{P.counted(summary.counts, P.VERDICT_READING_ORDER, facts.words, skip_zero=True)}"
        text += f"，完成率{P.percent(summary.share)}。" if summary.scored else "，均不考核。"
        details = [
            f"{row.indicator.name}{final_figure(row, verdict)}，{facts.words[verdict.verdict]}，{P.note(row, facts.year)}"
            for row, verdict in not_completed.get(pk, [])
        ]
        if pk in missing:
            details.append(f"{_names(missing[pk])}未填报{facts.year}年数据")
        text += ("其中，" + "；".join(details) + "。") if details else "无未完成、未填报指标。"
        section.add(text, lead=f"（{chinese_number(number)}）{department.department.name}。")
    return section


def problems(facts: FinalFacts) -> Section:
    """未完成 indicators one by one; 未填报 ones per department (after the deadline, they are its overdue ones)."""
    section = Section("三、存在问题")
    listed = facts.short_of()
    if not listed:
        section.add("纳入考核的指标均已完成或基本完成，无未填报指标。")
        return section
    number = 0
    for row, verdict in listed:
        if verdict.verdict == Verdict.NOT_COMPLETED:
            number += 1
            section.add(f"{number}.{row.indicator.name}（{row.lead_department.name}）未完成：{final_figure(row, verdict)}。")
    missing = _by_department((row, v) for row, v in listed if v.verdict == Verdict.MISSING)
    for department in facts.summaries:
        pairs = missing.get(department.department.pk)
        if pairs:
            number += 1
            late = "，填报截止日期已过" if department.past_deadline else ""
            section.add(f"{number}.{department.department.name}有{len(pairs)}项指标未填报{facts.year}年数据{late}：{_names(pairs)}。")
    return section


def next_steps(facts: FinalFacts) -> Section:
    section = Section("四、下一步工作")
    listed = facts.short_of()
    if not listed and not facts.preliminary:
        section.add("请各牵头部门总结方案实施经验，做好与新一轮方案的衔接。")
        return section
    number = 0
    for row, verdict in listed:
        if verdict.verdict == Verdict.NOT_COMPLETED:
            number += 1
            gaps = final_gaps(row, verdict)
            missing = f"距目标值尚差{'、'.join(gaps)}" if gaps else "未达到目标值"
            section.add(f"{number}.{row.lead_department.name}：{row.indicator.name}{missing}，分析原因并在新一轮方案中接续推进。")
    missing = _by_department((row, v) for row, v in listed if v.verdict == Verdict.MISSING)
    for department in facts.summaries:
        pairs = missing.get(department.department.pk)
        if pairs:
            number += 1
            section.add(f"{number}.{department.department.name}：尽快补报{_names(pairs)}共{len(pairs)}项指标的{facts.year}年数据。")
    if facts.preliminary:
        number += 1
        section.add(f"{number}.各牵头部门和审核部门：方案收官前完成{facts.year}年度数据的提交和审核，以便出具终期评估结论。")
    return section


def sections(facts: FinalFacts) -> list[Section]:
    return [overview(facts), departments(facts), problems(facts), next_steps(facts)]

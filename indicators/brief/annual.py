"""The sections of the yearly brief, written from the rows the dashboards and the workbook use.

Every count comes from ``rows.status_counts`` and ``rows.department_summary`` on rows built by
``rows.build_rows``; nothing is assessed again here.  Behind (滞后) and deteriorating (倒退)
are ``progress.OFF_TRACK``, the statuses that need a note before a figure is submitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from indicators.brief import phrases as P
from indicators.brief.gongwen import Section, chinese_date, chinese_number
from indicators.models import Plan
from indicators.progress import OFF_TRACK, Status
from indicators.rows import DepartmentSummary, IndicatorRow


@dataclass
class YearFacts:
    """What the yearly brief is written from: one year's rows, their roll-ups, and last year's counts."""

    plan: Plan
    year: int
    rows: list[IndicatorRow]
    counts: dict[Status, int]
    previous: dict[Status, int] | None  # status_counts of the year before; None in the plan's first year
    summaries: list[DepartmentSummary]
    today: date
    words: dict

    @property
    def behind(self) -> list[IndicatorRow]:
        return [row for row in self.rows if row.status in OFF_TRACK]

    @property
    def overdue(self) -> list[DepartmentSummary]:
        return [summary for summary in self.summaries if summary.overdue]


def on_track_share(counts: dict[Status, int]):
    """进度符合要求 (已达标 or 正常) over the indicators that are scored (all but 不考核)."""
    return P.share(sum(counts[status] for status in P.ON_TRACK), sum(counts.values()) - counts[Status.TRACKED])


def reporting(summaries: list[DepartmentSummary], year: int, today: date) -> str:
    """填报方面: submitted and approved by the deadline, what is overdue, or the days left."""
    total = sum(s.total for s in summaries)
    submitted = sum(s.submitted for s in summaries)
    approved = sum(s.approved for s in summaries)
    deadline = summaries[0].deadline if summaries else None
    if deadline is None:
        return ""
    text = (
        f"填报方面，{year}年度数据填报截止日期为{chinese_date(deadline)}。截至{chinese_date(today)}，"
        f"{total}项指标中已提交{submitted}项（其中已审核{approved}项、待审核{submitted - approved}项），"
        f"未提交{total - submitted}项，提交率{P.percent(P.share(submitted, total))}。"
    )
    overdue = [s for s in summaries if s.overdue]
    if today > deadline:
        if overdue:
            text += f"截止日期已过，{len(overdue)}个部门共{sum(s.overdue for s in overdue)}项指标逾期未提交。"
        else:
            text += "截止日期已过，全部指标均已提交。"
    else:
        text += f"距截止日期还有{(deadline - today).days}天。"
    return text


def overview(facts: YearFacts) -> Section:
    counts, previous, words = facts.counts, facts.previous, facts.words
    section = Section("一、总体情况")
    total = sum(counts.values())
    on_track = sum(counts[status] for status in P.ON_TRACK)
    scored = total - counts[Status.TRACKED]
    text = (
        f"截至{facts.year}年底，{P.SHORT_NAME}确定的{total}项量化指标中，"
        f"{P.counted(counts, P.STATUS_READING_ORDER[:-1], words, changes=previous)}，"
        f"不考核{counts[Status.TRACKED]}项（已填报、目标值为“/”或“以实际业务开展为准”的指标）。"
        f"纳入考核的{scored}项中，进度符合要求（已达标、正常）的{on_track}项，占{P.percent(on_track_share(counts))}"
    )
    if previous is not None:
        text += P.points_change(on_track_share(counts), on_track_share(previous)) + "。"
    else:
        text += f"。{facts.year}年为方案实施首年，无上年数据可比。"
    section.add(text)
    section.add(reporting(facts.summaries, facts.year, facts.today))
    return section


def departments(facts: YearFacts) -> Section:
    section = Section("二、各部门情况")
    behind_by_department: dict[int, list[IndicatorRow]] = {}
    for row in facts.behind:
        behind_by_department.setdefault(row.lead_department.pk, []).append(row)
    for number, summary in enumerate(facts.summaries, start=1):
        text = (
            f"牵头指标{summary.total}项，{P.counted(summary.counts, P.STATUS_READING_ORDER, facts.words, skip_zero=True)}；"
            f"已提交{summary.submitted}项、已审核{summary.approved}项"
        )
        text += f"、逾期未提交{summary.overdue}项。" if summary.overdue else "。"
        behind = behind_by_department.get(summary.department.pk, [])
        if behind:
            text += "其中，" + "；".join(
                f"{row.indicator.name}{P.figure(row, facts.year)}，{P.year_target(row, facts.year)}，"
                f"进度{facts.words[row.status]}，{P.note(row, facts.year)}"
                for row in behind
            ) + "。"
        else:
            text += "无滞后、倒退指标。"
        section.add(text, lead=f"（{chinese_number(number)}）{summary.department.name}。")
    return section


def problems(facts: YearFacts) -> Section:
    section = Section("三、存在问题")
    behind, overdue = facts.behind, facts.overdue
    if not behind and not overdue:
        section.add("对照年度目标，暂无滞后、倒退指标，各部门均无逾期未提交数据的情况。")
        return section
    number = 0
    for row in behind:
        number += 1
        section.add(
            f"{number}.{row.indicator.name}（{row.lead_department.name}）{facts.words[row.status]}："
            f"{P.figure(row, facts.year)}，{P.year_target(row, facts.year)}。"
        )
    owed: dict[int, list[str]] = {}
    for row in facts.rows:
        if not row.current.reported:
            owed.setdefault(row.lead_department.pk, []).append(row.indicator.name)
    for summary in overdue:
        number += 1
        section.add(
            f"{number}.{summary.department.name}有{summary.overdue}项指标逾期未提交{facts.year}年度数据"
            f"（截止日期{chinese_date(summary.deadline)}）：{'、'.join(owed[summary.department.pk])}。"
        )
    return section


def next_steps(facts: YearFacts) -> Section:
    section = Section("四、下一步工作")
    behind, overdue = facts.behind, facts.overdue
    pending = sum(s.submitted - s.approved for s in facts.summaries)
    if not behind and not overdue and not pending:
        section.add("请各牵头部门对照年度目标继续推进，保持进度，按时报送数据和佐证材料。")
        return section
    if behind:
        section.add("请以下牵头部门对照年度目标查找差距、逐项落实：")
    number = 0
    for row in behind:
        number += 1
        gaps = P.year_gaps(row, facts.year)
        target = "年度累计目标" if P.cumulative(row) else "年度目标"
        missing = f"距{facts.year}{target}尚差{'、'.join(gaps)}" if gaps else f"未达到{facts.year}{target}"
        section.add(f"{number}.{row.lead_department.name}：{row.indicator.name}{missing}。")
    for summary in overdue:
        number += 1
        section.add(f"{number}.{summary.department.name}：尽快提交逾期未提交的{summary.overdue}项{facts.year}年度数据及佐证材料。")
    if pending:
        number += 1
        section.add(f"{number}.审核部门：抓紧审核已提交待审核的{pending}项{facts.year}年度数据。")
    return section


def sections(facts: YearFacts) -> list[Section]:
    return [overview(facts), departments(facts), problems(facts), next_steps(facts)]

"""What the brief says: its recurring phrases, and the four sections of the yearly brief and of the final one
(docs/design.md §9); every count comes from the rows, summaries and final assessment the pages read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from indicators import formatting
from indicators.brief.gongwen import Section, chinese_date, chinese_number
from indicators.excel.styles import PENDING
from indicators.final_assessment import FinalAssessment, FinalRow
from indicators.models import Plan
from indicators.progress import OFF_TRACK, Status, TargetBasis
from indicators.rows import DepartmentSummary, IndicatorRow
from indicators.verdicts import Verdict

# The order a reader expects: the good news first, 不考核 last.
STATUS_READING_ORDER = (Status.ACHIEVED, Status.ON_TRACK, Status.ACCELERATE, Status.BEHIND, Status.DETERIORATING, Status.MISSING, Status.TRACKED)
VERDICT_READING_ORDER = (Verdict.COMPLETED, Verdict.MOSTLY, Verdict.NOT_COMPLETED, Verdict.MISSING, Verdict.TRACKED)
ON_TRACK = (Status.ACHIEVED, Status.ON_TRACK)  # 进度符合要求
SHORT_NAME = "《方案》"  # the plan after it is named in full once


def plan_reference(plan: Plan) -> str:
    return f"《{plan.title}》（{plan.code}，以下简称{SHORT_NAME}）"


def counted(counts: Mapping, order: Iterable, *, skip_zero: bool = False, changes: Mapping | None = None) -> str:
    """“已达标5项、正常3项……”; with ``changes`` each count says how it moved: “（较上年增加2项）”."""
    parts = []
    for key in order:
        if counts[key] or not skip_zero:
            moved = "" if changes is None else "（与上年持平）" if counts[key] == changes[key] else (
                f"（较上年{'增加' if counts[key] > changes[key] else '减少'}{abs(counts[key] - changes[key])}项）")
            parts.append(f"{key.label}{counts[key]}项{moved}")
    return formatting.LIST.join(parts)


def share(part: int, whole: int) -> Decimal | None:
    return Decimal(part) / Decimal(whole) if whole else None


def on_track_share(counts: dict[Status, int]) -> Decimal | None:
    """进度符合要求 (已达标 or 正常) over the indicators that are scored (all but 不考核)."""
    return share(sum(counts[status] for status in ON_TRACK), sum(counts.values()) - counts[Status.TRACKED])


def points_change(now: Decimal | None, before: Decimal | None) -> str:
    """How a share moved, in percentage points (百分点): the difference of the two percentages as printed."""
    if now is None or before is None:
        return ""
    difference = formatting.rounded(now * 100, formatting.TENTH) - formatting.rounded(before * 100, formatting.TENTH)
    return "，与上年持平" if difference == 0 else f"，较上年{'提高' if difference > 0 else '下降'}{abs(difference)}个百分点"


def amounts(values, units) -> str:
    """Each part with its unit, joined as prose: “5000万元、8笔”, “95.5%”, “3件”."""
    return formatting.with_units(values, units, separator=formatting.LIST)


def cumulative(row: IndicatorRow) -> bool:
    return row.spec.basis == TargetBasis.CUMULATIVE


def name(row: IndicatorRow) -> str:
    return formatting.prose_name(row.indicator.name)


def names(rows: Iterable[IndicatorRow]) -> str:
    return formatting.LIST.join(name(row) for row in rows)


def figure(row: IndicatorRow, year: int) -> str:
    """What was reported for ``year``: “2024年自治区专利奖12件（待审核）”, “截至2024年产业规划类专利导航项目累计2个”."""
    cell = row.cells[year]
    if not cell.reported:
        return f"{year}年{name(row)}未填报"
    pending = PENDING if cell.pending else ""
    if cumulative(row):
        return f"截至{year}年{name(row)}累计{amounts([part.value for part in cell.assessment.parts], row.indicator.units)}{pending}"
    if cell.actual.not_carried_out:
        return f"{year}年{name(row)}{cell.text}{pending}"
    return f"{year}年{name(row)}{amounts((cell.actual.value, cell.actual.second_value), row.indicator.units)}{pending}"


def year_target(row: IndicatorRow, year: int) -> str:
    """That year's target: “年度目标4件”, “年度目标累计3个”."""
    targets = [part.year_target for part in row.cells[year].assessment.parts]
    return ("年度目标累计" if cumulative(row) else "年度目标") + amounts(targets, row.indicator.units)


def gaps(row: IndicatorRow, reached_and_goals) -> str:
    """Per part short of its goal, what is missing in its unit (a rate's in percentage points): “700万元、2笔”."""
    found = []
    for (reached, goal), unit in zip(reached_and_goals, row.indicator.units, strict=True):
        if reached is not None and goal is not None:
            missing = goal - reached if row.spec.higher_is_better else reached - goal
            if missing > 0:
                found.append(f"{formatting.number(missing)}个百分点" if unit == "%" else formatting.with_unit(missing, unit))
    return formatting.LIST.join(found)


def note(row: IndicatorRow, year: int) -> str:
    """The department's own note of ``year``, quoted, or that there is none."""
    actual = row.cells[year].actual
    # Quoted inside a sentence: the note's own closing punctuation would double the brief's.
    text = actual.note.strip().rstrip("。.；;，,、 ") if actual is not None else ""
    return f"部门说明：“{text}”" if text else "部门未作说明"


def successor(plan: Plan) -> str:
    """The plan rolled over from a closed one, in a sentence; "" when there is none."""
    following = plan.successor(None) if plan.is_closed else None
    return f"未完成的工作纳入下一轮方案{following.code}《{following.title}》接续推进。" if following is not None else ""


def reporting(plan: Plan, summaries: list[DepartmentSummary], year: int, today: date) -> str:
    """填报方面: what was submitted and approved, against the deadline of a plan in force."""
    total, submitted, approved = (sum(getattr(s, field) for s in summaries) for field in ("total", "submitted", "approved"))
    if not plan.asks_for_figures:
        return f"方案已收官，数据不再变动：{year}年度{total}项指标中已审核{approved}项、未报送{total - approved}项。"
    deadline = plan.deadline(year)
    text = (
        f"填报方面，{year}年度数据填报截止日期为{chinese_date(deadline)}。截至{chinese_date(today)}，"
        f"{total}项指标中已提交{submitted}项（其中已审核{approved}项、待审核{submitted - approved}项），"
        f"未提交{total - submitted}项，提交率{formatting.percent(share(submitted, total))}。"
    )
    if today <= deadline:
        return text + f"距截止日期还有{(deadline - today).days}天。"
    overdue = [s for s in summaries if s.overdue]
    if not overdue:
        return text + "截止日期已过，全部指标均已提交。"
    return text + f"截止日期已过，{len(overdue)}个部门共{sum(s.overdue for s in overdue)}项指标逾期未提交。"


@dataclass
class YearlyBrief:
    """The yearly brief's sections, from one year's rows, their roll-ups and the year before's counts."""

    plan: Plan
    year: int
    rows: list[IndicatorRow]
    counts: dict[Status, int]
    previous: dict[Status, int] | None  # the year before's; None in the plan's first year
    summaries: list[DepartmentSummary]
    today: date

    def sections(self) -> list[Section]:
        behind = [row for row in self.rows if row.status in OFF_TRACK]
        overdue = [summary for summary in self.summaries if summary.overdue]
        return [self.overview(), self.departments(behind), self.problems(behind, overdue), self.next_steps(behind, overdue)]

    def overview(self) -> Section:
        counts, previous, section = self.counts, self.previous, Section("一、总体情况")
        on_track, scored = sum(counts[status] for status in ON_TRACK), sum(counts.values()) - counts[Status.TRACKED]
        text = (
            f"截至{self.year}年底，{SHORT_NAME}确定的{sum(counts.values())}项量化指标中，"
            f"{counted(counts, STATUS_READING_ORDER[:-1], changes=previous)}，"
            f"不考核{counts[Status.TRACKED]}项（已填报、目标值为“/”或“以实际业务开展为准”的指标）。"
            f"纳入考核的{scored}项中，进度符合要求（已达标、正常）的{on_track}项，占{formatting.percent(on_track_share(counts))}"
        )
        if previous is not None:
            text += points_change(on_track_share(counts), on_track_share(previous)) + "。"
        else:
            text += f"。{self.year}年为方案实施首年，无上年数据可比。"
        section.add(text)
        section.add(reporting(self.plan, self.summaries, self.year, self.today))
        return section

    def departments(self, behind: list[IndicatorRow]) -> Section:
        section = Section("二、各部门情况")
        for number, summary in enumerate(self.summaries, start=1):
            reported = f"已提交{summary.submitted}项、已审核{summary.approved}项" if self.plan.asks_for_figures else f"已审核{summary.approved}项"
            text = f"牵头指标{summary.total}项，{counted(summary.counts, STATUS_READING_ORDER, skip_zero=True)}；{reported}"
            text += f"、逾期未提交{summary.overdue}项。" if summary.overdue else "。"
            mine = [row for row in behind if row.lead_department.pk == summary.department.pk]
            text += ("其中，" + "；".join(f"{figure(row, self.year)}，{year_target(row, self.year)}，进度{row.status.label}，"
                                       f"{note(row, self.year)}" for row in mine) + "。") if mine else "无滞后、倒退指标。"
            section.add(text, lead=f"（{chinese_number(number)}）{summary.department.name}。")
        return section

    def problems(self, behind, overdue) -> Section:
        section = Section("三、存在问题")
        if not behind and not overdue:
            section.add("对照年度目标，暂无滞后、倒退指标" + ("，各部门均无逾期未提交数据的情况。" if self.plan.asks_for_figures else "。"))
            return section
        owed = [row for row in self.rows if not row.current.reported]
        section.numbered(
            [f"{figure(row, self.year)}，{year_target(row, self.year)}，进度{row.status.label}（{row.lead_department.name}牵头）。" for row in behind]
            + [f"{summary.department.name}有{summary.overdue}项指标逾期未提交{self.year}年度数据（截止日期{chinese_date(summary.deadline)}）："
               f"{names(row for row in owed if row.lead_department.pk == summary.department.pk)}。" for summary in overdue]
        )
        return section

    def next_steps(self, behind, overdue) -> Section:
        section = Section("四、下一步工作")
        pending = sum(s.submitted - s.approved for s in self.summaries)
        closed = not self.plan.asks_for_figures
        if not behind and not overdue and not pending:
            section.add("方案已收官，请各牵头部门总结经验。" + successor(self.plan) if closed
                        else "请各牵头部门对照年度目标继续推进，保持进度，按时报送数据和佐证材料。")
            return section
        if behind:
            section.add("方案已收官，请以下牵头部门分析差距原因：" + successor(self.plan) if closed
                        else "请以下牵头部门对照年度目标查找差距、逐项落实：")
        lines = []
        for row in behind:
            target = f"{self.year}{'年度累计目标' if cumulative(row) else '年度目标'}"
            missing = gaps(row, [(part.value, part.year_target) for part in row.cells[self.year].assessment.parts])
            lines.append(f"{row.lead_department.name}：{name(row)}" + (f"距{target}尚差{missing}。" if missing else f"未达到{target}。"))
        lines += [f"{summary.department.name}：尽快提交逾期未提交的{summary.overdue}项{self.year}年度数据及佐证材料。" for summary in overdue]
        if pending:
            lines.append(f"审核部门：抓紧审核已提交待审核的{pending}项{self.year}年度数据。")
        section.numbered(lines)
        return section


def final_figure(item: FinalRow) -> str:
    """“自治区专利奖终期值8件，目标值10件，目标完成率66.7%”; a missing last year says so."""
    row, parts = item.row, item.verdict.parts
    if item.verdict.verdict == Verdict.MISSING:
        return f"{name(row)}未填报{item.year}年数据"
    units = row.indicator.units
    text = f"{name(row)}{'累计终期值' if cumulative(row) else '终期值'}{amounts([p.final_value for p in parts], units)}"
    if any(part.target is not None for part in parts):
        text += f"，目标值{amounts([p.target for p in parts], units)}"
    if any(share is not None for share in item.shares):
        text += f"，目标完成率{formatting.LIST.join(formatting.percent(share) for share in item.shares)}"
    return text


@dataclass
class FinalBrief:
    """The final assessment's sections (终期评估); a 预评估 asking for the last figures until the plan is closed."""

    assessment: FinalAssessment
    summaries: list[DepartmentSummary]  # the last year's reporting, per lead department
    today: date

    def sections(self) -> list[Section]:
        return [self.overview(), self.departments(), self.problems(), self.next_steps()]

    def short_of(self, verdict: Verdict, department=None) -> list[FinalRow]:
        return [item for item in self.assessment.rows if item.verdict.verdict == verdict
                and (department is None or item.row.lead_department.pk == department.pk)]

    def overview(self) -> Section:
        section, summary, plan = Section("一、总体情况"), self.assessment.summary, self.assessment.plan
        section.add(
            f"{SHORT_NAME}确定的{summary.total}项量化指标，实施期为{plan.first_year}—{plan.last_year}年。"
            f"经{'预评估' if self.assessment.preliminary else '终期评估'}，{counted(summary.counts, VERDICT_READING_ORDER)}；"
            f"完成率（已完成项数占纳入考核的{summary.scored}项的比例）为{formatting.percent(summary.share)}。"
        )
        if self.assessment.preliminary:
            section.add("方案尚未收官，本通报为预评估，评估结果以方案收官时审核确认的数据为准。")
        section.add(reporting(plan, self.summaries, plan.last_year, self.today))
        return section

    def departments(self) -> Section:
        section = Section("二、各部门情况")
        for number, entry in enumerate(self.assessment.departments, start=1):
            summary = entry.summary
            text = f"牵头指标{summary.total}项，{counted(summary.counts, VERDICT_READING_ORDER, skip_zero=True)}"
            text += f"，完成率{formatting.percent(summary.share)}。" if summary.scored else "，均不考核。"
            details = [f"{final_figure(item)}，{item.verdict.verdict.label}，{note(item.row, item.year)}"
                       for item in self.short_of(Verdict.NOT_COMPLETED, entry.department)]
            if missing := self.short_of(Verdict.MISSING, entry.department):
                details.append(f"{names(item.row for item in missing)}未填报{self.assessment.plan.last_year}年数据")
            text += ("其中，" + "；".join(details) + "。") if details else "无未完成、未填报指标。"
            section.add(text, lead=f"（{chinese_number(number)}）{entry.department.name}。")
        return section

    def problems(self) -> Section:
        """未完成 indicators one by one, 未填报 ones per department."""
        section, lines = Section("三、存在问题"), []
        lines += [f"{final_figure(item)}，未完成（{item.row.lead_department.name}牵头）。" for item in self.short_of(Verdict.NOT_COMPLETED)]
        for summary in self.summaries:
            if missing := self.short_of(Verdict.MISSING, summary.department):
                late = "，填报截止日期已过" if summary.past_deadline else ""
                lines.append(f"{summary.department.name}有{len(missing)}项指标未填报{self.assessment.plan.last_year}年数据{late}："
                             f"{names(item.row for item in missing)}。")
        section.numbered(lines)
        if not lines:
            section.add("纳入考核的指标均已完成或基本完成，无未填报指标。")
        return section

    def next_steps(self) -> Section:
        section, plan, lines = Section("四、下一步工作"), self.assessment.plan, []
        for item in self.short_of(Verdict.NOT_COMPLETED):
            missing = gaps(item.row, [(part.final_value, part.target) for part in item.verdict.parts])
            lines.append(f"{item.row.lead_department.name}：{name(item.row)}{f'距目标值尚差{missing}' if missing else '未达到目标值'}，"
                         f"分析原因并在新一轮方案中接续推进。")
        if self.assessment.preliminary:
            for summary in self.summaries:
                if missing := self.short_of(Verdict.MISSING, summary.department):
                    lines.append(f"{summary.department.name}：尽快补报{names(item.row for item in missing)}共{len(missing)}项指标的{plan.last_year}年数据。")
            lines.append(f"各牵头部门和审核部门：方案收官前完成{plan.last_year}年度数据的提交和审核，以便出具终期评估结论。")
        section.numbered(lines)
        if not self.assessment.preliminary:
            section.add("请各牵头部门总结方案实施经验，做好与新一轮方案的衔接。" + successor(plan))
        return section

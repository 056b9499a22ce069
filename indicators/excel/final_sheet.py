"""The workbook's sheet 终期评估: the final assessment, in the plan's last year.

Its rows, verdicts and counts are ``rows.final.final_assessment``'s — the same function the
final-assessment page and the brief read — and its columns are the page's: 序号 · 指标内容 ·
牵头部门 · 基础值 · one column per plan year · 终期值 · 方案期累计 · 目标值 · 目标进度 · 评估结论;
under the table the verdicts counted per lead department with their completion share.  The title
says （预评估） until the plan is closed.  Like the other sheets it does no queries.
"""

from __future__ import annotations

from indicators.excel.sheets import COMPLETION_FORMAT, NUMBER_FORMATS, STATUS_FILLS, chinese_labels, completion_text, shown_text, year_value
from indicators.excel.writer import SheetWriter, row_height
from indicators.excel.xlsx import BOLD_FONT, HEADER_FILL, SMALL_FONT, TITLE_FONT, WRAP_CENTER, fit_width, print_setup, set_widths
from indicators.final_assessment import FinalAssessment, FinalRow
from indicators.progress import Status
from indicators.verdicts import VERDICT_ORDER, VERDICT_STATUS, Verdict, mostly_share

FINAL_SHEET = "终期评估"
PRELIMINARY = "（预评估）"
PRINTED_VERDICT = {
    Verdict.COMPLETED: "已完成",
    Verdict.MOSTLY: "基本完成",
    Verdict.NOT_COMPLETED: "未完成",
    Verdict.MISSING: "未填报",
    Verdict.TRACKED: "不考核",
}
VERDICT_FILLS = {verdict: STATUS_FILLS[Status(status)] for verdict, status in VERDICT_STATUS.items()}
HEADER_ROW = 3


def verdict_words() -> dict[Verdict, str]:
    """评估结论 as printed: the Verdict labels in Simplified Chinese, whatever the request's language."""
    return chinese_labels(Verdict, PRINTED_VERDICT)


def final_headers(plan) -> list[str]:
    return [
        "序号", "指标内容", "牵头部门", f"{plan.baseline_year}年基础值", *[f"{year}年" for year in plan.years],
        "终期值", "方案期累计", f"{plan.last_year}年目标值", "目标进度", "评估结论",
    ]  # fmt: skip


class FinalSheet:
    name = FINAL_SHEET

    def __init__(self, assessment: FinalAssessment, *, title: str, words=None):
        self.assessment = assessment
        self.plan = assessment.plan
        self.title = title + (PRELIMINARY if assessment.preliminary else "")
        self.words = words or verdict_words()
        self.headers = final_headers(self.plan)

    def info(self) -> str:
        plan, share = self.plan, completion_text(mostly_share())
        text = (
            f"终期值为{plan.last_year}年数值，累计口径的指标为方案期（{plan.first_year}—{plan.last_year}年）累计值；"
            f"终期值达到目标值为已完成，达到从基础值到目标值进度的{share}及以上为基本完成，否则为未完成；"
            f"无数值目标的不考核，{plan.last_year}年未填报的为未填报；成对指标取两部分中较差的结论。"
            f"仅计已提交和已审核的数据，标“（待审核）”的尚未审核。完成率 = 已完成项数 ÷ 纳入考核的项数（不含不考核）。"
        )
        if self.assessment.preliminary:
            text += "方案尚未收官，本表为预评估，结论以方案收官时的数据为准。"
        return text

    def line(self, item: FinalRow) -> list:
        """Each column's value: a number, a text or None; the year columns as ``sheets.year_value`` gives them."""
        indicator = item.indicator
        years = [year_value(indicator, item.cells.get(year)) for year in self.plan.years]
        parts = item.verdict.parts
        single = len(parts) == 1
        shares = item.shares
        return [
            indicator.order,
            indicator.name,
            item.row.lead_department.name,
            indicator.baseline_printed,
            *years,
            (parts[0].final_value, "General") if single and parts[0].final_value is not None else (item.final_text or "未填报", None),
            (parts[0].period_total, "General") if single and item.has_total and parts[0].period_total is not None else (item.total_text, None),
            item.target_text,
            (shares[0], COMPLETION_FORMAT) if single and shares[0] is not None else ("／".join(completion_text(s) for s in shares), None),
            self.words[item.verdict.verdict],
        ]

    @staticmethod
    def text_of(value) -> str:
        if isinstance(value, tuple):
            value, number_format = value
            if number_format == COMPLETION_FORMAT:
                return completion_text(value)
            return shown_text(value, number_format) if value is not None else ""
        return "" if value is None else str(value)

    def write(self, out: SheetWriter):
        lines = [self.line(item) for item in self.assessment.rows]
        texts = [[self.text_of(value) for value in line] for line in lines]
        columns = len(self.headers)
        widths = [
            fit_width([t[index] for t in texts], minimum=6 if index == 0 else 8, maximum=30 if index in (1, 2) else 14, header=header)
            for index, header in enumerate(self.headers)
        ]
        set_widths(out.ws, widths)
        out.merged_text_row(columns, self.title, font=TITLE_FONT, alignment=WRAP_CENTER, widths=widths)
        out.merged_text_row(columns, self.info(), font=SMALL_FONT, widths=widths)
        out.append(
            [out.text(header, font=BOLD_FONT, alignment=WRAP_CENTER, fill=HEADER_FILL) for header in self.headers],
            height=row_height(self.headers, [w - 1 for w in widths]),
        )
        left, center = out.style(), out.style(alignment=WRAP_CENTER)
        numbers = {f: out.style(alignment=WRAP_CENTER, number_format=f) for f in ("General", COMPLETION_FORMAT, *NUMBER_FORMATS.values())}
        verdicts = {verdict: out.style(alignment=WRAP_CENTER, fill=colour) for verdict, colour in VERDICT_FILLS.items()}
        for item, line, text in zip(self.assessment.rows, lines, texts, strict=True):
            cells = []
            for column, value in enumerate(line):
                if column == columns - 1:
                    cells.append(out.text(value, verdicts[item.verdict.verdict]))
                elif isinstance(value, tuple):
                    number, number_format = value
                    if number is None or number == "":
                        cells.append(out.blank(center))
                    elif number_format is None:
                        cells.append(out.text(number, center))
                    else:
                        cells.append(out.number(number, numbers[number_format]))
                elif isinstance(value, int):
                    cells.append(out.number(value, numbers["General"]))
                else:
                    cells.append(out.text(value, left if column in (1, 2) else center))
            out.append(cells, height=row_height(text, widths))
        out.append([])
        self.write_summary(out, widths)
        out.finish()
        print_setup(out.ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}", freeze=f"C{HEADER_ROW + 1}")

    def write_summary(self, out: SheetWriter, widths):
        """各部门评估结论: the verdicts counted per lead department, then 合计, with the completion share."""
        headers = ["牵头部门", *[self.words[verdict] for verdict in VERDICT_ORDER], "合计", "完成率"]
        fills = [HEADER_FILL, *[VERDICT_FILLS[verdict] for verdict in VERDICT_ORDER], HEADER_FILL, HEADER_FILL]
        out.append(
            [None, None]  # under 序号 and 指标内容: the department names go in the wide 牵头部门 column
            + [out.text(header, font=BOLD_FONT, alignment=WRAP_CENTER, fill=colour) for header, colour in zip(headers, fills, strict=True)],
            height=row_height(headers, [widths[2]] + widths[3:]),
        )  # fmt: skip
        center = out.style(alignment=WRAP_CENTER)
        share = out.style(alignment=WRAP_CENTER, number_format=COMPLETION_FORMAT)
        entries = [(entry.department.name, entry.summary) for entry in self.assessment.departments]
        entries.append(("合计", self.assessment.summary))
        for name, summary in entries:
            out.append(
                [None, None, out.text(name, font=BOLD_FONT) if name == "合计" else out.text(name)]
                + [out.number(summary.counts[verdict], center) for verdict in VERDICT_ORDER]
                + [out.number(summary.total, center),
                   out.number(summary.share, share) if summary.share is not None else out.text("—", center)],
                height=row_height([name], [widths[2]]),
            )  # fmt: skip

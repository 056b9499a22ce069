"""The workbook's sheet 终期评估: ``final_assessment``'s rows in the final-assessment page's columns, and under
them the verdicts counted per lead department; （预评估） until the plan is closed."""

from __future__ import annotations

from datetime import date

from indicators.excel.styles import (BLANK, PENDING, Cell, completion_cell, fit_width, number_style, print_setup, put_line,
                                     put_row, row_height, set_widths, share, text, year_cell)
from indicators.final_assessment import FinalAssessment, FinalRow
from indicators.formatting import percent
from indicators.verdicts import VERDICT_ORDER, VERDICT_STATUS, Verdict, mostly_share

FINAL_SHEET = "终期评估"
HEADER_ROW = 3


def final_cell(item: FinalRow, numbers, shown: str) -> Cell:
    """终期值 or 方案期累计: a single number as the year columns store it (a rate's with ``%``), a pair as text."""
    if not shown:
        return BLANK
    if len(numbers) == 1:
        return Cell(numbers[0], number_style(rate=item.rate), shown)  # a rate's text carries its ``%`` already
    return text(shown)


def line(item: FinalRow, years) -> list[Cell]:
    indicator, parts, verdict = item.indicator, item.verdict.parts, item.verdict.verdict
    return [
        Cell(indicator.order, "centre", str(indicator.order)),
        text(indicator.name, "text"),
        text(item.row.lead_department.name, "text"),
        text(indicator.baseline_printed),
        *[year_cell(item.row, year) for year in years],
        final_cell(item, [part.final_value for part in parts], item.final_text) if item.final_text else text(str(Verdict.MISSING.label)),
        final_cell(item, [part.period_total for part in parts], item.total_text),
        text(item.target_text),
        completion_cell(item.shares),
        Cell(str(verdict.label), f"status {VERDICT_STATUS[verdict]}", str(verdict.label)),
    ]


def info(assessment: FinalAssessment) -> str:
    plan = assessment.plan
    text = (
        f"终期值为{plan.last_year}年数值，累计口径的指标为方案期（{plan.first_year}—{plan.last_year}年）累计值；"
        f"终期值达到目标值为已完成，达到从基础值到目标值进度的{percent(mostly_share())}及以上为基本完成，否则为未完成；"
        f"无数值目标的不考核，{plan.last_year}年未填报的为未填报；成对指标取两部分中较差的结论。"
        f"完成率 = 已完成项数 ÷ 纳入考核的项数（不含不考核）。"
    )
    if assessment.preliminary:
        text += f"仅计已提交和已审核的数据，标“{PENDING}”的尚未审核；方案尚未收官，本表为预评估，结论以方案收官时的数据为准。"
    return text + ("本方案已收官，数据不再变动。" if plan.is_closed else "")


def write_final_sheet(ws, assessment: FinalAssessment, *, heading: str, day: date) -> None:
    plan = assessment.plan
    headers = ["序号", "指标内容", "牵头部门", f"{plan.baseline_year}年基础值", *[f"{y}年" for y in plan.years],
               "终期值", "方案期累计", f"{plan.last_year}年目标值", "目标完成率", "评估结论"]  # fmt: skip
    lines = [line(item, plan.years) for item in assessment.rows]
    texts = list(zip(*[[cell.text for cell in cells] for cells in lines])) or [()] * len(headers)
    widths = [fit_width(column, minimum=5 if index == 0 else 8, maximum=30 if index in (1, 2) else 14, header=header)
              for index, (header, column) in enumerate(zip(headers, texts, strict=True))]
    set_widths(ws, widths)
    mark = "预评估，" if assessment.preliminary else ""
    row = put_line(ws, 1, f"{heading}\n量化指标终期评估（{mark}截至{day.year}年{day.month}月{day.day}日）", widths, "title")
    row = put_line(ws, row, info(assessment), widths, "info")
    row = put_row(ws, row, [(header, "header") for header in headers], height=row_height(headers, [w - 1 for w in widths], minimum=1))
    for cells in lines:
        row = put_row(ws, row, [(cell.value, cell.style) for cell in cells], height=row_height([c.text for c in cells], widths))

    # 各部门评估结论: under 牵头部门 (the wide column), the verdicts counted, 合计 and the completion share.
    verdicts = [str(verdict.label) for verdict in VERDICT_ORDER]
    styles = ["header", *[f"status {VERDICT_STATUS[verdict]}" for verdict in VERDICT_ORDER], "header", "header"]
    heads = ["牵头部门", *verdicts, "合计", "完成率"]
    row = put_row(ws, row + 1, [None, None, *zip(heads, styles, strict=True)], height=row_height(heads, widths[2:], minimum=1))
    entries = [(entry.department.name, entry.summary) for entry in assessment.departments] + [("合计", assessment.summary)]
    for name, summary in entries:
        counts = [(summary.counts[verdict], "centre") for verdict in VERDICT_ORDER]
        rate = (share(summary.share), "percent") if summary.share is not None else ("—", "centre")
        row = put_row(ws, row, [None, None, (name, "bold" if name == "合计" else "text"), *counts, (summary.total, "centre"), rate],
                      height=row_height([name], widths[2:3]))
    print_setup(ws, header_row=HEADER_ROW, freeze=f"C{HEADER_ROW + 1}")

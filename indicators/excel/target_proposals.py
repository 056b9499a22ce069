"""The 目标测算表: the next plan's targets for the planning meeting (docs/design.md, "Setting the next plan's targets").

One row per indicator from ``targets.target_rows``: the predecessor's figures and verdict, the three proposals and
their rules in words, the target chosen, and an empty column for the meeting's remarks (会议意见).
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils import translation

from indicators.downloads import Download
from indicators.excel import styles
from indicators.progress import NO_PROPOSAL, Rule
from indicators.targets import TargetRow, target_rows

SHEET = "目标测算"
PLAIN_NUMBER = re.compile(r"[0-9]{1,14}(\.[0-9]{1,4})?")  # written as a number: it can be summed and compared
HEADER_ROW = 3
INFO = (
    "测算值仅供参考，由会议确定目标；各项规则见“测算说明”。往期数据仅计已提交和已审核的数据，标“（待审核）”的尚未审核。"
    "趋势外推：往期各年数值的最小二乘趋势；年均增长：从基础值到最近一年数值的年均增长率；原目标进度：原方案每年的目标增幅。"
    "件、个、家等取整数，金额和比率保留两位小数，比率不超过100%；累计口径的指标为新方案期累计值；成对指标逐项测算。"
)


class TargetProposalsWorkbook(Download):
    ascii_filename = "target-proposals.xlsx"

    def __init__(self, plan, user=None):
        self.plan = plan
        self.filename = f"目标测算表_{plan.code}.xlsx"
        with translation.override("zh-hans"):  # a document for the meeting: Chinese whatever the request's language
            self.rows: list[TargetRow] = target_rows(plan, user)
        self.old = next((row.previous.indicator.plan for row in self.rows if row.previous), None)

    def title(self) -> str:
        plan, old = self.plan, self.old
        source = f"（依据{old.code}《{old.title}》{old.first_year}—{old.last_year}年数据测算）" if old else ""
        return f"{plan.code}《{plan.title}》{plan.last_year}年目标测算表{source}"

    def headers(self) -> list[str]:
        old = self.old
        history = [f"{old.baseline_year}年基础值", *[f"{year}年" for year in old.years], "终期值", "评估结论", f"{old.last_year}年目标值"] if old else []
        rules = [str(rule.label) for rule in Rule]  # 趋势外推 · 年均增长 · 原目标进度
        return ["序号", "指标内容", "牵头部门", *history, *rules, "测算说明", f"选定的{self.plan.last_year}年目标值", "会议意见"]

    def line(self, row: TargetRow) -> list[str]:
        indicator, old = row.indicator, row.previous
        history = []
        if self.old is not None:
            cells = [old.cells.get(year) if old else None for year in self.old.years]
            figures = [(cell.text + ("（待审核）" if cell.pending else "")) if cell and cell.reported else "" for cell in cells]
            verdict = str(old.verdict.verdict.label) if old else ""
            history = [old.indicator.baseline_printed if old else "", *figures, (old.final_text or "未填报") if old else "", verdict,
                       old.target_text if old else ""]  # fmt: skip
        words = "\n".join(f"{p.label}：{p.words}" for p in row.proposals) if row.offered else (str(NO_PROPOSAL) if old else "")
        proposals = [p.text if p.offered else "—" for p in row.proposals] or ["—"] * len(Rule)
        chosen = "" if indicator.target_pending else indicator.target_printed
        return [str(indicator.order), indicator.name, indicator.lead_department.name, *history, *proposals, words, chosen, ""]

    def build(self):
        with translation.override("zh-hans"):
            workbook = styles.new_workbook()
            ws = workbook.create_sheet(SHEET)
            headers = self.headers()
            lines = [self.line(row) for row in self.rows]
            widths = [self.width(index, header, [line[index] for line in lines]) for index, header in enumerate(headers)]
            styles.set_widths(ws, widths)
            row = styles.put_line(ws, 1, self.title(), widths, "title")
            row = styles.put_line(ws, row, INFO, widths, "info")
            left = {2, 3, len(headers) - 2}  # 指标内容, 牵头部门, 测算说明
            row = styles.put_row(ws, row, [(text, "header") for text in headers], height=styles.row_height(headers, widths))
            for line in lines:
                cells = [
                    (Decimal(text) if PLAIN_NUMBER.fullmatch(text) else text, "text" if column in left else "centre")
                    for column, text in enumerate(line, start=1)
                ]
                row = styles.put_row(ws, row, cells, height=styles.row_height(line, [w - 2 for w in widths], minimum=1) + 5)
            styles.print_setup(ws, header_row=HEADER_ROW, freeze=f"C{HEADER_ROW + 1}")
        return workbook

    @staticmethod
    def width(index: int, header: str, texts: list[str]) -> float:
        fixed = {"测算说明": 40.0, "会议意见": 18.0}  # long sentences wrap; the remarks are written by hand
        if header in fixed:
            return fixed[header]
        return styles.fit_width(texts, minimum=5 if index == 0 else 7, maximum={1: 20, 2: 14}.get(index, 10), header=header)

"""The assessment workbook (督查考核) for a plan as of a year.

Leaders, reviewers and administrators (and the management command, ``viewer=None``)
get the whole workbook: 量化指标完成情况, one sheet per lead department and 部门汇总, and in
the plan's last year 终期评估 (the final assessment, ``excel.final_sheet``),
with submitted figures marked 待审核 and no drafts, whoever exports it.  A reporter gets one
sheet: the indicators their department leads, as submitted.  Rows come from ``indicators.rows.build_rows``, so the workbook
and the dashboards always agree, and the whole file costs a fixed number of queries.
"""

from __future__ import annotations

from itertools import groupby

from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from indicators.excel.base import BaseExporter
from indicators.excel.final_sheet import FinalSheet
from indicators.final_assessment import final_assessment
from indicators.models import Actual
from indicators.permissions import READ_ALL, can
from indicators.rows import IndicatorRow, build_rows, department_summary
from indicators.excel.sheets import (
    MAIN_SHEET,
    PENDING,
    IndicatorSheet,
    SummarySheet,
    plan_heading,
    status_words,
)
from indicators.excel.writer import BookWriter, collection_paused
from indicators.excel.xlsx import sheet_title


class AssessmentWorkbook(BaseExporter):
    identifier = "assessment"
    verbose_name = _("Assessment workbook (Excel)")

    def __init__(self, plan, year: int, viewer=None, *, now=None):
        if not plan.contains_year(year):
            raise ValueError(f"{year} is outside {plan.code} ({plan.first_year}–{plan.last_year})")
        self.plan = plan
        self.year = year
        self.viewer = viewer
        self.now = now or timezone.now()
        # Only those who read everything get every department; anyone else just their own.
        self.department = None if can(viewer, READ_ALL) else viewer.department
        if self.department is None and not can(viewer, READ_ALL):
            raise PermissionError("This user may not export figures.")

    @property
    def whole(self) -> bool:
        return self.department is None

    def get_filename(self) -> str:
        suffix = "" if self.whole else f"_{self.department.name}"
        return f"量化指标完成情况_{self.year}年{suffix}.xlsx"

    def get_ascii_filename(self) -> str:
        suffix = "" if self.whole else f"_{self.department.code}"
        return f"assessment_{self.year}{suffix}.xlsx"

    @cached_property
    def rows(self) -> list[IndicatorRow]:
        # The meeting's table: submitted and approved figures only, whoever exports it.
        rows = build_rows(self.plan, self.year, Actual.objects.published())
        if not self.whole:
            rows = [row for row in rows if row.indicator.lead_department_id == self.department.pk]
        return rows

    def title(self, what="量化指标完成情况") -> str:
        return f"{plan_heading(self.plan)}{what}（截至{self.year}年）"

    def info(self) -> str:
        stamp = timezone.localtime(self.now).strftime("%Y-%m-%d %H:%M")
        return (
            f"截至{self.year}年底；导出时间 {stamp}（北京时间）。数值后标“{PENDING}”的尚未经审核。"
            f"年度完成率 =（实际值 − 基期值）÷（当年目标值 − 基期值），目标完成率 =（实际值 − 基期值）÷（{self.plan.last_year}年目标值 − 基期值），"
            f"即从基期值到目标值已走完的比例（基期值为“—”时即实际值 ÷ 目标值；累计口径的实际值为方案期内累计值）；"
            f"成对指标依次列出金额与件（笔）数两部分。"
            f"进度状态按当年目标判定，未单独设定年度目标的按基期值到目标值线性推算（整数单位向下取整）。"
        )

    def sheets(self):
        words = status_words()
        taken = {MAIN_SHEET.lower()}
        if not self.whole:
            name = sheet_title(self.department.name, taken)
            yield IndicatorSheet(
                name, self.plan, self.year, self.rows,
                title=self.title(f"{self.department.name}牵头指标完成情况"), info=self.info(), words=words,
            )
            return
        yield IndicatorSheet(MAIN_SHEET, self.plan, self.year, self.rows, title=self.title(), info=self.info(), words=words)
        taken.update({SummarySheet.name.lower(), FinalSheet.name.lower()})
        by_lead = sorted(self.rows, key=lambda row: (row.lead_department.order, row.lead_department.code, row.indicator.order))
        for _pk, group in groupby(by_lead, key=lambda row: row.lead_department.pk):
            rows = list(group)
            department = rows[0].lead_department
            yield IndicatorSheet(
                sheet_title(department.name, taken), self.plan, self.year, rows,
                title=self.title(f"{department.name}牵头指标完成情况"), info=self.info(), words=words,
            )
        summaries = department_summary(self.plan, self.year, self.rows)
        yield SummarySheet(self.plan, self.year, summaries, title=self.title("部门汇总"), info=self.info(), words=words)
        if self.year == self.plan.last_year:
            # The same rows as the final-assessment page (rows.final): the plan's last year is the final one.
            yield FinalSheet(final_assessment(self.plan, self.rows), title=f"{plan_heading(self.plan)}终期评估")

    def build(self) -> BookWriter:
        book = BookWriter()
        for sheet in self.sheets():
            sheet.write(book.sheet(sheet.name))
        book.workbook.properties.title = book.clean(self.title())
        book.workbook.properties.creator = "ipzone"
        return book

    def write(self, handle) -> None:
        with collection_paused():
            self.build().save(handle)

"""The supervision brief (督查通报) as a Word document (docs/design.md, "The supervision brief").

The yearly brief is as of one year; the final assessment (``final=True``) covers the whole plan once its last
year is over, marked 预评估 until the plan is closed.  Published figures only, whoever asks: it leaves ipzone.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cached_property

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from indicators import issued, selection
from indicators.brief.sentences import FinalBrief, YearlyBrief, plan_reference
from indicators.brief.appendix import appendix
from indicators.brief.gongwen import ANNEX_LIST, GongwenDocument, Section
from indicators.downloads import DOCX, Download
from indicators.final_assessment import final_assessment
from indicators.models import Actual
from indicators.permissions import READ_ALL, can
from indicators.progress import count_by_status
from indicators.rows import build_rows, department_summary, status_counts

_PERIOD = re.compile(r"\s*[（(]\s*\d{4}\s*[-—–－~～至]\s*\d{4}\s*年?\s*[）)]\s*$")  # “（2022-2025年）” ending a title


class BriefRefused(ValueError):
    """A brief that cannot be written (yet): the message says why, in the request's language."""


def final_refusal(plan, year: int, today: date) -> str | None:
    """Why the final assessment of ``plan`` cannot be written now, or None when it can."""
    if today.year <= plan.last_year:
        return _("The final assessment of %(plan)s can be written once its last year, %(last)s, is over (from 1 January %(next)s).") % {
            "plan": plan.code, "last": plan.last_year, "next": plan.last_year + 1}
    if year != plan.last_year:
        return _("The final assessment covers the whole plan %(plan)s and is asked for with its last year, %(last)s.") % {
            "plan": plan.code, "last": plan.last_year}
    return None


class SupervisionBrief(Download):
    content_type = DOCX

    def __init__(self, plan, year: int, viewer=None, *, final: bool = False, today: date | None = None, now=None):
        if not plan.contains_year(year):
            raise BriefRefused(_("%(year)s is not a year of %(plan)s.") % {"year": year, "plan": plan.code})
        if not can(viewer, READ_ALL):
            raise PermissionError("Only leaders, reviewers and administrators get the brief.")
        self.plan, self.year, self.final = plan, year, final
        self.now, self.today = now or timezone.now(), today or selection.shanghai_today()
        if final and (refusal := final_refusal(plan, year, self.today)):
            raise BriefRefused(refusal)
        period = f"{plan.first_year}-{plan.last_year}"
        self.filename = f"督查通报_终期评估_{period}年.docx" if final else f"督查通报_{year}年.docx"
        self.ascii_filename = f"brief_final_{period}.docx" if final else f"brief_{year}.docx"

    @cached_property
    def rows(self):
        return build_rows(self.plan, self.year, Actual.objects.published())

    def title(self) -> list[str]:
        """The title in lines that break where it reads well: the plan's name (its period goes under the title), then what this is."""
        what = "终期评估情况的督查通报" if self.final else f"{self.year}年度推进情况的督查通报"
        return [f"关于《{_PERIOD.sub('', self.plan.title)}》", f"量化指标{what}", *(["（预评估）"] if self.final and not self.plan.is_closed else [])]

    def under_title(self) -> str:
        plan = self.plan
        return f"（{plan.code}　" + (f"实施期{plan.first_year}—{plan.last_year}年）" if self.final else f"截至{self.year}年12月31日）")

    def introduction(self) -> str:
        plan, reference = self.plan, plan_reference(self.plan)
        if not self.final:
            return f"为推动{plan.issuer}印发的{reference}确定的量化指标落实，现将截至{self.year}年底的推进情况通报如下。"
        what = "终期评估（预评估）" if not plan.is_closed else "终期评估"
        return (f"{plan.issuer}印发的{reference}实施期为{plan.first_year}—{plan.last_year}年，现已期满"
                f"{'，方案已收官' if plan.is_closed else ''}。现将{len(self.rows)}项量化指标的{what}情况通报如下。")

    def build(self) -> GongwenDocument:
        with translation.override("zh-hans"):
            doc = GongwenDocument()
            doc.title(self.title(), [self.under_title()])
            doc.paragraph(self.introduction())
            summaries = department_summary(self.plan, self.year, self.rows, today=self.today)
            if self.final:
                assessment = final_assessment(self.plan, self.rows)  # as the page and the workbook
                sections = FinalBrief(assessment, summaries, self.today).sections()
                verdicts = [str(item.verdict.verdict.label) for item in assessment.rows]
            else:
                # The year before's counts without loading the plan again: a row's cell of each year holds its assessment as of that year.
                previous = count_by_status(row.cells[self.year - 1].assessment for row in self.rows) if self.plan.contains_year(self.year - 1) else None
                text = YearlyBrief(self.plan, self.year, self.rows, status_counts(self.rows), previous, summaries, self.today)
                sections, verdicts = text.sections(), None
            for section in sections:
                doc.section(section)
            if (item := issued.latest(self.plan, self.year)) and (changes := issued.changes_since(item)):
                section = Section(issued.since_heading(item))  # what the last issued document said that no longer holds
                section.numbered([issued.change_line(change) for change in changes])
                doc.section(section)
            doc.paragraph(f"附表：量化指标完成情况（截至{self.year}年）", ANNEX_LIST)
            doc.signature(settings.BRIEF_ISSUER or self.plan.issuer, self.today)
            appendix(doc, self.plan, self.year, self.rows, verdicts=verdicts)
            doc.core_properties("".join(self.title()), self.now)
        return doc

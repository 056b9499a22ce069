"""The supervision brief (督查通报) as a Word document: an exporter like the assessment workbook.

A draft for the supervision office: title and the plan's document number, 一、总体情况,
二、各部门情况, 三、存在问题, 四、下一步工作, the date, and the plan's table as 附表.  The yearly
brief is as of one year; the final assessment (``final=True``) covers the whole plan once its
last year is over, marked 预评估 until the plan is closed.

Whoever asks (a leader, a reviewer, an administrator, or the command), the brief shows only
submitted and approved figures (``Visibility.published()``): it is a document that leaves
ipzone, and a draft is not a figure yet.  Unapproved ones are marked 待审核, as in the workbook.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators import selection
from indicators.brief import annual, final_review
from indicators.brief import phrases as P
from indicators.brief.appendix import appendix, table_title
from indicators.brief.gongwen import GongwenDocument
from indicators.excel.base import BaseExporter
from indicators.final_assessment import final_assessment
from indicators.models import Actual
from indicators.permissions import READ_ALL, can
from indicators.progress import count_by_status
from indicators.rows import build_rows, department_summary, status_counts

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class BriefRefused(ValueError):
    """A brief that cannot be written (yet): the message says why, in the request's language."""


def final_refusal(plan, year: int, today: date) -> str | None:
    """Why the final assessment of ``plan`` cannot be written now, or None when it can."""
    if today.year <= plan.last_year:
        return _("The final assessment of %(plan)s can be written once its last year, %(last)s, is over (from 1 January %(next)s).") % {
            "plan": plan.code, "last": plan.last_year, "next": plan.last_year + 1,
        }
    if year != plan.last_year:
        return _("The final assessment covers the whole plan %(plan)s and is asked for with its last year, %(last)s.") % {
            "plan": plan.code, "last": plan.last_year,
        }
    return None


class SupervisionBrief(BaseExporter):
    identifier = "brief"
    verbose_name = gettext_lazy("Supervision brief (Word)")
    content_type = DOCX_CONTENT_TYPE

    def __init__(self, plan, year: int, viewer=None, *, final: bool = False, today: date | None = None, now=None):
        if not plan.contains_year(year):
            raise BriefRefused(_("%(year)s is not a year of %(plan)s.") % {"year": year, "plan": plan.code})
        if not can(viewer, READ_ALL):
            raise PermissionError("Only leaders, reviewers and administrators get the brief.")
        self.plan = plan
        self.year = year
        self.final = final
        self.now = now or timezone.now()
        self.today = today or selection.shanghai_today()
        if final:
            refusal = final_refusal(plan, year, self.today)
            if refusal:
                raise BriefRefused(refusal)


    # -- names ------------------------------------------------------------------------------
    def get_filename(self) -> str:
        if self.final:
            return f"督查通报_终期评估_{self.plan.first_year}-{self.plan.last_year}年.docx"
        return f"督查通报_{self.year}年.docx"

    def get_ascii_filename(self) -> str:
        if self.final:
            return f"brief_final_{self.plan.first_year}-{self.plan.last_year}.docx"
        return f"brief_{self.year}.docx"

    @property
    def title(self) -> str:
        if self.final:
            mark = "（预评估）" if not self.plan.is_closed else ""
            return f"关于《{self.plan.title}》量化指标终期评估情况的督查通报{mark}"
        return f"关于《{self.plan.title}》量化指标{self.year}年度推进情况的督查通报"

    def under_title(self) -> list[str]:
        """The plan's document number and what the figures are as of (the date they were read is the brief's date)."""
        if self.final:
            return [f"（{self.plan.code}　实施期{self.plan.first_year}—{self.plan.last_year}年）"]
        return [f"（{self.plan.code}　截至{self.year}年12月31日）"]

    # -- content ----------------------------------------------------------------------------
    @cached_property
    def rows(self):
        return build_rows(self.plan, self.year, Actual.objects.published())

    @cached_property
    def words(self) -> dict:
        return P.words()

    def year_facts(self) -> annual.YearFacts:
        previous = None
        if self.plan.contains_year(self.year - 1):
            # What status_counts(build_rows(plan, year - 1)) gives, without loading the plan again: a row's
            # cell of each year holds its assessment as of that year (rows.YearCell), whatever the build's year.
            previous = count_by_status(row.cells[self.year - 1].assessment for row in self.rows)
        return annual.YearFacts(
            plan=self.plan,
            year=self.year,
            rows=self.rows,
            counts=status_counts(self.rows),
            previous=previous,
            summaries=department_summary(self.plan, self.year, self.rows, today=self.today),
            today=self.today,
            words=self.words,
        )

    def final_facts(self) -> final_review.FinalFacts:
        return final_review.FinalFacts(
            plan=self.plan,
            rows=self.rows,
            verdicts=[item.verdict for item in final_assessment(self.plan, self.rows).rows],  # as the page and the workbook
            summaries=department_summary(self.plan, self.year, self.rows, today=self.today),
            today=self.today,
            words=self.words,
        )

    def introduction(self) -> str:
        reference = P.plan_reference(self.plan)
        if self.final:
            text = (
                f"{self.plan.issuer}印发的{reference}实施期为{self.plan.first_year}—{self.plan.last_year}年，"
                f"现已期满。现将{len(self.rows)}项量化指标的终期评估情况通报如下。"
            )
            if not self.plan.is_closed:
                text = text.replace("终期评估情况", "终期评估（预评估）情况")
            return text
        return f"为推动{self.plan.issuer}印发的{reference}确定的量化指标落实，现将截至{self.year}年底的推进情况通报如下。"

    def build(self) -> GongwenDocument:
        doc = GongwenDocument()
        doc.title(self.title, self.under_title())
        doc.paragraph(self.introduction())
        if self.final:
            facts = self.final_facts()
            sections = final_review.sections(facts)
            verdicts = [self.words[verdict.verdict] for verdict in facts.verdicts]
        else:
            sections = annual.sections(self.year_facts())
            verdicts = None
        for section in sections:
            doc.section(section)
        doc.annex_list(table_title(self.plan, self.year))
        doc.signature_date(self.today)
        appendix(doc, self.plan, self.year, self.rows, verdicts=verdicts)
        doc.core_properties(self.title, self.now)
        return doc

    def write(self, handle) -> None:
        self.build().save(handle)

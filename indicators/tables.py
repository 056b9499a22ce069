"""django-tables2 tables over ``rows.IndicatorRow`` (in the manner of NetBox).

``BaseTable`` shows only the columns a domain table lists in ``Meta.fields`` (in that order), so
one table class per page picks from the shared column set.  Custom columns implement
``render()`` for the page and ``value()`` for exports, so an export never contains HTML.  The
pseudo-field ``"years"`` in ``Meta.fields`` stands for one column per plan year up to the as-of
year, made when the table is.

Sort keys are plain attributes of the row (``status_rank``, ``completion_sort``, ``sort_values``),
so django-tables2 sorts thousands of rows by a cheap look-up each.  A page that lists a large
department sorts and pages one table of light rows and shows a second table of the page's rows
with every year (``DepartmentIndicatorTable.page_of``).
"""

from __future__ import annotations

import django_tables2 as tables
from django.core.paginator import Page, Paginator
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from indicators.rows import IndicatorRow
from indicators.templatetags.ipzone_tags import pending_mark, percent, status_badge, verdict_badge

YEARS = "years"
NUM = {"td": {"class": "num"}, "th": {"class": "num"}}


class BaseTable(tables.Table):
    """Keeps the columns named in ``Meta.fields`` and expands ``"years"`` into year columns."""

    class Meta:
        attrs = {"class": "data-table"}
        orderable = True
        template_name = "tables/table.html"
        empty_text = _("No indicators.")

    def __init__(self, data, *, year_columns=(), **kwargs):
        year_columns = list(year_columns)
        fields = list(getattr(self._meta, "fields", None) or self.base_columns.keys())
        if YEARS not in fields:
            fields.append(YEARS)
        sequence = []
        for name in fields:
            if name == YEARS:
                sequence.extend(column_name for column_name, _column in year_columns)
            else:
                sequence.append(name)
        kwargs.setdefault("exclude", [name for name in self.base_columns if name not in fields])
        super().__init__(data, extra_columns=year_columns, sequence=sequence, **kwargs)


class IndicatorNameColumn(tables.Column):
    """The printed name, linked to the indicator page."""

    def render(self, record: IndicatorRow):
        url = reverse("indicator", args=[record.indicator.pk])
        return format_html('<a href="{}?year={}">{}</a>', url, record.year, record.indicator.name)

    def value(self, record: IndicatorRow, **kwargs):
        return record.indicator.name


class RoleColumn(tables.Column):
    def render(self, record: IndicatorRow):
        return format_html('<span class="role role-{}">{}</span>', record.role, record.role_label)

    def value(self, record: IndicatorRow, **kwargs):
        return str(record.role_label)


class YearValueColumn(tables.Column):
    """One plan year's figure, marked 待审核 until approved; blank means not reported."""

    def __init__(self, year, **kwargs):
        self.year = year
        kwargs.setdefault("verbose_name", _("%(year)s actual") % {"year": year})
        kwargs.setdefault("order_by", f"sort_values__{year}")
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("attrs", NUM)
        super().__init__(accessor="indicator", **kwargs)

    def render(self, record: IndicatorRow):
        cell = record.cells[self.year]
        if not cell.reported:
            return format_html('<span class="not-reported">{}</span>', _("Not reported"))
        return format_html("{} {}", cell.text, pending_mark(cell))

    def value(self, record: IndicatorRow, **kwargs):
        cell = record.cells[self.year]
        if not cell.reported:
            return ""
        if not cell.pending:
            return cell.text
        return f"{cell.text} ({_('Draft') if cell.draft else _('Pending review')})"


class YearTargetColumn(tables.Column):
    """That year's target m (the administrator's, else linear from baseline to target)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("attrs", NUM)
        super().__init__(accessor="indicator", **kwargs)

    def render(self, record: IndicatorRow):
        return str(record.current.target)

    def value(self, record: IndicatorRow, **kwargs):
        return str(record.current.target)


class CompletionColumn(tables.Column):
    """A completion (目标完成率 against the final target, 年度完成率 against that year's); "—" when there is none.

    A pair shows both parts, amount first.
    """

    def __init__(self, part_attribute="completion", **kwargs):
        self.part_attribute = part_attribute
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("attrs", NUM)
        super().__init__(accessor="indicator", **kwargs)

    def text(self, record: IndicatorRow) -> str:
        return " / ".join(percent(getattr(part, self.part_attribute)) for part in record.assessment.parts)

    def render(self, record: IndicatorRow):
        return self.text(record)

    def value(self, record: IndicatorRow, **kwargs):
        return self.text(record)


class StatusColumn(tables.Column):
    """The status word on its colour; sorts worst first."""

    def __init__(self, **kwargs):
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("order_by", "status_rank")
        super().__init__(accessor="indicator", **kwargs)

    def render(self, record: IndicatorRow):
        return status_badge(record.status)

    def value(self, record: IndicatorRow, **kwargs):
        return str(record.status.label)


class IndicatorTable(BaseTable):
    """Every column an indicator row can show; domain tables choose with ``Meta.fields``."""

    order = tables.Column(verbose_name=_("No."), accessor="indicator__order", attrs={"td": {"class": "num"}})
    task = tables.Column(verbose_name=_("Task"), accessor="indicator__task_number", attrs={"td": {"class": "num"}})
    name = IndicatorNameColumn(verbose_name=_("Indicator"), accessor="indicator__name", attrs={"td": {"class": "name"}})
    role = RoleColumn(verbose_name=_("Role"), accessor="role")
    departments = tables.Column(verbose_name=_("Responsible departments"), accessor="department_names", orderable=False)
    baseline = tables.Column(verbose_name=_("Baseline"), accessor="indicator__baseline_printed", orderable=False, attrs=NUM)
    year_target = YearTargetColumn(verbose_name=_("Target this year"))
    target = tables.Column(verbose_name=_("Final target"), accessor="indicator__target_printed", orderable=False, attrs=NUM)
    year_completion = CompletionColumn("year_completion", verbose_name=_("Completion of the year's target"), orderable=False)
    completion = CompletionColumn(verbose_name=_("Completion of the final target"), order_by="completion_sort")
    status = StatusColumn(verbose_name=_("Status"))

    def __init__(self, rows, *, plan, year, **kwargs):
        self.plan, self.year = plan, year
        year_columns = [(f"y{y}", YearValueColumn(y)) for y in plan.years if y <= year]
        super().__init__(rows, year_columns=year_columns, **kwargs)
        # Headers that name the plan's years; the columns are per-table copies, so this is safe.
        headers = {
            "baseline": _("%(year)s baseline") % {"year": plan.baseline_year},
            "target": _("%(year)s target") % {"year": plan.last_year},
            "year_target": _("%(year)s yearly target") % {"year": year},
        }
        for name, header in headers.items():
            if name in self.columns:
                self.columns[name].column.verbose_name = header


class DepartmentIndicatorTable(IndicatorTable):
    """A department's page: its lead indicators, then those it co-operates on."""

    class Meta(IndicatorTable.Meta):
        fields = ("order", "name", "role", "baseline", YEARS, "year_target", "target", "year_completion", "completion", "status")

    @staticmethod
    def sorts_by_an_earlier_year(query, year: int) -> bool:
        """Does ``?sort=`` ask for a year column before ``year``?  Only then does sorting need every
        row's earlier figures (``build_rows(all_years=True)``); the other columns sort by what
        decides ``year``."""
        column = query.get("sort", "").removeprefix("-")
        return column.startswith("y") and column[1:].isdigit() and int(column[1:]) < year

    def page_of(self, number: int, per_page: int) -> Page:
        """Page ``number`` (clamped to the last) of this table's rows, sorted as ``order_by`` says."""
        paginator = Paginator(self.data.data, per_page)  # the rows, as order_by sorted them
        return paginator.get_page(number)


# ---- the final assessment (rows.final.FinalRow: ``indicator``, ``cells`` and ``year`` as a row's) ----


class FinalTextColumn(tables.Column):
    """A text of the final assessment (final value, period total, target); "" shown as not reported."""

    def __init__(self, attribute: str, *, blank_is_missing: bool = False, **kwargs):
        self.attribute, self.blank_is_missing = attribute, blank_is_missing
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("attrs", NUM)
        super().__init__(accessor="indicator", **kwargs)

    def render(self, record):
        text = getattr(record, self.attribute)
        if not text and self.blank_is_missing:
            return format_html('<span class="not-reported">{}</span>', _("Not reported"))
        return text

    def value(self, record, **kwargs):
        return getattr(record, self.attribute)


class ShareColumn(tables.Column):
    """How far from baseline to target (进度), part by part; "—" when there is no way to go."""

    def __init__(self, **kwargs):
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("attrs", NUM)
        super().__init__(accessor="indicator", **kwargs)

    def render(self, record):
        return " / ".join(percent(share) for share in record.shares)

    def value(self, record, **kwargs):
        return self.render(record)


class VerdictColumn(tables.Column):
    """The verdict word on the colour of the status it resembles (``final.VERDICT_STATUS``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("empty_values", ())
        super().__init__(accessor="indicator", **kwargs)

    def render(self, record):
        return verdict_badge(record.verdict.verdict)

    def value(self, record, **kwargs):
        return str(record.verdict.verdict.label)


class FinalAssessmentTable(BaseTable):
    """The final-assessment page: baseline, every plan year, the final value, the target and the verdict."""

    order = tables.Column(verbose_name=_("No."), accessor="indicator__order", attrs={"td": {"class": "num"}})
    name = IndicatorNameColumn(verbose_name=_("Indicator"), accessor="indicator__name", attrs={"td": {"class": "name"}})
    lead = tables.Column(verbose_name=_("Lead department"), accessor="row__lead_department__name", attrs={"td": {"class": "lead"}})
    baseline = tables.Column(verbose_name=_("Baseline"), accessor="indicator__baseline_printed", attrs=NUM)
    final = FinalTextColumn("final_text", blank_is_missing=True, verbose_name=_("Final value"))
    total = FinalTextColumn("total_text", verbose_name=_("Plan-period total"))
    target = FinalTextColumn("target_text", verbose_name=_("Final target"))
    share = ShareColumn(verbose_name=_("Progress from baseline to target"))
    verdict = VerdictColumn(verbose_name=_("Verdict"))

    class Meta(BaseTable.Meta):
        orderable = False  # in table order, as the plan prints it
        fields = ("order", "name", "lead", "baseline", YEARS, "final", "total", "target", "share", "verdict")

    def __init__(self, rows, *, plan, **kwargs):
        super().__init__(rows, year_columns=[(f"y{y}", YearValueColumn(y)) for y in plan.years], **kwargs)
        self.columns["baseline"].column.verbose_name = _("%(year)s baseline") % {"year": plan.baseline_year}
        self.columns["target"].column.verbose_name = _("%(year)s target") % {"year": plan.last_year}

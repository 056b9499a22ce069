"""django-tables2 tables over ``rows.IndicatorRow`` and the final assessment's rows (in the manner of NetBox).

Every column has ``render()`` for the page and ``value()`` for exports, so an export never holds HTML.
"""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from indicators import formatting
from indicators.templatetags.ipzone_tags import pending_mark, status_badge, verdict_badge

NUM = {"td": {"class": "num"}, "th": {"class": "num"}}


class RowColumn(tables.Column):
    """A column worked out from the whole row; ``accessor`` and ``order_by`` only say how it sorts."""

    def __init__(self, **kwargs):
        kwargs.setdefault("accessor", "indicator")
        kwargs.setdefault("empty_values", ())
        super().__init__(**kwargs)

    def value(self, record):
        return self.render(record)


class IndicatorNameColumn(RowColumn):
    """The printed name, linked to the indicator page."""

    def render(self, record):
        url = reverse("indicator", args=[record.indicator.pk])
        return format_html('<a href="{}?year={}">{}</a>', url, record.year, record.indicator.name)

    def value(self, record):
        return record.indicator.name


class YearValueColumn(RowColumn):
    """One plan year's figure, marked 待审核 until approved (草稿 while a draft); blank means not reported."""

    def __init__(self, year):
        self.year = year
        super().__init__(verbose_name=_("%(year)s actual") % {"year": year}, order_by=f"cells__{year}__sort_value", attrs=NUM)

    def render(self, record):
        cell = record.cells[self.year]
        if not cell.reported:
            return format_html('<span class="not-reported">{}</span>', _("Not reported"))
        return format_html("{} {}", cell.text, pending_mark(cell))

    def value(self, record):
        cell = record.cells[self.year]
        return f"{cell.text} ({_('Draft') if cell.draft else _('Pending review')})" if cell.pending else cell.text


class CompletionColumn(RowColumn):
    """年度完成率 or 目标完成率 (``progress.completion``), part by part for a pair; "—" when there is none."""

    def __init__(self, attribute, **kwargs):
        self.attribute = attribute
        kwargs.setdefault("attrs", NUM)
        super().__init__(**kwargs)

    def render(self, record):
        return formatting.percents(getattr(part, self.attribute) for part in record.assessment.parts)


class DepartmentIndicatorTable(tables.Table):
    """A department's page: its lead indicators, then those it co-operates on, as of a year."""

    order = tables.Column(accessor="indicator__order", verbose_name=_("No."), attrs={"td": {"class": "num"}})
    name = IndicatorNameColumn(verbose_name=_("Indicator"), order_by="indicator__name", attrs={"td": {"class": "name"}})
    role = RowColumn(accessor="role", verbose_name=_("Role"))
    baseline = tables.Column(accessor="indicator__baseline_printed", orderable=False, attrs=NUM)
    year_target = RowColumn(orderable=False, attrs=NUM)
    target = tables.Column(accessor="indicator__target_printed", orderable=False, attrs=NUM)
    year_completion = CompletionColumn("year_completion", verbose_name=_("Completion of the year's target"), orderable=False)
    completion = CompletionColumn("completion", verbose_name=_("Completion of the final target"), order_by="completion_sort")
    status = RowColumn(verbose_name=_("Status"), order_by="status_rank")

    class Meta:
        attrs = {"class": "data-table"}
        empty_text = _("No indicators.")

    def __init__(self, rows, *, plan, year, **kwargs):
        years = [(f"y{y}", YearValueColumn(y)) for y in plan.years if y <= year]
        sequence = ["order", "name", "role", "baseline", *[name for name, _column in years], "year_target", "target",
                    "year_completion", "completion", "status"]
        super().__init__(rows, extra_columns=years, sequence=sequence, **kwargs)
        headers = {
            "baseline": _("%(year)s baseline") % {"year": plan.baseline_year},
            "target": _("%(year)s target") % {"year": plan.last_year},
            "year_target": _("%(year)s yearly target") % {"year": year},
        }
        for name, header in headers.items():
            if name in self.columns:
                self.columns[name].column.verbose_name = header

    def render_role(self, record):
        return format_html('<span class="role role-{}">{}</span>', record.role, record.role_label)

    def value_role(self, record):
        return str(record.role_label)

    def render_year_target(self, record):
        return formatting.printed(record.current.target)

    def render_status(self, record):
        return status_badge(record.status)

    def value_status(self, record):
        return str(record.status.label)


class FinalAssessmentTable(tables.Table):
    """The final-assessment page: baseline, every plan year, the final value, the target, 目标完成率 and the verdict."""

    order = tables.Column(accessor="indicator__order", verbose_name=_("No."), attrs={"td": {"class": "num"}})
    name = IndicatorNameColumn(verbose_name=_("Indicator"), attrs={"td": {"class": "name"}})
    lead = tables.Column(accessor="row__lead_department__name", verbose_name=_("Lead department"), attrs={"td": {"class": "lead"}})
    baseline = tables.Column(accessor="indicator__baseline_printed", attrs=NUM)
    final = RowColumn(accessor="final_text", verbose_name=_("Final value"), attrs=NUM)
    total = tables.Column(accessor="total_text", verbose_name=_("Plan-period total"), attrs=NUM, default="")
    target = tables.Column(accessor="target_text", verbose_name=_("Final target"), attrs=NUM)
    share = RowColumn(verbose_name=_("Completion of the final target"), attrs=NUM)
    verdict = RowColumn(verbose_name=_("Verdict"))

    class Meta:
        attrs = {"class": "data-table"}
        orderable = False  # in table order, as the plan prints it

    def __init__(self, rows, *, plan, **kwargs):
        years = [(f"y{y}", YearValueColumn(y)) for y in plan.years]
        sequence = ["order", "name", "lead", "baseline", *[name for name, _column in years], "final", "total", "target", "share", "verdict"]
        super().__init__(rows, extra_columns=years, sequence=sequence, **kwargs)
        self.columns["baseline"].column.verbose_name = _("%(year)s baseline") % {"year": plan.baseline_year}
        self.columns["target"].column.verbose_name = _("%(year)s target") % {"year": plan.last_year}
        for bound in self.columns:  # on a phone each row is a card, each cell labelled by its header
            td = bound.column.attrs.get("td", {})
            bound.column.attrs = {**bound.column.attrs, "td": {**td, "data-label": str(bound.header)}}

    def render_final(self, record):
        if not record.final_text:
            return format_html('<span class="not-reported">{}</span>', _("Not reported"))
        return record.final_text

    def value_final(self, record):
        return record.final_text

    def render_share(self, record):
        return formatting.percents(record.shares)

    def render_verdict(self, record):
        return verdict_badge(record.verdict.verdict)

    def value_verdict(self, record):
        return str(record.verdict.verdict.label)

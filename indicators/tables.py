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

Every column is a ``RowColumn``: its cell is ``render(record)`` of the whole row.  The body is
written by ``BaseTable.body_cells``, which calls that ``render()`` directly: django-tables2's own
per-cell dispatch (resolving the accessor, inspecting ``render()``'s signature, merging attributes)
cost four times the rendering itself, and a department page of a large plan shows 700 cells.
Headers, sorting and ``as_values()`` exports stay django-tables2's.
"""

from __future__ import annotations

import django_tables2 as tables
from django.core.paginator import Page, Paginator
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from indicators.rows import IndicatorRow
from indicators.templatetags.ipzone_tags import pending_mark, percent, status_badge, verdict_badge

YEARS = "years"
BLANK = "—"  # what a cell with nothing to show says (django-tables2's own default)
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

    @cached_property
    def body_columns(self) -> list[tuple[str, RowColumn]]:
        """The shown columns in order, each with its ``<td>`` class attribute (only the column's own
        td class, e.g. "num": the merged ordering classes belong to the header)."""
        columns = []
        for bound_column in self.columns:
            column = bound_column.column
            if not isinstance(column, RowColumn):
                raise TypeError(f"{type(self).__name__}.{bound_column.name} must be a RowColumn")
            td_class = column.attrs.get("td", {}).get("class")
            columns.append((format_html(' class="{}"', td_class) if td_class else "", column))
        return columns

    def body_cells(self, row) -> SafeString:
        """The ``<td>`` cells of one body row (a ``BoundRow``; the template tag ``table_cells``)."""
        record = row.record
        return format_html_join("", "<td{}>{}</td>", ((td_class, column.render(record)) for td_class, column in self.body_columns))


class RowColumn(tables.Column):
    """A column whose cell is worked out from the whole row: ``render(record)`` for the page,
    ``value(record)`` for files.  ``accessor`` and ``order_by`` only say how django-tables2 sorts it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("accessor", "indicator")
        kwargs.setdefault("empty_values", ())  # value() is called for every row, whatever the accessor finds
        super().__init__(**kwargs)

    def render(self, record):
        raise NotImplementedError

    def value(self, record, **kwargs):
        return self.render(record)


class AttributeColumn(RowColumn):
    """One attribute of the row as it is (``"indicator__order"``); ``default`` ("—") when blank."""

    def __init__(self, path: str, **kwargs):
        self.path = tables.A(path)
        kwargs.setdefault("default", BLANK)
        super().__init__(accessor=path, **kwargs)

    def render(self, record):
        value = self.path.resolve(record)
        return self.default if value is None or value == "" else value


class IndicatorNameColumn(RowColumn):
    """The printed name, linked to the indicator page."""

    def render(self, record: IndicatorRow):
        url = reverse("indicator", args=[record.indicator.pk])
        return format_html('<a href="{}?year={}">{}</a>', url, record.year, record.indicator.name)

    def value(self, record: IndicatorRow, **kwargs):
        return record.indicator.name


class RoleColumn(RowColumn):
    def render(self, record: IndicatorRow):
        return format_html('<span class="role role-{}">{}</span>', record.role, record.role_label)

    def value(self, record: IndicatorRow, **kwargs):
        return str(record.role_label)


class YearValueColumn(RowColumn):
    """One plan year's figure, marked 待审核 until approved; blank means not reported."""

    def __init__(self, year, **kwargs):
        self.year = year
        kwargs.setdefault("verbose_name", _("%(year)s actual") % {"year": year})
        kwargs.setdefault("order_by", f"sort_values__{year}")
        kwargs.setdefault("attrs", NUM)
        super().__init__(**kwargs)

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


class YearTargetColumn(RowColumn):
    """That year's target m (the administrator's, else linear from baseline to target)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("attrs", NUM)
        super().__init__(**kwargs)

    def render(self, record: IndicatorRow):
        return str(record.current.target)


class CompletionColumn(RowColumn):
    """A completion (目标完成率 against the final target, 年度完成率 against that year's); "—" when there is none.

    A pair shows both parts, amount first.
    """

    def __init__(self, part_attribute="completion", **kwargs):
        self.part_attribute = part_attribute
        kwargs.setdefault("attrs", NUM)
        super().__init__(**kwargs)

    def render(self, record: IndicatorRow):
        return " / ".join(percent(getattr(part, self.part_attribute)) for part in record.assessment.parts)


class StatusColumn(RowColumn):
    """The status word on its colour; sorts worst first."""

    def __init__(self, **kwargs):
        kwargs.setdefault("order_by", "status_rank")
        super().__init__(**kwargs)

    def render(self, record: IndicatorRow):
        return status_badge(record.status)

    def value(self, record: IndicatorRow, **kwargs):
        return str(record.status.label)


class IndicatorTable(BaseTable):
    """Every column an indicator row can show; domain tables choose with ``Meta.fields``."""

    order = AttributeColumn("indicator__order", verbose_name=_("No."), attrs={"td": {"class": "num"}})
    task = AttributeColumn("indicator__task_number", verbose_name=_("Task"), attrs={"td": {"class": "num"}})
    name = IndicatorNameColumn(verbose_name=_("Indicator"), accessor="indicator__name", attrs={"td": {"class": "name"}})
    role = RoleColumn(verbose_name=_("Role"), accessor="role")
    departments = AttributeColumn("department_names", verbose_name=_("Responsible departments"), orderable=False)
    baseline = AttributeColumn("indicator__baseline_printed", verbose_name=_("Baseline"), orderable=False, attrs=NUM)
    year_target = YearTargetColumn(verbose_name=_("Target this year"))
    target = AttributeColumn("indicator__target_printed", verbose_name=_("Final target"), orderable=False, attrs=NUM)
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


class FinalTextColumn(RowColumn):
    """A text of the final assessment (final value, period total, target); "" shown as not reported."""

    def __init__(self, attribute: str, *, blank_is_missing: bool = False, **kwargs):
        self.attribute, self.blank_is_missing = attribute, blank_is_missing
        kwargs.setdefault("attrs", NUM)
        super().__init__(**kwargs)

    def render(self, record):
        text = getattr(record, self.attribute)
        if not text and self.blank_is_missing:
            return format_html('<span class="not-reported">{}</span>', _("Not reported"))
        return text

    def value(self, record, **kwargs):
        return getattr(record, self.attribute)


class ShareColumn(RowColumn):
    """How far from baseline to target (进度), part by part; "—" when there is no way to go."""

    def __init__(self, **kwargs):
        kwargs.setdefault("attrs", NUM)
        super().__init__(**kwargs)

    def render(self, record):
        return " / ".join(percent(share) for share in record.shares)


class VerdictColumn(RowColumn):
    """The verdict word on the colour of the status it resembles (``final.VERDICT_STATUS``)."""

    def render(self, record):
        return verdict_badge(record.verdict.verdict)

    def value(self, record, **kwargs):
        return str(record.verdict.verdict.label)


class FinalAssessmentTable(BaseTable):
    """The final-assessment page: baseline, every plan year, the final value, the target and the verdict."""

    order = AttributeColumn("indicator__order", verbose_name=_("No."), attrs={"td": {"class": "num"}})
    name = IndicatorNameColumn(verbose_name=_("Indicator"), accessor="indicator__name", attrs={"td": {"class": "name"}})
    lead = AttributeColumn("row__lead_department__name", verbose_name=_("Lead department"), attrs={"td": {"class": "lead"}})
    baseline = AttributeColumn("indicator__baseline_printed", verbose_name=_("Baseline"), attrs=NUM)
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

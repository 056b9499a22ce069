"""The department page's table of indicator rows: its columns, sorting by ``?sort=``, its pages.

Each column says how it shows a row on the page (escaped HTML), what it gives an export (plain
text, never HTML) and, when it can be sorted, its sort key.  The year columns are made per
table: one per plan year up to the as-of year.

This replaced a django-tables2 table: at 2,900 rows its sorting (an accessor resolved per row
and key) and rendering (attributes and a signature inspection per cell) took ~180 ms of the
page's ~470 ms; sorting a list by a key and a template loop over ready cells take a few.
Sorting is stable, so rows with equal keys keep the order ``build_rows`` gives them (lead
indicators first, then table order), ascending or descending.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from indicators.models import Plan
from indicators.rows import IndicatorRow
from indicators.templatetags.ipzone_tags import pending_mark, percent, status_badge

SORT_PARAMETER = "sort"
NUM = "num"


@dataclass(frozen=True)
class Column:
    name: str  # what ?sort= names it by
    header: str
    html: Callable[[IndicatorRow], str]  # escaped: format_html, or text that the template escapes
    text: Callable[[IndicatorRow], Any]  # for exports
    sort_key: Callable[[IndicatorRow], Any] | None = None
    td_class: str = ""
    th_class: str = ""


@dataclass(frozen=True)
class Header:
    label: str
    css: str
    url: str  # "" when the column cannot be sorted
    sorted: str  # "ascending", "descending" or ""


def _name_html(row: IndicatorRow) -> str:
    url = reverse("indicator", args=[row.indicator.pk])
    return format_html('<a href="{}?year={}">{}</a>', url, row.year, row.indicator.name)


def _year_column(year: int) -> Column:
    def html(row: IndicatorRow) -> str:
        cell = row.cells[year]
        if not cell.reported:
            return format_html('<span class="not-reported">{}</span>', _("Not reported"))
        return format_html("{} {}", cell.text, pending_mark(cell))

    def text(row: IndicatorRow) -> str:
        cell = row.cells[year]
        if not cell.reported:
            return ""
        return f"{cell.text} ({_('Pending review')})" if cell.pending else cell.text

    return Column(
        f"y{year}", _("%(year)s actual") % {"year": year}, html, text,
        sort_key=lambda row: row.cells[year].sort_value, td_class=NUM, th_class=NUM,
    )  # fmt: skip


def department_columns(plan: Plan, year: int) -> list[Column]:
    """The department page's columns, headed with the plan's years; labels in the active language."""

    def year_target(row: IndicatorRow) -> str:
        return str(row.current.target)

    def completion(row: IndicatorRow) -> str:
        return percent(row.assessment.completion)

    return [
        Column("order", _("No."), lambda row: str(row.indicator.order), lambda row: row.indicator.order,
               sort_key=lambda row: row.indicator.order, td_class=NUM),
        Column("name", _("Indicator"), _name_html, lambda row: row.indicator.name,
               sort_key=lambda row: row.indicator.name, td_class="name"),
        Column("role", _("Role"), lambda row: format_html('<span class="role role-{}">{}</span>', row.role, row.role_label),
               lambda row: str(row.role_label), sort_key=lambda row: row.role),
        Column("baseline", _("%(year)s baseline") % {"year": plan.baseline_year},
               lambda row: row.indicator.baseline_printed, lambda row: row.indicator.baseline_printed, td_class=NUM),
        *(_year_column(y) for y in plan.years if y <= year),
        Column("year_target", _("%(year)s yearly target") % {"year": year}, year_target, year_target,
               td_class=NUM, th_class=NUM),
        Column("target", _("%(year)s target") % {"year": plan.last_year},
               lambda row: row.indicator.target_printed, lambda row: row.indicator.target_printed, td_class=NUM),
        Column("completion", _("Completion"), completion, completion,
               sort_key=lambda row: row.completion_sort, td_class=NUM, th_class=NUM),
        # The status word on its colour; sorts worst first.
        Column("status", _("Status"), lambda row: status_badge(row.status), lambda row: str(row.status.label),
               sort_key=lambda row: row.status_rank),
    ]  # fmt: skip


class DepartmentIndicatorTable:
    """A department's indicators (lead ones first, then those it co-operates on), sortable, in pages.

    ``query`` is the request's query string: ``?sort=<column>`` or ``?sort=-<column>`` sorts
    (any other value is ignored), and the header and page links keep the rest of it.
    """

    empty_text = ""

    def __init__(self, rows: Sequence[IndicatorRow], *, plan: Plan, year: int, query: QueryDict | None = None):
        self.query = query if query is not None else QueryDict()
        self.columns = department_columns(plan, year)
        self.empty_text = _("No indicators.")
        self.rows = list(rows)
        self.order_by = ""  # the sort applied, as ?sort= says it
        wanted = self.query.get(SORT_PARAMETER, "")
        column = self._sortable().get(wanted.removeprefix("-"))
        if column is not None:
            self.rows.sort(key=column.sort_key, reverse=wanted.startswith("-"))
            self.order_by = wanted
        self.page: Page = Paginator(self.rows, len(self.rows) or 1).page(1)
        self.shown: list[IndicatorRow] | None = None  # rows to show in place of the page's (``show``)

    @staticmethod
    def sorts_by_an_earlier_year(query: QueryDict, year: int) -> bool:
        """Does ``?sort=`` ask for a year column before ``year``?  Only then does sorting need
        every row's earlier figures (``build_rows(all_years=True)``); the others sort by what
        decides ``year``."""
        column = query.get(SORT_PARAMETER, "").removeprefix("-")
        return column.startswith("y") and column[1:].isdigit() and int(column[1:]) < year

    def _sortable(self) -> dict[str, Column]:
        return {column.name: column for column in self.columns if column.sort_key is not None}

    def paginate(self, page: int, per_page: int) -> Page:
        """Show page ``page`` (clamped to the last one) of ``per_page`` rows."""
        self.page = Paginator(self.rows, per_page).get_page(page)
        self.shown = None
        return self.page

    def show(self, rows: Sequence[IndicatorRow]) -> None:
        """Show ``rows`` in place of the page's rows: the same ones, in the same order, with every year."""
        if [row.indicator.pk for row in rows] != [row.indicator.pk for row in self.page.object_list]:
            raise ValueError("show() takes the rows of the page shown, in its order")
        self.shown = list(rows)

    def url(self, **replace) -> str:
        """This page's query string with ``replace`` put in (``?sort=…``, ``?page=…``)."""
        query = self.query.copy()
        for key, value in replace.items():
            query[key] = value
        return "?" + query.urlencode()

    @property
    def headers(self) -> list[Header]:
        headers = []
        for column in self.columns:
            css, url, state = [column.th_class] if column.th_class else [], "", ""
            if column.sort_key is not None:
                css.append("orderable")
                # A click sorts ascending, or turns the current ascending sort around.
                url = self.url(**{SORT_PARAMETER: f"-{column.name}" if self.order_by == column.name else column.name})
                if self.order_by.removeprefix("-") == column.name:
                    descending = self.order_by.startswith("-")
                    css.append("desc" if descending else "asc")
                    state = "descending" if descending else "ascending"
            headers.append(Header(str(column.header), " ".join(css), url, state))
        return headers

    @property
    def body(self) -> list[list[tuple[str, str]]]:
        """The shown page's rows, each a list of ``(td class, HTML)``."""
        shown = self.page.object_list if self.shown is None else self.shown
        return [[(column.td_class, column.html(row)) for column in self.columns] for row in shown]

    def as_values(self) -> list[list]:
        """Header and every row (not only the shown page) as plain values, for an export (rows with every year)."""
        return [[str(column.header) for column in self.columns]] + [[column.text(row) for column in self.columns] for row in self.rows]

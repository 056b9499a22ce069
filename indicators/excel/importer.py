"""Reading a filled-in template back: every row checked, all saved or none.

The file is read by ``reading.read_sheet`` (checked first: size, zip, macros, zip
bombs, rows beyond the template the uploader fills in; formulas as the results stored
with them, never evaluated by us; any file openpyxl cannot read is "damaged").  Each
row becomes a ``workflow.Entry`` labelled “第 N 行” with the Excel row number and the
version the reporter downloaded; ``workflow.save_entries`` applies the same rules as the
admin form and saves in one transaction, recording the history.  Any problem — in the
file or in any row — raises ``ImportFailed`` listing every problem by row, and nothing
is saved.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from indicators import workflow
from indicators.permissions import ENTER, refusal
from indicators.workflow import Problem
from indicators.excel.template import (
    DEPARTMENT_LABEL,
    ID,
    NOT_CARRIED_OUT,
    NOTE,
    PLAN_LABEL,
    REQUIRED_HEADERS,
    VALUE,
    VERSION,
    COUNT,
    YEAR_LABEL,
)
from indicators.excel.reading import NoSheet, read_sheet
from indicators.excel.safety import UnsafeFile
from indicators.models import Indicator

HEADER_SEARCH_ROWS = 10  # the header is on row 3 of the template; allow a few inserted rows
ROW_MARGIN = 500  # empty or formatted rows people leave below the table
YES_WORDS = {"是", "y", "yes", "true", "1", "√", "✓", "✔", "未开展"}
NO_WORDS = {"", "否", "n", "no", "false", "0"}


class ImportFailed(Exception):
    """Nothing was saved; ``problems`` (``workflow.Problem``, keyed by spreadsheet row number) say why, in row order."""

    def __init__(self, problems):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        self.problems = sorted(problems, key=lambda problem: problem.key or 0)
        super().__init__("; ".join(str(p) for p in self.problems))

    @property
    def messages(self) -> list[str]:
        return [problem.message if problem.label is None else f"{problem.label}：{problem.message}" for problem in self.problems]


@dataclass
class ImportResult:
    rows: int  # data rows read
    saved: list  # actuals that changed


def row_label(number: int) -> str:
    return f"第 {number} 行"


def problem(number: int, message) -> Problem:
    return Problem(str(message), number, row_label(number))


# -- cell values ---------------------------------------------------------------------------------
def cell_text(value, number_format: str = "General") -> str | None:
    """A cell as the text ``values.parse_number`` reads.

    Excel stores numbers as binary doubles: 0.1 + 0.2 arrives as 0.30000000000000004.
    Fifteen significant digits — what Excel itself shows — drop that noise.  A cell
    formatted as a percentage holds 0.9526 for “95.26%”, so it is scaled back to 95.26.
    Dates mean Excel turned something like “3/10” into a date: refused with a hint.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (datetime.date, datetime.time, datetime.timedelta)):
        raise ValueError(_("Excel turned this value into a date or time; format the cell as a number and type it again."))
    if isinstance(value, (int, float, Decimal)):
        if isinstance(value, float) and not math.isfinite(value):
            return str(value)  # parse_number refuses it with its usual message
        number = Decimal(format(value, ".15g")) if isinstance(value, float) else Decimal(value)
        if "%" in (number_format or ""):
            number = Decimal(format(number * 100, ".15g"))
        return format(number.normalize(), "f")
    return str(value).strip()


def yes_no(value) -> bool:
    if value is None or value is False:
        return False
    if value is True:
        return True
    text = cell_text(value) if isinstance(value, (int, float, Decimal)) else str(value).strip()
    if text.lower() in YES_WORDS:
        return True
    if text.lower() in NO_WORDS:
        return False
    raise ValueError(_("In “%(column)s” enter “是” or leave it blank.") % {"column": NOT_CARRIED_OUT})


def whole_number(value) -> int | None:
    """The hidden id and version columns: whole numbers written by the template."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError from None
    if number != number.to_integral_value() or number < 0 or number > 2**62:
        raise ValueError
    return int(number)


# -- the sheet -------------------------------------------------------------------------------------
def max_rows(user, plan) -> int:
    """How deep a template ``user`` fills in can reach: its header, one row per indicator they enter, a margin.

    Nothing in an upload may lie below (``safety.check_xlsx``): reading rows costs time whether
    they hold anything or not.
    """
    return HEADER_SEARCH_ROWS + Indicator.objects.entered_by(user).filter(plan=plan).count() + ROW_MARGIN


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def read_rows(sheet_rows):
    """``(meta, columns, rows)``: labels above the header, header positions, and data rows with their numbers."""
    meta, columns, rows = {}, None, []
    for number, cells in sheet_rows:
        if columns is None:
            if number > HEADER_SEARCH_ROWS:
                break
            texts = [_text(cell.value) for cell in cells]
            if all(header in texts for header in REQUIRED_HEADERS):
                columns = {header: texts.index(header) for header in REQUIRED_HEADERS}
                continue
            for index, text in enumerate(texts[:-1]):
                if text in (YEAR_LABEL, DEPARTMENT_LABEL, PLAN_LABEL):
                    following = next((c.value for c in cells[index + 1:] if c.value not in (None, "")), None)
                    meta[text] = following
            continue
        if all(cell.value in (None, "") and not cell.formula for cell in cells):
            continue  # Excel and WPS often keep formatted empty rows below a table
        rows.append((number, cells))
    return meta, columns, rows


def _cell(cells, index):
    return cells[index] if index < len(cells) else None


def _value(cells, index):
    cell = _cell(cells, index)
    return None if cell is None else cell.value


def _formula_without_result(cells, columns) -> str | None:
    """The first of the row's template columns that holds a formula without a stored result."""
    for header in (ID, VERSION, VALUE, COUNT, NOT_CARRIED_OUT, NOTE):
        cell = _cell(cells, columns[header])
        if cell is not None and cell.formula_without_result:
            return header
    return None


class TemplateReader:
    """Turns a filled template into ``workflow.Entry`` objects for one user, plan and year."""

    def __init__(self, user, plan, year: int):
        self.user = user
        self.plan = plan
        self.year = year
        self.errors: list[Problem] = []

    def check_meta(self, meta):
        found = meta.get(YEAR_LABEL)
        try:
            found_year = whole_number(found)
        except ValueError:
            found_year = None
        if found_year is None:
            raise ImportFailed(_("The sheet does not say which year it is for (“%(label)s”). Use the template downloaded from this page.")
                               % {"label": YEAR_LABEL})
        if found_year != self.year:
            raise ImportFailed(
                _("This template is for %(found)s, but you are importing figures for %(year)s. "
                  "Download the template for %(year)s, or import on the page for %(found)s.")
                % {"found": found_year, "year": self.year}
            )
        code = _text(meta.get(PLAN_LABEL))
        if code and code != self.plan.code:
            raise ImportFailed(_("This template belongs to the plan %(found)s, not %(plan)s.") % {"found": code, "plan": self.plan.code})

    def entries(self, sheet_rows) -> tuple[list[workflow.Entry], int]:
        meta, columns, rows = read_rows(sheet_rows)
        if columns is None:
            raise ImportFailed(
                _("The sheet does not have the template's header row (%(headers)s). Download the template again and fill it in.")
                % {"headers": "、".join(REQUIRED_HEADERS)}
            )
        self.check_meta(meta)
        indicators = self.indicators(rows, columns)
        entries, seen = [], {}
        for number, cells in rows:
            entry = self.entry(number, cells, columns, indicators, seen)
            if entry is not None:
                entries.append(entry)
        return entries, len(rows)

    def indicators(self, rows, columns) -> dict:
        """The plan's indicators named in the id column, in one query whatever the number of rows.

        Only those (a 100× plan has 2,900), each pointing at ``self.plan``, so checking a row's
        year (``workflow.clean_entry``) reads no plan per row.
        """
        wanted = set()
        for _number, cells in rows:
            try:
                found = whole_number(_value(cells, columns[ID]))
            except ValueError:
                continue  # reported with its row in entry()
            if found is not None:
                wanted.add(found)
        indicators = {
            i.pk: i for i in Indicator.objects.filter(plan=self.plan, pk__in=wanted).select_related("lead_department").order_by()
        }
        for indicator in indicators.values():
            indicator.plan = self.plan
        return indicators

    def entry(self, number, cells, columns, indicators, seen) -> workflow.Entry | None:
        label = row_label(number)
        formula = _formula_without_result(cells, columns)
        if formula is not None:
            self.errors.append(problem(number, _(
                "“%(column)s” holds a formula without a computed result. Type the number (or text) itself, "
                "or open the file in Excel or WPS, let it calculate, save it and upload it again."
            ) % {"column": formula}))
            return None
        raw_id = _value(cells, columns[ID])
        inputs = [_value(cells, columns[name]) for name in (VALUE, COUNT, NOT_CARRIED_OUT, NOTE)]
        if _text(raw_id) == "":
            if any(_text(v) for v in inputs):
                self.errors.append(problem(number, _("This row has no indicator id. Fill in the rows of the downloaded template only.")))
            return None  # an empty line below the table
        try:
            indicator = indicators.get(whole_number(raw_id))
        except ValueError:
            indicator = None
        if indicator is None:
            self.errors.append(problem(number, _("Unknown indicator id “%(id)s”: this row is not from this plan's template.") % {"id": _text(raw_id)[:20]}))
            return None
        if indicator.pk in seen:
            self.errors.append(problem(number, _("%(name)s appears twice (also in %(row)s).") % {"name": indicator.name, "row": seen[indicator.pk]}))
            return None
        seen[indicator.pk] = label
        refused = refusal(self.user, ENTER, indicator)
        if refused:
            self.errors.append(problem(number, refused))
            return None
        try:
            version = whole_number(_value(cells, columns[VERSION]))
        except ValueError:
            version = None
        if version is None:  # blank would mean "no version check": never
            self.errors.append(problem(number, _("The hidden version column was changed. Download the template again.")))
            return None
        value_cell, count_cell = _cell(cells, columns[VALUE]), _cell(cells, columns[COUNT])
        try:
            value = cell_text(inputs[0], getattr(value_cell, "number_format", "General"))
            count = cell_text(inputs[1], getattr(count_cell, "number_format", "General"))
            not_carried_out = yes_no(inputs[2])
        except ValueError as exc:
            self.errors.append(problem(number, str(exc)))
            return None
        if value == NOT_CARRIED_OUT:  # typed 未开展 into the value cell: that is what they meant
            value, not_carried_out = None, True
        if indicator.is_pair and value and "/" in value and count in (None, ""):
            value, _sep, count = value.partition("/")  # “6000/10” typed into one cell
        note = inputs[3]
        note = cell_text(note) if isinstance(note, (int, float, Decimal)) and not isinstance(note, bool) else note
        return workflow.Entry(
            indicator=indicator,
            year=self.year,
            value=value,
            second_value=count if indicator.is_pair else (count or None),
            not_carried_out=not_carried_out,
            note="" if note is None else str(note),
            expected_version=version,
            key=number,
            label=label,
        )

    def check_entries(self, entries):
        """Run the row rules now, so one upload reports every problem at once."""
        for entry in entries:
            try:
                workflow.clean_entry(entry)
            except workflow.WorkflowError as exc:
                self.errors.extend(exc.problems)


def import_actuals(user, plan, year: int, data: bytes) -> ImportResult:
    """Check and save a filled template; raises ``ImportFailed`` (nothing saved) or returns what changed."""
    try:
        sheet_rows = read_sheet(data, max_rows=max_rows(user, plan))
    except UnsafeFile as exc:
        raise ImportFailed(exc.message) from None
    except NoSheet:
        raise ImportFailed(_("The workbook has no sheet.")) from None
    reader = TemplateReader(user, plan, year)
    entries, count = reader.entries(sheet_rows)
    if reader.errors:
        reader.check_entries(entries)
        raise ImportFailed(reader.errors)
    if not entries:
        raise ImportFailed(_("The sheet has no rows to import."))
    try:
        saved = workflow.save_entries(user, entries)
    except workflow.WorkflowError as exc:
        raise ImportFailed(exc.problems) from None
    return ImportResult(rows=count, saved=saved)

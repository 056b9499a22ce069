"""A filled-in template read back: every row a ``workflow.Entry`` (labelled “第 N 行”, with the version the
reporter downloaded), saved by ``workflow.save_entries`` all or none; ``ImportFailed`` lists every problem by row."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from indicators import workflow
from indicators.excel.template import (COUNT, DEPARTMENT_LABEL, ID, NOT_CARRIED_OUT, NOTE, PLAN_LABEL, REQUIRED_HEADERS,
                                       TEMPLATE_SHEET, VALUE, VERSION, YEAR_LABEL)
from indicators.excel.upload import UnsafeFile, read_sheet
from indicators.models import Indicator
from indicators.permissions import ENTER, refusal
from indicators.workflow import Problem

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


def cell_text(value, number_format: str = "General") -> str | None:
    """A cell as the text ``values.parse_number`` reads: a double to the fifteen digits Excel shows (no 0.30000000000000004),
    a percentage cell's 0.9526 as 95.26; a date (Excel turned “3/10” into one) is refused with a hint."""
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


def text_of(value) -> str:
    return "" if value is None else str(value).strip()


def yes_no(value, column: str = NOT_CARRIED_OUT) -> bool:
    """A flag typed as 是 (or y, yes, 1, √…) or left blank (or 否, n, no, 0); ValueError for anything else."""
    if value is None or value is False:
        return False
    if value is True:
        return True
    text = cell_text(value).lower()
    if text in YES_WORDS or text in NO_WORDS:
        return text in YES_WORDS
    raise ValueError(_("In “%(column)s” enter “是” or leave it blank.") % {"column": column})


def whole_number(value) -> int | None:
    """The hidden id and version columns: whole numbers written by the template."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError from None
    if not number.is_finite() or number != number.to_integral_value() or number < 0 or number > 2**62:
        raise ValueError
    return int(number)


def max_rows(user, plan) -> int:
    """How deep a template ``user`` fills in reaches (its header, a row per indicator, a margin): nothing may lie below."""
    return HEADER_SEARCH_ROWS + Indicator.objects.entered_by(user).filter(plan=plan).count() + ROW_MARGIN


class TemplateReader:
    """Turns a filled template into ``workflow.Entry`` objects for one user, plan and year."""

    def __init__(self, user, plan, year: int):
        self.user, self.plan, self.year = user, plan, year
        self.errors: list[Problem] = []

    def entries(self, sheet_rows) -> tuple[list[workflow.Entry], int]:
        meta, columns, rows = {}, None, []
        for number, cells in sheet_rows:  # the labels above the header, the header, the data rows
            values = [cell.value for cell in cells]
            if columns is None:
                if number > HEADER_SEARCH_ROWS:
                    break
                texts = [text_of(value) for value in values]
                if all(header in texts for header in REQUIRED_HEADERS):
                    columns = {header: texts.index(header) for header in REQUIRED_HEADERS}
                for index, found in enumerate(texts[:-1]):
                    if found in (YEAR_LABEL, DEPARTMENT_LABEL, PLAN_LABEL):
                        meta[found] = next((value for value in values[index + 1:] if value not in (None, "")), None)
            elif any(value not in (None, "") for value in values) or any(cell.formula for cell in cells):
                rows.append((number, cells))  # Excel and WPS often keep formatted empty rows below a table
        if columns is None:
            raise ImportFailed(_("The sheet does not have the template's header row (%(headers)s). Download the template again and fill it in.")
                               % {"headers": "、".join(REQUIRED_HEADERS)})
        self.check_meta(meta)
        indicators = self.indicators(rows, columns)
        seen: dict[int, str] = {}
        entries = [entry for number, cells in rows if (entry := self.entry(number, cells, columns, indicators, seen)) is not None]
        return entries, len(rows)

    def check_meta(self, meta):
        try:
            found = whole_number(meta.get(YEAR_LABEL))
        except ValueError:
            found = None
        if found is None:
            raise ImportFailed(_("The sheet does not say which year it is for (“%(label)s”). Use the template downloaded from this page.")
                               % {"label": YEAR_LABEL})
        if found != self.year:
            raise ImportFailed(_("This template is for %(found)s, but you are importing figures for %(year)s. "
                                 "Download the template for %(year)s, or import on the page for %(found)s.") % {"found": found, "year": self.year})
        code = text_of(meta.get(PLAN_LABEL))
        if code and code != self.plan.code:
            raise ImportFailed(_("This template belongs to the plan %(found)s, not %(plan)s.") % {"found": code, "plan": self.plan.code})

    def indicators(self, rows, columns) -> dict:
        """The plan's indicators the id column names, in one query, each pointing at ``self.plan`` (no plan read per row)."""
        wanted = set()
        for row in rows:
            try:
                wanted.add(whole_number(value(row[1], columns[ID])))
            except ValueError:
                continue  # said with its row in entry()
        found = {i.pk: i for i in Indicator.objects.filter(plan=self.plan, pk__in=wanted - {None}).select_related("lead_department").order_by()}
        for indicator in found.values():
            indicator.plan = self.plan
        return found

    def entry(self, number, cells, columns, indicators, seen) -> workflow.Entry | None:
        def fail(message):
            self.errors.append(problem(number, message))

        formula = next((header for header in REQUIRED_HEADERS if (c := cell(cells, columns[header])) and c.formula_without_result), None)
        if formula is not None:
            return fail(_("“%(column)s” holds a formula without a computed result. Type the number (or text) itself, "
                          "or open the file in Excel or WPS, let it calculate, save it and upload it again.") % {"column": formula})
        raw_id = value(cells, columns[ID])
        inputs = [value(cells, columns[name]) for name in (VALUE, COUNT, NOT_CARRIED_OUT, NOTE)]
        if text_of(raw_id) == "":
            if any(text_of(v) for v in inputs):
                fail(_("This row has no indicator id. Fill in the rows of the downloaded template only."))
            return None  # an empty line below the table
        try:
            indicator = indicators.get(whole_number(raw_id))
        except ValueError:
            indicator = None
        if indicator is None:
            return fail(_("Unknown indicator id “%(id)s”: this row is not from this plan's template.") % {"id": text_of(raw_id)[:20]})
        if indicator.pk in seen:
            return fail(_("%(name)s appears twice (also in %(row)s).") % {"name": indicator.name, "row": seen[indicator.pk]})
        seen[indicator.pk] = row_label(number)
        if refused := refusal(self.user, ENTER, indicator):
            return fail(refused)
        try:
            version = whole_number(value(cells, columns[VERSION]))
        except ValueError:
            version = None
        if version is None:  # blank would mean "no version check": never
            return fail(_("The hidden version column was changed. Download the template again."))
        try:
            amount = cell_text(inputs[0], getattr(cell(cells, columns[VALUE]), "number_format", "General"))
            count = cell_text(inputs[1], getattr(cell(cells, columns[COUNT]), "number_format", "General"))
            not_carried_out = yes_no(inputs[2])
        except ValueError as exc:
            return fail(str(exc))
        if amount == NOT_CARRIED_OUT:  # typed 未开展 into the value cell: that is what they meant
            amount, not_carried_out = None, True
        if indicator.is_pair and amount and "/" in amount and count in (None, ""):
            amount, count = amount.split("/", 1)  # “6000/10” typed into one cell
        note = inputs[3]
        note = cell_text(note) if isinstance(note, (int, float, Decimal)) and not isinstance(note, bool) else note
        return workflow.Entry(
            indicator=indicator, year=self.year, value=amount, second_value=count if indicator.is_pair else (count or None),
            not_carried_out=not_carried_out, note="" if note is None else str(note), expected_version=version,
            key=number, label=row_label(number),
        )


def cell(cells, index):
    return cells[index] if index < len(cells) else None


def value(cells, index):
    found = cell(cells, index)
    return None if found is None else found.value


def import_actuals(user, plan, year: int, data: bytes) -> ImportResult:
    """Check and save a filled template; raises ``ImportFailed`` (nothing saved) or returns what changed."""
    try:
        sheet_rows = read_sheet(data, max_rows=max_rows(user, plan), sheet=TEMPLATE_SHEET)
    except UnsafeFile as exc:
        raise ImportFailed(exc.message) from None
    reader = TemplateReader(user, plan, year)
    entries, count = reader.entries(sheet_rows)
    if reader.errors:
        for entry in entries:  # the row rules too, so that one upload reports every problem at once
            try:
                workflow.clean_entry(entry)
            except workflow.WorkflowError as exc:
                reader.errors.extend(exc.problems)
        raise ImportFailed(reader.errors)
    if not entries:
        raise ImportFailed(_("The sheet has no rows to import."))
    try:
        saved = workflow.save_entries(user, entries)
    except workflow.WorkflowError as exc:
        raise ImportFailed(exc.problems) from None
    return ImportResult(rows=count, saved=saved)

"""Reading a plan's table from an upload: as ``plan_table`` exports it, or as someone typed it.

The file is read by ``reading.read_sheet`` (size, zip, macros, zip bombs and rows beyond
``MAX_TABLE_ROWS`` refused before openpyxl opens it; any file openpyxl cannot read is
"damaged"; formulas as the results stored with them).  The header row is looked for in the
first rows by its words (主要任务序号 / 序号, 指标内容 / 量化指标, …基础值 / 基期值, …目标值,
责任部门), so a title above it or columns in another order do not matter.  Below it:

- a row without a task number belongs to the task above (a merged cell reads as blank);
- the unit is the name's last parenthesis, （件） or (件); ``（万元）/笔`` gives 万元 and 笔;
- baselines and targets are kept as typed (``—``, ``/``, ``2868/2``, ``以实际业务开展为准``); a
  number Excel stored as a percentage (0.9526 shown as 95.26%) reads “95.26%”;
- departments are separated by 、 ， , ； or line breaks, each kept once;
- the first row that starts with 注 (or a numbered line after the table) begins the footnotes.

What the printed table does not say comes from the hidden columns when the file has them;
otherwise it is inferred — a ``%`` makes a rate, anything else a count this year, compared
each year, higher is better — and the row says so (``TableRow.inferred``).  Nothing here
touches the database: ``indicators.plans.import_plan`` checks the rows with the models' rules
and saves the plan.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, fields

from django.utils.translation import gettext as _

from indicators import values as V
from indicators.excel import plan_table as T
from indicators.excel.importer import ImportFailed, cell_text, row_label
from indicators.excel.reading import NoSheet, read_sheet
from indicators.excel.safety import UnsafeFile
from indicators.excel.writer import collection_paused
from indicators.models import Measure
from indicators.progress import TargetBasis
from indicators.text import clean_text

MAX_TABLE_ROWS = 5_000  # a plan prints a few dozen rows; the benchmark imports 2,900
HEADER_SEARCH_ROWS = 10
TASK, NAME, BASELINE, TARGET, DEPARTMENTS = "task", "name", "baseline", "target", "departments"
VISIBLE = (TASK, NAME, BASELINE, TARGET, DEPARTMENTS)
# Words that name a printed column, looked for in this order (“目标值待定” is a hidden column, matched first).
HEADER_WORDS = (
    (TASK, ("序号", "任务")),
    (BASELINE, ("基础值", "基期", "基准值")),
    (TARGET, ("目标",)),
    (DEPARTMENTS, ("部门", "责任单位")),
    (NAME, ("指标", "内容", "名称")),
)
EXPECTED_HEADERS = "主要任务序号、指标内容、基础值、目标值、责任部门"

# The unit printed at the end of a name: “（件）”, “(%)”, “（万元）/笔”, “（万元/笔）”.
_UNIT = re.compile(r"[（(]\s*([^（）()]{1,8}?)\s*[）)]\s*(?:/\s*([^\s/（）()]{1,8}))?$")
_DEPARTMENT_SPLIT = re.compile(r"[、，,；;\r\n]+")
_NUMBERED = re.compile(r"^(?:\d+\s*[.．、)）:：]|[（(]\d+[)）])")
# 注 alone, 注： or 注1： opens the footnotes (a name such as “注册商标…” does not).
_FOOTNOTE_START = re.compile(r"^注\s*(?:[：:]|\d|$)")
_FOOTNOTE_OPENING = re.compile(r"^注\s*[：:]\s*")
_YEAR = re.compile(r"(\d{4})\s*年")
_SPACES = re.compile(r"\s+")

WORDS = {
    T.MEASURE: {**{word: code for code, word in T.MEASURE_WORDS.items()}, **{m.value: m.value for m in Measure}},
    T.BASIS: {**{word: code for code, word in T.BASIS_WORDS.items()}, **{b.value: b.value for b in TargetBasis}},
    T.DIRECTION: {**{word: code for code, word in T.DIRECTION_WORDS.items()}, "higher": True, "lower": False},
}
YES_WORDS = {T.YES, "y", "yes", "true", "1", "√"}
NO_WORDS = {"否", "n", "no", "false", "0"}


@dataclass
class TableRow:
    """One indicator as read: its spreadsheet row, the values for the model, and what was inferred."""

    row: int
    task_number: int | None
    name: str
    unit: str = ""
    second_unit: str = ""
    baseline: str = ""
    target: str = ""
    measure: str = Measure.FLOW.value
    target_basis: str = TargetBasis.YEAR.value
    higher_is_better: bool = True
    baseline_unreported: bool = False
    target_pending: bool = False
    departments: list[str] = field(default_factory=list)
    inferred: list[str] = field(default_factory=list)  # of "unit", "measure", "basis", "direction"
    unreadable: list[str] = field(default_factory=list)  # columns already refused while reading (no second message)


@dataclass
class PlanTable:
    """The table as read; ``problems`` are ``(row, message)`` found while reading."""

    rows: list[TableRow]
    footnotes: list[str]
    headers: dict[str, str]  # role -> the header as written in the file, for messages
    hidden_columns: bool = False
    header_years: dict[str, int] = field(default_factory=dict)  # "baseline"/"target" -> the year a header names
    problems: list[tuple[int, str]] = field(default_factory=list)

    def to_data(self) -> dict:
        """Plain JSON-able data (``dataclasses.asdict`` deep-copies every value: slow for thousands of rows)."""
        return {
            "rows": [dict(vars(row)) for row in self.rows], "footnotes": list(self.footnotes), "headers": dict(self.headers),
            "hidden_columns": self.hidden_columns, "header_years": dict(self.header_years),
            "problems": [list(p) for p in self.problems],
        }

    @classmethod
    def from_data(cls, data: dict) -> PlanTable:
        names = {f.name for f in fields(TableRow)}
        rows = [TableRow(**{k: v for k, v in row.items() if k in names}) for row in data["rows"]]
        return cls(rows=rows, footnotes=list(data["footnotes"]), headers=dict(data["headers"]),
                   hidden_columns=bool(data.get("hidden_columns")), header_years=dict(data.get("header_years", {})),
                   problems=[tuple(p) for p in data.get("problems", [])])

    def header(self, role: str) -> str:
        return self.headers.get(role, role)


def read_plan_table(data: bytes) -> PlanTable:
    """The table of an uploaded workbook; raises ``ImportFailed`` for a file that holds no table."""
    # The collector paused (as when a workbook is written): reading keeps tens of thousands of
    # cells alive, and every full collection walked them all again (a third of the time at 2,900 rows).
    with collection_paused():
        try:
            sheet_rows = read_sheet(data, max_rows=MAX_TABLE_ROWS, sheet=T.TABLE_SHEET)
        except UnsafeFile as exc:
            raise ImportFailed(exc.message) from None
        except NoSheet:
            raise ImportFailed(_("The workbook has no sheet.")) from None
        return parse_table(sheet_rows)


# -- cells -----------------------------------------------------------------------------------------
def _squeeze(text: str) -> str:
    return _SPACES.sub("", text)


def department_key(name: str) -> str:
    """How department names are compared: as a file can hold them, width-folded, without spaces."""
    return _squeeze(unicodedata.normalize("NFKC", clean_text(name)))


def _plain(read) -> str:
    """A cell as text for names, departments and footnotes (a number as it reads: 12, not 12.0)."""
    value = None if read is None else read.value
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return cell_text(value)
        except ValueError:
            return str(value)
    return str(value).strip()


def printed_text(read) -> str:
    """A baseline or target cell as printed: markers in their one form, numbers as typed, no line breaks."""
    value = None if read is None else read.value
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = cell_text(value, read.number_format)  # raises ValueError for a date
        return number + "%" if "%" in (read.number_format or "") else number
    if not isinstance(value, str):
        cell_text(value)  # dates and times raise with their hint
        return str(value)
    text = _squeeze(value)
    try:
        printed = V.printed_value(text)  # remembered: a table prints the same few values on every row
    except V.InvalidValue:
        return text  # the model's validation says what is wrong with it
    return printed.marker or unicodedata.normalize("NFKC", text)


def task_number(read) -> int | None:
    value = None if read is None else read.value
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = cell_text(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)
    text = unicodedata.normalize("NFKC", text).strip()
    if not text.isdigit() or not 1 <= int(text) <= 32767:
        raise ValueError
    return int(text)


def units_of(name: str) -> tuple[str, str] | None:
    """The unit and, for pairs, the count's unit printed at the end of ``name``; None when it prints none."""
    found = _UNIT.search(name)
    if found is None:
        return None
    unit, second = found.group(1).strip(), (found.group(2) or "").strip()
    if not second and "/" in unit:
        unit, _sep, second = (part.strip() for part in unit.partition("/"))
    if not unit or any(ch.isdigit() for ch in unit + second):
        return None  # “（2022-2025年）” is not a unit
    return unit, second


def departments_of(text: str) -> list[str]:
    """The names in printed order, each once (row 28 of the 2022 plan prints one twice)."""
    names, seen = [], set()
    for part in _DEPARTMENT_SPLIT.split(text):
        name = part.strip(" \t\u3000")
        key = department_key(name)
        if key and key not in seen:
            seen.add(key)
            names.append(name)
    return names


# -- the sheet -------------------------------------------------------------------------------------
def find_header(cells) -> dict[str, int] | None:
    """Column positions by role (and by hidden header), when ``cells`` is the table's header row."""
    found: dict[str, int] = {}
    for index, read in enumerate(cells):
        text = _squeeze(_plain(read))
        if not text:
            continue
        if text in T.HIDDEN:
            found.setdefault(text, index)
            continue
        for role, words in HEADER_WORDS:
            if role not in found and any(word in text for word in words):
                found[role] = index
                break
    return found if all(role in found for role in VISIBLE) else None


def parse_table(sheet_rows) -> PlanTable:
    columns, header_cells = None, None
    for number, cells in sheet_rows:
        if number > HEADER_SEARCH_ROWS:
            break
        columns = find_header(cells)
        if columns is not None:
            header_row, header_cells = number, cells
            break
    if columns is None:
        if not sheet_rows:
            raise ImportFailed(_("The sheet is empty: there is no table to import."))
        raise ImportFailed(
            _("No header row of a plan's table was found in the first %(rows)s rows. The table needs the columns %(headers)s.")
            % {"rows": HEADER_SEARCH_ROWS, "headers": EXPECTED_HEADERS}
        )
    headers = {role: _plain(header_cells[index]) for role, index in columns.items()}
    table = PlanTable(rows=[], footnotes=[], headers=headers, hidden_columns=all(name in columns for name in T.HIDDEN))
    for role in (BASELINE, TARGET):
        year = _YEAR.search(headers[role])
        if year:
            table.header_years[role] = int(year.group(1))
    reader = RowReader(table, columns)
    for number, cells in sheet_rows:
        if number > header_row:
            reader.read(number, cells)
    if not table.rows and not table.problems:
        raise ImportFailed(_("The table has a header but no indicators below it."))
    return table


class RowReader:
    """Reads the rows below the header one by one: indicators, then the footnotes."""

    def __init__(self, table: PlanTable, columns: dict[str, int]):
        self.table = table
        self.columns = columns
        self.task: int | None = None
        self.in_footnotes = False

    def cell(self, cells, role):
        index = self.columns.get(role)
        return cells[index] if index is not None and index < len(cells) else None

    def fail(self, number: int, message: str):
        self.table.problems.append((number, message))

    def read(self, number: int, cells) -> None:
        texts = [_plain(read) for read in cells if read.value is not None]
        if self.in_footnotes:
            self.footnote(texts, opening=False)
            return
        printed_blank = all(
            read is None or read.value is None for read in (self.cell(cells, role) for role in (BASELINE, TARGET, DEPARTMENTS))
        )
        opening = texts and printed_blank and (
            _FOOTNOTE_START.match(texts[0])
            or (self.table.rows and len(texts) == 1 and _NUMBERED.match(texts[0]))  # “1. …” under the table, without 注
        )
        if opening:
            self.in_footnotes = True
            self.footnote(texts, opening=True)
            return
        row = self.indicator(number, cells)
        if row is not None:
            self.table.rows.append(row)

    def footnote(self, texts: list[str], *, opening: bool) -> None:
        if opening:
            if texts[0] in ("注", "注：", "注:"):
                texts = texts[1:]
            else:
                texts = [_FOOTNOTE_OPENING.sub("", texts[0], count=1), *texts[1:]]
        lines = [line.strip(" \t\u3000") for line in "".join(texts).splitlines()]
        notes = self.table.footnotes
        first = True
        for line in lines:
            if not line:
                continue
            if first or _NUMBERED.match(line):
                notes.append(line)
            else:
                notes[-1] += "\n" + line  # a note typed over several lines of one cell
            first = False

    def indicator(self, number: int, cells) -> TableRow | None:
        formula = next((self.table.header(role) for role in (*VISIBLE, *T.HIDDEN)
                        if (read := self.cell(cells, role)) is not None and read.formula_without_result), None)
        if formula is not None:
            self.fail(number, _("“%(column)s” holds a formula without a computed result; type the text itself.") % {"column": formula})
            return None
        try:
            task = task_number(self.cell(cells, TASK))
        except ValueError:
            self.fail(number, _("“%(column)s” must be a whole number such as 3, or blank for a row of the task above.")
                      % {"column": self.table.header(TASK)})
            task = self.task
        else:
            if task is None and self.task is None:
                self.fail(number, _("The first row of the table needs a number in “%(column)s”.") % {"column": self.table.header(TASK)})
            task = self.task = task if task is not None else self.task
        # A blank name is refused by the model's rules (``plan_import``), with its column.
        name = "".join(line.strip() for line in _plain(self.cell(cells, NAME)).splitlines())
        row = TableRow(row=number, task_number=task, name=name, unreadable=[] if task is not None else [TASK])
        for role in (BASELINE, TARGET):
            try:
                setattr(row, role, printed_text(self.cell(cells, role)))
            except ValueError:
                row.unreadable.append(role)
                self.fail(number, _("Excel turned “%(column)s” into a date. Format the cell as text and type it again (e.g. 2868/2).")
                          % {"column": self.table.header(role)})
        self.units(row, cells)
        self.settings(row, cells)
        row.departments = departments_of(_plain(self.cell(cells, DEPARTMENTS)))
        if not row.departments:
            self.fail(number, _("The row names no department in “%(column)s”.") % {"column": self.table.header(DEPARTMENTS)})
        return row

    def units(self, row: TableRow, cells) -> None:
        unit = _squeeze(_plain(self.cell(cells, T.UNIT)))
        if unit:  # the hidden columns (or a unit column typed by hand) say it
            row.unit, row.second_unit = unit, _squeeze(_plain(self.cell(cells, T.SECOND_UNIT)))
            return
        found = units_of(row.name)
        if found is None:
            row.inferred.append("unit")
        else:
            row.unit, row.second_unit = found

    def settings(self, row: TableRow, cells) -> None:
        """What is entered, how it is compared, the direction and the roll-over flags: said or inferred."""
        rate = row.unit == "%" or row.baseline.endswith("%") or row.target.endswith("%")
        inferred = {T.MEASURE: Measure.RATE.value if rate else Measure.FLOW.value, T.BASIS: TargetBasis.YEAR.value,
                    T.DIRECTION: True}
        attributes = {T.MEASURE: "measure", T.BASIS: "target_basis", T.DIRECTION: "higher_is_better"}
        for column, attribute in attributes.items():
            text = _squeeze(_plain(self.cell(cells, column)))
            if not text:
                setattr(row, attribute, inferred[column])
                if column == T.MEASURE or not self.table.hidden_columns:  # there, blank means the default
                    row.inferred.append({T.MEASURE: "measure", T.BASIS: "basis", T.DIRECTION: "direction"}[column])
            elif text.lower() in WORDS[column]:
                value = WORDS[column][text.lower()]
                setattr(row, attribute, value.value if hasattr(value, "value") else value)
            else:
                choices = "、".join(word for word in WORDS[column] if not word.isascii())
                self.fail(row.row, _("“%(column)s” must be one of %(choices)s, or blank.") % {"column": column, "choices": choices})
        for column, attribute in ((T.BASELINE_UNREPORTED, "baseline_unreported"), (T.TARGET_PENDING, "target_pending")):
            text = _squeeze(_plain(self.cell(cells, column))).lower()
            if text in YES_WORDS:
                setattr(row, attribute, True)
            elif text and text not in NO_WORDS:
                self.fail(row.row, _("In “%(column)s” enter “是” or leave it blank.") % {"column": column})


def messages(problems) -> list[str]:
    """``(row, message)`` pairs as people read them, in row order: “第 3 行：…” (row 0: the whole table)."""
    return [f"{row_label(number)}：{message}" if number else message
            for number, message in sorted(problems, key=lambda p: p[0] or 0)]

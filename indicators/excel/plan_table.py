"""A plan's table of quantified indicators as printed: written to Excel, and read back from an upload.

What the printed table does not show (units, measure, basis, direction, the roll-over flags) goes into hidden
columns, so exporting a plan and importing the file gives the same plan again.  ``read_plan_table`` also reads a
table typed by hand (the rules are the help sheet's, ``HELP_LINES``); what it does not say is inferred, and the row says so.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, fields
from functools import cached_property

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from openpyxl.utils import get_column_letter

from indicators import values as V
from indicators.downloads import Download
from indicators.excel.assessment import plan_heading
from indicators.excel.importer import ImportFailed, cell_text, row_label, yes_no
from indicators.excel.styles import (fit_width, footnotes, groups, help_sheet, merge_down, new_workbook, print_setup, put_line,
                                     put_row, row_height, set_widths)
from indicators.excel.upload import UnsafeFile, read_sheet
from indicators.models import CooperatingDepartment, Indicator, Measure, Plan
from indicators.progress import TargetBasis
from indicators.text import clean_text

TABLE_SHEET, HELP_SHEET = "量化指标", "填写说明"
HEADER_ROW = 2
VISIBLE = 5
# The hidden columns, found by these exact headers.
UNIT, SECOND_UNIT, MEASURE, BASIS, DIRECTION, BASELINE_UNREPORTED, TARGET_PENDING = HIDDEN = (
    "单位", "计数单位", "填报口径", "考核方式", "指标方向", "基期值未填报", "目标值待定",
)
YES = "是"
MEASURE_WORDS = {Measure.FLOW: "当年发生数", Measure.STOCK: "年末存量", Measure.RATE: "比率"}
BASIS_WORDS = {TargetBasis.YEAR: "逐年考核", TargetBasis.CUMULATIVE: "累计考核"}
DIRECTION_WORDS = {True: "越高越好", False: "越低越好"}

HELP_LINES = [
    "1. “量化指标”表按方案印发的样式排列：主要任务序号、指标内容（单位写在括号内，如“（件）”“（万元）/笔”）、基础值、目标值、责任部门。",
    "2. 同一主要任务的多行可以合并“主要任务序号”单元格，也可以每行重复填写；序号留空的行属于上一项任务。",
    "3. 基础值和目标值按方案原文填写：数字、百分数（如 95.26%）、成对数值（如 2868/2）、“—”（未开展）、“/”（不开展或不确定）或“以实际业务开展为准”。",
    "4. 责任部门用“、”分隔，第一个为牵头部门；部门名称须与系统中的名称一致，否则导入时需对应到已有部门或新建部门。",
    "5. 表下的注释以“注：”开头，每条一行。",
    "6. 表格右侧隐藏的列（单位、计数单位、填报口径、考核方式、指标方向、基期值未填报、目标值待定）保存方案原文没有印出的设置，"
    "请勿删除。考核方式留空为逐年考核，指标方向留空为越高越好，基期值未填报、目标值待定留空为否；"
    "新增的行可以不填单位和填报口径，导入时推断（单位取指标名称末尾括号内的文字，带“%”的为比率，其余为当年发生数），导入后可在系统中修改。",
    "7. 导入时只要有一行不符合要求，整张表都不会保存，页面会列出行号和原因。",
]


class PlanTableExport(Download):
    """The plan's table (``TABLE_SHEET``) and a sheet of instructions."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.filename, self.ascii_filename = f"{plan.code}_量化指标.xlsx", f"plan_table_{plan.pk}.xlsx"

    @cached_property
    def indicators(self) -> list[Indicator]:
        """The plan's indicators in table order with their departments (three queries)."""
        links = CooperatingDepartment.objects.select_related("department").order_by("position", "pk")
        return list(self.plan.indicators.select_related("lead_department").prefetch_related(Prefetch("cooperation", queryset=links)).order_by("order"))

    def build(self):
        plan, indicators = self.plan, self.indicators
        departments = ["、".join(d.name for d in i.responsible_departments()) for i in indicators]
        headers = ["主要任务序号", "指标内容", f"{plan.baseline_year}年基础值", f"{plan.last_year}年目标值", "责任部门", *HIDDEN]
        printed = [i.baseline_printed for i in indicators] + [i.target_printed for i in indicators]
        widths = [9.0, fit_width([i.name for i in indicators], minimum=24, maximum=40),
                  fit_width(printed, minimum=10, maximum=14, header=headers[2]), fit_width(printed, minimum=10, maximum=14, header=headers[3]),
                  fit_width(departments, minimum=24, maximum=50), *[10.0] * len(HIDDEN)]  # fmt: skip
        workbook = new_workbook()
        ws = workbook.create_sheet(TABLE_SHEET)
        set_widths(ws, widths)
        row = put_line(ws, 1, f"{plan_heading(plan)}量化指标", widths[:VISIBLE], "title")
        row = put_row(ws, row, [(header, "header") for header in headers], height=row_height(headers[:VISIBLE], widths, minimum=1))
        covered = merge_down(ws, row, 1, groups([indicator.task_number for indicator in indicators]))
        for index, (indicator, names) in enumerate(zip(indicators, departments, strict=True)):
            texts = [indicator.name, indicator.baseline_printed, indicator.target_printed, names]
            settings = [  # what is entered always; the rest only when it is not the default (a blank cell is not read)
                indicator.unit, indicator.second_unit, MEASURE_WORDS.get(indicator.measure, indicator.measure),
                BASIS_WORDS.get(indicator.target_basis) if indicator.target_basis != TargetBasis.YEAR else "",
                DIRECTION_WORDS[False] if not indicator.higher_is_better else "",
                YES if indicator.baseline_unreported else "", YES if indicator.target_pending else "",
            ]
            cells = [(None if index in covered else indicator.task_number, "centre"), *zip(texts, ("text", "centre", "centre", "text"))]
            row = put_row(ws, row, [*cells, *[(value, "centre") if value else None for value in settings]], height=row_height(["", *texts], widths))
        row += 1
        for note in footnotes(plan):
            row = put_line(ws, row, note, widths[:VISIBLE])
        for column in range(VISIBLE + 1, len(headers) + 1):
            ws.column_dimensions[get_column_letter(column)].hidden = True
        print_setup(ws, header_row=HEADER_ROW, freeze=f"A{HEADER_ROW + 1}")
        help_sheet(workbook, HELP_SHEET, HELP_LINES)
        return workbook


MAX_TABLE_ROWS = 5_000  # a plan prints a few dozen rows; the benchmark imports 2,900
HEADER_SEARCH_ROWS = 10
TASK, NAME, BASELINE, TARGET, DEPARTMENTS = ROLES = "task", "name", "baseline", "target", "departments"
# Words naming a printed column, tried in this order (“目标值待定” is a hidden column, matched first).
HEADER_WORDS = ((TASK, ("序号", "任务")), (BASELINE, ("基础值", "基期", "基准值")), (TARGET, ("目标",)),
                (DEPARTMENTS, ("部门", "责任单位")), (NAME, ("指标", "内容", "名称")))
_UNIT = re.compile(r"[（(]\s*([^（）()]{1,8}?)\s*[）)]\s*(?:/\s*([^\s/（）()]{1,8}))?$")  # “（件）”, “（万元）/笔”, “（万元/笔）”
_DEPARTMENT_SPLIT = re.compile(r"[、，,；;\r\n]+")
_NUMBERED = re.compile(r"^(?:\d+\s*[.．、)）:：]|[（(]\d+[)）])")
_FOOTNOTE_START = re.compile(r"^注\s*(?:[：:]|\d|$)")  # 注, 注： or 注1： (not “注册商标…”)
_FOOTNOTE_OPENING = re.compile(r"^注\s*[：:]\s*")
WORDS = {
    MEASURE: {**{word: code.value for code, word in MEASURE_WORDS.items()}, **{m.value: m.value for m in Measure}},
    BASIS: {**{word: code.value for code, word in BASIS_WORDS.items()}, **{b.value: b.value for b in TargetBasis}},
    DIRECTION: {**{word: code for code, word in DIRECTION_WORDS.items()}, "higher": True, "lower": False},
}
ATTRIBUTES = {MEASURE: "measure", BASIS: "target_basis", DIRECTION: "higher_is_better"}
INFERRED = {MEASURE: "measure", BASIS: "basis", DIRECTION: "direction"}


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
    unreadable: list[str] = field(default_factory=list)  # columns refused while reading (no second message)


@dataclass
class PlanTable:
    """The table as read; ``problems`` are ``(row, message)`` found while reading."""

    rows: list[TableRow]
    footnotes: list[str]
    headers: dict[str, str]  # role -> the header as written in the file, for messages
    hidden_columns: bool = False
    header_years: dict[str, int] = field(default_factory=dict)  # "baseline"/"target" -> the year its header names
    problems: list[tuple[int, str]] = field(default_factory=list)

    def to_data(self) -> dict:
        """Plain JSON-able data, for the signed preview."""
        return {"rows": [dict(vars(row)) for row in self.rows], "footnotes": list(self.footnotes), "headers": dict(self.headers),
                "hidden_columns": self.hidden_columns, "header_years": dict(self.header_years), "problems": [list(p) for p in self.problems]}

    @classmethod
    def from_data(cls, data: dict) -> PlanTable:
        names = {f.name for f in fields(TableRow)}
        return cls(rows=[TableRow(**{k: v for k, v in row.items() if k in names}) for row in data["rows"]],
                   footnotes=list(data["footnotes"]), headers=dict(data["headers"]), hidden_columns=bool(data.get("hidden_columns")),
                   header_years=dict(data.get("header_years", {})), problems=[tuple(p) for p in data.get("problems", [])])

    def header(self, role: str) -> str:
        return self.headers.get(role, role)


def read_plan_table(data: bytes) -> PlanTable:
    """The table of an uploaded workbook; raises ``ImportFailed`` for a file that holds none."""
    try:
        sheet_rows = read_sheet(data, max_rows=MAX_TABLE_ROWS, sheet=TABLE_SHEET)
    except UnsafeFile as exc:
        raise ImportFailed(exc.message) from None
    for number, cells in sheet_rows:
        if number > HEADER_SEARCH_ROWS:
            break
        if (columns := find_header(cells)) is not None:
            return RowReader(columns, cells).read([(n, c) for n, c in sheet_rows if n > number])
    if not sheet_rows:
        raise ImportFailed(_("The sheet is empty: there is no table to import."))
    raise ImportFailed(_("No header row of a plan's table was found in the first %(rows)s rows. The table needs the columns %(headers)s.")
                       % {"rows": HEADER_SEARCH_ROWS, "headers": "主要任务序号、指标内容、基础值、目标值、责任部门"})


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def department_key(name: str) -> str:
    """How department names are compared: as a file can hold them, width-folded, without spaces."""
    return squeeze(unicodedata.normalize("NFKC", clean_text(name)))


def plain(read) -> str:
    """A cell as text for names, departments and footnotes (a number as it reads: 12, not 12.0)."""
    value = None if read is None else read.value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return cell_text(value)
        except ValueError:
            return str(value)
    return "" if value is None else str(value).strip()


def printed_text(read) -> str:
    """A baseline or target as printed: markers in their one form, numbers as typed, no line breaks; ValueError for a date."""
    value = None if read is None else read.value
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return cell_text(value, read.number_format) + ("%" if "%" in (read.number_format or "") else "")
    if not isinstance(value, str):
        cell_text(value)  # dates and times raise with their hint
        return str(value)
    try:
        found = V.parse_printed(squeeze(value))
    except V.InvalidValue:
        return squeeze(value)  # the model's validation says what is wrong with it
    return found.marker or unicodedata.normalize("NFKC", squeeze(value))


def task_number(read) -> int | None:
    text = unicodedata.normalize("NFKC", plain(read)).strip()
    if not text:
        return None
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
        unit, second = (part.strip() for part in unit.split("/", 1))
    if not unit or any(ch.isdigit() for ch in unit + second):
        return None  # “（2022-2025年）” is not a unit
    return unit, second


def departments_of(text: str) -> list[str]:
    """The names in printed order, each once (row 28 of the 2022 plan prints one twice)."""
    found: dict[str, str] = {}
    for part in _DEPARTMENT_SPLIT.split(text):
        found.setdefault(department_key(part), part.strip(" \t\u3000"))
    return [name for key, name in found.items() if key]


def find_header(cells) -> dict[str, int] | None:
    """Column positions by role (and by hidden header), when ``cells`` is the table's header row."""
    found: dict[str, int] = {}
    for index, read in enumerate(cells):
        text = squeeze(plain(read))
        if text in HIDDEN:
            found.setdefault(text, index)
        elif text:
            role = next((role for role, words in HEADER_WORDS if role not in found and any(word in text for word in words)), None)
            if role is not None:
                found[role] = index
    return found if all(role in found for role in ROLES) else None


class RowReader:
    """Reads the rows under the header one by one: indicators, then the footnotes."""

    def __init__(self, columns: dict[str, int], header_cells):
        self.columns = columns
        headers = {role: plain(header_cells[index]) for role, index in columns.items()}
        self.table = PlanTable(rows=[], footnotes=[], headers=headers, hidden_columns=all(name in columns for name in HIDDEN))
        for role in (BASELINE, TARGET):
            if year := re.search(r"(\d{4})\s*年", headers[role]):
                self.table.header_years[role] = int(year.group(1))
        self.task: int | None = None
        self.in_footnotes = False

    def cell(self, cells, role):
        index = self.columns.get(role)
        return cells[index] if index is not None and index < len(cells) else None

    def fail(self, number: int, message: str) -> None:
        self.table.problems.append((number, message))

    def read(self, sheet_rows) -> PlanTable:
        for number, cells in sheet_rows:
            texts = [plain(read) for read in cells if read.value is not None]
            printed_blank = all(self.cell(cells, role) is None or self.cell(cells, role).value is None for role in (BASELINE, TARGET, DEPARTMENTS))
            if self.in_footnotes or (texts and printed_blank and (
                    _FOOTNOTE_START.match(texts[0]) or (self.table.rows and len(texts) == 1 and _NUMBERED.match(texts[0])))):
                self.footnote(texts)
            elif (row := self.indicator(number, cells)) is not None:
                self.table.rows.append(row)
        if not self.table.rows and not self.table.problems:
            raise ImportFailed(_("The table has a header but no indicators below it."))
        return self.table

    def footnote(self, texts: list[str]) -> None:
        if not self.in_footnotes:  # the opening 注 or 注：
            self.in_footnotes = True
            texts = texts[1:] if texts[0] in ("注", "注：", "注:") else [_FOOTNOTE_OPENING.sub("", texts[0], count=1), *texts[1:]]
        notes, first = self.table.footnotes, True
        for line in ("".join(texts)).splitlines():
            if line := line.strip(" \t\u3000"):
                if first or _NUMBERED.match(line):
                    notes.append(line)
                else:
                    notes[-1] += "\n" + line  # a note typed over several lines of one cell
                first = False

    def indicator(self, number: int, cells) -> TableRow | None:
        formula = next((self.table.header(role) for role in (*ROLES, *HIDDEN)
                        if (read := self.cell(cells, role)) is not None and read.formula_without_result), None)
        if formula is not None:
            return self.fail(number, _("“%(column)s” holds a formula without a computed result; type the text itself.") % {"column": formula})
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
        name = "".join(line.strip() for line in plain(self.cell(cells, NAME)).splitlines())
        row = TableRow(row=number, task_number=task, name=name, unreadable=[] if task is not None else [TASK])
        for role in (BASELINE, TARGET):
            try:
                setattr(row, role, printed_text(self.cell(cells, role)))
            except ValueError:
                row.unreadable.append(role)
                self.fail(number, _("Excel turned “%(column)s” into a date. Format the cell as text and type it again (e.g. 2868/2).")
                          % {"column": self.table.header(role)})
        if unit := squeeze(plain(self.cell(cells, UNIT))):  # the hidden columns (or a unit column typed by hand) say it
            row.unit, row.second_unit = unit, squeeze(plain(self.cell(cells, SECOND_UNIT)))
        elif found := units_of(row.name):
            row.unit, row.second_unit = found
        else:
            row.inferred.append("unit")
        self.settings(row, cells)
        row.departments = departments_of(plain(self.cell(cells, DEPARTMENTS)))
        if not row.departments:
            self.fail(number, _("The row names no department in “%(column)s”.") % {"column": self.table.header(DEPARTMENTS)})
        return row

    def settings(self, row: TableRow, cells) -> None:
        """What is entered, how it is compared, the direction and the roll-over flags: said or inferred."""
        rate = row.unit == "%" or row.baseline.endswith("%") or row.target.endswith("%")
        inferred = {MEASURE: Measure.RATE.value if rate else Measure.FLOW.value, BASIS: TargetBasis.YEAR.value, DIRECTION: True}
        for column, attribute in ATTRIBUTES.items():
            text = squeeze(plain(self.cell(cells, column)))
            if not text:
                setattr(row, attribute, inferred[column])
                if column == MEASURE or not self.table.hidden_columns:  # in an exported table, blank is the default
                    row.inferred.append(INFERRED[column])
            elif text.lower() in WORDS[column]:
                setattr(row, attribute, WORDS[column][text.lower()])
            else:
                choices = "、".join(word for word in WORDS[column] if not word.isascii())
                self.fail(row.row, _("“%(column)s” must be one of %(choices)s, or blank.") % {"column": column, "choices": choices})
        for column, attribute in ((BASELINE_UNREPORTED, "baseline_unreported"), (TARGET_PENDING, "target_pending")):
            try:
                setattr(row, attribute, yes_no(squeeze(plain(self.cell(cells, column))), column))
            except ValueError as exc:
                self.fail(row.row, str(exc))


def messages(problems) -> list[str]:
    """``(row, message)`` pairs as people read them, in row order: “第 3 行：…” (row 0: the whole table)."""
    return [f"{row_label(number)}：{message}" if number else message for number, message in sorted(problems, key=lambda p: p[0] or 0)]

"""Any text stored in the database leaves a workbook that opens, keeps every row and re-imports.

Entry refuses characters no file can hold (``indicators.text.check_text``), but figures stored
before that check, or written by hand, can still hold them: the exports clean every text
defensively.  The notes here are written with ``QuerySet.update``, past every validation.
"""

import io
import shutil
import subprocess

import openpyxl
import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.excel import AssessmentWorkbook, ImportTemplate, import_actuals
from indicators.excel.assessment import MAIN_SHEET
from indicators.excel.template import TEMPLATE_SHEET
from indicators.models import Actual, Department, Indicator
from indicators.text import clean_text
from tests.figures import make_figures, put_forward
from tests.test_plan_fixture import ROWS

FIRST, NAME, NOTE = 4, 3, 15  # first data row, 指标内容 and 情况说明 of the main sheet
TEMPLATE_FIRST, TEMPLATE_NAME, TEMPLATE_NOTE = 4, 4, 13
# Characters that broke or changed workbooks: not XML 1.0 (C0 controls, U+FFFE/U+FFFF), C1
# controls, direction overrides and zero-width characters, line ends, formula starters, and
# what looks like Excel's own _xHHHH_ escape.
NASTY = ["\x00", "\x01", "\x08", "\x0b", "\x1f", "\x7f", "\x85", "\x9f", "\ufffe", "\uffff", "\u202e", "\u200b",
         "\u2066", "\ufeff", "\r", "\n", "\t", "=", "+", "-", "@", "_x0000_", "<", "&", "]]>", "𠀀", "😀"]


def notes():
    # No database keeps lone surrogates, and PostgreSQL refuses NUL in text.
    excluded = "" if connection.vendor == "sqlite" else "\x00"
    characters = st.characters(blacklist_categories=("Cs",), blacklist_characters=excluded)
    nasty = st.sampled_from([text for text in NASTY if not (excluded and excluded in text)])
    return st.lists(st.one_of(characters, nasty), max_size=60).map("".join)


def shown(text):
    """What a cell shows for ``text``: cleaned, with line ends as XML reads them back."""
    return clean_text(text).replace("\r\n", "\n").replace("\r", "\n")


def read(value):
    return "" if value is None else value


@pytest.fixture
def figures(plan):
    return put_forward(make_figures(plan))


def store(plan, order, note):
    """Write a 2024 note directly, as a row stored before entry checked its characters."""
    Actual.objects.filter(indicator__plan=plan, indicator__order=order, year=2024).update(note=note)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=notes(), second=notes(), third=notes())
def test_any_stored_notes_leave_a_workbook_that_opens_with_every_row(plan, figures, leader, first, second, third):
    store(plan, 2, first)
    store(plan, 7, second)
    store(plan, 19, third)
    book = openpyxl.load_workbook(io.BytesIO(AssessmentWorkbook(plan, 2024, leader).render()))
    main = book[MAIN_SHEET]
    assert [main.cell(row=FIRST + i, column=NAME).value for i in range(29)] == [row[2] for row in ROWS]
    for order, note in ((2, first), (7, second), (19, third)):
        assert read(main.cell(row=FIRST + order - 1, column=NOTE).value) == shown(note)
    footnotes = [main.cell(row=FIRST + 30 + i, column=1).value for i in range(len(plan.footnotes))]
    assert all(text.endswith(footnote) for text, footnote in zip(footnotes, plan.footnotes, strict=True))
    assert read(book["财政局"].cell(row=FIRST, column=NOTE).value) == shown(third)  # row 19 on its lead's sheet


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(note=notes(), name=notes())
def test_any_stored_note_leaves_a_template_that_opens_and_imports_again(plan, figures, reporter, note, name):
    store(plan, 21, note)  # a draft of 财政局: editable, so the upload saves it
    Indicator.objects.filter(plan=plan, order=22).update(name=name)
    data = ImportTemplate(plan, 2024, Department.objects.get(code="czj")).render()
    ws = openpyxl.load_workbook(io.BytesIO(data))[TEMPLATE_SHEET]
    orders = [ws.cell(row=TEMPLATE_FIRST + i, column=3).value for i in range(5)]
    assert orders == [19, 20, 21, 22, None]
    assert read(ws.cell(row=TEMPLATE_FIRST + 2, column=TEMPLATE_NOTE).value) == shown(note)
    assert read(ws.cell(row=TEMPLATE_FIRST + 3, column=TEMPLATE_NAME).value) == shown(name)

    result = import_actuals(reporter, plan, 2024, data)
    assert result.rows == 4
    saved = Actual.objects.get(indicator__plan=plan, indicator__order=21, year=2024).note
    assert saved == shown(note).strip()


@pytest.mark.office
def test_a_note_with_u_ffff_does_not_cost_the_rows_after_it_in_libreoffice(plan, figures, leader, tmp_path):
    """LibreOffice dropped every row after a U+FFFF silently; the first sheet as CSV shows them all."""
    soffice = shutil.which("soffice")
    store(plan, 2, "行前\uffff行后\x01\u202e")
    xlsx = tmp_path / "assessment.xlsx"
    xlsx.write_bytes(AssessmentWorkbook(plan, 2024, leader).render())
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76",
         "--outdir", str(tmp_path), str(xlsx)],
        check=True, capture_output=True, timeout=120,
    )
    text = (tmp_path / "assessment.csv").read_text(encoding="utf-8")
    assert "行前行后" in text
    for row in ROWS:
        assert row[2] in text, row[2]
    assert plan.footnotes[-1] in text

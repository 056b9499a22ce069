"""Uploads built to hurt: a department's own template with its XML edited inside the zip.

Each is refused with a clear message through the upload page (never a 500, never a
worker busy for minutes) and nothing is saved.  How far a sheet may reach comes from the
template the uploader fills in: its header, one row per indicator they enter and a margin
(``importer.max_rows``).
"""

import io
import random
import re
import shutil
import subprocess
import time
import zipfile
from decimal import Decimal

import defusedxml
import openpyxl
import pytest

from indicators.excel.importer import max_rows
from indicators.excel.template import TEMPLATE_SHEET
from indicators.models import Actual
from tests.figures import make_figures
# The upload helpers and the 财政局 client (``czj``, built on ``client_en``) of the import tests.
from tests.test_import import VALUE, as_bytes, client_en, czj, indicator, refused, rows_by_id, state, template, upload  # noqa: F401

SHEET = "xl/worksheets/sheet1.xml"  # the template's first sheet, 填报
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
DAMAGED = "The file is damaged or is not an Excel workbook (.xlsx)."
TOO_MUCH = "expands to far more data than a template holds"


@pytest.fixture
def filled(czj, plan):
    """财政局's template with 120 typed into the draft row 21, and that row's number."""
    make_figures(plan)
    book = template(czj)
    ws = book[TEMPLATE_SHEET]
    row = rows_by_id(ws)[indicator(plan, 21).pk]
    ws.cell(row=row, column=VALUE).value = 120
    return as_bytes(book), row


def edit(data, sheet=None, add=None, content_types=None, parts=None, drop=()):
    """The workbook with its first sheet's XML changed by ``sheet(xml)``, content types by
    ``content_types(xml)``, other parts by ``parts[name](xml)``, parts added and parts dropped."""
    changes = {**(parts or {}), SHEET: sheet, "[Content_Types].xml": content_types}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename in drop:
                continue
            body = source.read(info)
            if changes.get(info.filename):
                body = changes[info.filename](body.decode()).encode()
            target.writestr(info.filename, body)
        for name, body in (add or {}).items():
            target.writestr(name, body)
    return out.getvalue()


def value_cell(row, xml_cell):
    """Replace the 数值 cell (column J) of ``row``."""
    def change(xml):
        changed, count = re.subn(rf'<c r="J{row}"[^>]*?(/>|>.*?</c>)', xml_cell, xml, count=1)
        assert count == 1
        return changed
    return change


def saved_value(plan):
    return Actual.objects.get(indicator=indicator(plan, 21), year=2024).value


def test_the_filled_template_itself_is_accepted(czj, plan, filled):
    """The files below differ from this one only by what is said in each test."""
    response = upload(czj, filled[0])
    assert response.status_code == 302
    assert saved_value(plan) == 120


@pytest.mark.office
def test_the_template_saved_again_by_libreoffice_is_accepted(czj, plan, filled, tmp_path):
    """Office programs move every text into a shared-strings part and rewrite the styles: within the bounds."""
    soffice = shutil.which("soffice")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "填报.xlsx").write_bytes(filled[0])
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to", "xlsx:Calc MS Excel 2007 XML",
         "--outdir", str(tmp_path / "out"), str(tmp_path / "in" / "填报.xlsx")],
        check=True, capture_output=True, timeout=120,
    )
    data = (tmp_path / "out" / "填报.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "xl/sharedStrings.xml" in archive.namelist()
    response = upload(czj, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert saved_value(plan) == 120


def test_one_cell_at_row_200_million_is_refused_without_walking_the_empty_rows(czj, plan, reporter, filled):
    data, _row = filled

    def far_row(xml):
        xml = re.sub(r"<dimension [^>]*/>", "", xml)
        return xml.replace("</sheetData>", '<row r="200000000"><c r="A200000000" t="n"><v>1</v></c></row></sheetData>')

    start = time.perf_counter()
    found = refused(czj, edit(data, sheet=far_row), "reaches beyond row")
    assert time.perf_counter() - start < 10  # the reader walked ~3.7 s per million empty rows
    assert str(max_rows(reporter, plan)) in found[0]


def test_the_bound_is_the_rows_the_reporter_fills_in_plus_a_margin(czj, plan, reporter, administrator, filled):
    data, _row = filled
    bound = max_rows(reporter, plan)
    assert bound == 10 + 4 + 500  # 财政局 leads four indicators
    assert max_rows(administrator, plan) == 10 + 29 + 500

    def at(number):
        return lambda xml: xml.replace("</sheetData>", f'<row r="{number}"><c r="N{number}" t="inlineStr"><is><t>备注</t></is></c></row></sheetData>')

    refused(czj, edit(data, sheet=at(bound + 1)), "reaches beyond row")
    response = upload(czj, edit(data, sheet=at(bound)))  # a stray note far below the table is still within
    assert response.status_code == 302


def test_a_cell_in_column_xfd_is_ignored_like_any_column_outside_the_template(czj, plan, filled):
    data, row = filled
    data = edit(data, sheet=lambda xml: xml.replace(f'<c r="A{row}"', f'<c r="XFD{row}" t="n"><v>9</v></c><c r="A{row}"', 1))
    response = upload(czj, data)
    assert response.status_code == 302
    assert saved_value(plan) == 120


def test_a_row_of_200_000_cells_is_refused(czj, plan, filled):
    data, row = filled
    rng = random.Random(2022)  # random values: a part that zips well would be refused as a zip bomb
    # openpyxl numbers cells without a reference one after the other, far past column XFD.
    cells = "".join(f"<c><v>{rng.getrandbits(30)}</v></c>" for _ in range(200_000))
    data = edit(data, sheet=lambda xml: xml.replace("</sheetData>", f'<row r="{row + 2}">{cells}</row></sheetData>'))
    assert len(data) < 5 * 1024 * 1024
    refused(czj, data, TOO_MUCH)


def test_the_same_row_repeated_a_hundred_thousand_times_is_refused(czj, plan, filled):
    data, row = filled
    rng = random.Random(2022)
    repeated = "".join(f'<row r="{row}"><c r="N{row}" t="n"><v>{rng.getrandbits(30)}</v></c></row>' for _ in range(100_000))
    data = edit(data, sheet=lambda xml: xml.replace("</sheetData>", repeated + "</sheetData>"))
    refused(czj, data, TOO_MUCH)


def test_a_giant_shared_strings_part_is_refused_before_openpyxl_reads_it(czj, plan, filled):
    data, _row = filled
    rng = random.Random(2022)  # random text: a part that zips well would be refused as a zip bomb
    strings = "".join(f"<si><t>{rng.getrandbits(40):010x}</t></si>" for _ in range(300_000))
    sst = f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{strings}</sst>'
    data = edit(
        data,
        add={"xl/sharedStrings.xml": sst},
        content_types=lambda xml: xml.replace("</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_TYPE}"/></Types>'),
    )
    assert len(data) < 5 * 1024 * 1024
    refused(czj, data, TOO_MUCH)


def test_shared_strings_may_grow_with_the_rows_like_a_sheet(czj, plan, filled):
    """Office programs keep every text of a sheet there: more than a small part holds, within the sheet's budget."""
    data, _row = filled
    strings = "".join(f"<si><t>情况说明{n}</t></si>" for n in range(4_000))  # 8,000 elements
    sst = f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{strings}</sst>'
    data = edit(
        data,
        add={"xl/sharedStrings.xml": sst},
        content_types=lambda xml: xml.replace("</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_TYPE}"/></Types>'),
    )
    response = upload(czj, data)
    assert response.status_code == 302
    assert saved_value(plan) == 120


def test_a_styles_part_with_a_hundred_thousand_formats_is_refused(czj, plan, filled):
    data, _row = filled
    rng = random.Random(2022)
    xfs = "".join(f'<xf numFmtId="{rng.randrange(200)}" fontId="0" fillId="0" borderId="0" xfId="{rng.randrange(9)}"/>' for _ in range(100_000))

    def styles(body):
        return re.sub(r'<cellXfs count="\d+">', f'<cellXfs count="{100_000}">' + xfs, body, count=1)

    refused(czj, edit(data, parts={"xl/styles.xml": styles}), TOO_MUCH)


def test_openpyxl_parses_every_upload_with_defusedxml():
    assert openpyxl.DEFUSEDXML is True  # defusedxml is installed (uv.lock), so openpyxl parses through it


def laughs(row):
    """The sheet with a "billion laughs" DTD whose last entity a cell of ``row`` uses."""
    chain = "".join(f'<!ENTITY {b} "{("&" + a + ";") * 10}">' for a, b in zip("abcdefgh", "bcdefghi"))
    dtd = f'<!DOCTYPE worksheet [<!ENTITY a "ha">{chain}]>'
    cell = f'<c r="N{row}" t="inlineStr"><is><t>&i;</t></is></c>'
    return lambda xml: dtd + xml.replace(f'<c r="A{row}"', cell + f'<c r="A{row}"', 1)


def test_an_entity_bomb_is_refused_by_the_upload_and_by_openpyxl_alone(czj, plan, filled):
    data, row = filled
    bomb = edit(data, sheet=laughs(row))
    refused(czj, bomb, DAMAGED)  # the upload's own scan allows no DTD at all
    with pytest.raises(ValueError) as caught:  # handed the file directly, openpyxl refuses it: defusedxml said no
        openpyxl.load_workbook(io.BytesIO(bomb))
    causes = [caught.value]
    while causes[-1].__cause__ or causes[-1].__context__:
        causes.append(causes[-1].__cause__ or causes[-1].__context__)
    assert any(isinstance(cause, defusedxml.EntitiesForbidden) for cause in causes)


# -- what openpyxl cannot read is a damaged file ---------------------------------------------------------
@pytest.mark.parametrize(
    "cell",
    [
        '<c r="J{row}" t="s"><v>99999</v></c>',  # shared string out of range: IndexError
        '<c r="J{row}" s="9999" t="n"><v>5</v></c>',  # style out of range: IndexError
        '<c r="J{row}" t="d"><v>not a date</v></c>',  # ValueError
        '<c r="J{row}" t="b"><v>x</v></c>',  # ValueError
        '<c r="J{row}" t="n"><v>1e99999</v></c>',  # a number openpyxl reads as inf
        '<c r="J{row}" t="s"><v>-1x</v></c>',
    ],
    ids=["shared-string", "style", "date", "bool", "huge-number", "bad-index"],
)
def test_a_cell_openpyxl_cannot_read_means_a_damaged_file(czj, plan, filled, cell):
    data, row = filled
    before = state()
    response = upload(czj, edit(data, sheet=value_cell(row, cell.format(row=row))))
    assert response.status_code == 200
    messages = [str(e) for e in response.context["errors"]]
    assert messages, "the upload was accepted"
    assert state() == before
    if "1e99999" in cell:
        assert messages == [f"第 {row} 行：Value: “inf” is not a number."]
    else:
        assert messages == [DAMAGED]


def test_a_row_number_that_is_not_a_number_means_a_damaged_file(czj, plan, filled):
    data, row = filled
    refused(czj, edit(data, sheet=lambda xml: xml.replace(f'<row r="{row}"', '<row r="x"', 1)), DAMAGED)


def test_a_missing_sheet_part_is_a_clear_refusal(czj, plan, filled):
    data, _row = filled
    # openpyxl skips a sheet whose part is missing; the help sheet that is left has no header row.
    refused(czj, edit(data, drop={SHEET}), "does not have the template's header row")


# -- formulas ------------------------------------------------------------------------------------------
def test_a_formula_without_a_computed_result_is_refused_with_its_row(czj, plan, filled):
    data, row = filled
    found = refused(czj, edit(data, sheet=value_cell(row, f'<c r="J{row}"><f>100+20</f></c>')), "formula without a computed result")
    assert found == [f"第 {row} 行：“数值” holds a formula without a computed result. Type the number (or text) itself, "
                     "or open the file in Excel or WPS, let it calculate, save it and upload it again."]


def test_a_formula_with_the_result_excel_stored_is_read_as_that_result(czj, plan, filled):
    data, row = filled
    response = upload(czj, edit(data, sheet=value_cell(row, f'<c r="J{row}"><f>100+25</f><v>125</v></c>')))
    assert response.status_code == 302
    assert saved_value(plan) == Decimal(125)

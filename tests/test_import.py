"""Excel import of a year's figures: download the template, fill it, upload it.

Every refusal is checked twice: the page says clearly what is wrong (with the row
number when a row is at fault) AND nothing in the database changed.
"""

import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from indicators import plans
from indicators.excel.importer import cell_text
from indicators.excel.template import TEMPLATE_SHEET
from indicators.models import Actual, ActualStatus, Indicator
from tests.figures import make_figures

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ID, VERSION, VALUE, COUNT, FLAG, NOTE = 1, 2, 10, 11, 12, 13  # template columns
UPLOAD = "/import/2024/"


@pytest.fixture
def client_en():
    """Messages are asserted in their English source text, whatever the catalogue translates."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def czj(client_en, reporter):
    client_en.force_login(reporter)
    return client_en


def template(client, year=2024, query=""):
    response = client.get(f"/import/template/{year}.xlsx{query}")
    assert response.status_code == 200, response.status_code
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def rows_by_id(ws):
    return {ws.cell(row=r, column=ID).value: r for r in range(4, ws.max_row + 1) if ws.cell(row=r, column=ID).value}


def as_bytes(book):
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, data, name="填报.xlsx", url=UPLOAD):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(url, {"file": SimpleUploadedFile(name, data, content_type=XLSX)})


def errors(response):
    return [str(e) for e in response.context["errors"]] if response.context and "errors" in response.context else []


def state():
    """Everything an import could change: the actuals and their history."""
    actuals = sorted(
        Actual.objects.values_list("indicator_id", "year", "value", "second_value", "not_carried_out", "note", "status", "version")
    )
    return actuals, Actual.history.count()


def indicator(plan, order):
    return Indicator.objects.get(plan=plan, order=order)


# -- the template ----------------------------------------------------------------------------------------
def test_the_template_lists_the_departments_lead_indicators_with_hidden_id_and_version(czj, plan):
    make_figures(plan)
    book = template(czj)
    ws = book[TEMPLATE_SHEET]
    assert ws.column_dimensions["A"].hidden and ws.column_dimensions["B"].hidden
    assert ws.protection.sheet
    assert [c.value for c in ws[3]] == [
        "指标ID", "版本", "序号", "指标内容", "单位", "填报口径", "2024年目标", "2025年目标值", "审核状态",
        "数值", "件数/笔数", "未开展", "情况说明",
    ]
    assert [ws.cell(row=r, column=4).value for r in range(4, 8)] == [
        "专利质押融资金额（万元）/笔", "商标质押融资金额（万元）/件", "其他知识产权质押融资金额（万元）/件", "知识产权保险投保金额（万元）/笔",
    ]
    assert ws.max_row == 7
    r19 = [c.value for c in ws[4]]
    assert r19[ID - 1] == indicator(plan, 19).pk
    assert r19[VERSION - 1] == 1
    assert r19[4:9] == ["万元 / 笔", "当年发生数", "5217/8", "6000/10", "已退回"]
    assert r19[VALUE - 1:] == [5000, 8, None, "+3"]
    assert ws.cell(row=4, column=NOTE).data_type == "s"  # “+3” stays text
    assert [c.value for c in ws[5]][FLAG - 1] == "是"  # row 20: 未开展
    assert ws.cell(row=7, column=VERSION).value == 0  # no actual yet
    assert ws.cell(row=4, column=VALUE).protection.locked is False
    assert ws.cell(row=5, column=VALUE).protection.locked is True  # approved
    assert ws["C2"].value == "填报年度" and ws["D2"].value == 2024


def test_the_template_says_what_to_enter_for_stocks_and_rates(client_en, plan, scjg_reporter):
    client_en.force_login(scjg_reporter)
    ws = template(client_en)[TEMPLATE_SHEET]
    measures = {ws.cell(row=r, column=3).value: ws.cell(row=r, column=6).value for r in range(4, ws.max_row + 1)}
    assert measures[1] == "当年发生数" and measures[7] == "年末存量" and measures[2].startswith("比率")


def test_the_template_has_a_chinese_file_name(czj, plan):
    response = czj.get("/import/template/2024.xlsx")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert 'filename="template_czj_2024.xlsx"' in response["Content-Disposition"]


# -- the round trip ----------------------------------------------------------------------------------------
def test_a_filled_template_is_saved_with_history(czj, plan, reporter):
    make_figures(plan)
    book = template(czj)
    ws = book[TEMPLATE_SHEET]
    rows = rows_by_id(ws)
    r19, r21, r22 = rows[indicator(plan, 19).pk], rows[indicator(plan, 21).pk], rows[indicator(plan, 22).pk]
    ws.cell(row=r19, column=VALUE).value = 5200.5
    ws.cell(row=r19, column=COUNT).value = 9
    ws.cell(row=r19, column=NOTE).value = "=已按退回意见更正"
    ws.cell(row=r19, column=NOTE).data_type = "s"  # as Excel stores a note typed after a quote mark
    ws.cell(row=r21, column=VALUE).value = "120"
    ws.cell(row=r21, column=COUNT).value = 2
    ws.cell(row=r22, column=FLAG).value = "是"
    ws.cell(row=r22, column=NOTE).value = "当年无保险业务"
    history_before = Actual.history.count()

    response = upload(czj, as_bytes(book))
    assert response.status_code == 302, errors(response)
    page = czj.get(response["Location"])
    assert "3 figures saved" in page.content.decode()

    a19 = Actual.objects.get(indicator__order=19, year=2024)
    # a returned figure stays returned until it is submitted again (workflow.save_entries)
    assert (a19.value, a19.second_value, a19.note, a19.status) == (Decimal("5200.5"), 9, "=已按退回意见更正", ActualStatus.RETURNED)
    assert a19.version == 2 and a19.entered_by == reporter
    a21 = Actual.objects.get(indicator__order=21, year=2024)
    assert (a21.value, a21.second_value, a21.status) == (120, 2, ActualStatus.DRAFT)
    a22 = Actual.objects.get(indicator__order=22, year=2024)
    assert a22.status == ActualStatus.DRAFT and a22.entered_by == reporter
    assert a22.not_carried_out and a22.value is None and a22.note == "当年无保险业务"
    assert Actual.history.count() == history_before + 3
    last = a19.history.first()
    assert last.history_user == reporter and last.history_change_reason == "entered"
    assert Actual.objects.get(indicator__order=20, year=2024).version == 1  # unchanged approved row untouched


def test_uploading_the_template_unchanged_saves_nothing(czj, plan):
    make_figures(plan)
    before = state()
    response = upload(czj, as_bytes(template(czj)))
    assert response.status_code == 302
    assert "Nothing had changed" in czj.get(response["Location"]).content.decode()
    assert state() == before


def test_excel_float_noise_and_percent_cells_are_read_as_people_typed_them(plan):
    assert cell_text(0.1 + 0.2) == "0.3"
    assert cell_text(5200.499999999999) == "5200.5"
    assert cell_text(12.0) == "12"
    assert cell_text(0.9526, "0.00%") == "95.26"
    assert cell_text(3) == "3"
    assert cell_text(" 2,868 ") == "2,868"


def test_a_rate_typed_as_a_percentage_in_excel_is_stored_as_percent(client_en, plan, scjg_reporter):
    client_en.force_login(scjg_reporter)
    book = template(client_en)
    ws = book[TEMPLATE_SHEET]
    r = rows_by_id(ws)[indicator(plan, 2).pk]
    ws.cell(row=r, column=VALUE).value = 0.9555
    ws.cell(row=r, column=VALUE).number_format = "0.00%"
    response = upload(client_en, as_bytes(book))
    assert response.status_code == 302, errors(response)
    assert Actual.objects.get(indicator__order=2, year=2024).value == Decimal("95.55")


# -- bad rows: the message names the row, nothing is saved -----------------------------------------------
def filled(client, plan, change):
    make_figures(plan)
    book = template(client)
    ws = book[TEMPLATE_SHEET]
    change(ws, rows_by_id(ws))
    return as_bytes(book)


def refused(client, data, *expected, name="填报.xlsx"):
    before = state()
    response = upload(client, data, name=name)
    assert response.status_code == 200
    found = errors(response)
    for text in expected:
        assert any(text in message for message in found), (text, found)
    assert "Nothing was saved" in response.content.decode()
    assert state() == before
    return found


def test_a_row_of_another_departments_indicator_is_refused(czj, plan):
    def change(ws, rows):
        r = rows[indicator(plan, 21).pk]
        ws.cell(row=r, column=ID).value = indicator(plan, 1).pk  # 查处假冒…, led by scjg
        ws.cell(row=r, column=VALUE).value = 3
    found = refused(czj, filled(czj, plan, change), "第 6 行", "led by 柳州市市场监督管理局柳东新区分局")
    assert found == ["第 6 行：查处假冒知识产权行政案件（起） is led by 柳州市市场监督管理局柳东新区分局; only that department enters its figures."]


def test_a_row_naming_an_indicator_of_the_next_plan_is_refused_and_nothing_is_written_into_either_plan(czj, plan, administrator):
    """The hidden id of the rolled-over 2026–2030 plan's indicator 19 in 财政局's 2024 template: that plan is
    still being set up and 2024 is not one of its years.  The row is refused by name; no figure is written."""
    make_figures(plan)
    book = template(czj)
    next_plan = plans.rollover(administrator, plan, code="柳高新〔2026〕1号", title="下一期", first_year=2026, last_year=2030)
    ws = book[TEMPLATE_SHEET]
    r = rows_by_id(ws)[indicator(plan, 19).pk]
    ws.cell(row=r, column=ID).value = indicator(next_plan, 19).pk
    ws.cell(row=r, column=VALUE).value, ws.cell(row=r, column=COUNT).value = 5000, 8
    refused(czj, as_bytes(book), "第 4 行", f"Unknown indicator id “{indicator(next_plan, 19).pk}”")
    assert not Actual.objects.filter(indicator__plan=next_plan).exists()


def test_changing_an_approved_figure_is_refused(czj, plan):
    def change(ws, rows):
        r = rows[indicator(plan, 20).pk]  # approved 未开展
        ws.cell(row=r, column=FLAG).value = None
        ws.cell(row=r, column=VALUE).value = 100
        ws.cell(row=r, column=COUNT).value = 1
    refused(czj, filled(czj, plan, change), "第 5 行", "Approved and cannot be changed")


def test_changing_a_submitted_figure_is_refused(client_en, plan, scjg_reporter):
    client_en.force_login(scjg_reporter)

    def change(ws, rows):
        ws.cell(row=rows[indicator(plan, 1).pk], column=VALUE).value = 7  # submitted
        ws.cell(row=rows[indicator(plan, 3).pk], column=VALUE).value = 2  # fine on its own
    refused(client_en, filled(client_en, plan, change), "第 4 行", "Submitted and cannot be changed")
    assert not Actual.objects.filter(indicator__order=3).exists()


def test_an_unknown_indicator_id_is_refused(czj, plan):
    def change(ws, rows):
        ws.cell(row=rows[indicator(plan, 22).pk], column=ID).value = 987654
    refused(czj, filled(czj, plan, change), "第 7 行", "Unknown indicator id “987654”")


@pytest.mark.parametrize("text", ["sNaN", "NaN", "Infinity", "1.5"])
def test_an_indicator_id_that_is_not_a_whole_number_is_refused_by_its_row(czj, plan, text):
    def change(ws, rows):
        ws.cell(row=rows[indicator(plan, 22).pk], column=ID).value = text
    refused(czj, filled(czj, plan, change), "第 7 行")


def test_a_figure_changed_since_the_download_is_a_conflict(czj, plan):
    def change(ws, rows):
        ws.cell(row=rows[indicator(plan, 21).pk], column=VALUE).value = 300
    data = filled(czj, plan, change)
    Actual.objects.filter(indicator__order=21, year=2024).update(value=150, version=2)
    refused(czj, data, "第 6 行", "Reload the page")


def test_bad_values_are_all_listed_by_row_and_nothing_is_saved(czj, plan):
    def change(ws, rows):
        ws.cell(row=rows[indicator(plan, 19).pk], column=VALUE).value = "很多"
        ws.cell(row=rows[indicator(plan, 21).pk], column=VALUE).value = 300  # fine, but must not be saved
        ws.cell(row=rows[indicator(plan, 22).pk], column=VALUE).value = -5
        ws.cell(row=rows[indicator(plan, 22).pk], column=COUNT).value = 1
    found = refused(czj, filled(czj, plan, change), "第 4 行", "第 7 行")
    assert "第 4 行：Value: “很多” is not a number." in found
    assert "第 7 行：Value: The value cannot be negative." in found


def test_未开展_without_a_note_and_a_wrong_flag_are_refused(czj, plan):
    def change(ws, rows):
        ws.cell(row=rows[indicator(plan, 22).pk], column=FLAG).value = "是"
        ws.cell(row=rows[indicator(plan, 21).pk], column=FLAG).value = "maybe"
    refused(czj, filled(czj, plan, change), "第 7 行：Explain in the note", "第 6 行：In “未开展” enter “是”")


def test_a_template_for_another_year_is_refused(czj, plan):
    make_figures(plan)
    data = as_bytes(template(czj, year=2023))
    refused(czj, data, "This template is for 2023, but you are importing figures for 2024")


def test_a_sheet_without_the_templates_header_is_refused(czj, plan):
    book = openpyxl.Workbook()
    book.active.append(["指标", "2024年"])
    book.active.append(["专利质押融资金额（万元）/笔", 5000])
    refused(czj, as_bytes(book), "does not have the template's header row")


# -- bad files -------------------------------------------------------------------------------------------
def test_a_file_that_is_not_xlsx_is_refused(czj, plan):
    refused(czj, "指标ID,数值\n19,5000\n".encode(), "This is not an Excel workbook (.xlsx)", name="data.csv")
    refused(czj, b"PK\x03\x04 but not really a zip file at all", "damaged or is not an Excel workbook")
    refused(czj, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old-format .xls")


def test_a_zip_that_is_not_a_workbook_is_refused(czj, plan):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    refused(czj, buffer.getvalue(), "This is not an Excel workbook (.xlsx)")


def repack(data, *, add=None, content_types=None):
    """Copy an .xlsx, optionally adding parts or replacing [Content_Types].xml."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "[Content_Types].xml" and content_types:
                body = content_types(body)
            target.writestr(info, body)
        for name, body in (add or {}).items():
            target.writestr(name, body)
    return out.getvalue()


def test_a_macro_enabled_workbook_is_refused(czj, plan):
    data = as_bytes(template(czj))
    macro_type = lambda body: body.replace(  # noqa: E731
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    refused(czj, repack(data, content_types=macro_type), "contains macros (.xlsm)", name="填报.xlsm")
    refused(czj, repack(data, add={"xl/vbaProject.bin": b"\0" * 100}), "contains macros (.xlsm)")


def test_a_zip_bomb_posing_as_xlsx_is_refused_before_it_is_unpacked(czj, plan):
    data = as_bytes(template(czj))
    bomb = repack(data, add={"xl/media/padding.bin": b"\0" * (60 * 1024 * 1024)})
    assert len(bomb) < 200 * 1024  # 60 MB of zeros packs into about 60 KB
    refused(czj, bomb, "expands to far more data than a template holds")


def test_an_empty_file_is_refused(czj, plan):
    refused(czj, b"", "The file is empty.")


def test_a_file_over_the_size_limit_is_refused(czj, plan, settings):
    settings.IMPORT_MAX_BYTES = 4096
    data = as_bytes(template(czj))
    assert len(data) > 4096
    refused(czj, data, "The file is too large")


def test_posting_without_a_file_asks_for_one(czj, plan):
    before = state()
    response = czj.post(UPLOAD, {})
    assert "Choose the filled-in template to upload." in errors(response)
    assert state() == before


# -- the page ------------------------------------------------------------------------------------------
def test_the_upload_page_is_in_the_admin_look_and_links_the_template(czj, plan):
    response = czj.get(UPLOAD)
    html = response.content.decode()
    assert response.status_code == 200
    assert "admin/base_site.html" in [t.name for t in response.templates]
    assert 'href="/import/template/2024.xlsx?plan=' in html
    assert 'name="csrfmiddlewaretoken"' in html and 'enctype="multipart/form-data"' in html


def test_the_upload_needs_a_csrf_token(plan, reporter):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter)
    assert client.post(UPLOAD, {}).status_code == 403


def test_only_reporters_and_administrators_may_import(client_en, plan, leader, reviewer):
    assert client_en.get(UPLOAD).status_code == 302  # anonymous: to the login page
    for user in (leader, reviewer):
        client_en.force_login(user)
        assert client_en.get(UPLOAD).status_code == 403
        assert client_en.get("/import/template/2024.xlsx").status_code == 403


def test_a_year_outside_the_plan_is_not_found(czj, plan):
    assert czj.get("/import/2030/").status_code == 404
    assert czj.get("/import/template/2021.xlsx").status_code == 404


def test_the_import_entry_point_opens_the_reporting_year(czj, plan):
    response = czj.get(reverse("import_upload_default"))
    assert response.status_code == 302
    assert response["Location"].startswith("/import/20")


def test_an_administrator_imports_for_a_chosen_department(client_en, plan, administrator):
    client_en.force_login(administrator)
    page = client_en.get(UPLOAD + "?department=gxj").content.decode()
    assert "/import/template/2024.xlsx?plan=" in page and "department=gxj" in page
    book = template(client_en, query="?department=gxj")
    ws = book[TEMPLATE_SHEET]
    assert ws["F2"].value == "工业和信息化局"
    ws.cell(row=rows_by_id(ws)[indicator(plan, 9).pk], column=VALUE).value = 15
    response = upload(client_en, as_bytes(book), url=UPLOAD + "?department=gxj")
    assert response.status_code == 302, errors(response)
    assert Actual.objects.get(indicator__order=9, year=2024).entered_by == administrator


def test_the_ways_people_type_into_the_template_are_understood(czj, plan):
    def change(ws, rows):
        ws.cell(row=rows[indicator(plan, 21).pk], column=VALUE).value = "6000/10"  # a pair in one cell
        ws.cell(row=rows[indicator(plan, 21).pk], column=COUNT).value = None
        ws.cell(row=rows[indicator(plan, 22).pk], column=VALUE).value = "未开展"  # the marker typed as the value
        ws.cell(row=rows[indicator(plan, 22).pk], column=NOTE).value = 2024  # a number typed as the note
        for r in range(8, 40):  # formatted empty rows below the table, as Excel and WPS keep them
            ws.cell(row=r, column=NOTE).value = ""
    response = upload(czj, filled(czj, plan, change))
    assert response.status_code == 302, errors(response)
    a21 = Actual.objects.get(indicator__order=21, year=2024)
    assert (a21.value, a21.second_value) == (6000, 10)
    a22 = Actual.objects.get(indicator__order=22, year=2024)
    assert a22.not_carried_out and a22.note == "2024"


def test_values_typed_below_the_table_without_an_id_are_refused(czj, plan):
    def change(ws, rows):
        ws.cell(row=9, column=VALUE).value = 5
    refused(czj, filled(czj, plan, change), "第 9 行：This row has no indicator id")


def test_the_admin_links_to_the_import_page(czj, plan):
    page = czj.get("/admin/indicators/actual/").content.decode()
    assert f'href="{reverse("import_upload_default")}"' in page


def test_a_blank_version_cell_is_refused_not_taken_as_no_check(czj, plan):
    # Someone else saved row 21 after the download; a blank version must not skip that check.
    def change(ws, rows):
        ws.cell(row=rows[indicator(plan, 21).pk], column=VALUE).value = 300
        ws.cell(row=rows[indicator(plan, 21).pk], column=VERSION).value = None
    data = filled(czj, plan, change)
    Actual.objects.filter(indicator__order=21, year=2024).update(value=150, version=2)
    refused(czj, data, "第 6 行", "hidden version column")
    assert Actual.objects.get(indicator__order=21, year=2024).value == 150


def test_a_note_with_a_character_no_file_can_hold_is_refused_by_row(czj, plan):
    def change(ws, rows):
        ws.cell(row=rows[indicator(plan, 21).pk], column=VALUE).value = 300
        ws.cell(row=rows[indicator(plan, 21).pk], column=NOTE).value = "说明\u0085结束"
    refused(czj, filled(czj, plan, change), "第 6 行", "U+0085")

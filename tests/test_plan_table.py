"""A plan's table in and out of Excel: the layout as printed, export → import reproducing a plan,
the commands and the admin's download and upload with its preview."""

import io
from datetime import date

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators import plans
from indicators.admin import plan_table as plan_table_admin
from indicators.excel.plan_import import PlanDetails, import_plan
from indicators.excel.plan_table import HIDDEN, TABLE_SHEET, PlanTableExport, read_plan_table
from indicators.models import Department, Indicator, Measure, Plan, PlanStatus
from tests.test_import import client_en  # noqa: F401  (messages in their English source text)
from tests.test_plan_table_import import DETAILS, SCJG, counts, one, workbook

NEW = DETAILS.code
FIELDS = ["order", "task_number", "name", "unit", "second_unit", "baseline_printed", "target_printed", "measure",
          "target_basis", "higher_is_better", "baseline_unreported", "target_pending"]


def exported(plan) -> bytes:
    return PlanTableExport(plan).render()


def sheet(data):
    return openpyxl.load_workbook(io.BytesIO(data))[TABLE_SHEET]


def table_of(plan) -> list[tuple]:
    """Every field of every indicator the table carries, departments in printed order."""
    return [
        (*(getattr(i, f) for f in FIELDS), [d.code for d in i.responsible_departments()])
        for i in plan.indicators.select_related("lead_department").prefetch_related("cooperation__department").order_by("order")
    ]


def round_trip(plan, administrator, code=NEW) -> Plan:
    details = PlanDetails(code, "2026-2030", "管委会", date(2026, 3, 1), plan.last_year + 1, plan.last_year + 5, plan.organisation_id)
    return import_plan(administrator, read_plan_table(exported(plan)), details)


# ---- export → import ------------------------------------------------------------------------------


def test_export_then_import_reproduces_the_shipped_plan_exactly(plan, administrator):
    new = round_trip(plan, administrator)
    assert table_of(new) == table_of(plan)
    assert new.footnotes == plan.footnotes and len(new.footnotes) == 3
    assert new.status == PlanStatus.DRAFT and (new.baseline_year, new.first_year, new.last_year) == (2025, 2026, 2030)
    # What the printed table does not carry came through the hidden columns: rows 17, 25–27 print no unit.
    assert [new.indicators.get(order=o).unit for o in (17, 25, 26, 27)] == ["个", "个", "人", "次"]


def test_export_then_import_keeps_what_a_rolled_over_plan_marks_and_any_setting(plan, administrator):
    rolled = plans.rollover(administrator, plan, code="柳高新〔2026〕1号", title="2026-2030", first_year=2026, last_year=2030)
    Indicator.objects.filter(plan=rolled, order=3).update(higher_is_better=False, measure=Measure.STOCK, target_basis="cumulative")
    Indicator.objects.filter(plan=rolled, order=4).update(name="=SUM(A1)", unit="", baseline_printed="95.26%")
    assert rolled.indicators.filter(baseline_unreported=True).exists() and rolled.indicators.filter(target_pending=True).exists()
    new = round_trip(rolled, administrator, code="柳高新〔2031〕1号")
    assert table_of(new) == table_of(rolled)


def test_in_an_exported_table_a_blank_setting_is_the_default_and_only_a_new_rows_measure_is_inferred(plan):
    # The export leaves 考核方式, 指标方向 and the flags blank when they are the default: reading them back
    # must not mark 29 rows “(inferred)”; a row typed into the file without its settings still says what was assumed.
    book = openpyxl.load_workbook(io.BytesIO(exported(plan)))
    ws = book[TABLE_SHEET]
    assert ws["I3"].value is None and ws["J3"].value is None  # row 1: compared each year, higher is better
    ws.insert_rows(32)
    for column, value in zip("ABCDE", [17, "新增地理标志保护产品（个）", "1", "5", SCJG]):
        ws[f"{column}32"] = value
    out = io.BytesIO()
    book.save(out)
    table = read_plan_table(out.getvalue())
    assert [row.inferred for row in table.rows[:29]] == [[]] * 29
    assert table.rows[29].inferred == ["measure"]
    assert (table.rows[29].target_basis, table.rows[29].higher_is_better) == ("year", True)


def test_a_formula_like_name_is_text_in_the_file(plan):
    Indicator.objects.filter(plan=plan, order=1).update(name="=HYPERLINK(\"http://x\")")
    Plan.objects.filter(pk=plan.pk).update(footnotes=["+1 注释", "@SUM(A1)"])
    plan.refresh_from_db()
    ws = sheet(exported(plan))
    assert ws["B3"].data_type == "s" and ws["B3"].value.startswith("=HYPERLINK") and ws["B3"].quotePrefix


# ---- the layout ---------------------------------------------------------------------------------


def test_the_exported_table_is_laid_out_as_printed(plan):
    ws = sheet(exported(plan))
    assert [ws.cell(2, c).value for c in range(1, 6)] == ["主要任务序号", "指标内容", "2021年基础值", "2025年目标值", "责任部门"]
    assert [ws.cell(2, c).value for c in range(6, 6 + len(HIDDEN))] == list(HIDDEN)
    assert all(ws.column_dimensions[letter].hidden for letter in "FGHIJKL")
    assert not any(ws.column_dimensions[letter].hidden for letter in "ABCDE")
    # Task numbers once per task, merged down the task's rows (task 1: rows 1–2; task 6: rows 9–12).
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A3:A4", "A11:A14"} <= merged
    assert ws["A3"].value == 1 and ws["A4"].value is None and ws["A5"].value == 2
    assert ws["B21"].value == "专利质押融资金额（万元）/笔" and (ws["C21"].value, ws["D21"].value) == ("2868/2", "6000/10")
    assert ws["C4"].value == "95.26%" and ws["D23"].value == "以实际业务开展为准"
    assert ws["E3"].value == f"{SCJG}、社会事务局"
    assert ws["E30"].value.count(SCJG) == 1  # row 28 of the plan prints it twice; it is kept once
    assert ws["H4"].value == "比率" and ws["F19"].value == "个"
    # The footnotes under the table, the first after 注：.
    assert ws["A33"].value.startswith("注：1. 表内知识产权包括") and ws["A35"].value.startswith("　　3. 年度目标标记")
    assert "A33:E33" in merged


def test_the_table_prints_on_a4_landscape_one_page_wide_with_the_header_repeated(plan):
    ws = sheet(exported(plan))
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$2:$2" and ws.freeze_panes == "A3"
    # Widths fit Chinese text (a CJK character takes two units); long department lists wrap and rows grow.
    assert ws.column_dimensions["B"].width >= 30 and ws.column_dimensions["E"].width >= 40
    assert ws.row_dimensions[30].height > ws.row_dimensions[3].height


def test_the_export_reads_the_plan_in_a_fixed_number_of_queries(plan):
    with CaptureQueriesContext(connection) as captured:
        exported(plan)
    assert len(captured.captured_queries) == 2  # the indicators with their leads, their co-operating departments


# ---- the import's writes ------------------------------------------------------------------------


def test_the_import_writes_in_bulk_whatever_the_number_of_rows(plan, administrator):
    def queries(rows):
        data = workbook([one(f"指标{n}（件）", task=n) for n in range(1, rows + 1)])
        table = read_plan_table(data)
        details = PlanDetails(f"号{rows}", "t", "i", date(2026, 1, 1), 2026, 2030, plan.organisation_id)
        with CaptureQueriesContext(connection) as captured:
            import_plan(administrator, table, details)
        return len(captured.captured_queries)

    # Both fit one batch of the database's bulk INSERT (SQLite: 999 parameters, 58 indicators); beyond,
    # one INSERT per batch.
    assert queries(5) == queries(40)


def test_imported_indicators_have_their_history_with_the_administrator(plan, administrator):
    new = round_trip(plan, administrator)
    record = new.indicators.get(order=19).history.get()
    assert record.history_user == administrator and record.history_type == "+"
    assert new.history.get().history_user == administrator


# ---- the commands -------------------------------------------------------------------------------


def test_the_commands_export_and_import_a_plan(plan, administrator, tmp_path, capsys):
    path = tmp_path / "量化指标.xlsx"
    call_command("export_plan", plan.code, "--output", str(path))
    assert "29 indicators" in capsys.readouterr().out
    options = ["--code", NEW, "--title", "2026-2030年工作方案", "--issuer", "管委会", "--issue-date", "2026-03-01",
               "--first-year", "2026", "--last-year", "2030"]
    call_command("import_plan", str(path), *options, "--dry-run")
    assert "Would create" in capsys.readouterr().out and not Plan.objects.filter(code=NEW).exists()
    call_command("import_plan", str(path), *options)
    assert "Created" in capsys.readouterr().out
    assert table_of(Plan.objects.get(code=NEW)) == table_of(plan)


def test_the_import_command_maps_or_creates_unknown_departments(plan, administrator, tmp_path, capsys):
    path = tmp_path / "typed.xlsx"
    path.write_bytes(workbook([one(departments="知识产权局、市场监管分局")]))
    options = ["--code", NEW, "--title", "t", "--issuer", "i", "--issue-date", "2026-03-01", "--first-year", "2026", "--last-year", "2030"]
    before = counts()
    with pytest.raises(CommandError, match="知识产权局"):
        call_command("import_plan", str(path), *options)
    assert counts() == before
    call_command("import_plan", str(path), *options, "--map-department", "市场监管分局=scjg", "--create-department", "知识产权局=zscqj")
    out = capsys.readouterr().out
    assert "what is entered inferred" in out and "知识产权局 (zscqj)" in out
    indicator = Plan.objects.get(code=NEW).indicators.get()
    assert [d.code for d in indicator.responsible_departments()] == ["zscqj", "scjg"]


def test_the_import_command_refuses_a_damaged_file_with_a_message(plan, administrator, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04broken")
    with pytest.raises(CommandError, match="damaged"):
        call_command("import_plan", str(path), "--code", NEW, "--title", "t", "--issuer", "i", "--issue-date", "2026-03-01",
                     "--first-year", "2026", "--last-year", "2030")


# ---- the admin ----------------------------------------------------------------------------------

UPLOAD = "/admin/indicators/plan/import-table/"


def form(data, **extra):
    return {"stage": "preview", "file": SimpleUploadedFile("量化指标.xlsx", data), "code": NEW, "title": "2026-2030年工作方案",
            "issuer": "管委会", "issue_date": "2026-03-01", "first_year": "2026", "last_year": "2030", **extra}


def test_the_plans_page_downloads_its_table(client, plan, leader):
    client.force_login(leader)
    page = client.get(f"/admin/indicators/plan/{plan.pk}/change/")
    assert f"/admin/indicators/plan/{plan.pk}/table.xlsx" in page.content.decode()
    response = client.get(f"/admin/indicators/plan/{plan.pk}/table.xlsx")
    assert response.status_code == 200 and "filename*=UTF-8''" in response["Content-Disposition"]
    assert sheet(b"".join(response.streaming_content))["B3"].value == "查处假冒知识产权行政案件（起）"


def test_a_plan_being_set_up_is_downloaded_by_administrators_only(client, plan, leader, administrator):
    draft = plans.rollover(administrator, plan, code=NEW, title="t", first_year=2026, last_year=2030)
    client.force_login(leader)
    assert client.get(f"/admin/indicators/plan/{draft.pk}/table.xlsx").status_code == 404
    client.force_login(administrator)
    assert client.get(f"/admin/indicators/plan/{draft.pk}/table.xlsx").status_code == 200


def test_only_administrators_reach_the_upload(client, plan, leader, reporter):
    for user in (leader, reporter):
        client.force_login(user)
        assert client.get(UPLOAD).status_code in (302, 403)
        assert client.post(UPLOAD, form(exported(plan))).status_code in (302, 403)
    assert not Plan.objects.filter(code=NEW).exists()


def test_the_upload_previews_then_creates_the_plan_with_departments_resolved(client, plan, administrator):
    client.force_login(administrator)
    assert "plan-table-import" in client.get("/admin/indicators/plan/").content.decode()
    data = workbook([one(departments="知识产权局、财政局"), one("新增地理标志保护产品", "—", "/", "市场监管分局", task=2)])
    preview = client.post(UPLOAD, form(data))
    page = preview.content.decode()
    assert preview.status_code == 200 and 'id="table-preview"' in page and 'id="inferred-note"' in page
    assert "知识产权局" in page and "市场监管分局" in page and not Plan.objects.filter(code=NEW).exists()
    payload = preview.context["payload"]
    # Departments left unresolved: the preview again, nothing saved.
    again = client.post(UPLOAD, {"stage": "create", "payload": payload})
    assert again.status_code == 200 and not Plan.objects.filter(code=NEW).exists()
    assert again.context["departments"].errors
    done = client.post(UPLOAD, {"stage": "create", "payload": payload, "code_0": "zscqj", "map_1": "scjg"})
    new = Plan.objects.get(code=NEW)
    assert done.status_code == 302 and done.url == f"/admin/indicators/plan/{new.pk}/change/"
    assert new.status == PlanStatus.DRAFT and new.indicators.count() == 2
    assert [d.code for d in new.indicators.get(order=1).responsible_departments()] == ["zscqj", "czj"]
    assert new.indicators.get(order=2).lead_department.code == "scjg"


def test_the_preview_lists_every_problem_and_offers_no_create(client, plan, administrator):
    client.force_login(administrator)
    response = client.post(UPLOAD, form(workbook([one(baseline="约3"), one(target="—", task=2)])))
    assert response.status_code == 200 and response.context["payload"] == ""
    problems = response.context["problems"]
    assert problems[0].startswith("第 3 行") and problems[1].startswith("第 4 行")
    assert 'id="create-plan"' not in response.content.decode() and not Plan.objects.filter(code=NEW).exists()


def test_a_long_table_previews_its_first_rows_and_still_checks_every_row(client, plan, administrator, monkeypatch):
    monkeypatch.setattr(plan_table_admin, "PREVIEW_ROWS", 3)
    client.force_login(administrator)
    response = client.post(UPLOAD, form(workbook([one(task=n) for n in range(1, 5)] + [one(baseline="约3", task=5)])))
    assert len(response.context["rows"]) == 3
    assert "预览仅列出前 3 行，其余 2 行已一并检查" in response.content.decode() and response.context["not_shown"] == 2
    assert response.context["problems"] and response.context["problems"][0].startswith("第 7 行")  # the fifth row, not shown
    assert response.context["payload"] == ""


@pytest.mark.parametrize("data, expected", [
    (b"PK\x03\x04" + b"\x00" * 100, "damaged"),
    (b"%PDF-1.4 not a workbook", "not an Excel workbook"),
    (b"", "empty"),
])
def test_a_damaged_or_foreign_upload_is_a_message_never_a_server_error(client_en, plan, administrator, data, expected):
    client = client_en
    client.force_login(administrator)
    before = counts()
    response = client.post(UPLOAD, form(data))
    assert response.status_code == 200 and counts() == before
    assert any(expected in error for error in response.context["errors"]) or response.context["form"].errors


def test_a_changed_preview_is_refused_and_saves_nothing(client_en, plan, administrator):
    client = client_en
    client.force_login(administrator)
    payload = client.post(UPLOAD, form(exported(plan))).context["payload"]
    before = counts()
    response = client.post(UPLOAD, {"stage": "create", "payload": payload[:-3] + "abc"}, follow=True)
    assert counts() == before
    assert "expired or was changed" in response.content.decode()


def test_the_whole_plan_uploaded_through_the_admin_is_the_same_plan(client, plan, administrator):
    client.force_login(administrator)
    payload = client.post(UPLOAD, form(exported(plan))).context["payload"]
    assert client.post(UPLOAD, {"stage": "create", "payload": payload}).status_code == 302
    assert table_of(Plan.objects.get(code=NEW)) == table_of(plan)
    assert Department.objects.count() == 13


def test_the_upload_and_preview_pages_speak_chinese(client, plan, administrator):
    from tests.test_translations import data_words, english_words, reader_text

    client.force_login(administrator)
    data = workbook([one(departments="知识产权局、财政局"), one("新增地理标志保护产品", "—", "/", SCJG, task=2), [None] * 5, ["注：1. 甲。"]])
    bad = workbook([one(baseline="约3")])
    pages = {
        "upload": client.get(UPLOAD, HTTP_ACCEPT_LANGUAGE="zh-hans"),
        "preview": client.post(UPLOAD, form(data), HTTP_ACCEPT_LANGUAGE="zh-hans"),
        "problems": client.post(UPLOAD, form(bad), HTTP_ACCEPT_LANGUAGE="zh-hans"),
        "plans": client.get("/admin/indicators/plan/", HTTP_ACCEPT_LANGUAGE="zh-hans"),
    }
    assert "预览" in pages["upload"].content.decode() and "（推断）" in pages["preview"].content.decode()
    left = {name: english_words(reader_text(page.content.decode()), data_words()) for name, page in pages.items()}
    assert left == {name: [] for name in pages}

"""An administrator creates the next plan from a table typed by hand, in Chromium: upload, preview, map a department, create."""

import pytest

from indicators.models import Plan, PlanStatus
from tests.test_browser_export import log_in
from tests.test_plan_table_import import one, typed_2022, workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_details(page, path, code):
    page.set_input_files("#id_file", str(path))
    page.fill("#id_code", code)
    page.fill("#id_title", "柳州高新区知识产权强区建设工作方案（2026-2030年）")
    page.fill("#id_issuer", "柳州高新技术产业开发区管理委员会")
    page.fill("#id_issue_date", "2026-03-01")
    page.fill("#id_first_year", "2026")
    page.fill("#id_last_year", "2030")


def test_an_administrator_previews_the_typed_table_and_creates_the_plan(live_server, page, plan, administrator, tmp_path, artifacts):
    path = tmp_path / "量化指标.xlsx"
    path.write_bytes(typed_2022())
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, administrator)
    page.goto(f"{live_server.url}/admin/indicators/plan/")
    page.click("#plan-table-import")
    fill_details(page, path, "柳高新〔2026〕1号")
    page.click("#upload-table input[type=submit]")
    page.wait_for_selector("#table-preview")
    assert page.locator("#table-preview tbody tr").count() == 29
    # The wide preview scrolls in its own box: the page itself never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert "推断" in page.inner_text("#inferred-note")
    assert page.locator("#table-footnotes li").count() == 3
    page.screenshot(path=str(artifacts / "plan_table_preview.png"), full_page=True)
    page.click("#create-plan input[type=submit]")
    page.wait_for_url(lambda url: url.endswith("/change/"))
    new = Plan.objects.get(code="柳高新〔2026〕1号")
    assert new.status == PlanStatus.DRAFT and new.indicators.count() == 29
    assert "plan-table-download" in page.content()


def test_an_unknown_department_is_mapped_in_the_preview(live_server, page, plan, administrator, tmp_path, artifacts):
    path = tmp_path / "typed.xlsx"
    path.write_bytes(workbook([one(departments="知识产权局、财政局"), one("新增地理标志保护产品", "—", "/", "市场监管分局", task=2)]))
    log_in(page, live_server, administrator)
    page.goto(f"{live_server.url}/admin/indicators/plan/import-table/")
    fill_details(page, path, "柳高新〔2026〕2号")
    page.click("#upload-table input[type=submit]")
    page.wait_for_selector("#create-plan")
    page.fill("#id_code_0", "zscqj")
    page.select_option("#id_map_1", "scjg")
    page.screenshot(path=str(artifacts / "plan_table_departments.png"), full_page=True)
    page.click("#create-plan input[type=submit]")
    page.wait_for_url(lambda url: url.endswith("/change/"))
    new = Plan.objects.get(code="柳高新〔2026〕2号")
    assert [d.code for d in new.indicators.get(order=1).responsible_departments()] == ["zscqj", "czj"]

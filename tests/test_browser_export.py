"""A leader logs in with the login form in Chromium and downloads the assessment workbook."""

import openpyxl
import pytest

from indicators.excel.assessment import MAIN_SHEET, SUMMARY_SHEET
from tests.conftest import PASSWORD
from tests.figures import make_figures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILE_NAME = "量化指标完成情况_2024年.xlsx"


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def click_download(page, url):
    """Follow a link to ``url`` the way a person clicks one (a link the dashboards may or may not show)."""
    link = page.locator(f'a[href^="{url}"]')
    if link.count():
        link.first.click()
    else:
        page.evaluate(
            "url => { const a = document.createElement('a'); a.href = url; document.body.appendChild(a); a.click(); }", url
        )


def test_a_leader_downloads_the_workbook_under_its_chinese_name(live_server, page, plan, leader, tmp_path):
    make_figures(plan)
    log_in(page, live_server, leader)
    with page.expect_download() as info:
        click_download(page, "/export/2024.xlsx")
    download = info.value
    assert download.suggested_filename == FILE_NAME
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    book = openpyxl.load_workbook(saved)
    assert book.sheetnames[0] == MAIN_SHEET and book.sheetnames[-1] == SUMMARY_SHEET
    main = book[MAIN_SHEET]
    assert [main.cell(row=3, column=c).value for c in (1, 2)] == ["序号", "主要任务序号"]
    assert main.cell(row=4, column=3).value == "查处假冒知识产权行政案件（起）"
    assert main.cell(row=4, column=7).value == 6  # 2024年


def test_a_reporter_downloads_only_their_department_in_the_browser(live_server, page, plan, reporter, tmp_path):
    make_figures(plan)
    log_in(page, live_server, reporter)
    with page.expect_download() as info:
        click_download(page, "/export/2024.xlsx")
    download = info.value
    assert download.suggested_filename == "量化指标完成情况_2024年_财政局.xlsx"
    download.save_as(tmp_path / "mine.xlsx")
    assert openpyxl.load_workbook(tmp_path / "mine.xlsx").sheetnames == ["财政局"]


def test_a_reporter_downloads_the_template_fills_it_and_uploads_it(live_server, page, plan, reporter, tmp_path, artifacts):
    from indicators.models import Actual

    make_figures(plan)
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, reporter)
    page.goto(f"{live_server.url}/import/2024/")
    with page.expect_download() as info:
        page.click("#template-link")
    download = info.value
    assert download.suggested_filename == "量化指标填报_财政局_2024年.xlsx"
    path = tmp_path / "filled.xlsx"
    download.save_as(path)

    book = openpyxl.load_workbook(path)
    ws = book["填报"]
    ws["J7"] = 80  # 知识产权保险投保金额（万元）/笔: amount …
    ws["K7"] = 2  # … and count
    ws["J6"] = "很多"  # not a number: the whole file is refused first
    book.save(path)
    page.set_input_files("#import-file", str(path))
    page.click("input[type=submit]")
    page.wait_for_selector("#import-errors")
    assert "第 6 行" in page.inner_text("#import-errors")
    page.screenshot(path=str(artifacts / "import-errors.png"), full_page=True)
    assert not Actual.objects.filter(indicator__order=22).exists()

    ws["J6"] = 100
    book.save(path)
    page.set_input_files("#import-file", str(path))
    page.click("input[type=submit]")
    page.wait_for_selector(".messagelist")
    page.screenshot(path=str(artifacts / "import-saved.png"), full_page=True)
    saved = Actual.objects.get(indicator__order=22, year=2024)
    assert (saved.value, saved.second_value, saved.entered_by) == (80, 2, reporter)

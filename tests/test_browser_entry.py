"""A reporter enters a year's figures on the one-page form in Chromium and submits them."""

import pytest

from indicators.models import Actual, Indicator
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reporter_enters_a_years_figures_submits_and_sees_them_submitted(live_server, page, reporter, artifacts):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/admin/login/?next=/admin/indicators/actual/year/2024/")
    page.fill("#id_username", reporter.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#year-entry-table")

    pledge, trademark, other, insurance = Indicator.objects.filter(lead_department__code="czj").order_by("order")
    page.fill(f"#id_i{pledge.pk}-value", "5,300")
    page.fill(f"#id_i{pledge.pk}-second_value", "８")
    page.fill(f"#id_i{trademark.pk}-value", "600")
    page.fill(f"#id_i{trademark.pk}-second_value", "2")
    page.check(f"#id_i{other.pk}-not_carried_out")
    page.fill(f"#id_i{other.pk}-note", "本年度未开展其他知识产权质押融资。")
    page.fill(f"#id_i{insurance.pk}-value", "120")
    page.fill(f"#id_i{insurance.pk}-second_value", "1")
    page.screenshot(path=str(artifacts / "year-entry-filled.png"), full_page=True)
    page.click("input[name=_submit]")
    page.wait_for_selector(".messagelist")
    page.screenshot(path=str(artifacts / "year-entry-submitted.png"), full_page=True)

    for indicator in (pledge, trademark, other, insurance):
        row = page.locator(f'tr[data-indicator="{indicator.pk}"] .workflow')
        assert row.inner_text() in ("已提交", "Submitted")
    assert Actual.objects.filter(year=2024, status="submitted").count() == 4
    assert Actual.objects.get(indicator=pledge, year=2024).value == 5300


def test_on_a_phone_every_row_keeps_its_indicator_name_in_view(live_server, page, reporter, artifacts):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/admin/login/?next=/admin/indicators/actual/year/2024/")
    page.fill("#id_username", reporter.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#year-entry-table")
    pledge = Indicator.objects.filter(lead_department__code="czj").order_by("order").first()
    page.fill(f"#id_i{pledge.pk}-value", "90000")
    page.fill(f"#id_i{pledge.pk}-second_value", "8")
    page.click("input[name=_save]")
    page.wait_for_selector(".plausibility")
    page.screenshot(path=str(artifacts / "year-entry-360.png"), full_page=True)
    page.locator(f'tr[data-indicator="{pledge.pk}"]').scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "year-entry-360-warning.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing scrolls sideways
    names = page.locator("#year-entry-table .name")
    assert names.count() == 4
    for index in range(names.count()):
        name = names.nth(index)
        name.scroll_into_view_if_needed()
        box = name.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360 and box["width"] > 200
    # The warning and its box sit in the row of the figure they are about.
    warned = page.locator(f'tr[data-indicator="{pledge.pk}"]')
    assert warned.locator(".plausibility").is_visible() and warned.locator("input[type=checkbox][name$=outlier_confirmed]").is_visible()
    warned.locator("input[name$=outlier_confirmed]").check()
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    assert Actual.objects.get(indicator=pledge, year=2024).outlier_confirmed


def test_status_badges_never_break_a_word_over_lines_on_a_phone(live_server, page, reporter, artifacts):
    from indicators.models import ActualStatus

    for indicator, status in zip(Indicator.objects.filter(lead_department__code="czj").order_by("order"), ActualStatus):
        Actual.objects.create(indicator=indicator, year=2024, value=1, second_value=1, status=status)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/admin/login/?next=/admin/indicators/actual/")
    page.fill("#id_username", reporter.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    for path, name in (("/admin/indicators/actual/?year__exact=2024", "actual-list-360"), ("/admin/indicators/actual/year/2024/", "year-entry-badges-360")):
        page.goto(live_server.url + path)
        page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
        badges = page.locator(".workflow")
        assert badges.count() >= 4
        for index in range(badges.count()):
            badge = badges.nth(index)
            line = float(page.evaluate("(el) => parseFloat(getComputedStyle(el).lineHeight) || 20", badge.element_handle()))
            assert badge.bounding_box()["height"] < 2 * line, (path, badge.inner_text())


def test_a_clerk_makes_four_mistakes_and_has_the_year_submitted_in_two_saves(live_server, page, reporter, artifacts, settings, tmp_path):
    """A fraction of 件, a value far above the target, a pair with one part, a PDF: one failed save shows
    all of it, the second submits the year, and the PDF is chosen once."""
    from indicators.models import Evidence

    settings.MEDIA_ROOT = tmp_path / "media"
    contract = tmp_path / "合同.pdf"
    contract.write_bytes(b"%PDF-1.4\n%contract\n")
    year_page = "/admin/indicators/actual/year/2024/"
    visits = []  # (method, path) of every page the browser loads
    page.on("request", lambda r: r.resource_type == "document" and visits.append((r.method, r.url.replace(live_server.url, "").split("?")[0])))
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/admin/login/?next={year_page}")
    page.fill("#id_username", reporter.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#year-entry-table")

    pledge, trademark, other, insurance = Indicator.objects.filter(lead_department__code="czj").order_by("order")
    page.fill(f"#id_i{pledge.pk}-value", "20000")  # more than 3× the 2024 target 5217
    page.fill(f"#id_i{pledge.pk}-second_value", "8")
    page.fill(f"#id_i{trademark.pk}-value", "300")
    page.fill(f"#id_i{trademark.pk}-second_value", "2.5")  # half a 件
    page.fill(f"#id_i{other.pk}-value", "300")  # the count left out
    page.fill(f"#id_i{insurance.pk}-value", "120")
    page.fill(f"#id_i{insurance.pk}-second_value", "1")
    page.set_input_files(f"#id_i{insurance.pk}-evidence", str(contract))
    page.click("input[name=_submit]")
    page.wait_for_selector(".year-summary")
    page.screenshot(path=str(artifacts / "year-entry-four-mistakes.png"), full_page=True)

    summary = page.locator(".year-summary")
    assert "2 项指标需要更正" in summary.inner_text() and "1 项指标需要确认" in summary.inner_text()
    assert summary.locator("a").count() == 3
    row = {i.pk: page.locator(f'tr[data-indicator="{i.pk}"]') for i in (pledge, trademark, other, insurance)}
    assert "不是整数" in row[trademark.pk].inner_text() or "2.5" in row[trademark.pk].inner_text()
    assert row[other.pk].locator(".errornote").count() == 1 and row[pledge.pk].locator(".plausibility").is_visible()
    assert "已选文件：合同.pdf（保存后上传）" in row[insurance.pk].inner_text()
    summary.locator(f'a[href="#row-{other.pk}"]').click()  # the summary leads to the row
    assert page.evaluate("location.hash") == f"#row-{other.pk}"

    page.set_viewport_size({"width": 360, "height": 740})  # the same page on a phone
    page.screenshot(path=str(artifacts / "year-entry-four-mistakes-360.png"), full_page=True)
    summary.screenshot(path=str(artifacts / "year-entry-four-mistakes-360-summary.png"))
    row[insurance.pk].screenshot(path=str(artifacts / "year-entry-four-mistakes-360-held.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.set_viewport_size({"width": 1366, "height": 900})

    page.fill(f"#id_i{trademark.pk}-second_value", "2")
    page.fill(f"#id_i{other.pk}-second_value", "1")
    row[pledge.pk].locator("input[name$=outlier_confirmed]").check()
    page.click("input[name=_submit]")
    page.wait_for_selector(".messagelist .success")
    page.screenshot(path=str(artifacts / "year-entry-four-mistakes-submitted.png"), full_page=True)

    on_year_page = [method for method, path in visits if path == year_page]
    assert on_year_page == ["GET", "POST", "POST", "GET"]  # two page loads, two saves
    assert Actual.objects.filter(year=2024, status="submitted").count() == 4
    [evidence] = Evidence.objects.all()
    assert evidence.original_name == "合同.pdf" and evidence.actual.indicator == insurance
    assert "合同.pdf" in row[insurance.pk].inner_text() and "已选文件" not in page.content()

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

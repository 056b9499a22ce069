"""The city's leader in Chromium: the overview compares both zones, and a click opens one zone's own pages."""

import pytest

from indicators.models import User
from tests.conftest import PASSWORD
from tests.test_browser_export import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_city_leader_reads_both_zones_side_by_side_and_opens_one(live_server, page, two_zones, artifacts):
    leader = User.objects.get(username="city-leader")
    leader.set_password(PASSWORD)
    leader.save()
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server, leader)
    page.goto(f"{live_server.url}/")
    page.wait_for_selector("#chart-comparison .main-svg")
    rows = page.locator("#organisation-plans tbody tr")
    assert rows.count() == 2
    assert "柳州高新区" in rows.nth(0).inner_text() and "鹿寨经济开发区" in rows.nth(1).inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.screenshot(path=str(artifacts / "organisation-overview.png"), full_page=True)
    page.click("#organisation-plans tbody tr:nth-child(2) a")
    page.wait_for_selector("#organisation-line")
    assert "鹿寨经济开发区" in page.locator("#organisation-line").inner_text()
    assert "鹿开〔2022〕5号" in page.locator(".page-head p.muted").first.inner_text()
    page.screenshot(path=str(artifacts / "organisation-zone.png"), full_page=True)

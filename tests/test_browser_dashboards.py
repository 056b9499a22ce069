"""A leader uses the dashboards in Chromium: logs in, switches the year, sees charts drawn offline."""

from urllib.parse import urlparse

import pytest

from indicators.models import Indicator
from tests.conftest import PASSWORD
from tests.dashboard_helpers import report, report_sample

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture
def offline(page):
    """Fail on any request that would leave this machine: the dashboards must work on an intranet."""
    outside = []

    def guard(route):
        url = route.request.url
        if urlparse(url).scheme in ("data", "blob") or urlparse(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", guard)
    yield page
    assert outside == [], f"requests left 127.0.0.1: {outside}"


@pytest.fixture
def console_errors(page):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def log_in(page, live_server, user, next_path="/"):
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click(".login-card button[type=submit]")
    page.wait_for_url(f"{live_server.url}{next_path}*")


def counts(page):
    return {
        element.get_attribute("data-status"): int(element.inner_text())
        for element in page.locator(".status-count .count").all()
    }


def test_the_leader_switches_the_year_and_the_counts_change(live_server, offline, leader, plan, console_errors):
    report_sample(plan)
    page = offline
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server, leader)
    assert page.locator("#year-select").input_value() == "2023"  # the latest reported year
    in_2023 = counts(page)
    page.select_option("#year-select", "2022")
    page.click(".selector button[type=submit]")
    page.wait_for_url("**/?year=2022")
    in_2022 = counts(page)
    assert in_2022 != in_2023
    assert sum(in_2022.values()) == sum(in_2023.values()) == 29
    assert page.locator("h1").inner_text() == "截至 2022 年指标完成情况"
    assert console_errors == []


def test_charts_draw_from_local_plotly_on_every_dashboard(live_server, offline, leader, plan, console_errors):
    report_sample(plan)
    report(plan, 19, 2024, 5000, 7, status="submitted")
    page = offline
    log_in(page, live_server, leader)
    page.wait_for_selector("#chart-departments .main-svg")
    page.goto(f"{live_server.url}/departments/scjg/?year=2023")
    page.wait_for_selector("#chart-statuses .main-svg")
    page.wait_for_selector("#chart-completion .main-svg")
    pledge = Indicator.objects.get(plan=plan, order=19)
    page.goto(f"{live_server.url}/indicators/{pledge.pk}/")
    page.wait_for_selector("#chart-trend-1 .main-svg")
    page.wait_for_selector("#chart-trend-2 .main-svg")
    # Hovering an actual shows its value, unit and status (hover text is drawn into the SVG).
    assert page.locator("#chart-trend-1 .scatterlayer .trace").count() >= 4
    assert console_errors == []  # no CSP violation, no script error


def test_screenshots_of_the_overview_on_a_laptop_and_a_phone(live_server, offline, leader, plan, artifacts):
    report_sample(plan)
    page = offline
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server, leader)
    page.wait_for_selector("#chart-departments .main-svg")
    page.screenshot(path=str(artifacts / "overview-1366x768.png"))
    page.screenshot(path=str(artifacts / "overview-1366x768-full.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366

    page.set_viewport_size({"width": 360, "height": 740})
    page.reload()
    page.wait_for_selector("#chart-departments .main-svg")
    page.screenshot(path=str(artifacts / "overview-360x740.png"))
    page.screenshot(path=str(artifacts / "overview-360x740-full.png"), full_page=True)
    # Nothing but the table wrappers may scroll sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    pledge = Indicator.objects.get(plan=plan, order=19)
    page.goto(f"{live_server.url}/departments/czj/?year=2023")
    page.wait_for_selector("#chart-completion .main-svg")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(artifacts / "department-360x740-full.png"), full_page=True)
    page.goto(f"{live_server.url}/indicators/{pledge.pk}/")
    page.wait_for_selector("#chart-trend-1 .main-svg")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(artifacts / "indicator-360x740-full.png"), full_page=True)


def test_the_language_switch_turns_the_page_english_and_back(live_server, offline, leader, plan):
    page = offline
    log_in(page, live_server, leader)
    page.click("button[name=language][value=en]")
    page.wait_for_selector("html[lang=en]")
    assert page.locator(".site-nav").get_by_text("Overview").is_visible()
    page.click("button[name=language][value=zh-hans]")
    page.wait_for_selector("html[lang=zh-hans]")
    assert page.locator(".site-nav").get_by_text("总览").is_visible()


def test_logging_out_is_a_post_and_leads_to_the_login_page(live_server, offline, leader, plan):
    page = offline
    log_in(page, live_server, leader)
    page.click(".site-nav form[action='/accounts/logout/'] button")
    page.wait_for_url("**/accounts/login/")
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url


def test_the_leader_includes_drafts_and_sees_them_marked(live_server, offline, leader, plan, artifacts, console_errors):
    from indicators.models import ActualStatus

    draft = report(plan, 19, 2022, 4321, 5, status=ActualStatus.DRAFT)
    page = offline
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, live_server, leader, f"/indicators/{draft.indicator_id}/?year=2022")
    assert "4321" not in page.inner_text("main")
    page.get_by_role("button", name="含草稿").click()
    page.wait_for_load_state()
    assert "已含草稿" in page.inner_text("main")
    assert page.locator(".pending.draft", has_text="草稿").first.is_visible()
    page.screenshot(path=artifacts / "indicator-drafts-included.png", full_page=False)
    page.get_by_role("button", name="不含草稿").click()
    page.wait_for_load_state()
    assert "4321" not in page.inner_text("main")
    assert console_errors == []

"""The end of a plan in Chromium: close 2022–2025 and roll it over in the admin, set up and put 2026–2030 in
force, a clerk reports 2026, a leader reads the final assessment of 2022–2025 (at 1366 px and on a phone)."""

from decimal import Decimal

import pytest

from indicators.models import Actual, ActualStatus, Indicator, Plan, PlanStatus
from tests.test_browser_export import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_CODE = "柳高新〔2026〕1号"
FIGURES = {  # order -> year -> value (, count): approved, so the plan can close with them
    1: {2022: "4", 2023: "5", 2024: "6", 2025: "7"},
    9: {2025: "12"},
    15: {2024: "400", 2025: "470"},
    19: {2024: ("5000", "8"), 2025: ("5600", "10")},
    23: {2022: "1", 2025: "1"},
}
TARGETS = {1: "8", 9: "22", 15: "520"}  # the three targets set on the new plan


def seed(plan):
    for order, years in FIGURES.items():
        indicator = Indicator.objects.get(plan=plan, order=order)
        for year, value in years.items():
            amount, count = value if isinstance(value, tuple) else (value, None)
            Actual.objects.create(indicator=indicator, year=year, value=Decimal(amount),
                                  second_value=Decimal(count) if count else None, status=ActualStatus.APPROVED)  # fmt: skip


def fits(page) -> bool:
    """Nothing sticks out sideways: wide tables scroll in their own box."""
    table = "(document.querySelector('#final-table .table-scroll') || document.documentElement)"
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        f" && {table}.scrollWidth <= {table}.clientWidth"  # the table itself fits: nothing hidden behind a scroll bar
    )


def test_a_plan_is_closed_rolled_over_and_its_final_assessment_read(live_server, page, plan, administrator, reporter, leader, artifacts):
    seed(plan)
    page.set_viewport_size({"width": 1366, "height": 900})

    # The administrator closes 2022–2025 after the confirmation page, then rolls it over.
    log_in(page, live_server, administrator)
    page.goto(f"{live_server.url}/admin/indicators/plan/{plan.pk}/change/")
    page.click(f'a[href="/admin/indicators/plan/{plan.pk}/close/"]')
    page.wait_for_selector("#open-figures")
    assert "收官" in page.title()
    page.screenshot(path=str(artifacts / "final-close-confirm.png"), full_page=True)
    page.click(".plan-life input[type=submit]")
    page.wait_for_selector(".messagelist")
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.CLOSED
    assert page.locator("#final-assessment-link").inner_text() == "终期评估"
    page.click(f'a[href="/admin/indicators/plan/{plan.pk}/rollover/"]')
    page.fill("#id_code", NEW_CODE)
    page.fill("#id_title", "柳州高新区知识产权强区建设工作方案（2026-2030年）")
    assert page.input_value("#id_first_year") == "2026"  # the year after; the span is the old plan's, 2026–2029
    page.fill("#id_last_year", "2030")
    page.screenshot(path=str(artifacts / "final-rollover.png"), full_page=True)
    page.click(".plan-life input[type=submit]")
    page.wait_for_selector(".messagelist")
    new = Plan.objects.get(code=NEW_CODE)
    assert new.status == PlanStatus.DRAFT and new.indicators.count() == 29

    # Three targets set by hand, the other “/” confirmed at once, then the plan is put in force.
    for order, target in TARGETS.items():
        indicator = new.indicators.get(order=order)
        page.goto(f"{live_server.url}/admin/indicators/indicator/{indicator.pk}/change/")
        page.fill("#id_target_printed", target)
        page.uncheck("#id_target_pending")
        page.click("input[name=_save]")
        page.wait_for_selector(".messagelist")
    page.goto(f"{live_server.url}/admin/indicators/indicator/?plan={new.pk}")
    page.check("#action-toggle")
    page.select_option("select[name=action]", "confirm_undecided_targets")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist")
    assert "已将26项指标的目标值确认为“/”" in page.inner_text(".messagelist")
    page.screenshot(path=str(artifacts / "final-confirm-targets.png"), full_page=True)
    page.goto(f"{live_server.url}/admin/indicators/plan/{new.pk}/publish/")
    page.screenshot(path=str(artifacts / "final-publish.png"), full_page=True)
    page.click(".plan-life input[type=submit]")
    page.wait_for_selector(".messagelist")
    new.refresh_from_db()
    assert new.status == PlanStatus.ACTIVE
    assert [i.target_printed for i in new.indicators.filter(order__in=TARGETS).order_by("order")] == list(TARGETS.values())

    # A clerk of 财政局 reports 2026 on the year page.
    page.context.clear_cookies()
    log_in(page, live_server, reporter)
    pledge = new.indicators.get(order=19)
    page.goto(f"{live_server.url}/admin/indicators/actual/year/2026/")
    page.wait_for_selector("#year-entry-table")
    page.fill(f"#id_i{pledge.pk}-value", "5800")
    page.fill(f"#id_i{pledge.pk}-second_value", "11")
    page.click("input[name=_submit]")
    page.wait_for_selector(".messagelist")
    page.screenshot(path=str(artifacts / "final-clerk-2026.png"), full_page=True)
    figure = Actual.objects.get(indicator=pledge, year=2026)
    assert (figure.value, figure.second_value, figure.status) == (5800, 11, ActualStatus.SUBMITTED)

    # A leader opens the overview (the closed plan, as 2025 is still the year being reported) and follows the link.
    page.context.clear_cookies()
    log_in(page, live_server, leader)
    page.goto(f"{live_server.url}/?plan={plan.pk}")
    page.click("#final-assessment-link")
    page.wait_for_selector("#final-table")
    assert page.inner_text("#final-title") == "终期评估"
    assert "预评估" not in page.inner_text("main")
    assert page.locator('[data-verdict="completed"]').inner_text() == "2"  # rows 1 and 23 (1 + 1 over the plan)
    assert page.locator('[data-verdict="mostly"]').inner_text() == "1"  # row 15: 470 of 122 → 480
    assert fits(page)
    page.screenshot(path=str(artifacts / "final-assessment-1366.png"), full_page=True)
    page.screenshot(path=str(artifacts / "final-assessment-1366-top.png"))
    page.set_viewport_size({"width": 360, "height": 780})
    page.reload()
    assert fits(page)
    page.screenshot(path=str(artifacts / "final-assessment-360.png"), full_page=True)
    page.screenshot(path=str(artifacts / "final-assessment-360-top.png"))
    page.locator("#final-table").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "final-assessment-360-table.png"))

    # The new plan's indicator shows its 2022–2025 history.
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/indicators/{new.indicators.get(order=1).pk}/")
    assert "往期方案" in page.inner_text("#earlier-title")
    page.locator("#earlier-title").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "final-earlier-plans.png"), full_page=True)

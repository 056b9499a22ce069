"""After a roll-over, an administrator sets every target of 2026–2030 from the proposals in one sitting
(one page load, clicks, one save) at 1366 px, and puts the plan in force."""

import pytest

from indicators import plans
from indicators.models import Indicator, Plan, PlanStatus, User
from indicators.values import AS_BUSINESS, UNDECIDED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEXT = "柳高新〔2026〕1号"
DEMO_PASSWORD = "ipzone-demo"
TREND_ROWS = {1, 9, 19}  # these take the trend; every other row with an old numeric target its old pace


def test_an_administrator_sets_the_new_plans_targets_from_the_proposals_and_puts_it_in_force(live_server, page, demo, artifacts):
    administrator = User.objects.get(username="admin")
    new = plans.rollover(administrator, demo, code=NEXT, title="柳州高新区知识产权强区建设工作方案（2026-2030年）",
                         first_year=2026, last_year=2030)  # fmt: skip
    old_targets = dict(Indicator.objects.filter(plan=demo).values_list("order", "target_printed"))
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    page.goto(f"{live_server.url}/admin/indicators/plan/{new.pk}/targets/")
    assert "目标设定" in page.title() and page.locator("#target-rows tbody tr").count() == 29
    expected = {}
    for indicator in new.indicators.order_by("order"):
        row = page.locator(f"#row-{indicator.pk}")
        old = old_targets[indicator.order]
        if old in (UNDECIDED, AS_BUSINESS):  # no numeric target before: kept as it was, on purpose
            button = row.locator(f'button[data-value="{old}"]')
        else:
            button = row.locator(f'button[data-rule="{"trend" if indicator.order in TREND_ROWS else "pace"}"]')
        button.click()
        expected[indicator.order] = button.get_attribute("data-value")
        assert row.locator("input[type=text]").input_value() == expected[indicator.order]
        assert button.get_attribute("aria-pressed") == "true"
    assert expected[19] == "9190/20" and expected[2] == "96.93%" and expected[21] == AS_BUSINESS
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.locator(f"#row-{new.indicators.get(order=19).pk}").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "targets-chosen.png"))

    page.click(".submit-row input[type=submit]")  # one save
    page.wait_for_selector(".messagelist .success")
    assert "已设定 29 项指标的目标" in page.locator(".messagelist").inner_text()
    saved = dict(Indicator.objects.filter(plan=new).values_list("order", "target_printed"))
    assert saved == expected and not Indicator.objects.filter(plan=new, target_pending=True).exists()
    first = page.locator(f"#row-{new.indicators.get(order=1).pk} .target-path").inner_text()
    assert first == "按目标值推算的年度目标： 2026: 8起 · 2027: 9起 · 2028: 10起 · 2029: 11起 · 2030: 12起"  # 7 → 12 in whole cases
    page.screenshot(path=str(artifacts / "targets-saved.png"))

    page.click("#content-main a:has-text('发布执行')")
    page.wait_for_url(f"**/plan/{new.pk}/publish/")
    page.click(".plan-life input[type=submit]")
    page.wait_for_selector(".messagelist .success")
    assert Plan.objects.get(pk=new.pk).status == PlanStatus.ACTIVE


def test_an_indicators_form_takes_a_proposal_into_its_target_with_one_click(live_server, page, demo, artifacts):
    new = plans.rollover(User.objects.get(username="admin"), demo, code=NEXT, title="下一期", first_year=2026, last_year=2030)
    indicator = new.indicators.get(order=19)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(f"{live_server.url}/admin/indicators/indicator/{indicator.pk}/change/")
    page.click('#target-proposals button[data-rule="pace"]')
    assert page.input_value("#id_target_printed") == "9915/20" and not page.is_checked("#id_target_pending")
    page.locator("#target-proposals").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "targets-indicator-form.png"))

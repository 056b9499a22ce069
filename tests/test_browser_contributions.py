"""Co-operating departments in Chromium: 党群工作部's clerk, asked by the lead for row 4, goes from login to a
saved contribution — counting page loads — and the lead and the reviewer see it; screenshots at 1366 px
and 360 px under tests/artifacts/."""

from datetime import date

import pytest
from django.core.management import call_command

from indicators import selection, workflow
from indicators.models import Actual, ActualStatus, Contribution, Indicator, User
from tests.test_browser_queue import Loads

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "ipzone-demo"
PDF = b"%PDF-1.4\n% evidence\n%%EOF\n"


@pytest.fixture(autouse=True)
def season(plan, monkeypatch, settings, tmp_path):
    # The live server runs in this process: it sees the same "today" (reporting 2025).
    monkeypatch.setattr(selection, "shanghai_today", lambda: date(2026, 1, 20))
    settings.MEDIA_ROOT = tmp_path
    call_command("demo_data", "--force", "--one-zone", verbosity=0)
    return plan


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click(".login-card button[type=submit]")


def test_a_cooperating_clerk_goes_from_login_to_a_saved_contribution_in_three_page_loads(live_server, page, artifacts):
    page.set_viewport_size({"width": 1366, "height": 900})
    loads = Loads(page)
    page.goto(f"{live_server.url}/accounts/login/")
    loads.reset()
    page.fill("#id_username", "staff-dqgzb")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click(".login-card button[type=submit]")  # 1: login → 我的待办
    page.wait_for_selector("#cooperating")
    assert page.url.endswith("/my/")
    assert page.locator("#my-tasks .queue-count").inner_text() == "1"  # the lead asked for row 4
    page.screenshot(path=str(artifacts / "contributions-my-1366.png"), full_page=True)

    page.click("#cooperating a.button")  # 2: the contributions page
    row4 = Indicator.objects.get(order=4)
    page.wait_for_selector(f"#row-{row4.pk}")
    page.screenshot(path=str(artifacts / "contributions-page-1366.png"), full_page=True)
    page.fill(f"#id_c{row4.pk}-share", "1")
    page.fill(f"#id_c{row4.pk}-note", "配合开展普法宣传，协助查处 1 起。")
    page.set_input_files(f"#id_c{row4.pk}-evidence", files=[{"name": "协查记录.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.click(".contributions-form button[type=submit]")  # 3: save, back on the page
    page.wait_for_selector(".messages")
    page.screenshot(path=str(artifacts / "contributions-saved-1366.png"), full_page=True)

    assert len(loads.urls) == 3, loads.urls
    assert len([url for url in loads.posts if "/contributions/" in url]) == 1, loads.posts
    saved = Contribution.objects.get(indicator=row4, year=2025, department__code="dqgzb")
    assert saved.share == 1 and saved.evidence.get().original_name == "协查记录.pdf" and not saved.owed
    assert page.locator("#my-tasks .queue-count").count() == 0  # nothing owed any more

    page.set_viewport_size({"width": 360, "height": 780})
    page.reload()
    page.screenshot(path=str(artifacts / "contributions-page-360.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.goto(f"{live_server.url}/my/")
    page.screenshot(path=str(artifacts / "contributions-my-360.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_lead_sees_the_contributions_beside_its_rows_and_asks_and_the_reviewer_sees_them_too(live_server, page, artifacts):
    scjg = User.objects.get(username="staff-scjg")
    pledge = Indicator.objects.get(order=19)
    workflow.save_contributions(scjg, [workflow.Share(indicator=pledge, year=2025, share="300", second_share="1", note="协助对接银行两次。")])
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server, "staff-scjg")
    page.goto(f"{live_server.url}/admin/indicators/actual/year/2025/")
    row1 = Indicator.objects.get(order=1)
    cell = page.locator(f"#row-{row1.pk} .contributions")
    assert "社会事务局" in cell.inner_text() and "2起" in cell.inner_text()
    assert "党群工作部（已请求）" in page.locator(f"#row-{Indicator.objects.get(order=4).pk} .contributions").inner_text()
    page.screenshot(path=str(artifacts / "contributions-year-page-1366.png"), full_page=True)
    page.click(f"#row-{row1.pk} button.ask-button")
    page.wait_for_selector(".messagelist")
    assert "已请求社会事务局补充" in page.locator(".messagelist").inner_text()
    assert Contribution.objects.get(indicator=row1, year=2025, department__code="shswj").owed
    page.set_viewport_size({"width": 360, "height": 780})
    page.reload()
    page.screenshot(path=str(artifacts / "contributions-year-page-360.png"), full_page=True)
    page.locator(f"#row-{row1.pk}").screenshot(path=str(artifacts / "contributions-year-page-row-360.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server, "reviewer")
    page.goto(f"{live_server.url}/review/2025/?department=czj")
    assert "300万元/1笔" in page.locator(".desk-table .contributions").first.inner_text()
    page.screenshot(path=str(artifacts / "contributions-review-desk-1366.png"), full_page=True)


def test_asking_with_a_note_typed_and_not_saved_asks_first_and_staying_keeps_the_note(live_server, page):
    row1 = Indicator.objects.get(order=1)
    Actual.objects.filter(indicator=row1, year=2025).update(status=ActualStatus.DRAFT)
    owed = lambda: Contribution.objects.get(indicator=row1, year=2025, department__code="shswj").owed  # noqa: E731
    log_in(page, live_server, "staff-scjg")
    page.goto(f"{live_server.url}/admin/indicators/actual/year/2025/")
    page.fill(f"#id_i{row1.pk}-note", "尚未保存的说明")
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.click(f"#row-{row1.pk} button.ask-button")
    assert questions and "尚未保存" in questions[0]
    assert page.input_value(f"#id_i{row1.pk}-note") == "尚未保存的说明" and not owed()

    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"#row-{row1.pk} button.ask-button")
    page.wait_for_selector(".messagelist")
    assert owed()


def test_asking_with_nothing_typed_asks_no_question(live_server, page):
    row1 = Indicator.objects.get(order=1)
    log_in(page, live_server, "staff-scjg")
    page.goto(f"{live_server.url}/admin/indicators/actual/year/2025/")
    questions = []
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.click(f"#row-{row1.pk} button.ask-button")
    page.wait_for_selector(".messagelist")
    assert questions == [] and Contribution.objects.get(indicator=row1, year=2025, department__code="shswj").owed


def test_asking_after_a_save_that_saved_nothing_asks_first(live_server, page):
    row1 = Indicator.objects.get(order=1)
    Actual.objects.filter(indicator=row1, year=2025).update(status=ActualStatus.DRAFT)
    log_in(page, live_server, "staff-scjg")
    page.goto(f"{live_server.url}/admin/indicators/actual/year/2025/")
    page.fill(f"#id_i{row1.pk}-value", "1.5")  # a fraction of 起: refused, nothing saved
    page.click("input[name=_save]")
    page.wait_for_selector(".year-summary")
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.click(f"#row-{row1.pk} button.ask-button")
    assert questions and page.locator(".year-summary").count() == 1

"""The reporting season in Chromium: a reporter from login to a submitted year, a reviewer from login
to an approved department, and a returned figure reaching its reporter — counting page loads."""

from datetime import date

import pytest
from django.core import mail

from indicators import selection
from indicators.models import Actual, ActualStatus, Indicator
from tests.conftest import PASSWORD
from tests.dashboard_helpers import report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def reporting_2025(monkeypatch):
    # The live server runs in this process: it sees the same "today" (reporting 2025, 11 days to the deadline).
    monkeypatch.setattr(selection, "shanghai_today", lambda: date(2026, 1, 20))


class Loads:
    """Counts documents loaded in the page's main frame (a redirect after a POST is part of one load)."""

    def __init__(self, page):
        self.urls = []
        self.posts = []
        page.on("framenavigated", lambda frame: frame == page.main_frame and self.urls.append(frame.url))
        page.on("request", lambda request: request.method == "POST" and request.is_navigation_request() and self.posts.append(request.url))

    def reset(self):
        self.urls.clear()
        self.posts.clear()


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click(".login-card button[type=submit]")


def test_a_reporter_goes_from_login_to_a_submitted_year_in_three_page_loads_and_one_save(live_server, page, reporter, artifacts):
    page.set_viewport_size({"width": 1366, "height": 900})
    loads = Loads(page)
    page.goto(f"{live_server.url}/accounts/login/")
    loads.reset()
    page.fill("#id_username", reporter.username)
    page.fill("#id_password", PASSWORD)
    page.click(".login-card button[type=submit]")  # 1: login → 我的待办
    page.wait_for_selector('article.queue-year[data-year="2025"]')
    assert page.url.endswith("/my/")
    assert page.locator("#my-tasks .queue-count").inner_text() == "4"  # four figures to fill in 2025
    page.screenshot(path=str(artifacts / "queue-my-reporter.png"), full_page=True)

    page.click('article.queue-year[data-year="2025"] a.button')  # 2: the year page
    page.wait_for_selector("#year-entry-table")
    pledge, trademark, other, insurance = Indicator.objects.filter(lead_department__code="czj").order_by("order")
    page.fill(f"#id_i{pledge.pk}-value", "5300")
    page.fill(f"#id_i{pledge.pk}-second_value", "8")
    page.fill(f"#id_i{trademark.pk}-value", "600")
    page.fill(f"#id_i{trademark.pk}-second_value", "2")
    page.check(f"#id_i{other.pk}-not_carried_out")
    page.fill(f"#id_i{other.pk}-note", "本年度未开展其他知识产权质押融资。")
    page.fill(f"#id_i{insurance.pk}-value", "120")
    page.fill(f"#id_i{insurance.pk}-second_value", "1")
    page.click("input[name=_submit]")  # 3: save and submit, back on the year page
    page.wait_for_selector(".messagelist")
    page.screenshot(path=str(artifacts / "queue-year-submitted.png"), full_page=True)

    assert len(loads.urls) == 3, loads.urls
    assert len([url for url in loads.posts if "/actual/year/" in url]) == 1, loads.posts
    assert Actual.objects.filter(indicator__lead_department__code="czj", year=2025, status=ActualStatus.SUBMITTED).count() == 4


def test_a_reviewer_goes_from_login_to_an_approved_department_in_three_page_loads(live_server, page, reviewer, plan, artifacts):
    page.set_viewport_size({"width": 1366, "height": 900})
    figures = [report(plan, order, 2025, value, second, status=ActualStatus.SUBMITTED, note="示例")
               for order, value, second in ((19, 5300, 8), (20, 600, 2), (21, 100, 1), (22, 120, 1))]
    other = report(plan, 9, 2025, 18, status=ActualStatus.SUBMITTED)  # 工业和信息化局: another department
    loads = Loads(page)
    page.goto(f"{live_server.url}/accounts/login/")
    loads.reset()
    page.fill("#id_username", reviewer.username)
    page.fill("#id_password", PASSWORD)
    page.click(".login-card button[type=submit]")  # 1: login → 我的待办
    page.wait_for_selector("#waiting-table")
    assert page.locator("#my-tasks .queue-count").inner_text() == "5"
    page.screenshot(path=str(artifacts / "queue-my-reviewer.png"), full_page=True)

    page.click('#waiting-table tr[data-department="czj"] a.button')  # 2: the review desk, 财政局
    page.wait_for_selector('section[data-department="czj"]')
    assert "5300万元/8笔" in page.locator(f'tr[data-actual="{figures[0].pk}"]').inner_text()
    page.screenshot(path=str(artifacts / "queue-review-desk.png"), full_page=True)
    page.click('section[data-department="czj"] form.approve-all button')  # 3: approve the four shown
    page.wait_for_selector(".messages")
    page.screenshot(path=str(artifacts / "queue-review-approved.png"), full_page=True)

    assert len(loads.urls) == 3, loads.urls
    assert set(Actual.objects.filter(pk__in=[f.pk for f in figures]).values_list("status", flat=True)) == {"approved"}
    assert Actual.objects.get(pk=other.pk).status == ActualStatus.SUBMITTED


def test_a_returned_figure_reaches_its_reporter_by_mail_and_on_their_tasks(live_server, page, browser, reporter, reviewer, plan, artifacts):
    reporter.email = "staff-czj@example.invalid"
    reporter.save()
    figure = report(plan, 19, 2025, 5300, 8, status=ActualStatus.SUBMITTED, by=reporter)
    Actual.objects.filter(pk=figure.pk).update(submitted_by=reporter)

    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server, reviewer)
    page.goto(f"{live_server.url}/admin/indicators/actual/{figure.pk}/change/")  # the figure's own page also has the buttons
    page.wait_for_selector("#review-panel")
    assert "6000万元/10笔" in page.content()
    page.screenshot(path=str(artifacts / "queue-change-form-review.png"), full_page=True)
    page.fill("#review-reason", "请补充质押合同扫描件。")
    page.click("#review-panel form.review-return input[type=submit]")
    page.wait_for_selector(".messagelist")
    assert Actual.objects.get(pk=figure.pk).status == ActualStatus.RETURNED

    [message] = mail.outbox
    assert message.to == ["staff-czj@example.invalid"] and "请补充质押合同扫描件。" in message.body

    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1366, "height": 900})
    theirs = context.new_page()
    log_in(theirs, live_server, reporter)
    theirs.wait_for_selector(".returned-figure")
    text = theirs.locator('article.queue-year[data-year="2025"]').inner_text()
    assert "请补充质押合同扫描件。" in text and reviewer.username in text
    theirs.screenshot(path=str(artifacts / "queue-my-returned.png"), full_page=True)
    context.close()

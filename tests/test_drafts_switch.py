"""含草稿: leaders and reviewers read submitted and approved figures unless they switch drafts on."""

import io

import openpyxl
from django.utils import translation

from indicators.models import ActualStatus
from tests.conftest import include_drafts
from tests.dashboard_helpers import report


def get(client, path):
    with translation.override("zh-hans"):
        return client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_a_leader_does_not_see_a_departments_draft_until_drafts_are_included(client, leader, plan):
    draft = report(plan, 19, 2022, 4321, 5, status=ActualStatus.DRAFT)
    client.force_login(leader)
    body = get(client, "/?year=2022").content.decode()
    assert "4321" not in body and "含草稿" in body
    include_drafts(client, leader)
    body = get(client, "/?year=2022").content.decode()
    assert "4321/5" in body and "已含草稿" in body
    page = get(client, f"/indicators/{draft.indicator_id}/?year=2022").content.decode()
    assert '4321/5 <span class="pending draft"' in page and ">草稿<" in page


def test_the_switch_stays_on_from_page_to_page_until_switched_off(client, reviewer, plan):
    report(plan, 19, 2022, 4321, 5, status=ActualStatus.RETURNED)
    include_drafts(client, reviewer)
    assert "4321/5" in get(client, "/departments/czj/?year=2022").content.decode()
    client.post("/drafts/", {"drafts": "0", "next": "/departments/czj/?year=2022"})
    assert "4321/5" not in get(client, "/departments/czj/?year=2022").content.decode()


def test_a_submitted_figure_is_shown_to_the_leader_marked_pending_review(client, leader, plan):
    submitted = report(plan, 19, 2022, 4321, 5, status=ActualStatus.SUBMITTED)
    client.force_login(leader)
    page = get(client, f"/indicators/{submitted.indicator_id}/?year=2022").content.decode()
    assert '4321/5 <span class="pending"' in page and "待审核" in page


def test_a_reporter_cannot_switch_drafts_on(client, reporter, plan):
    report(plan, 9, 2022, 77, status=ActualStatus.DRAFT)  # 工业和信息化局's draft
    client.force_login(reporter)
    assert client.post("/drafts/", {"drafts": "1", "next": "/"}).status_code == 403
    assert "含草稿" not in get(client, "/?year=2022").content.decode()


def test_administrators_see_drafts_without_a_switch(client, administrator, plan):
    report(plan, 19, 2022, 4321, 5, status=ActualStatus.DRAFT)
    client.force_login(administrator)
    body = get(client, "/?year=2022").content.decode()
    assert "4321/5" in body and "含草稿" not in body


def test_the_switch_only_takes_a_post_and_returns_only_to_this_site(client, leader, plan):
    client.force_login(leader)
    assert client.get("/drafts/").status_code == 405
    response = client.post("/drafts/", {"drafts": "1", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.post("/drafts/", {"drafts": "1", "next": "/departments/czj/"})["Location"] == "/departments/czj/"


def test_the_assessment_workbook_never_shows_drafts_even_with_the_switch_on(client, leader, plan):
    report(plan, 19, 2022, 4321, 5, status=ActualStatus.DRAFT)
    report(plan, 20, 2022, 600, 2, status=ActualStatus.SUBMITTED)
    include_drafts(client, leader)
    response = client.get("/export/2022.xlsx")
    data = b"".join(response.streaming_content) if response.streaming else response.content
    texts = {str(c.value) for ws in openpyxl.load_workbook(io.BytesIO(data)) for row in ws.iter_rows() for c in row if c.value}
    assert not any("4321" in text for text in texts)
    assert "600/2（待审核）" in texts

"""Issued documents (报送/定稿): the exact file kept, listed, downloaded unchanged forever; figures changed afterwards say so."""

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from indicators import issued, workflow
from indicators.models import Actual, ActualStatus, IssuedDocument, User
from tests.conftest import login


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def user(name):
    return User.objects.get(username=name)


def download(client, item):
    response = client.get(f"/issued/{item.pk}/")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_a_leader_issues_the_workbook_and_it_downloads_byte_for_byte_after_a_figure_changes(client, demo, media):
    login(client, user("leader"))
    response = client.post(f"/plans/{demo.pk}/issue/", {"year": "2024", "kind": "workbook", "title": "2024 年度督查考核会议"})
    assert response.status_code == 302
    item = IssuedDocument.objects.get()
    kept = Path(item.file.path)
    assert kept.is_relative_to(media)  # under the evidence root: make backup's mediabackup takes it along
    data = download(client, item)
    assert hashlib.sha256(data).hexdigest() == item.sha256 and len(data) == item.size and item.issued_by == user("leader")
    overview = client.get(f"/?plan={demo.pk}&year=2024").content.decode()
    assert "2024 年度督查考核会议" in overview and item.sha256[:12] in overview

    # A 2024 figure is reopened, changed and approved again by the supervising bureau.
    figure = Actual.objects.select_related("indicator__plan").get(indicator__order=19, year=2024)
    [figure] = workflow.reopen(user("reviewer"), [figure], "银行更正了放款金额")
    workflow.save_entries(user("staff-czj"), [workflow.Entry(indicator=figure.indicator, year=2024, value="5100", second_value="7",
                                                             expected_version=figure.version, note="更正")])  # fmt: skip
    workflow.submit(user("staff-czj"), [Actual.objects.select_related("indicator__plan").get(pk=figure.pk)])
    workflow.approve(user("reviewer"), [Actual.objects.select_related("indicator__plan").get(pk=figure.pk)])

    assert download(client, item) == data  # what went to the meeting, unchanged
    page = client.get(f"/indicators/{figure.indicator_id}/?year=2024").content.decode()
    assert "已于" in page and "2024 年度督查考核会议" in page and "报送后修改" in page
    [change] = issued.changes_since(item)
    assert (change.indicator.order, change.year, change.old, change.new) == (19, 2024, "5000/7", "5100/7")
    assert change.who == user("reviewer").get_full_name() and change.when is not None


def test_the_desk_says_a_figure_changed_after_it_went_out(client, demo, media):
    figure = Actual.objects.select_related("indicator__plan").get(indicator__order=19, year=2025)
    assert figure.status == ActualStatus.SUBMITTED
    item = issued.issue(user("leader"), demo, 2025, "workbook", "2025 年度报市局")
    Actual.objects.filter(pk=figure.pk).update(value=Decimal(5700), version=figure.version + 1)
    desk = login(client, user("reviewer")).get("/review/2025/").content.decode()
    row = desk[desk.index(f'data-actual="{figure.pk}"') :]
    assert "报送后修改" in row[: row.index("</tr>")] and item.title in row


def test_a_figure_issued_again_after_its_change_is_no_longer_marked(demo, media):
    figure = Actual.objects.select_related("indicator__plan").get(indicator__order=19, year=2025)
    issued.issue(user("leader"), demo, 2025, "workbook", "第一次报送")
    Actual.objects.filter(pk=figure.pk).update(version=figure.version + 1)
    figure.refresh_from_db()
    assert figure.pk in issued.marks([figure])
    issued.issue(user("admin"), demo, 2025, "workbook", "更正后再次报送")
    assert issued.marks([figure]) == {}


@pytest.mark.parametrize("name, issue_status, download_status", [
    ("staff-czj", 403, 404), ("reviewer", 403, 200), ("leader", 302, 200), ("admin", 302, 200),
])
def test_leaders_and_administrators_issue_those_who_read_every_department_download(client, demo, media, name, issue_status, download_status):
    item = issued.issue(user("leader"), demo, 2024, "brief", "2024 年度督查通报")
    login(client, user(name))
    assert client.post(f"/plans/{demo.pk}/issue/", {"year": "2024", "kind": "workbook", "title": "试"}).status_code == issue_status
    assert client.get(f"/issued/{item.pk}/").status_code == download_status


def test_issuing_needs_a_title_and_a_document_that_can_be_written_and_saves_nothing_otherwise(demo, media):
    with pytest.raises(issued.IssueRefused):
        issued.issue(user("leader"), demo, 2024, "workbook", "  ")
    with pytest.raises(issued.IssueRefused, match="2025"):
        issued.issue(user("leader"), demo, 2024, "final_brief", "终期评估")  # the final brief is asked for with the last year
    with pytest.raises(issued.IssueRefused, match="U\\+0001"):
        issued.issue(user("leader"), demo, 2024, "workbook", "2024\x01 年度会议")  # a control character: said, not a 500
    assert not IssuedDocument.objects.exists()
    assert not any(Path(django_settings.MEDIA_ROOT).rglob("*.xlsx"))


def change_figure_19(year=2024):
    """The supervising bureau reopens 财政局's figure, 财政局 corrects it, and it is approved again."""
    figure = Actual.objects.select_related("indicator__plan").get(indicator__order=19, year=year)
    [figure] = workflow.reopen(user("reviewer"), [figure], "银行更正了放款金额")
    workflow.save_entries(user("staff-czj"), [workflow.Entry(indicator=figure.indicator, year=year, value="5100", second_value="7",
                                                             expected_version=figure.version, note="更正")])  # fmt: skip
    workflow.submit(user("staff-czj"), [Actual.objects.select_related("indicator__plan").get(pk=figure.pk)])
    workflow.approve(user("reviewer"), [Actual.objects.select_related("indicator__plan").get(pk=figure.pk)])


def test_the_next_workbook_and_brief_of_the_year_list_what_changed_since_it_was_issued(demo, media):
    import io

    import openpyxl
    from docx import Document

    from indicators.brief import SupervisionBrief
    from indicators.excel import AssessmentWorkbook
    from indicators.excel.changes_sheet import CHANGES_SHEET

    leader = user("leader")
    assert CHANGES_SHEET not in openpyxl.load_workbook(io.BytesIO(AssessmentWorkbook(demo, 2024, leader).render())).sheetnames
    item = issued.issue(leader, demo, 2024, "workbook", "2024 年度督查考核会议")
    unchanged = openpyxl.load_workbook(io.BytesIO(AssessmentWorkbook(demo, 2024, leader).render()))
    assert CHANGES_SHEET not in unchanged.sheetnames  # issued, nothing changed since: nothing to list
    change_figure_19()

    day = item.issued_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    heading = f"自{day.year}年{day.month}月{day.day}日报送版（2024 年度督查考核会议）以来修改的数据"
    sheet = openpyxl.load_workbook(io.BytesIO(AssessmentWorkbook(demo, 2024, leader).render()))[CHANGES_SHEET]
    assert heading in sheet["A1"].value
    assert [cell.value for cell in sheet[3]] == ["序号", "指标内容", "年份", "报送时", "现在", "修改人", "修改时间", "原因"]
    row = [cell.value for cell in sheet[4]]
    assert row[:6] == ["19", "专利质押融资金额（万元）/笔", "2024年", "5000/7", "5100/7", user("reviewer").get_full_name()]
    assert row[6].startswith(str(day.year)) and row[7] == "重新打开：银行更正了放款金额"
    assert sheet.max_row == 4  # that figure only

    paragraphs = [p.text for p in Document(io.BytesIO(SupervisionBrief(demo, 2024, leader).render())).paragraphs]
    at = paragraphs.index(heading)
    assert paragraphs[at + 1].startswith("1.专利质押融资金额（万元）/笔，2024年：5000/7 → 5100/7；")
    assert paragraphs[at + 1].endswith("；重新打开：银行更正了放款金额。")

    # 工业和信息化局's own workbook does not carry 财政局's change.
    gxj = User.objects.get(username="staff-gxj")
    assert CHANGES_SHEET not in openpyxl.load_workbook(io.BytesIO(AssessmentWorkbook(demo, 2024, gxj).render())).sheetnames


def test_a_change_still_waiting_for_review_is_listed_as_such(demo, media):
    item = issued.issue(user("leader"), demo, 2024, "brief", "2024 年度督查通报")
    figure = Actual.objects.select_related("indicator__plan").get(indicator__order=19, year=2024)
    [figure] = workflow.reopen(user("reviewer"), [figure], "银行更正了放款金额")
    [change] = issued.changes_since(item)
    assert (change.old, change.new, change.why) == ("5000/7", "", "重新打开：银行更正了放款金额")  # back with 财政局
    assert issued.change_line(change).startswith("专利质押融资金额（万元）/笔，2024年：5000/7 → 已退回部门修改；")
    workflow.save_entries(user("staff-czj"), [workflow.Entry(indicator=figure.indicator, year=2024, value="5100", second_value="7",
                                                             expected_version=figure.version, note="更正")])  # fmt: skip
    workflow.submit(user("staff-czj"), [Actual.objects.select_related("indicator__plan").get(pk=figure.pk)])
    [change] = issued.changes_since(item)
    assert change.new == "5100/7（待审核）" and change.who == user("staff-czj").get_full_name()

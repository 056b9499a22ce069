"""User text cannot reorder the page around it.

A note, a return reason, a name or a file name may hold a right-to-left override (U+202E) or
zero-width characters.  Each is shown as the whole content of a bidi-isolating element (``<bdi>``,
or an element styled ``unicode-bidi: isolate``; browsers isolate paragraphs, cells and list items
themselves), so the override ends with it: never a bare run inside a sentence, never a plain link.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators.models import ActualStatus, Department, Evidence
from tests.conftest import PASSWORD
from tests.dashboard_helpers import report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RLO = "\u202e"
ZWSP = "\u200b"
ISOLATING = {"isolate", "isolate-override", "plaintext"}
NOTE = f"NOTE-MARK 已完成{RLO}质押登记{ZWSP}手续"
REASON = f"REASON-MARK 请补充{RLO}合同编号"
FILE_NAME = f"FILE-MARK 合同{RLO}fdp.exe"
DEPARTMENT = f"DEPT-MARK 财政{RLO}局"


def log_in(page, live_server, user, next_path):
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click(".login-card button[type=submit]")
    page.wait_for_url(f"{live_server.url}{next_path}*")


def assert_isolated(page, text):
    """Every innermost element showing ``text`` holds exactly that text and isolates it."""
    marker = text.split()[0]
    found = page.get_by_text(marker).all()
    assert found, f"{marker} is not on {page.url}"
    for element in found:
        shown = element.evaluate("e => ({text: e.textContent.trim(), bidi: getComputedStyle(e).unicodeBidi, tag: e.tagName})")
        assert shown["text"] == text, f"{marker} shares its {shown['tag']} with other text: {shown['text']!r}"
        assert shown["bidi"] in ISOLATING, f"{marker} is in a {shown['tag']} with unicode-bidi: {shown['bidi']}"


@pytest.fixture
def figures(plan, reporter, tmp_path, settings):
    """财政局 leads row 19: a submitted (locked) figure with the note and a file, a returned one with the reason."""
    settings.MEDIA_ROOT = tmp_path
    Department.objects.filter(code="czj").update(name=DEPARTMENT)
    submitted = report(plan, 19, 2024, 5000, 7, status=ActualStatus.SUBMITTED, note=NOTE, by=reporter)
    returned = report(plan, 19, 2023, 4200, 5, status=ActualStatus.RETURNED, by=reporter)
    returned.return_reason = REASON
    returned.save()
    # File names lose format characters on upload (evidence.clean_filename); rows stored before
    # that, or by hand, are shown isolated all the same.
    Evidence.objects.create(
        actual=submitted, file=SimpleUploadedFile("x.pdf", b"%PDF-1.4"), original_name=FILE_NAME,
        content_type="application/pdf", size=8, uploaded_by=reporter,
    )
    return submitted


def test_the_indicator_page_isolates_notes_and_file_names(live_server, page, leader, figures, artifacts):
    log_in(page, live_server, leader, f"/indicators/{figures.indicator.pk}/")
    assert_isolated(page, NOTE)
    assert_isolated(page, FILE_NAME)
    assert_isolated(page, DEPARTMENT)  # links: breadcrumbs, responsible departments, the menu
    # What follows a file name stays after it: the override inside the name does not pull the
    # file's size into its reversed run.
    item = page.locator("ul.evidence li").filter(has_text="FILE-MARK")
    name, size = item.locator("a").bounding_box(), item.locator("span").bounding_box()
    assert size["x"] >= name["x"] + name["width"] - 0.5
    item.screenshot(path=str(artifacts / "user-text-file-name.png"))


def test_the_year_page_isolates_notes_return_reasons_and_names(live_server, page, reporter, figures):
    log_in(page, live_server, reporter, "/admin/indicators/actual/year/2024/")
    assert_isolated(page, NOTE)  # the submitted figure is locked: its note is shown as text
    assert_isolated(page, DEPARTMENT)  # inside the sentence that explains the page
    page.goto(f"{live_server.url}/admin/indicators/actual/year/2023/")
    assert_isolated(page, REASON)  # after "Reason:"


def test_the_admin_change_page_isolates_a_locked_figures_note_and_its_files(live_server, page, reporter, figures):
    log_in(page, live_server, reporter, f"/admin/indicators/actual/{figures.pk}/change/")
    assert page.locator(".field-note .readonly").count() == 1  # submitted: shown, not editable
    assert_isolated(page, NOTE)
    assert_isolated(page, FILE_NAME)

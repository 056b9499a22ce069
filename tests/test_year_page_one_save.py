"""One save of the year page reports every problem of every row; a failed save loses neither a
ticked 确认无误 nor a chosen file (held for its chooser alone until the save succeeds or a day passes).

财政局 leads rows 19–22, all pairs 万元 / 笔 or 件; only row 19 has a numeric 2024 target (5217/8).
The four mistakes of a new clerk: a fraction of 件 (row 20), a value far above the target (row 19),
a pair with one part (row 21), a PDF chosen on a row (row 22).
"""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from indicators import roles
from indicators.models import Actual, ActualStatus, Evidence, Indicator, PendingUpload

YEAR_PAGE = "/admin/indicators/actual/year/2024/"
PDF = b"%PDF-1.4\n%contract\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def files_in(folder):
    return sorted(p.name for p in folder.rglob("*") if p.is_file())


def signed_in(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def czj(reporter):
    return signed_in(reporter)


def row(plan, order):
    return Indicator.objects.get(plan=plan, lead_department__code="czj", order=order)


class PageForm(HTMLParser):
    """What a browser posts back from the year page's save form: every input as the page shows it."""

    def __init__(self, page):
        super().__init__()
        self.data, self.textarea, self.inside = {}, None, False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method") == "post":
            self.inside = True
        if not self.inside or "name" not in attrs:
            return
        if tag == "input" and attrs.get("type") not in ("submit", "file"):
            if attrs.get("type") != "checkbox" or "checked" in attrs:
                self.data[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.data[self.textarea] = ""

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea] += data.lstrip("\n")

    def handle_endtag(self, tag):
        self.textarea = None if tag == "textarea" else self.textarea
        self.inside = self.inside and tag != "form"


def typed(plan, changes):
    """The clerk's typing: ``{order: {field: value}}`` as POST keys."""
    return {f"i{row(plan, order).pk}-{name}": value for order, fields in changes.items() for name, value in fields.items()}


FOUR_MISTAKES = {
    19: {"value": "20000", "second_value": "8"},  # more than 3× the 2024 target 5217
    20: {"value": "300", "second_value": "2.5"},  # half a 件
    21: {"value": "300"},  # the count left out
    22: {"value": "120", "second_value": "1"},
}


def row_html(page, indicator):
    return re.search(rf'<tr id="row-{indicator.pk}".*?</tr>', page, re.S).group(0)


def test_one_save_reports_every_problem_of_every_row_with_a_summary_and_saves_nothing(czj, plan, reporter, media):
    form = PageForm(czj.get(YEAR_PAGE).content.decode()).data
    form.update(typed(plan, FOUR_MISTAKES))
    form[f"i{row(plan, 22).pk}-evidence"] = SimpleUploadedFile("合同.pdf", PDF, content_type="application/pdf")
    page = czj.post(YEAR_PAGE, form).content.decode()

    pledge, trademark, other, insurance = (row(plan, order) for order in (19, 20, 21, 22))
    assert "more than 3 times this year&#x27;s target (5217)" in row_html(page, pledge)
    assert f'type="checkbox" name="i{pledge.pk}-outlier_confirmed"' in row_html(page, pledge)
    assert "2.5 is not a whole number of 件" in row_html(page, trademark)
    assert "Enter both the amount (万元) and the count (件)" in row_html(page, other)
    assert "Chosen: <bdi>合同.pdf</bdi> (uploaded when saved)" in row_html(page, insurance)
    summary = re.search(r'<div class="year-summary".*?</div>', page, re.S).group(0)
    assert "Nothing was saved." in summary and "2 rows need a correction." in summary and "1 row needs a confirmation" in summary
    assert [f"#row-{i.pk}" for i in (pledge, trademark, other)] == re.findall(r'href="(#row-\d+)"', summary)
    assert "you need not choose them again" in summary
    assert not Actual.objects.exists() and not Evidence.objects.exists()
    [held] = PendingUpload.objects.all()
    assert (held.user, held.indicator, held.year, held.original_name, held.size) == (reporter, insurance, 2024, "合同.pdf", len(PDF))
    assert files_in(media / "evidence") == [] and len(files_in(media / "pending")) == 1


def test_a_clerk_makes_the_four_mistakes_and_reaches_a_submitted_year_in_two_saves(czj, plan):
    loads = saves = files_chosen = 0

    def load(path=YEAR_PAGE):
        nonlocal loads
        loads += 1
        return czj.get(path).content.decode()

    def save(form):
        nonlocal saves
        saves += 1
        return czj.post(YEAR_PAGE, {**form, "_submit": "1"})

    form = PageForm(load()).data
    form.update(typed(plan, FOUR_MISTAKES))
    form[f"i{row(plan, 22).pk}-evidence"] = SimpleUploadedFile("合同.pdf", PDF, content_type="application/pdf")
    files_chosen += 1
    failed = save(form)
    assert failed.status_code == 200

    # Everything is on the page at once: fix the two rows, confirm the third; the file stays chosen.
    form = PageForm(failed.content.decode()).data
    form.update(typed(plan, {20: {"second_value": "2"}, 21: {"second_value": "1"}, 19: {"outlier_confirmed": "on"}}))
    done = save(form)
    assert done.status_code == 302
    page = load(done["Location"])

    assert (loads, saves, files_chosen) == (2, 2, 1)
    assert "Submitted 4 figures for review." in page
    figures = {a.indicator.order: a for a in Actual.objects.select_related("indicator")}
    assert {order: a.status for order, a in figures.items()} == {order: ActualStatus.SUBMITTED for order in (19, 20, 21, 22)}
    assert figures[19].value == 20000 and figures[19].outlier_confirmed
    [evidence] = Evidence.objects.all()
    assert evidence.actual == figures[22] and evidence.original_name == "合同.pdf" and evidence.file.read() == PDF
    assert not PendingUpload.objects.exists()


def test_a_ticked_box_stays_ticked_across_a_failed_save_for_the_values_it_was_ticked_for_only(czj, plan):
    pledge = row(plan, 19)
    box = re.compile(rf'<input type="checkbox" name="i{pledge.pk}-outlier_confirmed"[^>]*>')
    ticked = {"value": "20000", "second_value": "8", "outlier_confirmed": "on", "confirmed_values": "20000/8", "version": "0"}
    half = {20: {"value": "300", "second_value": "2.5", "version": "0"}}  # another row fails
    page = czj.post(YEAR_PAGE, typed(plan, {19: ticked, **half})).content.decode()
    assert "checked" in box.search(page).group(0) and "2.5 is not a whole number" in page
    assert "need a confirmation" not in page and "needs a confirmation" not in page
    # Ticked for 20000, then changed to 30000: not a confirmation of 30000.
    page = czj.post(YEAR_PAGE, typed(plan, {19: {**ticked, "value": "30000"}, **half})).content.decode()
    assert "checked" not in box.search(page).group(0) and "1 row needs a confirmation" in page
    assert not Actual.objects.exists()


def test_a_failed_save_and_submit_also_names_the_rows_the_submission_would_refuse(czj, plan):
    behind = {19: {"value": "2000", "second_value": "8", "version": "0"}}  # far behind the target, no note
    half = {20: {"value": "300", "second_value": "2.5", "version": "0"}}
    page = czj.post(YEAR_PAGE, {**typed(plan, {**behind, **half}), "_submit": "1"}).content.decode()
    assert "explain it in the note" in row_html(page, row(plan, 19)) and "2.5 is not a whole number" in page
    assert "2 rows need a correction." in page and not Actual.objects.exists()


def test_a_failed_save_and_submit_asks_the_submission_of_every_row_without_a_query_each(czj, plan):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    half = {20: {"value": "300", "second_value": "2.5", "version": "0"}}  # the error that makes the save fail

    def queries(rows):
        form = {**typed(plan, {**half, **rows}), "_submit": "1"}
        with CaptureQueriesContext(connection) as captured:
            assert czj.post(YEAR_PAGE, form).status_code == 200
        return len(captured)

    one = queries({19: {"value": "2000", "second_value": "8", "version": "0"}})
    three = queries({19: {"value": "2000", "second_value": "8", "version": "0"}, 21: {"value": "300", "second_value": "1", "version": "0"},
                     22: {"value": "120", "second_value": "1", "version": "0"}})  # fmt: skip
    assert one == three and not Actual.objects.exists()


# -- held files ------------------------------------------------------------------------------------
def fail_with_a_file(client, plan, name="合同.pdf"):
    form = typed(plan, {20: {"value": "300", "second_value": "2.5", "version": "0"}, 22: {"value": "120", "second_value": "1", "version": "0"}})
    form[f"i{row(plan, 22).pk}-evidence"] = SimpleUploadedFile(name, PDF, content_type="application/pdf")
    assert client.post(YEAR_PAGE, form).status_code == 200
    return PendingUpload.objects.get(original_name=name)


def test_a_held_file_is_its_choosers_alone_and_no_view_serves_it(czj, plan, make_user, media):
    held = fail_with_a_file(czj, plan)
    colleague = signed_in(make_user("staff-czj-2", roles.REPORTER, "czj"))
    assert "合同.pdf" not in colleague.get(YEAR_PAGE).content.decode()
    # The colleague's save of that row neither shows nor takes the file.
    response = colleague.post(YEAR_PAGE, typed(plan, {22: {"value": "120", "second_value": "1", "version": "0"}}))
    assert response.status_code == 302 and not Evidence.objects.exists()
    assert PendingUpload.objects.get() == held and "合同.pdf" in czj.get(YEAR_PAGE).content.decode()
    # Held apart from the evidence, and the download view serves evidence only.
    assert held.file.name.startswith("pending/") and files_in(media / "evidence") == []
    for client in (czj, colleague):
        assert client.get(f"/evidence/{held.pk}/").status_code == 404


def test_a_held_file_becomes_evidence_when_the_save_succeeds_and_leaves_the_pending_folder(czj, plan, media):
    fail_with_a_file(czj, plan)
    form = PageForm(czj.get(YEAR_PAGE).content.decode()).data
    form.update(typed(plan, {20: {"value": "300", "second_value": "2"}, 22: {"value": "120", "second_value": "1"}}))
    assert czj.post(YEAR_PAGE, form).status_code == 302
    [evidence] = Evidence.objects.all()
    assert evidence.original_name == "合同.pdf" and evidence.actual.indicator == row(plan, 22) and evidence.file.read() == PDF
    assert not PendingUpload.objects.exists() and files_in(media / "pending") == []
    assert "Attached 1 evidence file." in czj.get(YEAR_PAGE).content.decode()


def test_a_held_file_stays_held_and_becomes_no_evidence_when_the_next_save_fails_too(czj, plan, media):
    held = fail_with_a_file(czj, plan)
    # The figures are written, then the submission is refused (2000 is behind, no note): all rolled back.
    form = typed(plan, {19: {"value": "2000", "second_value": "8", "version": "0"}, 22: {"value": "120", "second_value": "1", "version": "0"}})
    page = czj.post(YEAR_PAGE, {**form, "_submit": "1"}).content.decode()
    assert "explain it in the note" in row_html(page, row(plan, 19)) and "Chosen: <bdi>合同.pdf</bdi>" in page
    assert not Actual.objects.exists() and not Evidence.objects.exists() and files_in(media / "evidence") == []
    assert PendingUpload.objects.get() == held and held.file.storage.exists(held.file.name)


def test_the_remove_box_drops_a_held_file(czj, plan, media):
    held = fail_with_a_file(czj, plan)
    form = typed(plan, {22: {"value": "120", "second_value": "1", "version": "0", "drop": str(held.pk)}})
    assert czj.post(YEAR_PAGE, form).status_code == 302
    assert not PendingUpload.objects.exists() and not Evidence.objects.exists() and files_in(media) == []


def test_a_file_held_longer_than_a_day_is_no_longer_shown_and_goes_with_the_next_save(czj, plan, media, make_user):
    held = fail_with_a_file(czj, plan)
    PendingUpload.objects.filter(pk=held.pk).update(created_at=timezone.now() - timedelta(hours=25))
    assert "合同.pdf" not in czj.get(YEAR_PAGE).content.decode()
    someone = signed_in(make_user("staff-czj-2", roles.REPORTER, "czj"))
    someone.post(YEAR_PAGE, typed(plan, {22: {"value": "120", "second_value": "1", "version": "0"}}))
    assert not PendingUpload.objects.exists() and files_in(media / "pending") == []


# -- the admin's form for one figure -----------------------------------------------------------------
def test_the_admins_figure_form_reports_every_problem_at_once(czj, plan, reporter):
    from indicators import workflow

    [draft] = workflow.save_entries(reporter, [workflow.Entry(indicator=row(plan, 19), year=2024, value="5000", second_value="8")])
    page = czj.post(f"/admin/indicators/actual/{draft.pk}/change/", {
        "value": "90000", "second_value": "7.5", "version": draft.version, "evidence-TOTAL_FORMS": "0", "evidence-INITIAL_FORMS": "0",
    }).content.decode()
    assert "7.5 is not a whole number of 笔" in page and "more than 3 times this year&#x27;s target" in page
    assert '<input type="checkbox" name="outlier_confirmed"' in page


def test_the_admins_figure_form_takes_values_as_people_write_them(czj, plan, reporter):
    from indicators import workflow

    [draft] = workflow.save_entries(reporter, [workflow.Entry(indicator=row(plan, 19), year=2024, value="5000", second_value="8")])
    response = czj.post(f"/admin/indicators/actual/{draft.pk}/change/", {
        "value": "5,300", "second_value": "８", "version": draft.version, "evidence-TOTAL_FORMS": "0", "evidence-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.value, draft.second_value) == (5300, 8)


def test_the_failed_save_reads_in_chinese(reporter, plan):
    from tests.test_translations import english_words, reader_text

    client = Client()  # Chinese, the site's default
    client.force_login(reporter)
    form = typed(plan, {order: {**fields, "version": "0"} for order, fields in FOUR_MISTAKES.items()})
    form[f"i{row(plan, 22).pk}-evidence"] = SimpleUploadedFile("合同.pdf", PDF, content_type="application/pdf")
    page = client.post(YEAR_PAGE, {**form, "_submit": "1"}).content.decode()
    for words in ("未保存任何数据。", "2 项指标需要更正。", "1 项指标需要确认", "需要更正", "需要确认",
                  "已选文件：<bdi>合同.pdf</bdi>（保存后上传）", "移除", "无需重新选择"):
        assert words in page
    assert english_words(reader_text(page), {"staff-czj", "合同.pdf"}) == []

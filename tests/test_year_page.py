"""The year page: evidence files per row in the same save, the plan selector, values as people write them."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from indicators.models import Actual, ActualStatus, Evidence, Indicator, Plan, PlanStatus

YEAR_PAGE = "/admin/indicators/actual/year/2024/"
PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root):
    return sorted(p.name for p in root.rglob("*") if p.is_file())


@pytest.fixture
def czj(reporter):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(reporter)
    return client


def rows(plan):
    return {i.order: i for i in Indicator.objects.filter(plan=plan, lead_department__code="czj")}


def year_form(plan, values=None, files=None):
    """The POST of 财政局's four rows for 2024; ``values``: order -> dict of fields, ``files``: order -> uploads."""
    data = {}
    for order, indicator in rows(plan).items():
        actual = Actual.objects.filter(indicator=indicator, year=2024).first()
        prefix = f"i{indicator.pk}-"
        data[prefix + "version"] = actual.version if actual else 0
        if actual is not None:
            data[prefix + "value"] = "" if actual.value is None else str(actual.value.normalize())
            data[prefix + "second_value"] = "" if actual.second_value is None else str(actual.second_value.normalize())
            data[prefix + "note"] = actual.note
        data.update({prefix + key: value for key, value in (values or {}).get(order, {}).items()})
        if files and order in files:
            data[prefix + "evidence"] = files[order]
    return data


def pdf(name="质押合同.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_file_chosen_on_a_row_is_saved_with_that_rows_figure_in_the_same_save(czj, plan, evidence_root):
    pledge = rows(plan)[19]
    form = year_form(plan, {19: {"value": "5000", "second_value": "8"}}, {19: [pdf("质押合同.pdf"), pdf("登记证明.pdf")]})
    response = czj.post(YEAR_PAGE, form)
    assert response.status_code == 302
    figure = Actual.objects.get(indicator=pledge, year=2024)
    assert figure.value == Decimal(5000)
    assert sorted(e.original_name for e in figure.evidence.all()) == ["登记证明.pdf", "质押合同.pdf"]
    assert all(e.uploaded_by.username == "staff-czj" for e in figure.evidence.all())
    assert len(stored_files(evidence_root)) == 2
    page = czj.get(response["Location"]).content.decode()
    assert "Attached 2 evidence files." in page
    for item in figure.evidence.all():
        assert f'href="/evidence/{item.pk}/"' in page and item.original_name in page
    assert czj.get(f"/evidence/{figure.evidence.first().pk}/").status_code == 200


def test_a_file_for_a_row_without_a_figure_makes_a_blank_draft_to_hold_it(czj, plan):
    insurance = rows(plan)[22]
    response = czj.post(YEAR_PAGE, year_form(plan, files={22: [pdf("保单.pdf")]}))
    assert response.status_code == 302
    figure = Actual.objects.get(indicator=insurance, year=2024)
    assert figure.status == ActualStatus.DRAFT and figure.value is None and not figure.is_reported
    assert [e.original_name for e in figure.evidence.all()] == ["保单.pdf"]


def test_a_bad_file_on_one_row_saves_no_row_and_no_file_and_holds_only_the_good_one(czj, plan, evidence_root):
    form = year_form(
        plan,
        {19: {"value": "5000", "second_value": "8"}, 20: {"value": "300", "second_value": "2"}},
        {19: [pdf("合同.pdf")], 20: [pdf("程序.pdf", b"MZ\x90\x00 not a pdf")]},
    )
    response = czj.post(YEAR_PAGE, form)
    page = response.content.decode()
    assert response.status_code == 200 and "程序.pdf" in page and "does not match its extension" in page
    assert "row-error" in page and "Chosen: <bdi>合同.pdf</bdi>" in page and "Chosen: <bdi>程序.pdf" not in page
    assert not Actual.objects.exists() and not Evidence.objects.exists()
    assert stored_files(evidence_root / "evidence") == []
    assert len(stored_files(evidence_root / "pending")) == 1  # the good file, held for the next save


def test_files_written_for_a_save_that_fails_later_are_removed(czj, plan, evidence_root):
    # “Save and submit”: the figure and its file are written, then the submission is refused
    # (2000 is behind the 2024 target and there is no note), so everything is rolled back.
    form = year_form(plan, {19: {"value": "2000", "second_value": "8"}}, {19: [pdf("合同.pdf")]})
    form["_submit"] = "1"
    response = czj.post(YEAR_PAGE, form)
    assert response.status_code == 200 and "explain it in the note" in response.content.decode()
    assert not Actual.objects.exists() and not Evidence.objects.exists()
    assert stored_files(evidence_root / "evidence") == []


def test_a_locked_row_lists_its_evidence_without_a_file_input(czj, plan, reporter):
    pledge = rows(plan)[19]
    figure = Actual.objects.create(indicator=pledge, year=2024, value=5000, second_value=8, status=ActualStatus.SUBMITTED)
    item = Evidence(actual=figure, original_name="已提交.pdf", content_type="application/pdf", size=len(PDF), uploaded_by=reporter)
    item.file.save("a.pdf", SimpleUploadedFile("a.pdf", PDF), save=True)
    page = czj.get(YEAR_PAGE).content.decode()
    assert f'href="/evidence/{item.pk}/"' in page and "已提交.pdf" in page
    assert f'name="i{pledge.pk}-evidence"' not in page
    assert f'name="i{rows(plan)[20].pk}-evidence"' in page
    assert 'enctype="multipart/form-data"' in page


def test_values_are_shown_in_their_natural_precision(czj, plan, reporter):
    pledge, trademark = rows(plan)[19], rows(plan)[20]
    Actual.objects.create(indicator=pledge, year=2024, value=Decimal("5600.5000"), second_value=Decimal("4.0000"), status=ActualStatus.SUBMITTED)
    Actual.objects.create(indicator=trademark, year=2024, value=Decimal("300.0000"), second_value=Decimal("2.0000"))
    page = czj.get(YEAR_PAGE).content.decode()
    assert "5600.5/4" in page and 'value="300"' in page and 'value="2"' in page
    assert ".0000" not in page and "5600.50" not in page


# -- plans side by side ---------------------------------------------------------------------------------
def second_plan(plan, status=PlanStatus.ACTIVE):
    """A plan in force next to the 2022 one, sharing 2024, with one indicator led by 财政局."""
    other = Plan.objects.create(
        organisation=plan.organisation, code="柳高新〔2024〕1号", title="专项行动方案", issuer="柳州高新区管委会", issue_date=date(2023, 12, 1),
        baseline_year=2023, first_year=2024, last_year=2026, status=status,
    )
    Indicator.objects.create(
        plan=other, order=1, task_number=1, name="知识产权质押融资笔数（笔）", unit="笔", baseline_printed="—",
        target_printed="30", lead_department=rows(plan)[19].lead_department,
    )
    return other


def test_the_plan_selector_appears_when_two_plans_in_force_have_the_year(czj, plan):
    page = czj.get(f"{YEAR_PAGE}?plan={plan.pk}").content.decode()
    assert '<select name="plan">' not in page
    other = second_plan(plan)
    page = czj.get(f"{YEAR_PAGE}?plan={plan.pk}").content.decode()
    assert '<select name="plan">' in page and plan.code in page and other.code in page
    chosen = czj.get("/admin/indicators/actual/year/", {"plan": other.pk, "year": "2024"})
    assert chosen.status_code == 302 and f"plan={other.pk}" in chosen["Location"]
    page = czj.get(chosen["Location"]).content.decode()
    assert "知识产权质押融资笔数（笔）" in page and "专利质押融资金额" not in page


def test_a_plan_being_set_up_is_not_offered(czj, plan):
    second_plan(plan, status=PlanStatus.DRAFT)
    assert '<select name="plan">' not in czj.get(f"{YEAR_PAGE}?plan={plan.pk}").content.decode()


def test_the_year_page_reads_the_same_number_of_queries_with_files_on_every_row(czj, plan, reporter):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert czj.get(YEAR_PAGE).status_code == 200
        return len(captured)

    empty = queries()
    for order, indicator in rows(plan).items():
        figure = Actual.objects.create(indicator=indicator, year=2024, value=order, second_value=1)
        for copy in range(3):
            item = Evidence(actual=figure, original_name=f"材料{copy}.pdf", content_type="application/pdf", size=len(PDF), uploaded_by=reporter)
            item.file.save("a.pdf", SimpleUploadedFile("a.pdf", PDF), save=True)
    assert queries() == empty


def test_the_admin_shows_figures_and_targets_in_their_natural_precision(czj, plan, reporter):
    from indicators.models import YearlyTarget

    pledge = rows(plan)[19]
    figure = Actual.objects.create(indicator=pledge, year=2024, value=Decimal("5600.5000"), second_value=Decimal("4.0000"), status=ActualStatus.SUBMITTED)
    YearlyTarget.objects.create(indicator=pledge, year=2024, value=Decimal("5217.0000"), second_value=Decimal("8.0000"))
    read_only = czj.get(f"/admin/indicators/actual/{figure.pk}/change/").content.decode()  # submitted: the reporter reads it
    listing = czj.get("/admin/indicators/actual/?year__exact=2024").content.decode()
    indicator = czj.get(f"/admin/indicators/indicator/{pledge.pk}/change/").content.decode()  # read-only for reporters
    assert "5600.5/4" in listing and ".0000" not in listing
    assert "5600.5万元/4笔" in read_only and ".0000" not in read_only  # with its units on the figure's own page
    assert "5217/8" in indicator and ".0000" not in indicator

"""Plausibility at entry: fractions of whole units are refused, outliers wait for 确认无误.

Row 19 (专利质押融资金额（万元）/笔, 财政局) has the linear 2024 target 5217/8, so above
15651 万元 or 24 笔 is more than three times the target.  Every refusal is checked twice: the
message names the row AND nothing was saved.
"""

import re
from decimal import Decimal

import pytest
from django.test import Client

from indicators import workflow
from indicators.models import Actual, Indicator

YEAR_PAGE = "/admin/indicators/actual/year/2024/"


def row(plan, order):
    return Indicator.objects.select_related("plan").get(plan=plan, order=order)


def enter(user, indicator, value, second=None, year=2024, **kwargs):
    entry = workflow.Entry(indicator=indicator, year=year, value=value, second_value=second, key=indicator.pk, **kwargs)
    return workflow.save_entries(user, [entry])


def figures():
    return sorted(Actual.objects.values_list("indicator_id", "year", "value", "second_value", "outlier_confirmed", "version"))


# -- the workflow ----------------------------------------------------------------------------------
def test_a_fraction_of_a_whole_number_unit_is_an_error_and_saves_nothing(reporter, plan):
    with pytest.raises(workflow.WorkflowError) as refused:
        enter(reporter, row(plan, 19), "5000", "2.5")
    [problem] = refused.value.problems
    assert "2.5 is not a whole number of 笔" in problem.message and not problem.warning
    assert problem.key == row(plan, 19).pk
    with pytest.raises(workflow.WorkflowError, match="not a whole number"):
        enter(reporter, row(plan, 19), "5000", "2.5", outlier_confirmed=True)  # an error cannot be confirmed
    assert figures() == []


def test_a_fraction_of_an_amount_is_fine(reporter, plan):
    [saved] = enter(reporter, row(plan, 19), "5000.5", "8")
    assert saved.value == Decimal("5000.5") and not saved.outlier_confirmed


def test_a_value_above_three_times_the_years_target_waits_for_confirmation(reporter, plan):
    with pytest.raises(workflow.WorkflowError) as refused:
        enter(reporter, row(plan, 19), "20000", "8")
    [problem] = refused.value.problems
    assert problem.warning and "more than 3 times this year's target (5217)" in problem.message
    assert "on the year page" in problem.message  # a caller without the box says where to confirm
    assert figures() == []


def test_a_confirmed_outlier_is_saved_with_its_flag_and_the_flag_is_in_the_history(reporter, plan):
    [saved] = enter(reporter, row(plan, 19), "20000", "8", outlier_confirmed=True)
    assert saved.value == Decimal(20000) and saved.outlier_confirmed
    assert saved.history.latest().outlier_confirmed


def test_more_than_five_times_or_below_a_fifth_of_last_year_waits_for_confirmation(reporter, plan):
    enter(reporter, row(plan, 19), "4000", "5", year=2023)
    with pytest.raises(workflow.WorkflowError, match="less than 1/5 of last year's 4000"):
        enter(reporter, row(plan, 19), "700", "5")
    with pytest.raises(workflow.WorkflowError, match="more than 5 times last year's 5"):
        enter(reporter, row(plan, 19), "5000", "26")
    assert not Actual.objects.filter(year=2024).exists()
    [saved] = enter(reporter, row(plan, 19), "800", "5")  # 1/5 of 4000 is still plausible
    assert not saved.outlier_confirmed


def test_the_first_year_is_compared_with_the_baseline(reporter, plan):
    # The baseline 2868/2 is the figure of 2021, the year before the plan.
    with pytest.raises(workflow.WorkflowError, match="less than 1/5 of last year's 2868"):
        enter(reporter, row(plan, 19), "500", "2", year=2022)


def test_one_unconfirmed_outlier_saves_no_row_at_all(reporter, plan):
    pledge, trademark = row(plan, 19), row(plan, 20)
    entries = [
        workflow.Entry(indicator=trademark, year=2024, value="300", second_value="2", key=trademark.pk),
        workflow.Entry(indicator=pledge, year=2024, value="90000", second_value="8", key=pledge.pk),
    ]
    with pytest.raises(workflow.WorkflowError) as refused:
        workflow.save_entries(reporter, entries)
    assert [p.key for p in refused.value.problems] == [pledge.pk]
    assert figures() == []


def test_a_confirmation_holds_for_its_values_only(reporter, plan):
    pledge = row(plan, 19)
    [saved] = enter(reporter, pledge, "20000", "8", outlier_confirmed=True)
    # The same value with a new note keeps its confirmation without asking again.
    [saved] = enter(reporter, pledge, "20000", "8", note="年度汇总", expected_version=saved.version)
    assert saved.outlier_confirmed and saved.note == "年度汇总"
    # Another implausible value must be confirmed again.
    with pytest.raises(workflow.WorkflowError, match="this year's target"):
        enter(reporter, pledge, "30000", "8", expected_version=saved.version)
    # A plausible value clears the flag.
    [saved] = enter(reporter, pledge, "5000", "8", expected_version=saved.version)
    assert not saved.outlier_confirmed


def test_a_value_left_as_it_was_is_not_checked_again(reporter, plan, settings):
    pledge = row(plan, 19)
    [saved] = enter(reporter, pledge, "5000", "8")
    settings.PLAUSIBILITY_TARGET_FACTOR = "0.5"  # the rule tightened after the figure was saved
    [saved] = enter(reporter, pledge, "5000", "8", note="补充说明", expected_version=saved.version)
    assert saved.note == "补充说明" and not saved.outlier_confirmed


def test_not_carried_out_is_never_an_outlier(reporter, plan):
    enter(reporter, row(plan, 19), "4000", "5", year=2023)
    [saved] = enter(reporter, row(plan, 19), None, None, not_carried_out=True, note="当年未开展")
    assert saved.not_carried_out and not saved.outlier_confirmed


# -- the year page -----------------------------------------------------------------------------------
@pytest.fixture
def czj(reporter):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(reporter)
    return client


def year_form(plan, values):
    """The year page's POST for 财政局's four rows: ``values`` maps table order to (value, count) or a dict."""
    data = {}
    for indicator in Indicator.objects.filter(plan=plan, lead_department__code="czj"):
        actual = Actual.objects.filter(indicator=indicator, year=2024).first()
        prefix = f"i{indicator.pk}-"
        data[prefix + "version"] = actual.version if actual else 0
        typed = values.get(indicator.order, ("", ""))
        if isinstance(typed, tuple):
            typed = {"value": typed[0], "second_value": typed[1]}
        data.update({prefix + key: value for key, value in typed.items()})
    return data


def test_the_year_page_shows_the_warning_and_the_box_beside_the_row_and_saves_nothing(czj, plan):
    pledge = row(plan, 19)
    response = czj.post(YEAR_PAGE, year_form(plan, {19: ("20,000", "8"), 20: ("300", "2")}))
    assert response.status_code == 200
    page = response.content.decode()
    line = re.search(rf'<tr id="row-{pledge.pk}" class="row-warning" data-indicator="{pledge.pk}">.*?</tr>', page, re.S).group(0)
    assert "more than 3 times this year&#x27;s target (5217)" in line and "tick “Confirmed correct”" in line
    assert f'name="i{pledge.pk}-outlier_confirmed"' in line
    assert f'name="i{pledge.pk}-confirmed_values" value="20000/8"' in line
    assert "Nothing was saved" in page
    assert figures() == []


def test_ticking_the_box_on_the_year_page_saves_the_outlier_with_its_flag(czj, plan):
    pledge = row(plan, 19)
    form = year_form(plan, {19: {"value": "20000", "second_value": "8", "outlier_confirmed": "on", "confirmed_values": "20000/8"}})
    response = czj.post(YEAR_PAGE, form)
    assert response.status_code == 302
    saved = Actual.objects.get(indicator=pledge, year=2024)
    assert saved.value == Decimal(20000) and saved.outlier_confirmed
    assert "Confirmed correct" in czj.get(YEAR_PAGE).content.decode()


def test_a_box_ticked_for_other_values_is_no_confirmation(czj, plan):
    pledge = row(plan, 19)
    # Warned about 20000, the reporter ticked the box and then typed 30000: asked again, unticked.
    form = year_form(plan, {19: {"value": "30000", "second_value": "8", "outlier_confirmed": "on", "confirmed_values": "20000/8"}})
    response = czj.post(YEAR_PAGE, form)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'name="i{pledge.pk}-confirmed_values" value="30000/8"' in page
    assert re.search(rf'<input type="checkbox" name="i{pledge.pk}-outlier_confirmed"[^>]*>', page).group(0).find("checked") == -1
    assert figures() == []


def test_a_fraction_on_the_year_page_is_an_error_without_a_box(czj, plan):
    pledge = row(plan, 19)
    response = czj.post(YEAR_PAGE, year_form(plan, {19: ("5000", "7.5")}))
    page = response.content.decode()
    assert response.status_code == 200 and "7.5 is not a whole number of 笔" in page
    assert f'type="checkbox" name="i{pledge.pk}-outlier_confirmed"' not in page
    assert figures() == []


# -- the admin's form for one figure -------------------------------------------------------------------
def test_the_admins_figure_form_asks_for_confirmation_and_saves_it(czj, plan, reporter):
    [draft] = enter(reporter, row(plan, 19), "5000", "8")
    url = f"/admin/indicators/actual/{draft.pk}/change/"
    form = {"value": "90000", "second_value": "8", "note": "", "version": draft.version,
            "evidence-TOTAL_FORMS": "0", "evidence-INITIAL_FORMS": "0"}
    response = czj.post(url, form)
    page = response.content.decode()
    assert response.status_code == 200 and "more than 3 times this year&#x27;s target" in page
    assert '<input type="checkbox" name="outlier_confirmed"' in page
    draft.refresh_from_db()
    assert draft.value == Decimal(5000)
    response = czj.post(url, {**form, "outlier_confirmed": "on", "confirmed_values": "90000/8"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.value == Decimal(90000) and draft.outlier_confirmed


def test_the_admins_figure_form_hides_the_box_until_a_warning(czj, plan, reporter):
    [draft] = enter(reporter, row(plan, 19), "5000", "8")
    page = czj.get(f"/admin/indicators/actual/{draft.pk}/change/").content.decode()
    assert '<input type="hidden" name="outlier_confirmed"' in page


# -- the Excel import ----------------------------------------------------------------------------------
def test_an_imported_outlier_is_reported_by_row_and_nothing_is_saved(czj, plan):
    from tests.test_import import COUNT, VALUE, as_bytes, errors, rows_by_id, template, upload
    from indicators.excel.template import TEMPLATE_SHEET

    book = template(czj)
    ws = book[TEMPLATE_SHEET]
    rows = rows_by_id(ws)
    pledge_row, trademark_row = rows[row(plan, 19).pk], rows[row(plan, 20).pk]
    ws.cell(row=trademark_row, column=VALUE).value = 300
    ws.cell(row=trademark_row, column=COUNT).value = 2
    ws.cell(row=pledge_row, column=VALUE).value = 90000
    ws.cell(row=pledge_row, column=COUNT).value = 8
    response = upload(czj, as_bytes(book))
    assert response.status_code == 200
    [problem] = errors(response)
    assert f"{pledge_row}" in problem and "this year's target" in problem and "year page" in problem
    assert figures() == []


def test_the_year_page_warns_below_a_fifth_of_last_year(czj, plan, reporter):
    enter(reporter, row(plan, 19), "4000", "5", year=2023)
    pledge = row(plan, 19)
    response = czj.post(YEAR_PAGE, year_form(plan, {19: ("700", "5")}))
    page = response.content.decode()
    assert response.status_code == 200 and "less than 1/5 of last year&#x27;s 4000" in page
    assert f'name="i{pledge.pk}-outlier_confirmed"' in page
    assert not Actual.objects.filter(year=2024).exists()

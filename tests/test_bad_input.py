"""Bad input through URLs, the year page, the login form and CSRF: a clear answer, never a 500,
and nothing changed.  Bad values in forms, evidence files and Excel uploads have
their own cases in test_validation.py, test_evidence.py and test_import.py."""

import io
import json
import re

import pytest
from django.test import Client
from openpyxl import load_workbook

from indicators.models import Actual, ActualStatus, Indicator, User


@pytest.fixture
def demo(mid_season):
    """These tests work in the middle of the season, with the departments' 2025 drafts (conftest.mid_season)."""
    return mid_season

SCRIPT = '<script>alert("x")</script>'


def snapshot():
    return sorted(Actual.objects.values_list("pk", "value", "second_value", "note", "status", "version"))


@pytest.fixture
def leader_client(client, demo):
    client.force_login(User.objects.get(username="leader"))
    client.raise_request_exception = False
    return client


@pytest.fixture
def czj(client, demo):
    client.force_login(User.objects.get(username="staff-czj"))
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize(
    "url, expected",
    [
        ("/?year=abc", 200),
        ("/?year=1999", 200),
        ("/?year=2030", 200),
        ("/?year=２０２４", 200),
        ("/?plan=abc", 404),
        ("/?plan=999999", 404),
        ("/?year=" + "9" * 400, 200),
        ("/departments/unknown/", 404),
        ("/departments/%3Cscript%3E/", 404),
        ("/departments/czj/?year=-1", 200),
        ("/indicators/999999/", 404),
        ("/indicators/19/?year=nope", 200),
        ("/export/1999.xlsx", 404),
        ("/export/abc.xlsx", 404),
        ("/export/2024.xlsx?plan=abc", 404),
        ("/import/template/2030.xlsx", 403),  # leaders do not import at all
        ("/evidence/999999/", 404),
        ("/evidence/abc/", 404),
        ("/admin/indicators/actual/year/abc/", 302),
        ("/admin/indicators/actual/999999/change/", 302),
        ("/admin/indicators/actual/?year__exact=abc", 302),
    ],
)
def test_bad_urls_get_a_clear_answer_never_a_server_error(leader_client, url, expected):
    before = snapshot()
    response = leader_client.get(url)
    assert response.status_code == expected, url
    assert snapshot() == before


def test_a_reporter_asking_for_a_template_outside_the_plan_gets_404(czj):
    assert czj.get("/import/template/2030.xlsx").status_code == 404


def test_a_year_outside_the_plan_says_which_years_exist(leader_client):
    page = leader_client.get("/?year=1999").content.decode()
    assert "2022" in page and "2025" in page


def test_a_reporters_year_page_refuses_a_10000_character_note(czj):
    before = snapshot()
    row = Indicator.objects.get(order=22)
    actual = Actual.objects.get(indicator=row, year=2025)
    response = czj.post("/admin/indicators/actual/year/2025/", {
        f"i{row.pk}-value": "400", f"i{row.pk}-second_value": "4", f"i{row.pk}-note": "长" * 10000,
        f"i{row.pk}-version": actual.version,
    })
    assert response.status_code == 200 and "row-error" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"value": "1\x00"}, None),
        ({"value": "abc"}, None),
        ({"value": "1e309"}, None),
        ({"value": "NaN"}, None),
        ({"value": "-1"}, None),
        ({"version": "abc"}, None),
        ({"version": "-3"}, None),
        ({"note": "说明\x00"}, None),
    ],
    ids=["nul-in-value", "text", "1e309", "nan", "negative", "version-text", "version-negative", "nul-in-note"],
)
def test_the_year_page_refuses_bad_rows_and_saves_nothing(czj, fields, message):
    before = snapshot()
    row = Indicator.objects.get(order=22)
    actual = Actual.objects.get(indicator=row, year=2025)
    data = {f"i{row.pk}-value": "400", f"i{row.pk}-second_value": "4", f"i{row.pk}-version": actual.version}
    data.update({f"i{row.pk}-{k}": v for k, v in fields.items()})
    response = czj.post("/admin/indicators/actual/year/2025/", data)
    assert response.status_code == 200 and "row-error" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(
    "url, data",
    [
        ("/admin/indicators/actual/year/2025/", {"x": "1"}),
        ("/import/2025/", {}),
        ("/accounts/login/", {"username": "staff-czj", "password": "ipzone-demo"}),
        ("/admin/indicators/actual/", {"action": "submit_selected", "_selected_action": ["1"]}),
        ("/accounts/logout/", {}),
    ],
)
def test_a_post_without_a_csrf_token_is_refused_with_403(demo, url, data):
    client = Client(enforce_csrf_checks=True)
    if "login" not in url:
        client.force_login(User.objects.get(username="staff-czj"))
    before = snapshot()
    assert client.post(url, data).status_code == 403
    assert snapshot() == before


def test_too_many_form_fields_are_refused_with_400(czj, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 100
    before = snapshot()
    response = czj.post("/admin/indicators/actual/year/2025/", {f"f{n}": "1" for n in range(200)})
    assert response.status_code == 400
    assert snapshot() == before


@pytest.fixture
def scripted_note(czj):
    """A reporter saves a note with HTML and a script in it, as typed."""
    row = Indicator.objects.get(order=22)
    actual = Actual.objects.get(indicator=row, year=2025)
    response = czj.post("/admin/indicators/actual/year/2025/", {
        f"i{row.pk}-value": "400", f"i{row.pk}-second_value": "4", f"i{row.pk}-note": SCRIPT + "<b>粗体</b>",
        f"i{row.pk}-version": actual.version,
    })
    assert response.status_code == 302
    return row


def test_html_in_a_note_is_escaped_on_the_indicator_page(czj, scripted_note):
    page = czj.get(f"/indicators/{scripted_note.pk}/").content.decode()
    assert SCRIPT not in page and "&lt;script&gt;" in page


def test_html_in_a_note_is_escaped_on_the_year_page_and_in_the_admin(czj, scripted_note):
    for url in ("/admin/indicators/actual/year/2025/",
                f"/admin/indicators/actual/{Actual.objects.get(indicator=scripted_note, year=2025).pk}/change/"):
        page = czj.get(url).content.decode()
        assert SCRIPT not in page


def test_html_in_a_note_cannot_break_out_of_the_chart_data(czj, scripted_note):
    page = czj.get(f"/indicators/{scripted_note.pk}/").content.decode()
    for block in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', page, re.S):
        assert "<" not in block  # json_script escapes <, so no </script> can close the element early
        json.loads(block)


def submit_2025(row):
    """Put the figure forward: the workbook shows submitted and approved figures only."""
    Actual.objects.filter(indicator=row, year=2025).update(status=ActualStatus.SUBMITTED)


def test_html_in_a_note_is_plain_text_in_the_workbook(demo, scripted_note):
    submit_2025(scripted_note)
    client = Client()
    client.force_login(User.objects.get(username="leader"))
    response = client.get("/export/2025.xlsx")
    data = b"".join(response.streaming_content) if response.streaming else response.content
    texts = [c.value for ws in load_workbook(io.BytesIO(data)) for row in ws.iter_rows() for c in row if c.value]
    assert any(isinstance(t, str) and SCRIPT in t for t in texts)


def test_a_formula_typed_as_a_note_is_stored_as_text_in_the_workbook(czj):
    row = Indicator.objects.get(order=22)
    actual = Actual.objects.get(indicator=row, year=2025)
    czj.post("/admin/indicators/actual/year/2025/", {
        f"i{row.pk}-value": "400", f"i{row.pk}-second_value": "4", f"i{row.pk}-note": '=HYPERLINK("http://x","点击")',
        f"i{row.pk}-version": actual.version,
    })
    submit_2025(row)
    client = Client()
    client.force_login(User.objects.get(username="leader"))
    response = client.get("/export/2025.xlsx")
    data = b"".join(response.streaming_content) if response.streaming else response.content
    cells = [c for ws in load_workbook(io.BytesIO(data)) for r in ws.iter_rows() for c in r
             if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)


def test_an_unknown_department_code_for_an_administrator_is_a_404(client, demo):
    client.force_login(User.objects.get(username="admin"))
    assert client.get("/admin/indicators/actual/year/2025/?department=nope").status_code == 404
    assert client.get("/import/template/2025.xlsx?department=nope").status_code == 404


# ---- crafted parameters: one parser for every year, plan and id ----------------------------------

HUGE = "9" * 4400  # int() of more than 4,300 digits raises ValueError


@pytest.mark.parametrize(
    "url",
    [f"/?year={HUGE}", f"/departments/czj/?year={HUGE}", "/indicators/{pk}/?year=" + HUGE, "/?year=²", "/?year=٢٠٢٤"],
)
def test_a_crafted_year_in_the_query_falls_back_with_a_notice(leader_client, url):
    pk = Indicator.objects.get(order=19).pk
    response = leader_client.get(url.format(pk=pk))
    assert response.status_code == 200
    assert "不是本方案的年度" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/?plan=²",
        "/departments/czj/?plan=²",
        "/export/2024.xlsx?plan=²",
        "/export/2024.xlsx?plan=" + HUGE,
        "/indicators/" + "9" * 19 + "/",
        "/evidence/" + "9" * 19 + "/",
        "/export/" + HUGE + ".xlsx",
        "/export/20240.xlsx",
    ],
)
def test_a_crafted_plan_or_id_is_not_found_never_a_server_error(leader_client, url):
    assert leader_client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url", ["/import/2024/?plan=²", "/import/template/2024.xlsx?plan=²", "/admin/indicators/actual/year/2024/?plan=²"]
)
def test_a_crafted_plan_on_a_reporters_page_is_not_found(czj, url):
    assert czj.get(url).status_code == 404


def test_a_crafted_year_on_the_year_page_is_a_message(czj):
    response = czj.get("/admin/indicators/actual/year/?year=²", follow=True)
    assert response.status_code == 200
    assert "不是有效年份" in response.content.decode()
    response = czj.get("/admin/indicators/actual/year/" + HUGE + "/")
    assert response.status_code in (302, 404)


def test_a_crafted_department_is_not_found(client, demo):
    client.force_login(User.objects.get(username="admin"))
    client.raise_request_exception = False
    for code in ("nope", "²", "x" * 5000):
        assert client.get(f"/admin/indicators/actual/year/2024/?department={code}").status_code == 404
        assert client.get(f"/import/2024/?department={code}").status_code == 404

"""Faults half-way through a write leave nothing saved; no page runs inline script."""

import re
from unittest import mock

import pytest
from django.db import DatabaseError

from indicators import workflow
from indicators.models import Actual, Indicator, User
from tests.test_import import COUNT, VALUE, as_bytes, czj, client_en, indicator, rows_by_id, state, template, upload  # noqa: F401
from indicators.excel.template import TEMPLATE_SHEET
from tests.figures import make_figures


@pytest.fixture
def demo(mid_season):
    """These tests work in the middle of the season, with the departments' 2025 drafts (conftest.mid_season)."""
    return mid_season


def test_an_import_interrupted_at_its_second_row_leaves_nothing_saved(czj, plan):  # noqa: F811
    make_figures(plan)  # 2024: rows 19 (returned), 21 and 22 of 财政局 are editable
    book = template(czj)
    ws = book[TEMPLATE_SHEET]
    rows = rows_by_id(ws)
    for number, order in enumerate((19, 21, 22)):
        ws.cell(row=rows[indicator(plan, order).pk], column=VALUE).value = 4000 + number  # plausible next to last year
        ws.cell(row=rows[indicator(plan, order).pk], column=COUNT).value = 3
    before = state()
    real_save = Actual.save
    calls = []

    def failing_save(self, *args, **kwargs):
        calls.append(self.pk)
        if len(calls) == 2:
            raise DatabaseError("disk I/O error")  # as a full disk or a lost connection would
        return real_save(self, *args, **kwargs)

    czj.raise_request_exception = False
    with mock.patch.object(Actual, "save", failing_save):
        response = upload(czj, as_bytes(book))
    assert len(calls) == 2
    assert response.status_code in (500, 503)
    assert state() == before


def test_a_year_page_save_interrupted_half_way_leaves_nothing_saved(client, demo):
    client.force_login(User.objects.get(username="staff-scjg"))
    rows = list(Indicator.objects.filter(lead_department__code="scjg").order_by("order"))
    data = {}
    for number, row in enumerate(rows):
        actual = Actual.objects.filter(indicator=row, year=2022).first()
        data[f"i{row.pk}-value"] = value = str(90 + number) if row.measure == "rate" else str(900 + number)
        data[f"i{row.pk}-outlier_confirmed"], data[f"i{row.pk}-confirmed_values"] = "on", f"{value}/"  # 确认无误: far from the targets
        data[f"i{row.pk}-note"] = "更正"
        data[f"i{row.pk}-version"] = actual.version if actual else 0
    Actual.objects.filter(indicator__in=rows, year=2022).update(status="draft")
    before = sorted(Actual.objects.values_list("pk", "value", "version"))
    real_save = Actual.save
    calls = []

    def failing_save(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 5:
            raise DatabaseError("connection lost")
        return real_save(self, *args, **kwargs)

    client.raise_request_exception = False
    with mock.patch.object(Actual, "save", failing_save):
        response = client.post("/admin/indicators/actual/year/2022/", data)
    assert len(calls) == 5 and response.status_code in (500, 503)
    assert sorted(Actual.objects.values_list("pk", "value", "version")) == before


def test_submitting_several_figures_stops_whole_when_one_fails(demo):
    reporter = User.objects.get(username="staff-czj")
    drafts = list(Actual.objects.filter(indicator__lead_department__code="czj", status="draft").select_related("indicator__plan"))
    assert len(drafts) >= 2
    drafts[-1].value, drafts[-1].not_carried_out = None, False
    Actual.objects.filter(pk=drafts[-1].pk).update(value=None, second_value=None, not_carried_out=False)
    with pytest.raises(workflow.WorkflowError):
        workflow.submit(reporter, drafts)
    assert not Actual.objects.filter(pk__in=[d.pk for d in drafts], status="submitted").exists()


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


@pytest.mark.parametrize(
    "username, url",
    [
        ("leader", "/"),
        ("leader", "/departments/scjg/"),
        ("leader", "/indicators/{indicator}/"),
        ("staff-czj", "/admin/"),
        ("staff-czj", "/admin/indicators/actual/"),
        ("staff-czj", "/admin/indicators/actual/year/2025/"),
        ("staff-czj", "/admin/indicators/actual/{draft}/change/"),
        ("staff-czj", "/admin/indicators/actual/{draft}/history/"),
        ("staff-czj", "/import/2025/"),
        ("admin", "/admin/indicators/indicator/{indicator}/change/"),
        (None, "/accounts/login/"),
    ],
)
def test_no_page_has_inline_script_or_event_handlers(client, demo, username, url):
    if username:
        client.force_login(User.objects.get(username=username))
    draft = Actual.objects.get(indicator__order=20, year=2025)
    page = client.get(url.format(indicator=draft.indicator_id, draft=draft.pk)).content.decode()
    assert not INLINE_SCRIPT.findall(page), INLINE_SCRIPT.findall(page)
    assert not HANDLER.findall(page), HANDLER.findall(page)[:3]

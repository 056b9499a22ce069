"""What staff type is checked before anything is saved."""

from decimal import Decimal

import pytest

from indicators import workflow
from indicators.models import Actual, Indicator


def row(plan, order):
    return Indicator.objects.select_related("plan").get(plan=plan, order=order)


def save(user, indicator, **fields):
    return workflow.save_entries(user, [workflow.Entry(indicator=indicator, year=fields.pop("year", 2024), **fields)])


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("2,868", Decimal(2868)),
        ("２８６８", Decimal(2868)),
        ("  2868 ", Decimal(2868)),
        ("2，868.5", Decimal("2868.5")),
        ("4,567.5", Decimal("4567.5")),
        (12, Decimal(12)),
    ],
)
def test_numbers_are_accepted_as_people_type_them(reporter, plan, typed, stored):
    [actual] = save(reporter, row(plan, 19), value=typed, second_value="3")
    assert actual.value == stored


def test_a_rate_may_be_typed_with_a_percent_sign(scjg_reporter, plan):
    [actual] = save(scjg_reporter, row(plan, 2), value="95.8%")
    assert actual.value == Decimal("95.8")


BAD = [
    (19, {"value": "abc", "second_value": "1"}, "not a number"),
    (19, {"value": "-1", "second_value": "1"}, "negative"),
    (19, {"value": "100", "second_value": "-2"}, "negative"),
    (19, {"value": "1e309", "second_value": "1"}, "not a number"),
    (19, {"value": "NaN", "second_value": "1"}, "not a number"),
    (19, {"value": "Infinity", "second_value": "1"}, "not a number"),
    (19, {"value": "1.23456", "second_value": "1"}, "four decimal"),
    (19, {"value": "123456789012345678", "second_value": "1"}, "too large"),
    (19, {"value": "100", "second_value": ""}, "both"),
    (19, {"value": "", "second_value": "3"}, "both"),
    (19, {"not_carried_out": True}, "Explain"),
    (19, {"not_carried_out": True, "value": "5", "second_value": "1", "note": "x"}, "blank"),
    (2, {"value": "100.5"}, "between 0 and 100"),
    (2, {"value": "120%"}, "between 0 and 100"),
    (1, {"value": "3", "second_value": "1"}, "no count"),
    (19, {"value": "1\x00", "second_value": "1"}, "NUL"),
    (19, {"value": "1,2,3", "second_value": "1"}, "not a number"),  # would be 123 if commas were dropped anywhere
    (19, {"value": "12,34", "second_value": "1"}, "not a number"),
    (19, {"value": "1 234", "second_value": "1"}, "not a number"),
    (19, {"value": "1", "second_value": "1", "note": "说明\uffff结束"}, "U+FFFF"),
    (19, {"value": "1", "second_value": "1", "note": "说明\ufffe"}, "U+FFFE"),
    (19, {"value": "1", "second_value": "1", "note": "半个\ud800字"}, "U+D800"),
    (19, {"value": "1", "second_value": "1", "note": "控制\x85字符"}, "U+0085"),
    (19, {"value": "1", "second_value": "1", "note": "响铃\x07"}, "U+0007"),
    (19, {"value": "1", "second_value": "1", "note": "x\x00"}, "U+0000"),
    (19, {"value": "1", "second_value": "1", "note": "x" * 2001}, "too long"),
    (19, {"value": "1", "second_value": "1", "year": 2030}, "between 2022 and 2025"),
    (19, {"value": "1", "second_value": "1", "year": 2021}, "between 2022 and 2025"),
]


@pytest.mark.parametrize("order, fields, message", BAD, ids=[f"{o}-{m}-{i}" for i, (o, _f, m) in enumerate(BAD)])
def test_bad_input_gets_a_clear_message_and_saves_nothing(reporter, scjg_reporter, plan, order, fields, message):
    user = reporter if order == 19 else scjg_reporter
    with pytest.raises(workflow.WorkflowError) as caught:
        save(user, row(plan, order), **fields)
    assert message in " ".join(caught.value.messages)
    assert not Actual.objects.exists()


def test_messages_are_in_chinese_by_default(reporter, plan):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(workflow.WorkflowError) as caught:
        save(reporter, row(plan, 19), value="-1", second_value="1")
    assert "不能为负数" in " ".join(caught.value.messages)


def test_not_carried_out_with_a_note_is_saved_without_a_value(reporter, plan):
    [actual] = save(reporter, row(plan, 20), not_carried_out=True, note="本年度无商标质押业务")
    assert actual.not_carried_out and actual.value is None and actual.is_reported


def test_the_database_refuses_a_negative_value_even_past_the_forms(reporter, plan):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Actual.objects.create(indicator=row(plan, 1), year=2024, value=Decimal(-1))


def test_the_database_refuses_a_second_actual_for_the_same_year(plan):
    from django.db import IntegrityError, transaction

    Actual.objects.create(indicator=row(plan, 1), year=2024, value=Decimal(1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Actual.objects.create(indicator=row(plan, 1), year=2024, value=Decimal(2))

"""A small, known set of actuals for the Excel tests (created directly, not through demo_data).

As of 2024 the rows below give (table order → status): 1 已达标 (pending), 2 滞后, 7 滞后 (draft),
9 倒退 (gxj draft), 19 需加快 (pair, returned), 20 不考核 (未开展), 21 不考核 (draft),
23 已达标 (cumulative), 26 正常; every other row is 未填报.
"""

from decimal import Decimal

from indicators.models import Actual, ActualStatus, Indicator

A, S, D, R = ActualStatus.APPROVED, ActualStatus.SUBMITTED, ActualStatus.DRAFT, ActualStatus.RETURNED

# order, year, value, count, status, note, not carried out
FIGURES = [
    (1, 2022, "4", None, A, "", False),
    (1, 2023, "5", None, A, "", False),
    (1, 2024, "6", None, S, "", False),
    (1, 2025, "7", None, D, "", False),  # after the as-of year: must not appear as of 2024
    (2, 2024, "95.5", None, A, "-2", False),
    (7, 2024, "3", None, D, "=1+1", False),
    (9, 2024, "8", None, D, "@SUM(A1)", False),
    (19, 2022, "3500", "4", A, "", False),
    (19, 2023, "4000", "5", A, "", False),
    (19, 2024, "5000", "8", R, "+3", False),
    (20, 2024, None, None, A, "当年未开展商标质押业务", False),
    (21, 2024, "100", "1", D, "", False),
    (23, 2022, "1", None, A, "", False),
    (23, 2024, "1", None, A, "", False),
    (26, 2024, "28", None, A, "", False),
]
# Row 20 is 未开展 in 2024.
NOT_CARRIED_OUT = {(20, 2024)}

EXPECTED_STATUS_2024 = {1: "已达标", 2: "滞后", 7: "滞后", 9: "倒退", 19: "需加快", 20: "不考核", 21: "不考核", 23: "已达标", 26: "正常"}


def make_figures(plan):
    indicators = {i.order: i for i in Indicator.objects.filter(plan=plan)}
    made = {}
    for order, year, value, count, status, note, _flag in FIGURES:
        made[(order, year)] = Actual.objects.create(
            indicator=indicators[order],
            year=year,
            value=Decimal(value) if value is not None else None,
            second_value=Decimal(count) if count is not None else None,
            not_carried_out=(order, year) in NOT_CARRIED_OUT,
            note=note,
            status=status,
        )
    return made


# The assessment workbook shows submitted and approved figures only.  ``put_forward`` submits
# rows 7, 9 and 19 so that the workbook tests see every status; row 21 stays a draft, absent.
PUT_FORWARD = ((7, 2024), (9, 2024), (19, 2024))
EXPECTED_IN_WORKBOOK_2024 = {**EXPECTED_STATUS_2024, 21: "未填报"}


def put_forward(made):
    Actual.objects.filter(pk__in=[made[key].pk for key in PUT_FORWARD]).update(status=S)
    return made

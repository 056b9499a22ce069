"""Building actuals for dashboard tests without the demo data (``indicators.sizing`` grows plans)."""

from decimal import Decimal

from django.db.models import Max

from indicators.models import Actual, ActualStatus, Indicator


def indicator(plan, order):
    return Indicator.objects.get(plan=plan, order=order)


def report(plan, order, year, value=None, second=None, *, status=ActualStatus.APPROVED, note="", not_carried_out=False, by=None):
    """Create (or replace) the actual of table row ``order`` for ``year``; values may be given as text."""
    row = indicator(plan, order)
    Actual.objects.filter(indicator=row, year=year).delete()
    return Actual.objects.create(
        indicator=row,
        year=year,
        value=None if value is None else Decimal(str(value)),
        second_value=None if second is None else Decimal(str(second)),
        not_carried_out=not_carried_out,
        status=status,
        note=note,
        entered_by=by,
    )


# Row order -> (2022 value, 2023 value): statuses spread over the scale for the tests.
SAMPLE = {
    1: (6, 5),  # 3 -> 6 cases: achieved in 2022
    2: (95.5, 95.3),  # rate 95.26% -> 96%
    7: (4, 5),  # stock 2 -> 10
    9: (10, 9),  # 9 -> 20 a year: behind / deteriorating
    10: (3, 3),  # 2 -> 4
    19: ((3500, 4), (4200, 5)),  # pair 2868/2 -> 6000/10
    23: (1, 0),  # cumulative 0 -> 2
    26: (21, 23),  # stock 19 -> 30
}


def report_sample(plan, years=(2022, 2023), status=ActualStatus.APPROVED):
    """Approved figures for a handful of rows in 2022 and 2023."""
    created = []
    for order, per_year in SAMPLE.items():
        for year, value in zip((2022, 2023), per_year):
            if year not in years:
                continue
            amount, second = value if isinstance(value, tuple) else (value, None)
            created.append(report(plan, order, year, amount, second, status=status))
    return created


def latest_year(plan):
    return Actual.objects.filter(indicator__plan=plan).aggregate(latest=Max("year"))["latest"]

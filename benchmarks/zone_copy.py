"""A copy of a zone's plan as another organisation's, for the benchmark's province and the load test's second zone.

The copy has its own departments (the same codes: codes are per organisation), the plan under its own number with
its indicators, co-operation, yearly targets, deadlines and figures; optionally the zone's accounts too
(``<organisation code>-<username>``, their roles kept) with the figures' people mapped onto them.
"""

from __future__ import annotations


def copy_row(obj, **changes):
    """An unsaved copy of ``obj`` (its loaded columns but the key), with ``changes`` by attribute name (``plan_id=…``)."""
    fields = {name: value for name, value in vars(obj).items() if not name.startswith("_") and name != "id"}
    return type(obj)(**{**fields, **changes})


def copy_zone(plan, organisation, *, code: str, title: str, issuer: str | None = None, department_names=None,
              value=None, accounts: bool = False):
    """``plan`` copied into ``organisation`` as the plan numbered ``code``; returns the copy.

    ``department_names(n, department)`` names the n-th department's copy (default: the same name);
    ``value(actual)`` gives a copied figure's (value, second_value) (default: the same); ``accounts`` copies the
    zone's accounts and keeps who entered, submitted and reviewed each figure (else nobody).  Call it in a transaction.
    """
    from django.contrib.auth.models import Group

    from indicators.models import (Actual, CooperatingDepartment, Department, Indicator, ReportingDeadline, User,
                                   YearlyTarget)

    zone = plan.organisation_id
    departments = list(Department.objects.filter(organisation_id=zone).order_by("order", "code"))
    copies = Department.objects.bulk_create([
        copy_row(d, organisation_id=organisation.pk, name=department_names(n, d) if department_names else d.name)
        for n, d in enumerate(departments, 1)])
    department = {old.pk: new.pk for old, new in zip(departments, copies, strict=True)}
    person = {}
    if accounts:
        users = list(User.objects.filter(organisation_id=zone, is_superuser=False).prefetch_related("groups"))
        made = User.objects.bulk_create([
            copy_row(u, organisation_id=organisation.pk, username=f"{organisation.code}-{u.username}", email="",
                     department_id=department.get(u.department_id)) for u in users])
        person = {old.pk: new.pk for old, new in zip(users, made, strict=True)}
        Group.user_set.through.objects.bulk_create([
            Group.user_set.through(user_id=person[u.pk], group_id=g.pk) for u in users for g in u.groups.all()])
    copy = copy_row(plan, organisation_id=organisation.pk, code=code, title=title, issuer=issuer or plan.issuer,
                    status_changed_by_id=None)
    copy.save()
    indicators = list(plan.indicators.all())
    made = Indicator.objects.bulk_create([
        copy_row(i, plan_id=copy.pk, lead_department_id=department[i.lead_department_id], predecessor_id=None) for i in indicators])
    row = {old.pk: new.pk for old, new in zip(indicators, made, strict=True)}
    CooperatingDepartment.objects.bulk_create([
        copy_row(link, indicator_id=row[link.indicator_id], department_id=department[link.department_id])
        for link in CooperatingDepartment.objects.filter(indicator__plan=plan)])
    YearlyTarget.objects.bulk_create([copy_row(t, indicator_id=row[t.indicator_id]) for t in YearlyTarget.objects.filter(indicator__plan=plan)])
    ReportingDeadline.objects.bulk_create([copy_row(d, plan_id=copy.pk) for d in ReportingDeadline.objects.filter(plan=plan)])
    figures = []
    for actual in Actual.objects.filter(indicator__plan=plan):
        amount, count = value(actual) if value else (actual.value, actual.second_value)
        figures.append(copy_row(actual, indicator_id=row[actual.indicator_id], value=amount, second_value=count,
                                entered_by_id=person.get(actual.entered_by_id), submitted_by_id=person.get(actual.submitted_by_id),
                                reviewed_by_id=person.get(actual.reviewed_by_id)))
    Actual.objects.bulk_create(figures)
    return copy

"""Who may see which figures (DESIGN §1).

Reviewers, leaders and administrators read everything.  A reporter reads every
figure of the indicators their department leads, and of other departments only
what has left the drafting stage (submitted or approved): never another
department's drafts, returned figures, notes or evidence.
"""

from django.db.models import Q

from indicators.models import Actual, ActualStatus, Indicator

PUBLISHED_STATUSES = (ActualStatus.SUBMITTED, ActualStatus.APPROVED)


def visible_actuals(user, queryset=None):
    queryset = Actual.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if user.sees_everything:
        return queryset
    if user.department_id is None:
        return queryset.filter(status__in=PUBLISHED_STATUSES)
    return queryset.filter(Q(indicator__lead_department_id=user.department_id) | Q(status__in=PUBLISHED_STATUSES))


def can_view_actual(user, actual) -> bool:
    if not user.is_authenticated:
        return False
    if user.sees_everything:
        return True
    if user.department_id is not None and actual.indicator.lead_department_id == user.department_id:
        return True
    return actual.status in PUBLISHED_STATUSES


def entry_indicators(user, plan=None):
    """The indicators whose figures ``user`` enters: their department's lead indicators (all for administrators)."""
    queryset = Indicator.objects.all() if plan is None else plan.indicators.all()
    if user.is_administrator:
        return queryset
    if user.is_reporter:
        return queryset.filter(lead_department_id=user.department_id)
    return queryset.none()

"""Two login limits on django-axes' records (docs/operations-security.md): per account at an address, and per address.

``AXES_FAILURE_LIMIT`` (5) failures for one username from one address lock that username there;
``AXES_ADDRESS_FAILURE_LIMIT`` (30) failures from one address, whatever the usernames, lock the address for
every account.  Both through axes' documented callable ``AXES_LOCKOUT_PARAMETERS`` (``lockout_parameters``):
the address alone once it has reached its limit (its failures are then at least ``AXES_FAILURE_LIMIT``, so axes
locks), else username and address.  Cool-off, client address, reset on success and unlocking stay axes' own.
"""

from __future__ import annotations

from collections.abc import Iterable

from axes.models import AccessAttempt, AccessBase
from django.conf import settings
from django.db.models import OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone


def lockout_parameters(request_or_attempt, credentials=None) -> list:
    """``AXES_LOCKOUT_PARAMETERS``: the address alone once it has reached its limit, else username and address."""
    if isinstance(request_or_attempt, AccessBase):
        address = request_or_attempt.ip_address
    else:
        address = getattr(request_or_attempt, "axes_ip_address", None)
    if address and address_failures(address) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
        return ["ip_address"]
    return [["username", "ip_address"]]


def still_counted() -> Q:
    """The attempts axes still counts: those whose last failure is within the cool-off."""
    if settings.AXES_COOLOFF_TIME is None:
        return Q()
    return Q(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)


def address_failures(address: str) -> int:
    """Failed logins from ``address`` that still count, whatever the usernames."""
    found = AccessAttempt.objects.filter(still_counted(), ip_address=address).aggregate(total=Sum("failures_since_start"))
    return found["total"] or 0


def locked_addresses(addresses: Iterable[str]) -> set[str]:
    """Those of ``addresses`` that have reached ``AXES_ADDRESS_FAILURE_LIMIT``."""
    rows = (
        AccessAttempt.objects.filter(still_counted(), ip_address__in=set(addresses))
        .values("ip_address")
        .annotate(total=Sum("failures_since_start"))
        .filter(total__gte=settings.AXES_ADDRESS_FAILURE_LIMIT)
    )
    return {row["ip_address"] for row in rows}


def with_address_failures(attempts):
    """``attempts`` annotated with ``address_failures``: the failures that count from each row's address."""
    per_address = (
        AccessAttempt.objects.filter(still_counted(), ip_address=OuterRef("ip_address"))
        .order_by()
        .values("ip_address")
        .annotate(total=Sum("failures_since_start"))
        .values("total")
    )
    return attempts.annotate(address_failures=Coalesce(Subquery(per_address), 0))


def unlock(attempts) -> int:
    """Forget ``attempts`` (a queryset) and every attempt from those of their addresses that reached the address
    limit: that unlocks an account at an address and an address.  How many attempts were forgotten."""
    selected = list(attempts.values_list("pk", "ip_address"))
    addresses = locked_addresses(address for _pk, address in selected)
    forgotten = AccessAttempt.objects.filter(Q(pk__in=[pk for pk, _address in selected]) | Q(ip_address__in=addresses))
    count = forgotten.count()
    forgotten.delete()
    return count

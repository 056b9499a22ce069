"""Which plan, year and department a request means: one answer for every page.

An id or year that is not plain ASCII digits of a sane length never reaches ``int()`` or the database;
an unknown plan or department is a 404; a ``?year=`` outside the plan falls back to the default with a
notice, a year in the path outside the plan is a 404.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db.models import Max, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import Department, Organisation, Plan, PlanStatus
from indicators.permissions import MANAGE, can, entry_department

SHANGHAI = ZoneInfo("Asia/Shanghai")
ID_DIGITS = 18  # larger numbers overflow the database's bigint
YEAR_DIGITS = 4
PAGE_DIGITS = 6


def shanghai_today() -> date:
    """Today in the zone's time: deadlines fall on Chinese calendar days whatever the server's zone."""
    return timezone.localdate(timezone=SHANGHAI)


def _digits(text, max_digits: int) -> int | None:
    text = (text or "").strip()
    if not text or len(text) > max_digits or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


def parse_id(text) -> int | None:
    """A database id as typed in a URL: 1–18 ASCII digits, else None."""
    return _digits(text, ID_DIGITS) or None


def parse_year(text) -> int | None:
    """A year as typed in a URL: four ASCII digits, else None."""
    number = _digits(text, YEAR_DIGITS)
    return number if number and number >= 1000 else None


def parse_page(text) -> int:
    """``?page=`` as a positive number; anything else is page 1 (paginators clamp the top)."""
    return _digits(text, PAGE_DIGITS) or 1


def param(request, name: str) -> str:
    """A parameter from the query string, or from the form on a POST."""
    return request.GET.get(name) or (request.POST.get(name) if request.method == "POST" else None) or ""


class IdConverter:
    """``<id:pk>`` in URL patterns: 1–18 digits, so a number too large for the database never reaches a query."""

    regex = f"[0-9]{{1,{ID_DIGITS}}}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(int(value))


class YearConverter(IdConverter):
    """``<year:year>``: exactly four digits."""

    regex = "[0-9]{4}"

    def to_url(self, value):
        return f"{int(value):04d}"


def visible_plans(user) -> list[Plan]:
    """The plans ``user`` may choose from (``Plan.objects.visible_to``): their own organisation's first, then
    those below it; latest issued first."""
    plans = list(Plan.objects.visible_to(user).select_related("organisation").prefetch_related("deadlines"))
    own = getattr(user, "organisation_id", None)
    return sorted(plans, key=lambda plan: plan.organisation_id != own)


def current_reporting_year(today: date | None = None) -> int:
    """The year whose figures are being reported now: last calendar year."""
    return (today or shanghai_today()).year - 1


def default_plan(plans: list[Plan], year: int | None = None, *, today: date | None = None) -> Plan | None:
    """The plan a page shows when none was asked for (docs/design.md, "The plan's life"): one of the first
    organisation's ``plans`` (one's own, as ``visible_plans`` sorts them) if it has one, else of any.

    The plan in force, else the closed one, that contains ``year`` (default: the year being reported now);
    without a ``year`` asked for, then the newest plan in force, else closed.  A draft is never a default.
    """
    wanted = year if year is not None else current_reporting_year(today)
    first = plans[0].organisation_id if plans else None
    for candidates in ([plan for plan in plans if plan.organisation_id == first], plans):
        settled = [plan for status in (PlanStatus.ACTIVE, PlanStatus.CLOSED) for plan in candidates if plan.status == status]
        found = next((plan for plan in settled if plan.contains_year(wanted)), None)
        found = found if found is not None or year is not None else next(iter(settled), None)
        if found is not None:
            return found
    return None


def choose_plan(request, plans: list[Plan] | None = None, *, year: int | None = None) -> Plan:
    """``?plan=<id>`` (404 when it is not a plan the user may see, or does not contain ``year``), else ``default_plan``."""
    plans = visible_plans(request.user) if plans is None else plans
    wanted = param(request, "plan")
    if wanted:
        pk = parse_id(wanted)
        plan = next((p for p in plans if p.pk == pk), None)
        if plan is None:
            raise Http404(_("There is no plan with the number “%(plan)s”.") % {"plan": wanted[:20]})
    else:
        plan = default_plan(plans, year)
        if plan is None:
            raise Http404(_("No plan covers the year %(year)s.") % {"year": year} if year else _("No plan has been loaded."))
    if year is not None and not plan.contains_year(year):
        raise Http404(_("%(year)s is not a year of %(plan)s.") % {"year": year, "plan": plan.code})
    return plan


def command_organisation(code: str | None) -> Organisation | None:
    """The organisation of a command's ``--organisation CODE`` (None when not given); ``ValueError`` names those there are."""
    if not code:
        return None
    found = Organisation.objects.filter(code=code.strip()).first()
    if found is None:
        known = ", ".join(Organisation.objects.values_list("code", flat=True)) or "none"
        raise ValueError(f"No organisation {code!r}. Known organisations: {known}.")
    return found


def command_plans(organisation: Organisation | None):
    """The plans a command chooses from: the organisation's; without ``--organisation``, all, when they are one organisation's."""
    if organisation is not None:
        return Plan.objects.filter(organisation=organisation)
    if Plan.objects.values("organisation").distinct().count() > 1:
        raise ValueError("Plans of several organisations are here: name one with --organisation CODE.")
    return Plan.objects.all()


def plan_by_code(code: str, organisation: Organisation | None = None) -> Plan:
    """The plan numbered ``code`` (of ``organisation``); ``ValueError`` names the plans there are (in English, for commands)."""
    plans = Plan.objects.filter(organisation=organisation) if organisation is not None else Plan.objects.all()
    found = list(plans.filter(code=code)[:2])
    if len(found) > 1:
        raise ValueError(f"Several organisations have a plan {code!r}: name one with --organisation CODE.")
    if not found:
        known = ", ".join(plans.values_list("code", flat=True)) or "none"
        raise ValueError(f"No plan {code!r}. Known plans: {known}.")
    return found[0]


def command_plan(code: str | None, year: int, organisation: Organisation | None = None) -> Plan:
    """The plan of a command's ``--plan CODE --year Y [--organisation O]``; ``ValueError`` says what is wrong (in English)."""
    if code:
        plan = plan_by_code(code, organisation)
        if not plan.contains_year(year):
            raise ValueError(f"{year} is outside {plan.code} ({plan.first_year}–{plan.last_year}).")
        return plan
    plan = default_plan(list(command_plans(organisation)), year)
    if plan is None:
        raise ValueError(f"No plan covers {year}. Load one first (manage.py loaddata plan_2022_2025).")
    return plan


def reporting_year(plan: Plan, today: date | None = None) -> int:
    """The year being reported now, kept inside the plan."""
    return min(max(current_reporting_year(today), plan.first_year), plan.last_year)


def latest_reported_year(plan: Plan, figures) -> int | None:
    """The latest plan year with any value among ``figures`` (the reader's ``Actual``s), or None."""
    reported = Q(value__isnull=False) | Q(not_carried_out=True)
    found = figures.filter(indicator__plan=plan, year__gte=plan.first_year, year__lte=plan.last_year).filter(reported)
    return found.aggregate(latest=Max("year"))["latest"]


def default_year(plan: Plan, figures, *, today: date | None = None) -> int:
    """The as-of year a dashboard opens on: the latest reported year, else the year being reported now."""
    latest = latest_reported_year(plan, figures)
    return latest if latest is not None else reporting_year(plan, today)


def choose_year(request, plan: Plan, default) -> tuple[int, str]:
    """``?year=`` when it is a year of the plan, else ``default()`` and a notice saying why."""
    wanted = request.GET.get("year", "").strip()
    if not wanted:
        return default(), ""
    year = parse_year(wanted)
    if year is not None and plan.contains_year(year):
        return year, ""
    fallback = default()
    notice = _("“%(year)s” is not a year of this plan (%(first)s–%(last)s); showing %(shown)s.") % {
        "year": wanted[:10], "first": plan.first_year, "last": plan.last_year, "shown": fallback}
    return fallback, notice


def requested_department(request, plan: Plan | None = None) -> Department | None:
    """``?department=<code>`` of ``plan``'s organisation, else of the user's (404 when there is no such department), or None."""
    code = param(request, "department").strip()
    if not code:
        return None
    organisation = plan.organisation_id if plan is not None else request.user.organisation_id
    departments = Department.objects.visible_to(request.user).filter(organisation=organisation)
    department = departments.filter(code=code[:32]).first() if code.isascii() else None
    if department is None:
        raise Http404(_("There is no department “%(code)s”.") % {"code": code[:32]})
    return department


def choose_entry_department(request, user, plan: Plan | None = None) -> Department:
    """The department whose figures are entered on this page (see ``permissions.entry_department``)."""
    requested = requested_department(request, plan) if can(user, MANAGE) else None
    department = entry_department(user, requested, plan)
    if department is None:
        raise PermissionDenied
    return department

"""The reporting season's pages (docs/design.md §3): 我的待办 (``/my/``), where login lands reporters and
reviewers (``indicators.todo``), and the review desk (``/review/<year>/``), whose bulk approval posts each
figure's id and the version shown.  Writes go through ``workflow``; both pages cost a fixed number of queries
whatever the plan's size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from indicators import formatting, plausibility, selection, workflow
from indicators.contributions import beside
from indicators.models import Actual, ActualStatus, Department, Evidence
from indicators.notices import delivery_problems
from indicators.permissions import APPROVE, CONTRIBUTE, REVIEW, can, organisation_reviewed, refusal, writes_figures
from indicators.issued import marks
from indicators.rows import IndicatorRow, build_rows
from indicators.selection import choose_plan, parse_id, parse_page, reporting_year, requested_department
from indicators.todo import cooperation, lands_on_queue, reporting_years, reports, waiting_for_review

WAITING_SHOWN = 50  # department-years listed for a reviewer; the real plan has at most 5 × 4


class LoginView(auth_views.LoginView):
    """Django's login; afterwards reporters and reviewers land on 我的待办, everyone else on the overview
    (``?next=`` still wins: ``LoginView.get_success_url`` asks for it first)."""

    def get_default_redirect_url(self):
        if lands_on_queue(self.request.user):
            return reverse("my_queue")
        return super().get_default_redirect_url()


@login_required
def my_queue(request):
    user = request.user
    today = selection.shanghai_today()
    years = []
    reporting = reports(user)
    if reporting:
        years = reporting_years([user.department_id], today=today, organisation_id=user.organisation_id).get(user.department_id, [])
        for item in years:
            item.url = reverse("admin:indicators_actual_year", args=[item.year]) + f"?plan={item.plan.pk}"
    cooperating = cooperation(user.department_id, user.organisation_id, today) if reporting and can(user, CONTRIBUTE) else []
    for item in cooperating:
        item.url = reverse("contributions", args=[item.year]) + f"?plan={item.plan.pk}"
    reviewing = can(user, REVIEW)
    waiting, more = [], []
    if reviewing:
        found = waiting_for_review(organisation_reviewed(user))
        # The longest-waiting first; a long tail (a plan of thousands of indicators) is summed, not listed.
        found, more = found[:WAITING_SHOWN], found[WAITING_SHOWN:]
        for item in found:
            oldest = item.oldest_date
            waiting.append({"item": item, "oldest": oldest, "days": (today - oldest).days if oldest else None, "url": item.desk_url})
    context = {
        "today": today,
        "reporting": reporting,
        "department": user.department if reporting else None,
        "years": years,
        "open_years": [item for item in years if item.open],
        "several_plans": len({item.plan.pk for item in [*years, *cooperating]}) > 1,
        "cooperating": cooperating,
        "reviewing": reviewing,
        "waiting": waiting,
        "waiting_total": sum(row["item"].count for row in waiting) + sum(item.count for item in more),
        "more_groups": len(more),
        "more_figures": sum(item.count for item in more),
        "several_review_plans": len({row["item"].plan_id for row in waiting}) > 1,
    }
    return render(request, "season/my.html", context)


DESK_ROWS = 50  # figures a page: the whole real plan (29 indicators) fits on one


@dataclass
class DeskRow:
    actual: Actual
    row: IndicatorRow
    value: str
    target: str
    last_year: str
    last_year_label: str
    last_year_pending: bool
    flags: list[str]
    evidence: list[Evidence] = field(default_factory=list)
    not_approvable: str | None = None  # why this reviewer may not approve it (four eyes), for the row
    beside: object = None  # the co-operating departments' contributions (indicators.contributions.Beside)
    issued: object = None  # the issued document that carried an earlier version of this figure

    @property
    def submitter(self) -> str:
        return formatting.person(self.actual.submitted_by) or "—"


@dataclass
class DeskGroup:
    department: Department
    rows: list[DeskRow] = field(default_factory=list)

    @property
    def seen(self) -> list[str]:
        """What the bulk approval posts: each figure's id and the version the page showed."""
        return [f"{r.actual.pk}:{r.actual.version}" for r in self.rows]


def _desk_row(actual: Actual, row: IndicatorRow, year: int, plan) -> DeskRow:
    indicator = row.indicator
    units = indicator.units
    previous = row.cells.get(year - 1)
    if previous is None:  # the plan's first year: last year is the baseline year
        last_text, label, pending = indicator.baseline_printed, _("Baseline %(year)s") % {"year": plan.baseline_year}, False
        last_value = None
    else:
        record = previous.actual if previous.reported else None
        last_value = record.year_value if record is not None else None
        last_text = formatting.figure_of(record, indicator, units=True)
        label, pending = str(year - 1), previous.pending
    flags = [flag.message for flag in plausibility.check(row.spec, units, year, actual.year_value, last_value)]
    if actual.outlier_confirmed:
        flags.append(_("The reporter confirmed this value despite a plausibility warning."))
    return DeskRow(actual=actual, row=row, value=formatting.figure_of(actual, indicator, units=True),
                   target=formatting.printed(row.current.target, units), last_year=last_text, last_year_label=label,
                   last_year_pending=pending, flags=flags)


def _groups(plan, year, user, department, page_number):
    """The page's submitted figures (at most ``DESK_ROWS``: a plan of any size costs the same few queries) grouped
    by lead department, and the page; a department's bulk approval covers the figures shown."""
    submitted = Actual.objects.filter(indicator__plan=plan, year=year, status=ActualStatus.SUBMITTED)
    if department is not None:
        submitted = submitted.filter(indicator__lead_department=department)
    ordered = submitted.select_related("indicator", "submitted_by").order_by(
        "indicator__lead_department__order", "indicator__lead_department__code", "indicator__order", "pk"
    )
    page = Paginator(ordered, DESK_ROWS).get_page(page_number)
    actuals = list(page.object_list)
    if not actuals:
        return [], page
    figures = Actual.objects.visible_to(user)
    rows = {row.indicator.pk: row for row in build_rows(plan, year, figures, indicator_ids=[a.indicator_id for a in actuals])}
    files: dict[int, list[Evidence]] = {}
    for item in Evidence.objects.filter(actual__in=[a.pk for a in actuals]).order_by("uploaded_at", "pk"):
        files.setdefault(item.actual_id, []).append(item)
    besides = beside(user, [a.indicator_id for a in actuals], year)
    for actual in actuals:
        actual.indicator = rows[actual.indicator_id].indicator
    changed = marks(actuals)
    groups: dict[int, DeskGroup] = {}
    for actual in actuals:
        row = rows[actual.indicator_id]
        desk_row = _desk_row(actual, row, year, plan)
        desk_row.evidence = files.get(actual.pk, [])
        desk_row.not_approvable = refusal(user, APPROVE, actual)
        desk_row.beside = besides.get(actual.indicator_id)
        desk_row.issued = changed.get(actual.pk)
        lead = row.lead_department
        groups.setdefault(lead.pk, DeskGroup(lead)).rows.append(desk_row)
    return list(groups.values()), page


@login_required
def review_default(request):
    """``/review/``: the desk of the year being reported now."""
    if not can(request.user, REVIEW):
        raise PermissionDenied
    plan = choose_plan(request)
    return redirect(reverse("review_desk", args=[reporting_year(plan)]) + f"?plan={plan.pk}")


@login_required
def review_desk(request, year):
    user = request.user
    if not can(user, REVIEW):
        raise PermissionDenied
    plan = choose_plan(request, year=year)
    department = requested_department(request, plan)
    if request.method == "POST":
        _act(request, plan, year)
        return HttpResponseRedirect(next_url(request, request.get_full_path()))
    groups, page = _groups(plan, year, user, department, parse_page(request.GET.get("page")))
    waiting = Actual.objects.filter(indicator__plan=plan, status=ActualStatus.SUBMITTED).order_by().values_list("year")
    waiting_years = dict(waiting.annotate(count=Count("pk")))
    elsewhere = plan.organisation if not writes_figures(user, plan.organisation_id) else None  # a parent reads, never reviews
    context = {
        "plan": plan,
        "frozen": not plan.asks_for_figures or elsewhere,
        "elsewhere": elsewhere,
        "year": year,
        "department": department,
        "groups": groups,
        "total": page.paginator.count,
        "page": page,
        "action": request.get_full_path(),  # every form posts back here, and comes back to this page
        "page_links": list(page.paginator.get_elided_page_range(page.number)) if page.paginator.num_pages > 1 else [],
        "ellipsis": Paginator.ELLIPSIS,
        "years": [(y, waiting_years.get(y, 0)) for y in plan.years],
        "query": f"plan={plan.pk}" + (f"&department={department.code}" if department else ""),
    }
    return render(request, "season/review.html", context)


def next_url(request, default: str) -> str:
    """Back where the person acted: the posted ``next`` when it is ours (never another site), else ``default``."""
    wanted = request.POST.get("next", "")
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    return default


def _seen(values) -> dict[int, int] | None:
    """``["12:3", …]`` -> ``{12: 3}``; None when any item is not ``<id>:<version>`` in plain digits."""
    seen = {}
    for value in values:
        pk, _sep, version = str(value).partition(":")
        pk, version = parse_id(pk), parse_id(version)
        if pk is None or version is None:
            return None
        seen[pk] = version
    return seen


def _act(request, plan, year):
    action = request.POST.get("action", "")
    user = request.user
    if action in ("approve", "approve_all"):
        values = request.POST.getlist("figure") if action == "approve_all" else [request.POST.get("figure", "")]
        seen = _seen(values)
        if not seen:
            messages.error(request, _("The form did not say which figures you saw. Reload the page and try again."))
            return
        try:
            approved, skipped = workflow.approve_unchanged(user, seen, plan=plan, year=year)
        except workflow.WorkflowError as exc:
            messages.error(request, " ".join(exc.messages))
            return
        if approved:
            messages.success(request, ngettext("Approved %(count)d figure.", "Approved %(count)d figures.", len(approved))
                             % {"count": len(approved)})
        if skipped:
            messages.warning(request, _("Not approved: %(figures)s") % {"figures": "；".join(str(problem) for problem in skipped)})
        return
    if action == "return":
        seen = _seen([request.POST.get("figure", "")])
        figures = Actual.objects.select_related("indicator__plan", "submitted_by", "entered_by")
        actual = figures.filter(pk__in=list(seen), indicator__plan=plan, year=year).first() if seen else None
        if actual is None:
            messages.error(request, _("This figure was deleted by someone else. Reload the page."))
            return
        actual.version = seen[actual.pk]  # the version the page showed: a figure changed since is refused
        try:
            result = workflow.return_with_notice(user, [actual], request.POST.get("reason", ""))
        except workflow.WorkflowError as exc:
            messages.error(request, _("Not returned: %(problems)s") % {"problems": "；".join(exc.messages)})
            return
        messages.success(request, _("Returned “%(indicator)s” (%(year)s) to the department.")
                         % {"indicator": actual.indicator.name, "year": actual.year})
        for problem in delivery_problems(result.delivery):
            messages.warning(request, problem)
        return
    messages.error(request, _("Unknown action."))

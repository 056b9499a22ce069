"""我的待办 (``/my/``): what waits for the signed-in person, and the login that lands them there.

A reporter sees each open plan year of their department — to fill, drafts, returned (with the
reason and who returned it), submitted, approved, days to the deadline — with one button to the
year page.  A reviewer sees the submitted figures per department and year, the longest-waiting
first, each with a link to the review desk.  A fixed number of queries whatever the plan's size
(``indicators.queue``).
"""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from indicators.permissions import ENTER, REVIEW, can
from indicators.queue import lands_on_queue, reporting_years, waiting_for_review
from indicators import selection
from indicators.selection import SHANGHAI


WAITING_SHOWN = 50  # department-years listed for a reviewer; the real plan has at most 5 × 4


class LoginView(auth_views.LoginView):
    """Django's login; afterwards reporters and reviewers land on 我的待办, everyone else on the overview.

    ``?next=`` still wins (``LoginView.get_success_url`` asks for it first).
    """

    def get_default_redirect_url(self):
        if lands_on_queue(self.request.user):
            return reverse("my_queue")
        return super().get_default_redirect_url()


@login_required
def my_queue(request):
    user = request.user
    today = selection.shanghai_today()
    years = []
    reporting = can(user, ENTER) and user.department_id is not None
    if reporting:
        years = reporting_years([user.department_id], today=today).get(user.department_id, [])
        for item in years:
            item.url = reverse("admin:indicators_actual_year", args=[item.year]) + f"?plan={item.plan.pk}"
    reviewing = can(user, REVIEW)
    waiting, more = [], []
    if reviewing:
        found = waiting_for_review()
        # The longest-waiting first; a long tail (a plan of thousands of indicators) is summed, not listed.
        found, more = found[:WAITING_SHOWN], found[WAITING_SHOWN:]
        for item in found:
            oldest = timezone.localtime(item.oldest, SHANGHAI).date() if item.oldest else None
            waiting.append(
                {
                    "item": item,
                    "oldest": oldest,
                    "days": (today - oldest).days if oldest else None,
                    "url": reverse("review_desk", args=[item.year]) + f"?plan={item.plan_id}&department={item.department_code}",
                }
            )
    context = {
        "today": today,
        "reporting": reporting,
        "department": user.department if reporting else None,
        "years": years,
        "open_years": [item for item in years if item.open],
        "several_plans": len({item.plan.pk for item in years}) > 1,
        "reviewing": reviewing,
        "waiting": waiting,
        "waiting_total": sum(row["item"].count for row in waiting) + sum(item.count for item in more),
        "more_groups": len(more),
        "more_figures": sum(item.count for item in more),
        "several_review_plans": len({row["item"].plan_id for row in waiting}) > 1,
    }
    return render(request, "queue/my.html", context)
